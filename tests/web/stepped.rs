//! The two stepped pictures (`event-loop`, `coroutine`) in a real browser: the link carries the
//! step and reopens it (the step wins over `t`; a bad step is a notice), the state between two
//! decisions agrees with the time readout, and a run that takes no time shows no dead time bar.
use await_and_see::app::hooks::current_hash;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

use crate::common::{mount, settle, Mounted};
use crate::queries::{CoroutinePage, EventLoopPage};

/// A cancelable `keydown` of `key` on the element `sel` (as a keyboard user would press it).
fn keydown<C: BaseComponent>(m: &Mounted<C>, sel: &str, key: &str) {
    crate::common::press(&m.q(sel), key);
}

async fn next<C: BaseComponent>(m: &Mounted<C>, times: usize) {
    for _ in 0..times {
        m.click("button.step-next");
        settle().await;
    }
}

fn notices<C: BaseComponent>(m: &Mounted<C>) -> String {
    m.root
        .query_selector(".notices")
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Whether the figure's time bar is there and shown (not `display: none`).
fn time_bar_shown<C: BaseComponent>(m: &Mounted<C>) -> bool {
    let Some(bar) = m.root.query_selector(".playback").ok().flatten() else {
        return false;
    };
    let style = web_sys::window()
        .expect("window")
        .get_computed_style(&bar)
        .expect("style")
        .expect("a style");
    style.get_property_value("display").expect("display") != "none"
}

#[wasm_bindgen_test]
async fn event_loop_link_reopens_the_step_not_just_the_time() {
    let m = mount::<EventLoopPage>("#/embed/event-loop").await;
    next(&m, 12).await;
    assert_eq!(m.text(".step-pos"), "step 13 of 27");
    let svg = m.text("svg.viz");
    assert!(
        svg.contains("2 s: A is at the front of the ready queue"),
        "{svg}"
    );
    let link = current_hash();
    assert!(
        link.contains("event-loop.step=13") && link.contains("event-loop.t=2000"),
        "{link}"
    );
    drop(m);
    let m = mount::<EventLoopPage>(&link).await;
    assert_eq!(m.text(".step-pos"), "step 13 of 27");
    assert_eq!(m.text("svg.viz"), svg, "the same picture");
    assert_eq!(notices(&m), "");
    // Back to the first step: the link drops the step again.
    for _ in 0..12 {
        m.click("button.step-prev");
        settle().await;
    }
    assert!(!current_hash().contains("step="), "{}", current_hash());
}

#[wasm_bindgen_test]
async fn a_step_wins_over_a_time_outside_it() {
    let m = mount::<EventLoopPage>("#/embed/event-loop?event-loop.step=13&event-loop.t=500").await;
    settle().await;
    assert_eq!(m.text(".step-pos"), "step 13 of 27");
    assert!(
        m.text(".pb-time").starts_with("t = 2.000 s"),
        "{}",
        m.text(".pb-time")
    );
    let link = current_hash();
    assert!(
        link.contains("event-loop.t=2000") && link.contains("event-loop.step=13"),
        "{link}"
    );
    drop(m);
    // A step alone moves the clock to its time.
    let m = mount::<CoroutinePage>("#/embed/coroutine?coroutine.step=20").await;
    settle().await;
    assert_eq!(m.text(".step-pos"), "step 20 of 27");
    assert!(
        m.text(".pb-time").starts_with("t = 3.000 s"),
        "{}",
        m.text(".pb-time")
    );
}

#[wasm_bindgen_test]
async fn a_bad_step_is_a_notice_and_the_time_alone_applies() {
    for (bad, why) in [
        ("99", "there are only 27 steps"),
        ("0", "steps count from 1"),
        ("abc", "\"abc\" is not a whole number"),
    ] {
        let m = mount::<EventLoopPage>(&format!(
            "#/embed/event-loop?event-loop.step={bad}&event-loop.t=1000"
        ))
        .await;
        let n = notices(&m);
        assert!(
            n.contains(&format!("event-loop.step={bad}: {why}"))
                && n.contains("a whole number from 1 to 27"),
            "{bad}: {n}"
        );
        // The time alone: at 1 s the last decision is step 10, the loop asleep after it.
        assert_eq!(m.text(".step-pos"), "step 10 of 27", "{bad}");
        drop(m);
    }
}

#[wasm_bindgen_test]
async fn between_decisions_the_clock_agrees_with_the_readout() {
    let m = mount::<EventLoopPage>("#/embed/event-loop?event-loop.t=1500").await;
    assert!(
        m.text(".pb-time").starts_with("t = 1.500 s"),
        "{}",
        m.text(".pb-time")
    );
    let svg = m.svg_words("svg.viz");
    assert!(
        svg.contains("1.5 s")
            && svg.contains("asleep until 2 s")
            && svg.contains("1.5 s: nothing is ready: the loop sleeps until 2 s"),
        "{svg}"
    );
    assert!(!svg.contains("0 s: B suspends"), "{svg}");
    assert!(
        m.text(".code-panel .line.active").contains("time.sleep"),
        "{}",
        m.text(".code-panel .line.active")
    );
    // The decision before the sleep is step 10; the next one is the clock jump.
    assert_eq!(m.text(".step-pos"), "step 10 of 27");
    next(&m, 1).await;
    assert!(m.text("svg.viz").contains("jumped +2 s"));
}

#[wasm_bindgen_test]
async fn coroutine_opens_on_gather_and_its_link_keeps_the_step() {
    let m = mount::<CoroutinePage>("#/embed/coroutine").await;
    assert_eq!(
        m.text("[role=tablist] [aria-selected=true]"),
        "two tasks with gather"
    );
    assert!(
        time_bar_shown(&m),
        "gather takes 3 s: its time bar is there"
    );
    next(&m, 7).await;
    assert_eq!(m.text(".step-pos"), "step 8 of 27");
    let svg = m.text("svg.viz");
    let link = current_hash();
    assert!(
        link.contains("coroutine.step=8") && !link.contains("coroutine.ex"),
        "{link}"
    );
    drop(m);
    let m = mount::<CoroutinePage>(&link).await;
    assert_eq!(m.text(".step-pos"), "step 8 of 27");
    assert_eq!(m.text("svg.viz"), svg);
    // Another example is named in the link; coming back to gather drops it.
    m.click("button.ex-wait");
    settle().await;
    assert!(current_hash().contains("coroutine.ex=wait"));
    m.click("button.ex-gather");
    settle().await;
    assert!(!current_hash().contains("coroutine."), "{}", current_hash());
}

#[wasm_bindgen_test]
async fn an_example_without_time_has_only_the_decision_stepper() {
    for ex in ["never", "run"] {
        let m = mount::<CoroutinePage>(&format!("#/embed/coroutine?coroutine.ex={ex}")).await;
        assert!(!time_bar_shown(&m), "{ex}: no dead time bar");
        assert!(
            m.text(".figure-note").contains("no clock to play"),
            "{}",
            m.text(".figure-note")
        );
        // The figure's arrow keys step the decisions.
        let key = |k: &str| keydown(&m, ".figure-svg", k);
        key("ArrowRight");
        settle().await;
        assert_eq!(m.text(".step-pos").split(" of").next(), Some("step 2"));
        key("End");
        settle().await;
        let pos = m.text(".step-pos");
        let (a, b) = pos
            .trim_start_matches("step ")
            .split_once(" of ")
            .expect("x of y");
        assert_eq!(a, b, "End goes to the last step: {pos}");
        key("Home");
        settle().await;
        assert!(m.text(".step-pos").starts_with("step 1 of"));
        drop(m);
    }
    // A key in the tab list is not the figure's: it steps nothing.
    let m = mount::<CoroutinePage>("#/embed/coroutine?coroutine.ex=never").await;
    keydown(&m, "button.ex-never", "ArrowRight");
    settle().await;
    assert!(m.text(".step-pos").starts_with("step 1 of"));
}

/// In the pictures that show one decision at a time, the figure's arrow keys step the decisions,
/// as "Next decision" does, also where several share one time: stepping the clock's events
/// skipped the eight decisions at 0 s. The figure's name says what its keys step.
#[wasm_bindgen_test]
async fn the_arrow_keys_step_the_decisions_where_the_clock_has_time() {
    arrows_step_decisions(
        mount::<EventLoopPage>("#/embed/event-loop").await,
        "event-loop",
    )
    .await;
    arrows_step_decisions(
        mount::<CoroutinePage>("#/embed/coroutine").await,
        "coroutine",
    )
    .await;
}

async fn arrows_step_decisions<C: BaseComponent>(m: Mounted<C>, page: &str) {
    assert!(time_bar_shown(&m), "{page} has a clock");
    let name = m
        .q(".figure-svg")
        .get_attribute("aria-label")
        .unwrap_or_default();
    assert!(
        name.contains("arrow keys step between decisions"),
        "{page}: {name}"
    );
    let pos = || m.text(".step-pos");
    let mut seen = vec![pos()];
    for _ in 0..3 {
        keydown(&m, ".figure-svg", "ArrowRight");
        settle().await;
        seen.push(pos());
    }
    let first: Vec<String> = (1..=4).map(|i| format!("step {i} of 27")).collect();
    assert_eq!(seen, first, "{page}");
    assert!(
        m.text(".pb-time").starts_with("t = 0"),
        "{page}: {}",
        m.text(".pb-time")
    );
    keydown(&m, ".figure-svg", "ArrowLeft");
    settle().await;
    assert_eq!(pos(), "step 3 of 27", "{page}");
    keydown(&m, ".figure-svg", "End");
    settle().await;
    assert_eq!(pos(), "step 27 of 27", "{page}");
    // Space still plays the clock (from the start again, at the end).
    keydown(&m, ".figure-svg", "Home");
    settle().await;
    assert_eq!(pos(), "step 1 of 27", "{page}");
    keydown(&m, ".figure-svg", " ");
    settle().await;
    assert_eq!(
        m.q(".pb-play").get_attribute("aria-label").as_deref(),
        Some("Pause"),
        "{page}"
    );
}

/// The decision buttons are named by their words; the arrows beside them are drawn, not said.
#[wasm_bindgen_test]
async fn the_decision_buttons_say_their_words_not_their_arrows() {
    let m = mount::<EventLoopPage>("#/embed/event-loop").await;
    for (sel, words) in [
        (".step-prev", "Previous decision"),
        (".step-next", "Next decision"),
    ] {
        let b = m.q(sel);
        let mut said = String::new();
        let kids = b.child_nodes();
        for i in 0..kids.length() {
            let Some(k) = kids.item(i) else { continue };
            let hidden = wasm_bindgen::JsCast::dyn_ref::<web_sys::Element>(&k)
                .is_some_and(|e| e.get_attribute("aria-hidden").as_deref() == Some("true"));
            if !hidden {
                said.push_str(&k.text_content().unwrap_or_default());
            }
        }
        assert_eq!(said.trim(), words, "{sel}");
        assert!(
            m.text(sel).contains('◀') || m.text(sel).contains('▶'),
            "still drawn"
        );
    }
}

/// A code panel inside the picture keeps its own arrow keys (they scroll its long lines): they
/// stepped the picture instead.
#[wasm_bindgen_test]
async fn the_arrow_keys_in_a_code_panel_scroll_it_and_step_nothing() {
    let m = mount::<EventLoopPage>("#/embed/event-loop").await;
    let code = m.q(".figure-svg .code-panel pre");
    assert_eq!(code.get_attribute("tabindex").as_deref(), Some("0"));
    keydown(&m, ".figure-svg .code-panel pre", "ArrowRight");
    keydown(&m, ".figure-svg .code-panel pre", "End");
    settle().await;
    assert_eq!(m.text(".step-pos"), "step 1 of 27");
    assert!(
        m.text(".pb-time").starts_with("t = 0"),
        "{}",
        m.text(".pb-time")
    );
}
