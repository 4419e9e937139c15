//! Chapters 9–10: the backpressure lab (`strategies`), `backpressure` and `demand`, mounted in a
//! real DOM; time is driven by computing layouts at chosen times and by the playback's End key.
use std::time::Duration;

use await_and_see::app::hooks::NoticesProvider;
use await_and_see::app::viz::{backpressure::Backpressure, demand::Demand, strategies::Strategies};
use await_and_see::figure::pipeline::{
    accounting, lab_scene, preset_line, producer_waiting_in_put, LabData,
};
use await_and_see::figure::storm::StormData;
use await_and_see::scenario::programs::flow::{
    drop_and_regulate, producer_consumer, ProducerConsumerParams, Strategy,
    StrategyParams as LabParams,
};
use await_and_see::scenario::programs::retry::{retry_storm, RetryParams};
use await_and_see::sim::SEC;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct PageProps {
    which: &'static str,
}

#[component]
fn Page(p: &PageProps) -> Html {
    let inner = match p.which {
        "strategies" => html! { <Strategies /> },
        "demand" => html! { <Demand /> },
        _ => html! { <Backpressure /> },
    };
    html! { <NoticesProvider>{ inner }</NoticesProvider> }
}

struct Mounted {
    root: Element,
    handle: Option<yew::AppHandle<Page>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
        set_hash("#/");
    }
}

fn set_hash(h: &str) {
    if let Some(hist) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = hist.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(h));
    }
}

async fn mount(which: &'static str, hash: &str) -> Mounted {
    crate::common::seed_code();
    set_hash(hash);
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let handle =
        yew::Renderer::<Page>::with_root_and_props(root.clone(), PageProps { which }).render();
    let m = Mounted {
        root,
        handle: Some(handle),
    };
    settle().await;
    m
}

async fn settle() {
    for _ in 0..6 {
        yew::platform::time::sleep(Duration::ZERO).await;
    }
}

fn text(m: &Mounted) -> String {
    m.root.text_content().unwrap_or_default()
}

async fn change_input(m: &Mounted, sel: &str, v: &str) {
    let input: HtmlInputElement = m
        .root
        .query_selector(sel)
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value(v);
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
}

#[wasm_bindgen_test]
fn maxsize_10_depth_never_exceeds_10_and_producer_is_shown_waiting() {
    let tr = producer_consumer(&ProducerConsumerParams::default());
    let d = LabData::new(&tr);
    assert!(d.depth.max() <= 10.0);
    let mut waited = false;
    for k in 0..=60 {
        let t = tr.end * k / 60;
        let sc = lab_scene(&d, t, "preset");
        if producer_waiting_in_put(&d, t) {
            waited = true;
            assert!(sc.texts().contains(&"waiting in put(): full"));
            assert_eq!(preset_line(&d, t), Some(11));
        }
        assert!(d.depth.at(t) <= 10.0);
    }
    assert!(waited);
}

#[wasm_bindgen_test]
async fn preset_panel_marks_line_11_in_the_browser() {
    let m = mount(
        "strategies",
        "#/strategies?strategies.preset=join&strategies.t=1s",
    )
    .await;
    let marked = m.root.query_selector("[data-line=\"11\"]").unwrap();
    assert!(marked.is_some(), "code panel with line 11");
    let svg_text = text(&m);
    // One line, or wrapped inside the producer's box at narrow widths; the group's label is
    // the whole status either way.
    let labelled = m
        .root
        .query_selector("[aria-label=\"producer: waiting in put(): full\"]")
        .unwrap()
        .is_some();
    assert!(
        svg_text.contains("waiting in put(): full") || labelled,
        "{svg_text}"
    );
    assert!(svg_text.contains("queue: 10 / 10"));
}

#[wasm_bindgen_test]
fn unbounded_buffer_reaches_the_oom_event() {
    let tr = drop_and_regulate(&LabParams {
        strategy: Strategy::Buffer,
        ..LabParams::default()
    });
    assert_eq!(tr.outcome, await_and_see::sim::Outcome::OutOfMemory);
    let d = LabData::new(&tr);
    let sc = lab_scene(&d, tr.end, "buffer");
    assert!(sc.texts().iter().any(|x| x.starts_with("Out of memory at")));
}

#[wasm_bindgen_test]
async fn backpressure_buffer_part_shows_the_crash_at_the_end() {
    let m = mount("backpressure", "#/backpressure?backpressure.t=19s").await;
    assert!(text(&m).contains("Out of memory at"), "{}", text(&m));
}

#[wasm_bindgen_test]
fn drop_strategies_count_drops_and_the_books_balance() {
    for s in Strategy::ALL {
        let tr = drop_and_regulate(&LabParams {
            strategy: s,
            ..LabParams::default()
        });
        let d = LabData::new(&tr);
        for k in 0..=50 {
            let t = tr.end * k / 50;
            assert!(accounting(&d, t).1, "{s:?} at {t}");
        }
        let drops = d.books_at(tr.end).dropped;
        if matches!(s, Strategy::DropNewest | Strategy::DropOldest) {
            assert!(drops > 100, "{s:?} dropped {drops}");
        } else {
            assert_eq!(drops, 0, "{s:?}");
        }
    }
}

#[wasm_bindgen_test]
async fn drop_newest_permalink_shows_a_balanced_accounting_row() {
    let m = mount(
        "strategies",
        "#/strategies?strategies.s=drop-newest&strategies.t=10s",
    )
    .await;
    let tx = text(&m);
    assert!(tx.contains("produced "), "{tx}");
    assert!(tx.contains("✓"), "{tx}");
    assert!(!tx.contains("dropped 0 +"), "{tx}");
}

#[wasm_bindgen_test]
fn retry_storm_goodput_falls_while_offered_load_rises() {
    let d = StormData::new(&retry_storm(&RetryParams::default()));
    let (g0, o0) = d.window(0, 4 * SEC);
    let (g1, o1) = d.window(20 * SEC, 30 * SEC);
    assert!(g1 < g0 / 4.0 && o1 > 2.0 * o0, "{g0}->{g1}, {o0}->{o1}");
}

#[wasm_bindgen_test]
async fn storm_part_renders_both_panels() {
    let m = mount(
        "backpressure",
        "#/backpressure?backpressure.part=storm&backpressure.t=25s",
    )
    .await;
    let tx = text(&m);
    assert!(
        tx.contains("Naive retries") && tx.contains("The fix"),
        "{tx}"
    );
}

#[wasm_bindgen_test]
async fn the_fork_button_says_the_time_the_switch_is_made_at() {
    let m = mount("strategies", "#/strategies?strategies.t=7990").await;
    let button = m
        .root
        .query_selector(".lab-fork-btn")
        .unwrap()
        .expect("fork button");
    assert_eq!(
        button.text_content().unwrap_or_default(),
        "Switch strategy at 7.9 s"
    );
    button.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    crate::common::settle().await;
    let tx = text(&m);
    assert!(tx.contains(" at 7.9 s"), "{tx}");
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.contains("strategies.at=7.9"), "{hash}");
}

#[wasm_bindgen_test]
async fn a_switch_time_without_a_switch_is_a_notice() {
    let m = mount("strategies", "#/strategies?strategies.at=7").await;
    let tx = text(&m);
    assert!(
        tx.contains("Ignored link parameter strategies.at=7: it is the time of a switch, and the link names no strategy to switch to (strategies.fork, one of: block,"),
        "{tx}"
    );
    drop(m);
    // With the switch it is no notice.
    let m = mount(
        "strategies",
        "#/strategies?strategies.fork=drop-newest&strategies.at=7",
    )
    .await;
    assert!(!text(&m).contains("Ignored link parameter"), "{}", text(&m));
}

#[wasm_bindgen_test]
async fn bad_rates_and_capacities_are_refused_with_a_message() {
    let m = mount(
        "strategies",
        "#/strategies?strategies.p=0&strategies.cap=abc",
    )
    .await;
    let tx = text(&m);
    assert!(
        tx.contains("strategies.p=0") && tx.contains("1 to 1000"),
        "{tx}"
    );
    assert!(tx.contains("strategies.cap=abc"), "{tx}");
    change_input(&m, ".lab-c", "5000").await;
    let tx = text(&m);
    assert!(
        tx.contains("consumer rate 5000 is out of range: accepted 1 to 1000 items per second"),
        "{tx}"
    );
    change_input(&m, ".lab-cap", "0").await;
    assert!(text(&m).contains("capacity 0 is out of range: accepted 1 to 1000 items"));
    change_input(&m, ".lab-cap", "").await;
    assert!(
        text(&m).contains("Not changed: no number given. Accepted: a whole number from 1 to 1000."),
        "{}",
        text(&m)
    );
    change_input(&m, ".lab-p", "-1").await;
    assert!(
        text(&m).contains("Not changed: -1 is negative. Accepted: a whole number from 1 to 1000"),
        "{}",
        text(&m)
    );
    // A reason that names the range already is not followed by the range again.
    change_input(&m, ".lab-cap", "0").await;
    let field = m.root.query_selector(".lab-error").unwrap().unwrap();
    let field = field.text_content().unwrap_or_default();
    assert_eq!(field.matches("1 to 1000").count(), 1, "{field}");
    // A good value is accepted and clears the message.
    change_input(&m, ".lab-cap", "5").await;
    assert!(!text(&m).contains("Not changed"));
    assert!(text(&m).contains("/ 5"));
}

#[wasm_bindgen_test]
async fn demand_refuses_bad_n_and_draws_the_bound() {
    let m = mount("demand", "#/demand?demand.n=99").await;
    assert!(text(&m).contains("demand.n=99"), "{}", text(&m));
    assert!(text(&m).contains("flatMap(call, 8)"));
    change_input(&m, ".demand-n-box", "3").await;
    assert!(text(&m).contains("flatMap(call, 3)"), "{}", text(&m));
    // The code says the same concurrency, in the argument and in both comments.
    let line = |n: u32| {
        m.root
            .query_selector(&format!(".code-panel .line[data-line='{n}'] .src"))
            .unwrap()
            .expect("code line")
            .text_content()
            .unwrap_or_default()
    };
    assert!(
        line(12).contains("// flatMap asks upstream for 3 items,"),
        "{}",
        line(12)
    );
    assert_eq!(
        line(19).trim(),
        "3)  // concurrency: at most 3 calls in flight"
    );
    change_input(&m, ".demand-n-box", "1").await;
    assert!(line(12).contains("for 1 item,"), "{}", line(12));
    assert_eq!(
        line(19).trim(),
        "1)  // concurrency: at most 1 call in flight"
    );
}

/// A number box keeps what the learner is typing while the picture redraws under it (each frame
/// of playback; here a step), and shows the value in force again once it loses the focus.
#[wasm_bindgen_test]
async fn number_boxes_keep_the_keys_typed_while_the_picture_redraws() {
    for (which, sel, typed) in [
        ("strategies", "#strategies-p", "999"),
        ("strategies", "#strategies-cap", "77"),
        ("demand", "#demand-n-box", "31"),
    ] {
        let m = mount(which, &format!("#/embed/{which}")).await;
        let input: HtmlInputElement = m
            .root
            .query_selector(sel)
            .unwrap()
            .expect(sel)
            .dyn_into()
            .unwrap();
        let next: web_sys::HtmlElement = m
            .root
            .query_selector(".pb-next")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        let before = input.value();
        input.focus().unwrap();
        input.set_value(typed);
        for _ in 0..3 {
            next.click();
            settle().await;
            assert_eq!(input.value(), typed, "{sel}: a redraw undid the keys typed");
        }
        input.blur().unwrap();
        next.click();
        settle().await;
        assert_eq!(
            input.value(),
            before,
            "{sel}: never committed, so the value in force shows"
        );
    }
}
