//! The engine in the browser: every golden case of tests/engine/hashes.rs gives the same trace
//! hash in wasm as natively (the constants are shared), and the 100,000-request load scenarios
//! are timed with `performance.now()` (printed, never asserted; run with `--release` for figures).
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[path = "../engine/hashes.rs"]
mod hashes;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

#[wasm_bindgen_test]
fn trace_hashes_match_native() {
    let mut bad = Vec::new();
    for &(name, want) in hashes::EXPECTED {
        let got = hashes::run_case(name).hash();
        if got != want {
            bad.push(format!("{name}: wasm {got:#018x}, native {want:#018x}"));
        }
    }
    assert!(
        bad.is_empty(),
        "wasm traces differ from native:\n{}",
        bad.join("\n")
    );
}

/// A benchmark, not a test: prints the median of 5 runs of each 100,000-request scenario.
#[wasm_bindgen_test]
fn load_100k_timing() {
    for (label, pool) in [("thread_per_request", true), ("event_loop_server", false)] {
        let s = hashes::load_100k(pool);
        let mut times = Vec::new();
        let mut events = 0;
        for _ in 0..5 {
            let t0 = now_ms();
            let tr = await_and_see::scenario::run(&s).expect("valid");
            times.push(now_ms() - t0);
            events = tr.events.len();
        }
        times.sort_by(|a, b| a.total_cmp(b));
        console_log!(
            "wasm {label}, 100,000 requests: median {:.1} ms (min {:.1}, max {:.1}) over 5 runs, {events} events",
            times[2],
            times[0],
            times[4]
        );
    }
}
