//! Scenarios as data (placeholder; see issue 2).

pub mod lessons;
