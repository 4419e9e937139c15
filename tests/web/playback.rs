//! Playback: the reducer, the controls, the Figure frame, link parameters and SVG export, driven
//! by clicks and key presses on a small demo visualisation (test-only; not in the product).

use await_and_see::app::hooks::{
    refusal, set_reduced_motion_override, use_viz_params, NoticesProvider,
};
use await_and_see::app::playback::{
    live_due, scrub_step, scrub_time, use_playback, Action, Figure, PlayState, Timeline,
    LIVE_MS_PER_WORD, LIVE_THROTTLE_MS,
};
use await_and_see::app::{export, permalink};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::common::settle;

const END: u64 = 5_000_000;
const MARKS: [u64; 3] = [1_000_000, 2_500_000, 4_000_000];

fn demo_timeline() -> Timeline {
    Timeline::new(END, MARKS.to_vec())
}

fn describe(t: u64) -> String {
    let n = MARKS.iter().filter(|&&m| m <= t).count();
    format!("{n} events so far")
}

/// A stand-in visualisation: one moving dot, coloured through a CSS variable.
#[component]
fn Demo() -> Html {
    // Like every visualisation: unknown `demo.*` link keys are reported on every render.
    use_viz_params("demo").check_known(&[]);
    let pb = use_playback("demo", demo_timeline());
    let cx = 10.0 + 280.0 * pb.t as f64 / END as f64;
    html! {
        <Figure id="demo" title="Demo dot" playback={pb.clone()} describe={Callback::from(describe)}>
            <svg viewBox="0 0 300 40" class="viz">
                <rect class="viz-lane" x="0" y="10" width="300" height="20" />
                <circle class="s-run" cx={cx.to_string()} cy="20" r="8" />
                <text class="viz-label" x="4" y="36">{ "demo" }</text>
            </svg>
        </Figure>
    }
}

#[component]
fn Page() -> Html {
    html! { <NoticesProvider><Demo /></NoticesProvider> }
}

type Mounted = crate::common::Mounted<Page>;

/// Playback-specific queries on top of the shared test mount.
impl crate::common::Mounted<Page> {
    fn html(&self, sel: &str) -> HtmlElement {
        self.q(sel).dyn_into().expect("html element")
    }
    fn readout(&self) -> String {
        self.q(".pb-time").text_content().unwrap_or_default()
    }
    fn key(&self, key: &str) {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
            .expect("event");
        self.q(".figure-svg").dispatch_event(&ev).expect("dispatch");
    }
}

async fn mount(hash: &str) -> Mounted {
    crate::common::mount::<Page>(hash).await
}

fn bubbling(name: &str) -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict(name, &init).expect("event")
}

// ---- Pure clock ------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn reducer_steps_between_marks_and_clamps() {
    let s = PlayState::new(demo_timeline(), 0);
    let s = s.apply(Action::StepNext);
    assert_eq!(s.t, 1_000_000);
    let s = s.apply(Action::StepNext).apply(Action::StepNext);
    assert_eq!(s.t, 4_000_000);
    assert_eq!(
        s.apply(Action::StepNext).t,
        END,
        "past the last mark is the end"
    );
    assert_eq!(s.apply(Action::StepPrev).t, 2_500_000);
    assert_eq!(
        PlayState::new(demo_timeline(), 0).apply(Action::StepPrev).t,
        0
    );
    assert_eq!(s.apply(Action::Seek(u64::MAX)).t, END, "seek clamps");
    assert_eq!(
        PlayState::new(demo_timeline(), 99_000_000).t,
        END,
        "start clamps"
    );
}

#[wasm_bindgen_test]
fn reducer_plays_at_speed_and_stops_at_end() {
    let tl = demo_timeline().with_time_scale(1000.0); // 1 ms real = 1 ms virtual
    let s = PlayState::new(tl, 0).apply(Action::Play);
    assert!(s.playing);
    let s = s.apply(Action::Tick(50.0));
    assert_eq!(s.t, 50_000);
    let s = s.apply(Action::SetSpeed(2.0)).apply(Action::Tick(50.0));
    assert_eq!(s.t, 150_000);
    let s = s.apply(Action::Tick(10_000.0));
    assert_eq!(
        s.t,
        150_000 + 200_000,
        "a long gap between frames is capped at 100 ms"
    );
    let s = s.apply(Action::Seek(END - 1)).apply(Action::Tick(16.0));
    assert_eq!(s.t, END);
    assert!(!s.playing, "stops at the end");
    let s = s.apply(Action::Play);
    assert_eq!(s.t, 0, "play at the end restarts");
    assert_eq!(s.apply(Action::SetSpeed(100.0)).speed, 8.0);
    assert_eq!(s.apply(Action::SetSpeed(0.01)).speed, 0.25);
    assert!(!s.apply(Action::Toggle).playing);
    let r = s.apply(Action::Seek(3)).apply(Action::Reset);
    assert_eq!((r.t, r.playing), (0, false));
}

#[wasm_bindgen_test]
fn reduced_motion_play_advances_event_by_event() {
    let s = PlayState::new(demo_timeline(), 0)
        .apply(Action::Play)
        .apply(Action::Advance);
    assert_eq!((s.t, s.playing), (1_000_000, true));
    let s = s
        .apply(Action::Advance)
        .apply(Action::Advance)
        .apply(Action::Advance);
    assert_eq!((s.t, s.playing), (END, false));
    assert_eq!(
        PlayState::new(demo_timeline(), 0).apply(Action::Advance).t,
        0,
        "no advance while paused"
    );
}

#[wasm_bindgen_test]
fn two_runs_share_one_timeline() {
    let a = Timeline::new(3_000_000, vec![500_000, 1_000_000]);
    let b = Timeline::new(60_000_000, vec![1_000_000, 2_000_000, 70_000_000]);
    let m = Timeline::merge(&a, &b);
    assert_eq!(m.end, 60_000_000);
    assert_eq!(&*m.marks, &[500_000, 1_000_000, 2_000_000, 60_000_000]);
    // 5 s plays in ~5 s, 60 s in ~15 s at 1x.
    assert!((Timeline::new(5_000_000, vec![]).time_scale - 1000.0).abs() < 1e-9);
    assert!((Timeline::new(60_000_000, vec![]).time_scale - 4000.0).abs() < 1e-9);
}

// ---- Mounted figure --------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn buttons_step_and_readout_follows() {
    let m = mount("#/test").await;
    assert_eq!(m.readout(), "t = 0.000 s / 5.000 s");
    m.click(".pb-next");
    settle().await;
    assert_eq!(m.readout(), "t = 1.000 s / 5.000 s");
    m.click(".pb-next");
    settle().await;
    assert_eq!(m.readout(), "t = 2.500 s / 5.000 s");
    m.click(".pb-prev");
    settle().await;
    assert_eq!(m.readout(), "t = 1.000 s / 5.000 s");
    assert_eq!(m.q("circle").get_attribute("cx").as_deref(), Some("66"));
    m.click(".pb-reset");
    settle().await;
    assert_eq!(m.readout(), "t = 0.000 s / 5.000 s");
    assert!(
        m.html(".pb-prev").get_attribute("aria-disabled").as_deref() == Some("true"),
        "nothing before 0"
    );
}

/// A step button that reaches the end of its run keeps the keyboard focus: it is marked
/// `aria-disabled`, not `disabled` (Chromium moves the focus of a disabled button to the body,
/// where Enter does nothing and no focus ring shows).
#[wasm_bindgen_test]
async fn step_buttons_keep_focus_at_the_ends() {
    let m = mount("#/test").await;
    let doc = web_sys::window().unwrap().document().unwrap();
    for (sel, other) in [(".pb-next", ".pb-prev"), (".pb-prev", ".pb-next")] {
        m.q(sel)
            .dyn_into::<web_sys::HtmlElement>()
            .unwrap()
            .focus()
            .unwrap();
        for _ in 0..20 {
            m.click(sel);
            settle().await;
        }
        assert_eq!(
            m.q(sel).get_attribute("aria-disabled").as_deref(),
            Some("true"),
            "{sel}"
        );
        assert_eq!(
            m.q(other).get_attribute("aria-disabled").as_deref(),
            Some("false"),
            "{other}"
        );
        assert!(
            doc.active_element() == Some(m.q(sel)),
            "{sel} lost the focus to {:?}",
            doc.active_element().map(|e| e.tag_name())
        );
    }
    // At the start, the button does nothing (still 0 s).
    assert_eq!(m.readout(), "t = 0.000 s / 5.000 s");
}

#[wasm_bindgen_test]
async fn scrubber_seeks_and_speed_select_sets_speed() {
    let m = mount("#/test").await;
    let scrub: HtmlInputElement = m.q(".pb-scrub").dyn_into().expect("input");
    scrub.set_value("3000000");
    scrub.dispatch_event(&bubbling("input")).expect("dispatch");
    settle().await;
    assert_eq!(m.readout(), "t = 3.000 s / 5.000 s");
    let speed: HtmlSelectElement = m.q(".pb-speed").dyn_into().expect("select");
    assert_eq!(speed.value(), "1");
    speed.set_value("4");
    speed.dispatch_event(&bubbling("change")).expect("dispatch");
    settle().await;
    let speed: HtmlSelectElement = m.q(".pb-speed").dyn_into().expect("select");
    assert_eq!(speed.value(), "4");
    assert_eq!(speed.length(), 6, "0.25x to 8x");
}

#[wasm_bindgen_test]
async fn keyboard_on_the_figure_region() {
    let m = mount("#/test").await;
    let region = m.html(".figure-svg");
    assert_eq!(region.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(region.get_attribute("role").as_deref(), Some("group"));
    region.focus().expect("focus");
    m.key("ArrowRight");
    settle().await;
    assert_eq!(m.readout(), "t = 1.000 s / 5.000 s");
    m.key("End");
    settle().await;
    assert_eq!(m.readout(), "t = 5.000 s / 5.000 s");
    m.key("ArrowLeft");
    settle().await;
    assert_eq!(m.readout(), "t = 4.000 s / 5.000 s");
    m.key("Home");
    settle().await;
    assert_eq!(m.readout(), "t = 0.000 s / 5.000 s");
    m.key(" ");
    settle().await;
    assert_eq!(
        m.q(".pb-play").get_attribute("aria-label").as_deref(),
        Some("Pause")
    );
    m.key(" ");
    settle().await;
    assert_eq!(
        m.q(".pb-play").get_attribute("aria-label").as_deref(),
        Some("Play")
    );
}

#[wasm_bindgen_test]
async fn live_region_describes_steps() {
    let m = mount("#/test").await;
    m.click(".pb-next");
    settle().await;
    assert_eq!(
        m.q("[aria-live=polite].live").text_content().as_deref(),
        Some("1 events so far")
    );
}

#[wasm_bindgen_test]
fn while_playing_the_next_sentence_waits_until_the_last_could_be_read() {
    // 16 words: 4 s at 250 ms a word.
    let long = "At 2.5 s: the blocking server is stuck in accept() on 9001, 1 served, 2 waiting.";
    let next = "At 3.5 s: the blocking server is stuck in accept() on 9001, 1 served, 3 waiting.";
    assert_eq!(long.split_whitespace().count(), 16);
    // Paused or stepping: every new sentence at once; never the same one twice.
    assert!(live_due(long, 0.0, next, false));
    assert!(!live_due(long, 1e9, long, false));
    assert!(!live_due(long, 1e9, "", true));
    // Playing: not before the last one has been read...
    assert!(!live_due(long, LIVE_THROTTLE_MS, next, true));
    assert!(!live_due(long, 16.0 * LIVE_MS_PER_WORD - 1.0, next, true));
    assert!(live_due(long, 16.0 * LIVE_MS_PER_WORD, next, true));
    // ...and a short one no more than once a second.
    assert!(!live_due(
        "1 event so far",
        LIVE_THROTTLE_MS - 1.0,
        "2 events so far",
        true
    ));
    assert!(live_due(
        "1 event so far",
        LIVE_THROTTLE_MS,
        "2 events so far",
        true
    ));
    // The first sentence is said at once.
    assert!(live_due("", f64::INFINITY, long, true));
}

#[wasm_bindgen_test]
async fn reduced_motion_shows_a_note_and_still_steps() {
    set_reduced_motion_override(Some(true));
    let m = mount("#/test").await;
    let note = m.q(".figure-note").text_content().unwrap_or_default();
    assert!(note.contains("Reduced motion"), "{note}");
    m.click(".pb-next");
    settle().await;
    assert_eq!(m.readout(), "t = 1.000 s / 5.000 s");
    m.click(".pb-play");
    settle().await;
    assert_eq!(
        m.q(".pb-play").get_attribute("aria-label").as_deref(),
        Some("Pause")
    );
    drop(m);
    set_reduced_motion_override(None);
}

#[wasm_bindgen_test]
async fn a_scrub_writes_the_link_once_when_let_go() {
    let m = mount("#/test").await;
    let link_t = || {
        let hash = web_sys::window().unwrap().location().hash().unwrap();
        permalink::split_hash(&hash)
            .1
            .get("demo.t")
            .map(str::to_string)
    };
    // Count history.replaceState calls: Chromium stops taking them after 200 in 10 s, and a few
    // seconds of scrubbing made that many (one per move).
    let install = js_sys::Function::new_no_args(
        "const h = window.history; const orig = h.replaceState; window.__writes = 0;
         h.replaceState = function (...a) { window.__writes++; return orig.apply(h, a); };
         return () => { h.replaceState = orig; };",
    );
    let restore: js_sys::Function = install.call0(&JsValue::NULL).unwrap().into();
    let writes = || {
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"__writes".into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    let scrub: HtmlInputElement = m.q(".pb-scrub").dyn_into().expect("input");
    for k in 1..=250u32 {
        scrub.set_value(&(k * 20_000 % 5_000_000).to_string());
        scrub.dispatch_event(&bubbling("input")).expect("dispatch");
        settle().await;
    }
    assert_eq!(
        m.readout(),
        "t = 0.000 s / 5.000 s",
        "250 moves: the clock follows"
    );
    scrub.set_value("3500000");
    scrub.dispatch_event(&bubbling("input")).expect("dispatch");
    settle().await;
    assert_eq!(writes(), 0.0, "no link writes while the scrubber moves");
    scrub.dispatch_event(&bubbling("change")).expect("dispatch");
    settle().await;
    assert_eq!(m.readout(), "t = 3.500 s / 5.000 s");
    assert_eq!(
        link_t().as_deref(),
        Some("3500"),
        "written once, on release"
    );
    assert_eq!(writes(), 1.0);
    // Stepping afterwards writes again as before.
    m.click(".pb-next");
    settle().await;
    assert_eq!(link_t().as_deref(), Some("4000"));
    restore.call0(&JsValue::NULL).unwrap();
    // A held arrow key (repeats) steps the clock; the link follows on key-up.
    m.click(".pb-reset");
    settle().await;
    let key = |kind: &str, repeat: bool| {
        crate::common::key_event(&m.q(".figure-svg"), kind, "ArrowRight", repeat)
    };
    key("keydown", false);
    settle().await;
    assert_eq!(
        link_t().as_deref(),
        Some("1000"),
        "a single press writes at once"
    );
    for _ in 0..2 {
        key("keydown", true);
        settle().await;
    }
    assert_eq!(m.readout(), "t = 4.000 s / 5.000 s");
    assert_eq!(link_t().as_deref(), Some("1000"), "not during the repeats");
    key("keyup", false);
    settle().await;
    assert_eq!(link_t().as_deref(), Some("4000"), "on key-up");
}

#[wasm_bindgen_test]
async fn time_comes_from_the_link_and_goes_back_into_it() {
    let m = mount("#/test?demo.t=2500&other.t=9").await;
    assert_eq!(m.readout(), "t = 2.500 s / 5.000 s");
    m.click(".pb-next");
    settle().await;
    let hash = web_sys::window()
        .expect("window")
        .location()
        .hash()
        .expect("hash");
    let (path, q) = permalink::split_hash(&hash);
    assert_eq!(path, "/test");
    assert_eq!(q.get("demo.t"), Some("4000"));
    assert_eq!(
        q.get("other.t"),
        Some("9"),
        "other figures' parameters are kept"
    );
    m.click(".pb-reset");
    settle().await;
    let hash = web_sys::window()
        .expect("window")
        .location()
        .hash()
        .expect("hash");
    assert_eq!(
        permalink::split_hash(&hash).1.get("demo.t"),
        None,
        "default time leaves the link clean"
    );
}

#[wasm_bindgen_test]
async fn bad_link_time_is_a_visible_notice_and_default_is_used() {
    let m = mount("#/test?demo.t=soon").await;
    assert_eq!(m.readout(), "t = 0.000 s / 5.000 s");
    let notice = m.q(".notices .notice").text_content().unwrap_or_default();
    assert!(notice.contains("demo.t=soon"), "{notice}");
    assert!(notice.contains("Accepted"), "{notice}");
    assert!(notice.contains("1250ms"), "{notice}");
    m.click(".notice-dismiss");
    settle().await;
    assert!(m
        .root
        .query_selector(".notices .notice")
        .ok()
        .flatten()
        .is_none());
}

#[wasm_bindgen_test]
async fn a_very_long_link_value_is_shortened_in_its_notice() {
    let long = "9".repeat(400);
    let m = mount(&format!("#/test?demo.t={long}")).await;
    let notice = m.q(".notices .notice").text_content().unwrap_or_default();
    assert!(!notice.contains(&long), "{notice}");
    assert!(notice.contains(" characters)"), "{notice}");
    assert!(notice.contains("Accepted"), "{notice}");
    let width = m.q(".notices").scroll_width();
    assert!(width < 1000, "the notice is {width} px wide");
    assert_eq!(m.readout(), "t = 0.000 s / 5.000 s");
}

#[wasm_bindgen_test]
async fn dismissing_a_notice_gives_the_focus_to_the_next_one() {
    let m = mount("#/test?demo.t=soon&demo.colour=red").await;
    assert_eq!(
        m.root
            .query_selector_all(".notice-dismiss")
            .unwrap()
            .length(),
        2
    );
    m.focus(".notice-dismiss");
    m.click(".notice-dismiss");
    settle().await;
    assert_eq!(
        m.root
            .query_selector_all(".notice-dismiss")
            .unwrap()
            .length(),
        1
    );
    assert!(m.has_focus(".notice-dismiss"), "focus on the notice left");
}

#[wasm_bindgen_test]
async fn a_dismissed_notice_stays_dismissed_while_the_figure_rerenders() {
    let m = mount("#/test?demo.colour=red").await;
    let notice = m.q(".notices .notice").text_content().unwrap_or_default();
    assert!(notice.contains("demo.colour=red"), "{notice}");
    m.click(".notice-dismiss");
    settle().await;
    // Re-render the figure (the report runs again): the notice stays away.
    m.click(".pb-next");
    settle().await;
    assert_eq!(m.readout(), "t = 1.000 s / 5.000 s");
    assert!(
        m.root
            .query_selector(".notices .notice")
            .ok()
            .flatten()
            .is_none(),
        "the dismissed notice came back"
    );
}

/// The time slider is drawn above the buttons, so it comes before them in the Tab order (it
/// was moved up by CSS only, and Tab jumped back up to it after the buttons).
#[wasm_bindgen_test]
async fn the_time_slider_comes_before_the_buttons_in_the_tab_order() {
    let m = mount("#/test").await;
    let (slider, reset) = (m.q(".pb-scrub"), m.q(".pb-reset"));
    let before =
        slider.compare_document_position(&reset) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING;
    assert!(
        before != 0,
        "the slider follows the buttons in the document"
    );
    let (s, r) = (
        slider.get_bounding_client_rect(),
        reset.get_bounding_client_rect(),
    );
    assert!(
        s.bottom() <= r.top() + 1.0,
        "drawn above them: {} / {}",
        s.bottom(),
        r.top()
    );
}

/// "Copy embed code" goes away with the panel once pressed: the focus it had returns to the
/// Embed button, not to the top of the page.
#[wasm_bindgen_test]
async fn copying_the_embed_code_hands_the_focus_back_to_the_embed_button() {
    // A clipboard that accepts (headless Chromium's refuses without a user gesture).
    js_sys::eval(
        "Object.defineProperty(navigator, 'clipboard', {configurable: true,\
           value: {writeText: () => Promise.resolve()}})",
    )
    .expect("stub the clipboard");
    let m = mount("#/test").await;
    m.click(".btn-embed");
    settle().await;
    m.focus(".btn-copy-embed");
    m.click(".btn-copy-embed");
    for _ in 0..20 {
        settle().await;
    }
    let status = m.text(".share-status");
    let kept = m.has_focus(".btn-embed");
    js_sys::eval("delete navigator.clipboard").expect("restore the clipboard");
    assert_eq!(status, "Embed code copied.");
    assert!(kept, "the focus was lost");
}

#[wasm_bindgen_test]
async fn embed_button_shows_an_iframe_snippet_for_this_figure() {
    let m = mount("#/test?demo.t=1000&other.x=1").await;
    m.click(".btn-embed");
    settle().await;
    let field: web_sys::HtmlTextAreaElement =
        m.q(".share-embed textarea").dyn_into().expect("textarea");
    let s = field.value();
    assert!(s.starts_with("<iframe src=\""), "{s}");
    assert!(s.contains("#/embed/demo?demo.t=1000\""), "{s}");
    assert!(!s.contains("other.x"), "{s}");
}

#[wasm_bindgen_test]
async fn exported_svg_is_self_contained() {
    let m = mount("#/test").await;
    let svg = m.q(".figure-svg svg");
    let text = export::standalone_svg(&svg).expect("export");
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(
        text.contains("xmlns=\"http://www.w3.org/2000/svg\""),
        "{text}"
    );
    assert!(!text.contains("var("), "{text}");
    assert!(!text.contains("class="), "{text}");
    assert!(text.contains("viewBox=\"0 0 300 40\""), "{text}");
    assert!(
        text.contains("fill: rgb(") || text.contains("fill:rgb("),
        "colours resolved: {text}"
    );
    // Parses as XML.
    let parser = web_sys::DomParser::new().expect("parser");
    let doc = parser
        .parse_from_string(&text, web_sys::SupportedType::ImageSvgXml)
        .expect("parse");
    assert!(
        doc.get_elements_by_tag_name("parsererror").length() == 0,
        "{text}"
    );
}

#[wasm_bindgen_test]
fn an_export_names_its_frame_by_the_link() {
    let pairs = |xs: &[(&str, &str)]| -> Vec<(String, String)> {
        xs.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        export::file_name("demo", &[], 1_250_000, false),
        "demo-t1250.svg"
    );
    // Not whole milliseconds: the link's unit, so two frames a fraction apart differ.
    assert_eq!(
        export::file_name("demo", &[], 1_250_300, false),
        "demo-t1250300us.svg"
    );
    assert_eq!(
        export::file_name(
            "coroutine",
            &pairs(&[
                ("coroutine.ex", "never"),
                ("coroutine.t", "5"),
                ("coroutine.step", "3")
            ]),
            0,
            true
        ),
        "coroutine-ex-never-step-3-t0-dark.svg"
    );
    // Nothing a file system would object to, and never endless.
    let odd = export::file_name("demo", &pairs(&[("demo.a", "x/../y z?*")]), 0, false);
    assert_eq!(odd, "demo-a-x_.._y_z__-t0.svg");
    let long = export::file_name("demo", &pairs(&[("demo.a", &"9".repeat(5000))]), 0, false);
    assert!(long.len() < 120, "{long}");
}

/// A label outlined in the background colour (`paint-order: stroke`) becomes two texts, the
/// outline under the letters; the page's controls and their hints are left out; the file's size
/// is its viewBox's, whatever size it is drawn at.
#[wasm_bindgen_test]
fn an_export_reads_the_same_in_programs_without_paint_order() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let holder = doc.create_element("div").unwrap();
    holder.set_inner_html(
        r#"<svg viewBox="0 0 300 40" width="600" height="80" style="font-family: system-ui, -apple-system, Arial, sans-serif">
             <text x="1" y="20" style="paint-order: stroke; stroke: rgb(255, 0, 0); stroke-width: 3px; fill: rgb(0, 0, 255)">limit</text>
             <g role="button" data-key="port:9001" tabindex="0" aria-label="Port 9001: add a client"><title>Port 9001: add a client</title><rect width="5" height="5"/><text class="ui" x="1" y="30">+ client</text></g>
           </svg>"#,
    );
    doc.body().unwrap().append_child(&holder).unwrap();
    let svg = holder.query_selector("svg").unwrap().unwrap();
    let text = export::standalone_svg(&svg).expect("export");
    holder.remove();
    let parsed = web_sys::DomParser::new()
        .unwrap()
        .parse_from_string(&text, web_sys::SupportedType::ImageSvgXml)
        .unwrap();
    let texts = parsed.get_elements_by_tag_name("text");
    assert_eq!(texts.length(), 2, "{text}");
    let style = |i| {
        texts
            .item(i)
            .unwrap()
            .get_attribute("style")
            .unwrap_or_default()
    };
    let (under, over) = (style(0), style(1));
    assert!(
        under.ends_with("fill:rgb(255, 0, 0);stroke:rgb(255, 0, 0);"),
        "{under}"
    );
    assert!(
        over.contains("fill:rgb(0, 0, 255)") && over.ends_with("stroke:none;"),
        "{over}"
    );
    assert!(!text.contains("paint-order"), "{text}");
    assert!(
        !text.contains("+ client")
            && !text.contains("add a client")
            && text.matches("role=").count() == 1
            && !text.contains("data-key"),
        "{text}"
    );
    // One picture: the file is an image, whatever role the page gave the drawing.
    let root = parsed.document_element().expect("root");
    assert_eq!(root.get_attribute("role").as_deref(), Some("img"), "{text}");
    assert_eq!(under.matches("stroke:").count(), 1, "{under}");
    assert_eq!(over.matches("stroke:").count(), 1, "{over}");
    assert!(text.contains("width=\"300\" height=\"40\""), "{text}");
    assert!(
        !text.contains("system-ui") && !text.contains("-apple-system"),
        "{text}"
    );
    assert!(text.contains("Arial, sans-serif"), "{text}");
}

#[wasm_bindgen_test]
async fn unmounting_while_playing_stops_cleanly() {
    let m = mount("#/test").await;
    m.click(".pb-play");
    settle().await;
    assert_eq!(
        m.q(".pb-play").get_attribute("aria-label").as_deref(),
        Some("Pause")
    );
    drop(m);
    settle().await;
}

// ---- Ends that are not round, and times past the end -----------------------------------------

/// An end the scrubber's step (end / 500) does not divide, like the demand run's 3.266 s.
const ODD_END: u64 = 3_266_421;

#[component]
fn OddDemo() -> Html {
    let pb = use_playback("odd", Timeline::new(ODD_END, vec![1_000_000]));
    html! {
        <Figure id="odd" title="Odd end" playback={pb.clone()} describe={Callback::from(describe)}>
            <svg viewBox="0 0 10 10" class="viz"><rect width="10" height="10" /></svg>
        </Figure>
    }
}

#[component]
fn OddPage() -> Html {
    html! { <NoticesProvider><OddDemo /></NoticesProvider> }
}

#[wasm_bindgen_test]
fn scrub_values_map_to_times_and_the_last_position_is_the_end() {
    let step = scrub_step(ODD_END);
    let last = ODD_END / step * step;
    assert!(last < ODD_END, "the step does not divide this end");
    assert_eq!(scrub_time(last as f64, ODD_END), ODD_END);
    assert_eq!(scrub_time((last - step) as f64, ODD_END), last - step);
    // A round end keeps every position as it is, the one before the end included.
    assert_eq!(
        scrub_time((END - scrub_step(END)) as f64, END),
        END - 10_000
    );
    assert_eq!(scrub_time(END as f64, END), END);
    assert_eq!(scrub_time(-5.0, END), 0);
}

#[wasm_bindgen_test]
async fn dragging_the_scrubber_fully_right_reaches_the_end_of_any_run() {
    let m = crate::common::mount::<OddPage>("#/test").await;
    let scrub: HtmlInputElement = m.q(".pb-scrub").dyn_into().expect("input");
    scrub.set_value(&scrub.max());
    let v: u64 = scrub.value().parse().expect("a number");
    assert!(
        v < ODD_END,
        "the browser holds the slider at a step, short of the end: {v}"
    );
    scrub.dispatch_event(&bubbling("input")).expect("dispatch");
    settle().await;
    assert_eq!(m.text(".pb-time"), "t = 3.266 s / 3.266 s");
    assert_eq!(
        m.text(".pb-play"),
        "▶ Replay",
        "at the end, Play starts again"
    );
    assert!(
        m.q(".pb-next").get_attribute("aria-disabled").as_deref() == Some("true"),
        "nothing after the end"
    );
    // One step to the left is a time before the end (keyboard stepping stays a step).
    scrub.set_value(&(v - scrub_step(ODD_END)).to_string());
    scrub.dispatch_event(&bubbling("input")).expect("dispatch");
    settle().await;
    assert_eq!(m.text(".pb-play"), "▶ Play");
    assert_eq!(
        m.q(".pb-next").get_attribute("aria-disabled").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn a_link_time_past_the_end_is_clamped_with_a_notice() {
    let m = mount("#/test?demo.t=999999").await;
    assert_eq!(m.readout(), "t = 5.000 s / 5.000 s");
    let notice = m
        .q(".notices .notice-text")
        .text_content()
        .unwrap_or_default();
    assert_eq!(
        notice,
        "Link parameter demo.t=999999 is past the end of this run (5 s). Accepted: a time from 0 to 5 s. Showing the end."
    );
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .expect("hash");
    assert_eq!(permalink::split_hash(&hash).1.get("demo.t"), Some("5000"));
    drop(m);
    // The end itself is inside the run: no notice.
    let m = mount("#/test?demo.t=5s").await;
    assert_eq!(m.readout(), "t = 5.000 s / 5.000 s");
    assert!(m.root.query_selector(".notices").ok().flatten().is_none());
}

#[wasm_bindgen_test]
fn a_refusal_says_what_is_accepted_once() {
    assert_eq!(
        refusal("no number given", "a whole number from 1 to 64"),
        "no number given. Accepted: a whole number from 1 to 64"
    );
    let named = "concurrency 0 is out of range: accepted 1 to 64 calls in flight";
    assert_eq!(refusal(named, "a whole number from 1 to 64"), named);
}
