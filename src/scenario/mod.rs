//! Scenarios as data (placeholder; see issue 2).
