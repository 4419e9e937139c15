//! `thread-pool` (chapter 4) and `frameworks` (chapter 8): numbers read from the rendered DOM at
//! chosen times (set through the link's `<id>.t`, or by stepping), refused slider values, and the
//! per-frame cost of the 100,000-request run.
use std::time::Duration;

use await_and_see::app::hooks::NoticesProvider;
use await_and_see::app::viz::frameworks::Frameworks;
use await_and_see::app::viz::thread_pool::{now_ms, ThreadPool};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::common::{mount, settle};

#[component]
pub(crate) fn PoolPage() -> Html {
    html! { <NoticesProvider><ThreadPool /></NoticesProvider> }
}

#[component]
fn FwPage() -> Html {
    html! { <NoticesProvider><Frameworks /></NoticesProvider> }
}

async fn yield_now() {
    yew::platform::time::sleep(Duration::ZERO).await;
}

/// All SVG texts of the root, in order.
fn texts(root: &Element) -> Vec<String> {
    let list = root.query_selector_all("svg text").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.text_content()))
        .collect()
}

fn number_after(texts: &[String], prefix: &str) -> Vec<u32> {
    texts
        .iter()
        .filter_map(|t| t.strip_prefix(prefix))
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(|c| *c != ',')
                .collect::<String>()
                .parse::<u32>()
                .unwrap_or_else(|_| panic!("no number in {rest}"))
        })
        .collect()
}

#[wasm_bindgen_test]
async fn pool_backlog_after_10s_is_about_4000_at_the_defaults() {
    let m = mount::<PoolPage>("#/embed/thread-pool?thread-pool.t=10s").await;
    let root = &m.root;
    let tx = texts(root);
    let waiting = number_after(&tx, "waiting for a thread: ");
    assert_eq!(waiting.len(), 1, "{tx:?}");
    assert!((3_600..=4_400).contains(&waiting[0]), "backlog {waiting:?}");
    assert!(
        tx.iter().any(|t| t == "thread pool: 200 / 200 busy"),
        "{tx:?}"
    );
    // One line, or two in the narrow layout.
    assert!(
        tx.iter()
            .any(|t| t == "threads needed = 500 req/s × 2.0 s = 1,000 threads")
            || (tx.iter().any(|t| t == "threads needed = 500 req/s × 2.0 s")
                && tx.iter().any(|t| t == "= 1,000 threads")),
        "{tx:?}"
    );
}

#[wasm_bindgen_test]
async fn a_pool_within_budget_visibly_keeps_up() {
    let m = mount::<PoolPage>("#/embed/thread-pool?thread-pool.rate=90&thread-pool.t=15s").await;
    let root = &m.root;
    let tx = texts(root);
    assert_eq!(
        number_after(&tx, "waiting for a thread: "),
        vec![0],
        "{tx:?}"
    );
    assert!(tx.iter().any(|t| t.starts_with("Within budget")), "{tx:?}");
}

#[wasm_bindgen_test]
async fn a_preset_is_said_in_the_live_region_without_moving_the_clock() {
    let m = mount::<PoolPage>("#/embed/thread-pool?thread-pool.t=10s").await;
    let root = &m.root;
    let live = || {
        root.query_selector(".live")
            .unwrap()
            .expect("live region")
            .text_content()
            .unwrap_or_default()
    };
    let before = live();
    assert!(
        before.starts_with("At 10.0 s: 200 threads busy"),
        "{before}"
    );
    let keeps_up = root.query_selector_all("button.preset").unwrap();
    let button = (0..keeps_up.length())
        .filter_map(|i| keeps_up.item(i))
        .find(|b| b.text_content().unwrap_or_default().starts_with("keeps up"))
        .expect("the 'keeps up' preset");
    button.dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    let after = live();
    assert!(
        after.starts_with("At 10.0 s:") && after.contains(" 0 requests waiting"),
        "the live region says the new run at the same time: {after}"
    );
}

#[wasm_bindgen_test]
async fn out_of_range_slider_values_are_refused_with_the_range() {
    let m = mount::<PoolPage>("#/embed/thread-pool").await;
    let root = &m.root;
    let input: HtmlInputElement = root
        .query_selector("#thread-pool-threads")
        .unwrap()
        .expect("threads box")
        .dyn_into()
        .unwrap();
    // Type `v` into the box (committed: `change`) and read the message shown.
    let refuse = |v: &'static str| {
        let (input, root) = (input.clone(), root.clone());
        async move {
            input.set_value(v);
            input
                .dispatch_event(&web_sys::Event::new("change").unwrap())
                .unwrap();
            settle().await;
            root.query_selector("[role=alert]")
                .unwrap()
                .expect("a message")
                .text_content()
                .unwrap_or_default()
        }
    };
    let alert = refuse("99999").await;
    assert!(alert.contains("99999"), "{alert}");
    assert!(alert.contains("from 1 to 5,000"), "{alert}");
    // The picture kept the old value.
    assert!(texts(root).iter().any(|t| t.contains("/ 200 busy")));
    // Text that is not a number reaches us as "" (the browser's number box): said as such.
    let alert = refuse("").await;
    assert!(
        alert.starts_with("threads: no number given — accepted: a whole number from 1 to 5,000."),
        "{alert}"
    );
    // Typing the value in force back in (no `change`: nothing changed) takes the message away.
    input.set_value("200");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    settle().await;
    assert!(
        root.query_selector("[role=alert]").unwrap().is_none(),
        "the message outlived the bad text"
    );
    // A bad link parameter becomes a notice naming the accepted range.
    drop(m);
    let m = mount::<PoolPage>("#/embed/thread-pool?thread-pool.rate=0").await;
    let root = &m.root;
    let notices = root.text_content().unwrap_or_default();
    assert!(
        notices.contains("thread-pool.rate=0") && notices.contains("1 to 5,000"),
        "{notices}"
    );
    drop(m);
    // Text that is not a whole number: said as every other page says it.
    let m = mount::<PoolPage>("#/embed/thread-pool?thread-pool.rate=abc").await;
    let root = &m.root;
    let notices = root.text_content().unwrap_or_default();
    assert!(
        notices.contains("thread-pool.rate=abc: \"abc\" is not a whole number"),
        "{notices}"
    );
}

#[wasm_bindgen_test]
async fn frameworks_event_loop_has_no_backlog_and_the_trap_collapses_it() {
    let m = mount::<FwPage>("#/embed/frameworks?frameworks.t=10s").await;
    let root = &m.root;
    let tx = texts(root);
    // Left: thread-per-request (200 threads, 1 s calls, 500 req/s: 300/s more than it serves).
    let waiting = number_after(&tx, "waiting: ");
    assert_eq!(waiting.len(), 2, "{tx:?}");
    assert!((2_700..=3_300).contains(&waiting[0]), "{waiting:?}");
    assert_eq!(waiting[1], 0, "event loop backlog");
    // Code tabs: eight, each labelled with its model.
    let tabs = root.query_selector_all("[role=tab]").unwrap();
    assert_eq!(tabs.length(), 8);
    let all = root.text_content().unwrap_or_default();
    assert!(
        all.contains("WebFlux Mono · event loop")
            && all.contains("Spring MVC · thread-per-request")
    );
    // The trap: a blocking handler on the loop.
    let cb: HtmlElement = root
        .query_selector("#frameworks-blocking")
        .unwrap()
        .expect("switch")
        .dyn_into()
        .unwrap();
    cb.click();
    settle().await;
    let tx = texts(root);
    assert!(
        tx.iter().any(|t| t == "event loop · BLOCKED by handler"),
        "{tx:?}"
    );
    let waiting = number_after(&tx, "waiting: ");
    assert!(waiting[1] > 4_000, "{waiting:?}");
}

#[wasm_bindgen_test]
async fn the_100k_run_is_simulated_in_slices_then_steps() {
    let m = mount::<PoolPage>("#/embed/thread-pool?thread-pool.rate=5000").await;
    let root = &m.root;
    let text = || root.text_content().unwrap_or_default();
    assert!(text().contains("100,000 requests"), "{}", text());
    // The run is sliced (no long task): a progress status first, the picture once it is done.
    // Waiting is counted in yields to the event loop, not in real time.
    let mut saw_progress = text().contains("Simulating 100,000 requests");
    let mut yields = 0;
    while root.query_selector(".load-simulating").unwrap().is_some() {
        saw_progress = true;
        yield_now().await;
        yields += 1;
        assert!(yields < 100_000, "the sliced run never finished");
    }
    assert!(saw_progress, "a 100,000-request run is simulated in slices");
    assert!(yields > 1, "more than one slice ({yields})");
    assert!(!texts(root).is_empty(), "the picture is drawn");
    let next: HtmlElement = root
        .query_selector(".pb-next")
        .unwrap()
        .expect("step")
        .dyn_into()
        .unwrap();
    // Per-frame work is O(samples), not O(requests). Timings depend on the machine (and this
    // is an unoptimised build), so they are printed, not asserted; stepping must move time.
    let mut times = Vec::new();
    for _ in 0..12 {
        let t0 = now_ms();
        next.click();
        settle().await;
        times.push(now_ms() - t0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    web_sys::console::log_1(
        &format!("100k: {yields} yields while simulating; step times (ms, sorted) {times:?}")
            .into(),
    );
    let tx = texts(root);
    assert!(
        tx.iter()
            .any(|t| t.starts_with("thread pool: 200 / 200 busy")),
        "{tx:?}"
    );
}

#[wasm_bindgen_test]
async fn every_frameworks_sample_says_the_slow_calls_duration() {
    for (ms, java, python, reactive) in [
        (1500, "1500", "1.5", "ofMillis(1500)"),
        (2000, "2000", "2", "ofSeconds(2)"),
    ] {
        let m = mount::<FwPage>(&format!("#/embed/frameworks?frameworks.block_ms={ms}")).await;
        let root = &m.root;
        let tabs = root.query_selector_all("[role=tab][data-tab]").unwrap();
        assert!(tabs.length() >= 8);
        for i in 0..tabs.length() {
            let tab: HtmlElement = tabs.item(i).unwrap().dyn_into().unwrap();
            let id = tab.get_attribute("data-tab").unwrap_or_default();
            tab.click();
            settle().await;
            let code = root
                .query_selector(".code-panel pre")
                .unwrap()
                .expect("code")
                .text_content()
                .unwrap_or_default();
            let want = match id.as_str() {
                "spring-mvc" | "jax-rs" => format!("Thread.sleep({java});"),
                "webflux" | "quarkus" => reactive.to_string(),
                "fastapi-async" => format!("asyncio.sleep({python})"),
                _ => format!("time.sleep({python})"),
            };
            assert!(
                code.contains(&want),
                "{id} at {ms} ms: want {want} in {code}"
            );
            assert!(
                !code.contains("1 s"),
                "{id} at {ms} ms still says 1 s: {code}"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_blocking_link_opens_the_async_tab() {
    let m = mount::<FwPage>("#/embed/frameworks?frameworks.blocking=1").await;
    let root = &m.root;
    let sel = root
        .query_selector("[role=tab][aria-selected=true]")
        .unwrap()
        .expect("a selected tab");
    assert_eq!(
        sel.get_attribute("data-tab").as_deref(),
        Some("fastapi-async")
    );
    let tx = texts(root);
    assert!(
        tx.iter().any(|t| t == "event loop · BLOCKED by handler"),
        "{tx:?}"
    );
}

#[wasm_bindgen_test]
async fn keys_typed_into_a_parameter_control_leave_the_clock_alone() {
    let m = mount::<PoolPage>("#/embed/thread-pool").await;
    let root = &m.root;
    let readout = || {
        root.query_selector(".pb-time")
            .unwrap()
            .expect("readout")
            .text_content()
            .unwrap_or_default()
    };
    let start = readout();
    assert!(start.starts_with("t = 0.000 s"), "{start}");
    let key = crate::common::press;
    // The threads slider and its number box sit inside the picture's key region.
    for sel in [".figure-svg input[type=range]", ".figure-svg input.num"] {
        let input = root.query_selector(sel).unwrap().expect(sel);
        for k in ["End", "ArrowRight", " ", "Home"] {
            key(&input, k);
            settle().await;
            assert_eq!(readout(), start, "{sel}: {k:?} moved the clock");
        }
    }
    // The picture itself still takes them.
    key(&root.query_selector(".figure-svg").unwrap().unwrap(), "End");
    settle().await;
    assert!(readout().starts_with("t = 20.000 s"), "{}", readout());
}

/// The sample tabs are tabs for the keyboard too: only the selected one is in the Tab order, and
/// the arrows (round the ends) and Home/End select and focus another.
#[wasm_bindgen_test]
async fn arrow_keys_move_between_the_frameworks_tabs() {
    let m = mount::<FwPage>("#/embed/frameworks").await;
    const SELECTED: &str = "[role=tab][aria-selected=true]";
    let first = m.q(SELECTED);
    assert_eq!(first.get_attribute("tabindex").as_deref(), Some("0"));
    let in_order = m
        .root
        .query_selector_all("[role=tab][tabindex='0']")
        .unwrap();
    assert_eq!(in_order.length(), 1, "one tab in the Tab order");
    assert_eq!(
        m.q("[role=tabpanel]").get_attribute("aria-labelledby"),
        first.get_attribute("id")
    );
    let tabs = m.root.query_selector_all("[role=tab]").unwrap();
    let n = tabs.length();
    for (key, want) in [
        ("ArrowRight", 1),
        ("End", n - 1),
        ("ArrowRight", 0),
        ("ArrowLeft", n - 1),
        ("Home", 0),
    ] {
        crate::common::press(&m.q(SELECTED), key);
        settle().await;
        let now = m.q(SELECTED);
        let all = m.root.query_selector_all("[role=tab]").unwrap();
        assert!(
            all.item(want).map(|t| t.dyn_into::<Element>().unwrap()) == Some(now),
            "{key}"
        );
        assert!(
            m.has_focus(SELECTED),
            "{key}: the selected tab has the focus"
        );
    }
}

/// The threads, rate and call boxes keep what the learner types while the picture redraws (each
/// frame of playback; here a step), as the other pictures' boxes do (tests/web/backpressure.rs).
#[wasm_bindgen_test]
async fn the_load_boxes_keep_the_keys_typed_while_the_picture_redraws() {
    let m = mount::<PoolPage>("#/embed/thread-pool").await;
    let input: HtmlInputElement = m.q("#thread-pool-threads").dyn_into().unwrap();
    input.focus().unwrap();
    input.set_value("5000");
    for _ in 0..3 {
        m.click(".pb-next");
        settle().await;
        assert_eq!(input.value(), "5000", "a redraw undid the keys typed");
    }
    input.blur().unwrap();
    m.click(".pb-next");
    settle().await;
    assert_eq!(input.value(), "200");
}

/// In a phone-wide column a setting takes two lines: its label, then slider, box and unit
/// together (a bare slider is wider in some browsers, which used to push the unit, or the box,
/// onto a line of its own).
#[wasm_bindgen_test]
async fn a_setting_keeps_its_slider_box_and_unit_on_one_line_on_a_phone() {
    let m = mount::<PoolPage>("#/embed/thread-pool").await;
    m.root
        .dyn_ref::<HtmlElement>()
        .unwrap()
        .style()
        .set_property("width", "343px")
        .unwrap();
    settle().await;
    let rows = m.root.query_selector_all(".viz-field").unwrap();
    assert_eq!(rows.length(), 3);
    for i in 0..rows.length() {
        let row: Element = rows.item(i).unwrap().dyn_into().unwrap();
        let mid = |sel: &str| {
            let r = row
                .query_selector(sel)
                .unwrap()
                .expect(sel)
                .get_bounding_client_rect();
            (r.top() + r.bottom()) / 2.0
        };
        let (label, slider, number, unit) = (
            mid("label"),
            mid("input[type=range]"),
            mid("input[type=number]"),
            mid("span.muted"),
        );
        assert!(
            label < slider - 8.0,
            "row {i}: the label is above its controls"
        );
        assert!(
            (slider - number).abs() < 8.0 && (number - unit).abs() < 8.0,
            "row {i}: slider {slider}, box {number}, unit {unit} on one line"
        );
    }
}
