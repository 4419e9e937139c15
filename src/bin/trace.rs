//! The course authors' CLI (placeholder; see issue 2).
fn main() {}
