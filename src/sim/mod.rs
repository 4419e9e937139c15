//! The engine (placeholder; see issue 2).
