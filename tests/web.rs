//! Browser tests: wasm-bindgen-test in headless Chromium. `cargo xtask test` runs them as
//! `cargo test --target wasm32-unknown-unknown --test web` (runner and browser flags in
//! .cargo/config.toml and webdriver.json). One file per area under tests/web/: add a `#[path]` +
//! `mod` line for it here (this file is a crate root in tests/, so the path names the folder).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "web/a11y.rs"]
mod a11y;
#[path = "web/backpressure.rs"]
mod backpressure;
#[path = "web/code.rs"]
mod code;
#[path = "web/common.rs"]
mod common;
#[path = "web/engine.rs"]
mod engine;
#[path = "web/harness.rs"]
mod harness;
#[path = "web/load.rs"]
mod load;
#[path = "web/playback.rs"]
mod playback;
#[path = "web/ports.rs"]
mod ports;
#[path = "web/queries.rs"]
mod queries;
#[path = "web/shell.rs"]
mod shell;
#[path = "web/stepped.rs"]
mod stepped;
