//! The crash banner. Its DOM is built in plain JavaScript (`crash.js`, shipped as a wasm-bindgen
//! snippet) because it must work when the WebAssembly side is dead: after a Rust panic (the hook
//! below passes the message) and after a WebAssembly trap, which is how the size-tuned release
//! build ends a panic (`-Cpanic=immediate-abort`: no hook runs; `crash.js` catches the trap's
//! `WebAssembly.RuntimeError` as an uncaught error or rejection).
use wasm_bindgen::prelude::*;

/// Id of the banner element (only one is shown).
pub const BANNER_ID: &str = "panic-banner";

#[wasm_bindgen(module = "/src/app/shell/crash.js")]
extern "C" {
    #[wasm_bindgen(js_name = showCrashBanner)]
    fn show_crash_banner(message: &str);
    #[wasm_bindgen(js_name = installCrashBanner)]
    fn install_crash_banner();
}

/// Show the banner on a WebAssembly trap that reaches the page (idempotent).
pub fn listen_for_traps() {
    install_crash_banner();
}

/// Show the banner on a panic (with its message) or a trap.
pub fn install_panic_hook() {
    listen_for_traps();
    yew::set_custom_panic_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!("Await & See crashed: {msg}")));
        show_crash_banner(&msg);
    }));
}

/// Show a fixed, visible error banner with a Reload button (once; later calls do nothing).
pub fn show_banner(message: &str) {
    show_crash_banner(message);
}
