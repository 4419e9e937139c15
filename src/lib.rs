//! Await & See: every picture on the site is a replay of a trace from our own scheduler.
//!
//! The crate reads top to bottom as the pipeline it implements:
//!
//! ```text
//! scenario (data) -> sim (engine) -> trace -> figure (pure layout) -> app (yew SVG) | bin/trace (CLI)
//! ```
//!
//! * [`sim`]: the deterministic, virtual-time, single-threaded executor of real Rust futures.
//! * [`scenario`]: scenarios as data, and the built-in programs that reproduce the course notes.
//! * [`decimal`]: numbers shown and typed, without the float formatter (bundle size).
//! * [`figure`]: pure layout from a trace to a display list, rendered by the app and the CLI.
//! * `app` (wasm only): the yew single-page site.

pub mod decimal;
pub mod figure;
pub mod scenario;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod app;
