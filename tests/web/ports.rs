//! The `ports` and `readiness` visualisations in a real browser: presets from the link, the
//! blocking side vs the select side at a given time, adding clients by click and by form (bad
//! times refused with a message), predict-then-reveal, and the chapter 3 picture.

use await_and_see::app::hooks::NoticesProvider;
use await_and_see::app::viz::{ports::Ports, readiness::Readiness};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::common::{mount, settle, Mounted};

#[component]
pub(crate) fn PortsPage() -> Html {
    html! { <NoticesProvider><Ports /></NoticesProvider> }
}

#[component]
pub(crate) fn ReadinessPage() -> Html {
    html! { <NoticesProvider><Readiness /></NoticesProvider> }
}

fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn all_traffic_on_9002_blocking_side_waits_select_side_served() {
    let m = mount::<PortsPage>("#/blocking-io?ports.preset=9002&ports.t=5000").await;
    let left = m.text("g.side.blocking");
    let right = m.text("g.side.select");
    assert!(
        left.contains("line 11: stuck in accept() on 9001"),
        "{left}"
    );
    assert!(left.contains("A 9002 client has waited 4.0 s"), "{left}");
    assert!(
        !right.contains("has waited"),
        "the select side leaves nobody waiting: {right}"
    );
    let l9002 = m.label("g.side.blocking g.summary[aria-label^=\"9002\"]");
    assert!(
        l9002.starts_with("9002: 0 served") && l9002.contains("4 still waiting"),
        "{l9002}"
    );
    let r9002 = m.label("g.side.select g.summary[aria-label^=\"9002\"]");
    assert!(
        r9002.starts_with("9002: 4 served, mean wait 0.0 s"),
        "{r9002}"
    );
    assert!(r9002.ends_with(" 0 still waiting"), "{r9002}");
    // The code panels mark the line each server is on.
    let code = m.text(".ports-code .line.active");
    assert!(code.contains("sock1.accept()"), "{code}");
}

#[wasm_bindgen_test]
async fn clicking_a_port_adds_a_client_now_and_changes_the_trace() {
    let m = mount::<PortsPage>("#/blocking-io?ports.preset=9002&ports.t=5000").await;
    assert!(m.text(".ports-add").contains("6 clients"));
    m.click_svg("g.side.blocking [data-key=\"port:9001\"]");
    settle().await;
    assert!(
        m.text(".ports-add").contains("7 clients"),
        "{}",
        m.text(".ports-add")
    );
    // The new 9001 client at 5 s frees the blocking server: 9001 served, then a 9002 client.
    let l9001 = m.label("g.side.blocking g.summary");
    assert!(l9001.starts_with("9001: 1 served"), "{l9001}");
    assert!(hash().contains("ports.arr="), "{}", hash());
    assert!(hash().contains("9001:5,"), "{}", hash());
}

#[wasm_bindgen_test]
async fn bad_arrival_times_are_refused_with_a_message() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    for (value, expect) in [
        ("-1", "before the start"),
        ("31", "cap of 30 s"),
        ("abc", "not a number"),
        ("", "no time given"),
    ] {
        m.type_into(".ports-add-time", value);
        settle().await;
        m.click(".ports-add-btn");
        settle().await;
        let err = m.text(".ports-error");
        assert!(err.contains(expect), "{value}: {err}");
        assert!(err.contains("Accepted"), "{err}");
        assert!(m.text(".ports-add").contains("2 clients"));
    }
    m.type_into(".ports-add-time", "2.5");
    settle().await;
    m.click(".ports-add-btn");
    settle().await;
    assert!(m.text(".ports-add").contains("3 clients"));
    assert!(m.root.query_selector(".ports-error").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_bad_seed_is_said_as_it_is_typed() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    m.type_into(".ports-seed", "12x");
    settle().await;
    let err = m.text(".ports-error");
    assert_eq!(
        err,
        "Seed refused: \"12x\" is not a whole number. Accepted: a whole number from 0 to 999999."
    );
    m.type_into(".ports-seed", "42");
    settle().await;
    assert!(m.root.query_selector(".ports-error").unwrap().is_none());
    // A good seed clears only its own message.
    m.type_into(".ports-add-time", "abc");
    settle().await;
    m.click(".ports-add-btn");
    settle().await;
    m.type_into(".ports-seed", "7");
    settle().await;
    assert!(m.text(".ports-error").starts_with("Arrival time refused"));
}

/// Type `value` into the seed field and commit it (Enter or leaving the field: `change`).
fn commit_seed(m: &crate::common::Mounted<PortsPage>, value: &str) {
    m.commit(".ports-seed", value);
}

#[wasm_bindgen_test]
async fn a_new_seed_applies_to_the_random_arrivals_shown() {
    let m = mount::<PortsPage>("#/blocking-io?ports.preset=random&ports.seed=5").await;
    // The run's length (in the time readout) tells the two arrival scripts apart.
    let before = m.text(".pb-time");
    commit_seed(&m, "6");
    settle().await;
    assert!(hash().contains("ports.seed=6"), "{}", hash());
    assert_ne!(m.text(".pb-time"), before, "seed 6 draws other arrivals");
    // A refused seed changes nothing (its message says so).
    let at6 = m.text(".pb-time");
    commit_seed(&m, "6x");
    settle().await;
    assert!(hash().contains("ports.seed=6"), "{}", hash());
    assert_eq!(m.text(".pb-time"), at6);
    assert!(m.text(".ports-error").starts_with("Seed refused"));
    drop(m);
    // With a preset that is not random, the seed waits for Random.
    let m = mount::<PortsPage>("#/blocking-io").await;
    let before = m.text(".pb-time");
    commit_seed(&m, "9");
    settle().await;
    assert_eq!(m.text(".pb-time"), before);
    assert!(!hash().contains("ports.seed"), "{}", hash());
}

/// The element that has the focus, as its `data-key` (empty if it has none).
fn focused_key() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.get_attribute("data-key"))
        .unwrap_or_default()
}

/// The element that has the focus.
fn active() -> web_sys::Element {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .expect("a focused element")
}

/// Give the port box `sel` the keyboard focus.
fn focus_box<C: BaseComponent>(m: &Mounted<C>, sel: &str) {
    m.q(sel)
        .dyn_into::<web_sys::SvgElement>()
        .expect("svg element")
        .focus()
        .expect("focus");
}

#[wasm_bindgen_test]
async fn a_port_box_keeps_the_focus_after_adding_a_client() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    let sel = "g[data-key=\"port:9002\"]";
    focus_box(&m, sel);
    assert_eq!(focused_key(), "port:9002");
    for n in [3, 4] {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_bubbles(true);
        init.set_cancelable(true);
        let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
            .expect("keydown");
        m.q(sel).dispatch_event(&ev).expect("dispatch");
        settle().await;
        assert!(
            m.text(".ports-add").contains(&format!("{n} clients")),
            "{}",
            m.text(".ports-add")
        );
        // Still on the box: a second key press adds another client.
        assert_eq!(focused_key(), "port:9002");
    }
}

/// The select() server's box keeps the focus when pressed, not the blocking server's box with
/// the same key above it (the page jumped up to that one, a tap or a click on the lower box).
#[wasm_bindgen_test]
async fn the_lower_servers_port_box_keeps_its_own_focus() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    let lower = "g.side.select g[data-key=\"port:9002\"]";
    m.click_svg(lower);
    settle().await;
    assert!(
        m.text(".ports-add").contains("3 clients"),
        "{}",
        m.text(".ports-add")
    );
    let active = active();
    assert_eq!(focused_key(), "port:9002");
    assert!(
        active.closest("g.side.select").ok().flatten().is_some(),
        "the focus went to the other server's box"
    );
}

/// A port box keeps the focus while the clock moves under it (the arrow keys and End step the
/// picture from there): it used to fall to the page, or onto the other port's box, whose
/// element the redraw had reused, so the next Enter added a client on the wrong port.
#[wasm_bindgen_test]
async fn a_port_box_keeps_the_focus_while_the_clock_moves() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    let sel = "g.side.select g[data-key=\"port:9002\"]";
    focus_box(&m, sel);
    for key in ["ArrowRight", "ArrowRight", "End", "Home", "ArrowRight"] {
        crate::common::press(&m.q(sel), key);
        settle().await;
        let active = active();
        assert_eq!(
            focused_key(),
            "port:9002",
            "after {key}: focus on <{} class={:?}>",
            active.tag_name(),
            active.get_attribute("class")
        );
        assert!(
            active.closest("g.side.select").ok().flatten().is_some(),
            "after {key} the focus is on the other server's box"
        );
    }
    assert_ne!(m.text(".pb-time"), "", "the clock moved");
}

#[wasm_bindgen_test]
async fn a_bad_link_parameter_becomes_a_notice() {
    let m = mount::<PortsPage>("#/blocking-io?ports.arr=9003:1").await;
    let notices = m.text(".notices");
    assert!(notices.contains("ports.arr=9003:1"), "{notices}");
    assert!(notices.contains("9001 or 9002"), "{notices}");
    // The default script is used.
    assert!(m.text(".ports-add").contains("2 clients"));
}

#[wasm_bindgen_test]
async fn predict_then_reveal_checks_the_answer_against_the_run() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    m.click(".preset-9002");
    settle().await;
    assert!(m
        .text(".predict")
        .contains("When will the blocking server serve"));
    let buttons = m.root.query_selector_all(".predict-choice").unwrap();
    let mut right = None;
    for i in 0..buttons.length() {
        let b = buttons.item(i).unwrap();
        if b.text_content()
            .unwrap_or_default()
            .contains("first 9001 client")
        {
            right = Some(b);
        }
    }
    let right = right
        .expect("a choice naming the 9001 client")
        .dyn_into::<HtmlElement>()
        .unwrap();
    right.focus().unwrap();
    right.click();
    settle().await;
    assert!(
        m.has_focus(".predict-reveal"),
        "the verdict takes the focus"
    );
    let reveal = m.text(".predict-reveal");
    assert!(reveal.starts_with("Right."), "{reveal}");
    assert!(reveal.contains("at 8.1 s"), "{reveal}");
    assert!(
        reveal.contains("select() server accepted it at 1 s"),
        "{reveal}"
    );
}

#[wasm_bindgen_test]
async fn readiness_shows_register_notify_callback() {
    let m = mount::<ReadinessPage>("#/event-driven?readiness.t=500").await;
    let svg = m.text("svg.viz");
    assert!(svg.contains("1. Register interest"), "{svg}");
    assert!(svg.contains("ready: 9001"), "{svg}");
    assert!(svg.contains("greet(port 9001) running"), "{svg}");
    let code = m.text(".line.active");
    assert!(code.contains("handler(key.fileobj)"), "{code}");
}

#[wasm_bindgen_test]
fn a_frame_of_layout_is_cheap_in_wasm() {
    use await_and_see::figure::ports::{layout_with, Arrange, PortsModel};
    use await_and_see::scenario::programs::ports::{run_blocking, run_select, Preset};
    let perf = web_sys::window()
        .expect("window")
        .performance()
        .expect("performance");
    let sc = Preset::Burst.script(1);
    let t0 = perf.now();
    let m = PortsModel::new(&run_blocking(&sc), &run_select(&sc));
    let build = perf.now() - t0;
    let t1 = perf.now();
    let n = 200;
    for i in 0..n {
        let _ = layout_with(&m, i * 35_000, Arrange::SideBySide);
    }
    let per_frame = (perf.now() - t1) / n as f64;
    web_sys::console::log_1(
        &format!("ports: both runs + model {build:.1} ms, layout {per_frame:.3} ms/frame").into(),
    );
    assert!(build < 200.0, "runs took {build} ms");
    assert!(per_frame < 8.0, "layout took {per_frame} ms per frame");
}

#[wasm_bindgen_test]
async fn a_permalink_with_an_arrival_script_reproduces_the_run() {
    let m = mount::<PortsPage>("#/blocking-io?ports.arr=9002:0,9001:10&ports.t=5000").await;
    assert!(m.text(".ports-add").contains("2 clients"));
    let left = m.text("g.side.blocking");
    assert!(left.contains("A 9002 client has waited 5.0 s"), "{left}");
    assert!(
        m.text(".pb-time").contains("5.000 s"),
        "{}",
        m.text(".pb-time")
    );
    // No preset button is pressed for a custom script.
    assert!(m
        .root
        .query_selector("button.preset[aria-pressed=\"true\"]")
        .unwrap()
        .is_none());
}
