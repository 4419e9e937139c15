//! The browser entry point: panic hook, mount. Everything else lives in `app`.
#[cfg(target_arch = "wasm32")]
fn main() {
    await_and_see::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This binary is the browser app. Serve it with `cargo xtask serve`; the CLI is `cargo run --bin trace`.");
}
