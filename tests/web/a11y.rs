//! What an accessibility audit (axe-core, session 16) found, asserted on the mounted pictures and
//! controls: a picture with controls inside is a group, not an image (an image's children are
//! left out of the accessibility tree); a labelled SVG group has a role (`aria-label` is not
//! allowed on a plain `<g>`); a control's name starts with the words it shows (voice control:
//! "click 9001 + client"); the Play button says its state once (its name), not twice.
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;
use yew::prelude::*;

use await_and_see::app::shell::App;

use crate::common::{mount, settle, Mounted};
use crate::load::PoolPage;
use crate::ports::{PortsPage, ReadinessPage};
use crate::queries::QueriesPage;

fn all(root: &Element, sel: &str) -> Vec<Element> {
    let list = root.query_selector_all(sel).expect("selector");
    (0..list.length())
        .filter_map(|i| wasm_bindgen::JsCast::dyn_into(list.item(i)?).ok())
        .collect()
}

/// Every picture under `m`: (has a focusable part, its role).
fn pictures<C: BaseComponent>(m: &Mounted<C>) -> Vec<(bool, String)> {
    all(&m.root, "svg.viz")
        .iter()
        .map(|svg| {
            let controls = !all(svg, "[tabindex]").is_empty();
            (controls, svg.get_attribute("role").unwrap_or_default())
        })
        .collect()
}

/// Labelled SVG groups without a role (axe: aria-prohibited-attr).
fn unroled_labels<C: BaseComponent>(m: &Mounted<C>) -> Vec<String> {
    all(&m.root, "svg g[aria-label]:not([role])")
        .iter()
        .map(|g| g.get_attribute("aria-label").unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn pictures_with_controls_are_groups_and_the_others_images() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    let p = pictures(&m);
    assert!(!p.is_empty() && p.iter().all(|(c, _)| *c), "{p:?}");
    assert!(p.iter().all(|(_, r)| r == "group"), "ports: {p:?}");
    assert_eq!(unroled_labels(&m), Vec::<String>::new());
    drop(m);

    let m = mount::<QueriesPage>("#/non-blocking-calls").await;
    let p = pictures(&m);
    assert!(p.iter().any(|(c, _)| *c), "the bar ends are sliders: {p:?}");
    assert!(
        p.iter().all(|(c, r)| (r == "group") == *c),
        "queries: {p:?}"
    );
    drop(m);

    let m = mount::<ReadinessPage>("#/event-driven").await;
    let p = pictures(&m);
    assert!(!p.is_empty(), "{p:?}");
    assert!(p.iter().all(|(c, r)| !c && r == "img"), "readiness: {p:?}");
    assert_eq!(unroled_labels(&m), Vec::<String>::new());
    drop(m);

    let m = mount::<PoolPage>("#/blocking-calls").await;
    assert!(pictures(&m).iter().all(|(c, r)| !c && r == "img"));
    assert_eq!(unroled_labels(&m), Vec::<String>::new(), "the pool's count");
}

#[wasm_bindgen_test]
async fn a_port_box_is_named_by_the_words_it_shows() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    let doors = all(&m.root, "g.door.hit");
    assert_eq!(doors.len(), 4, "two ports on each side");
    for g in doors {
        let shown: Vec<String> = all(&g, "text")
            .iter()
            .filter_map(|t| t.text_content())
            .collect();
        let shown = shown.join(" ");
        // Named once, by its <title> (which is also the hover text): an aria-label beside an
        // equal <title> was read as the name and again as the description.
        assert_eq!(g.get_attribute("aria-label"), None);
        let name = all(&g, ":scope > title")
            .first()
            .and_then(|t| t.text_content())
            .unwrap_or_default();
        assert!(
            !shown.is_empty() && name.starts_with(&shown),
            "shows {shown:?}, named {name:?}"
        );
        // The same box is on both servers' sides: the name says it adds to both.
        assert!(name.contains("add a client arriving on port"), "{name}");
        assert!(name.ends_with("for both servers"), "{name}");
    }
}

/// Submit the form `sel` as Enter in one of its fields does.
fn submit<C: BaseComponent>(m: &Mounted<C>, sel: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::Event::new_with_event_init_dict("submit", &init).expect("submit event");
    m.q(sel).dispatch_event(&ev).expect("dispatch");
}

/// A refused value marks its own box invalid, described by the message (which names what is
/// accepted); a good value clears both.
fn assert_refused<C: BaseComponent>(m: &Mounted<C>, field: &str, says: &str) {
    let el = m.q(field);
    assert_eq!(
        el.get_attribute("aria-invalid").as_deref(),
        Some("true"),
        "{field}"
    );
    let by = el.get_attribute("aria-describedby").unwrap_or_default();
    assert!(!by.is_empty(), "{field} is described by its message");
    let msg = m.text(&format!("#{by}"));
    assert!(msg.contains(says), "{field}: {msg}");
}

fn assert_valid<C: BaseComponent>(m: &Mounted<C>, field: &str) {
    let el = m.q(field);
    assert_eq!(el.get_attribute("aria-invalid"), None, "{field}");
    assert_eq!(el.get_attribute("aria-describedby"), None, "{field}");
}

#[wasm_bindgen_test]
async fn the_ports_fields_and_the_guess_box_are_marked_invalid_when_refused() {
    let m = mount::<PortsPage>("#/blocking-io").await;
    assert_valid(&m, ".ports-seed");
    assert_valid(&m, ".ports-add-time");
    m.type_into(".ports-seed", "-4");
    settle().await;
    assert_refused(&m, ".ports-seed", "Seed refused");
    assert_valid(&m, ".ports-add-time");
    m.type_into(".ports-seed", "7");
    settle().await;
    assert_valid(&m, ".ports-seed");
    m.type_into(".ports-add-time", "soon");
    submit(&m, "form.ports-add");
    settle().await;
    assert_refused(&m, ".ports-add-time", "Accepted: a number of seconds");
    assert_valid(&m, ".ports-seed");
    m.type_into(".ports-add-time", "2.5");
    submit(&m, "form.ports-add");
    settle().await;
    assert_valid(&m, ".ports-add-time");
    drop(m);

    let m = mount::<QueriesPage>("#/non-blocking-calls").await;
    assert_valid(&m, "#queries-dur-a");
    m.type_into("#queries-dur-a", "soon");
    settle().await;
    assert_refused(&m, "#queries-dur-a", "Query A refused");
    m.type_into("#queries-dur-a", "2");
    settle().await;
    assert_valid(&m, "#queries-dur-a");
    assert_valid(&m, "#queries-guess");
    m.type_into("#queries-guess", "soon");
    submit(&m, "form.predict");
    settle().await;
    assert_refused(&m, "#queries-guess", "seconds");
    m.type_into("#queries-guess", "3");
    settle().await;
    assert_valid(&m, "#queries-guess");
}

/// The queries' select is named by its label alone ("In the gather run"), the comma after it
/// being the sentence's, not the name's.
#[wasm_bindgen_test]
async fn the_blocking_choice_has_a_name_without_its_comma() {
    let m = mount::<QueriesPage>("#/non-blocking-calls").await;
    assert_eq!(m.label("#queries-block"), "", "named by its <label>");
    assert_eq!(m.text("label[for='queries-block']"), "In the gather run");
}

/// The page's main region is named by the page's heading: after a route change the focus goes
/// there, and an unnamed <main> was announced as "main" and nothing else.
#[wasm_bindgen_test]
async fn the_main_region_is_named_by_the_pages_heading() {
    for hash in ["#/", "#/blocking-io", "#/nowhere"] {
        let m = mount::<App>(hash).await;
        let by = m
            .q("main")
            .get_attribute("aria-labelledby")
            .unwrap_or_default();
        assert!(!by.is_empty(), "{hash}");
        let h1 = all(&m.root, "h1");
        assert_eq!(h1.len(), 1, "{hash}: one heading");
        assert_eq!(h1[0].id(), by, "{hash}");
        assert!(!m.text("h1").is_empty(), "{hash}");
        drop(m);
    }
    await_and_see::app::hooks::replace_hash("#/");
}

#[wasm_bindgen_test]
async fn the_play_button_says_its_state_by_its_name_only() {
    let m = mount::<QueriesPage>("#/non-blocking-calls").await;
    let play = m.q(".pb-play");
    assert_eq!(play.get_attribute("aria-pressed"), None);
    assert_eq!(play.get_attribute("aria-label").as_deref(), Some("Play"));
    m.click(".pb-play");
    settle().await;
    assert_eq!(play.get_attribute("aria-label").as_deref(), Some("Pause"));
    assert_eq!(play.get_attribute("aria-pressed"), None);
    m.click(".pb-play");
    m.q(".pb-next");
    // At the end the button replays: its name starts with what it shows ("▶ Replay").
    let end = m.q(".pb-scrub").get_attribute("max").unwrap_or_default();
    m.type_into(".pb-scrub", &end);
    settle().await;
    let shown = play.text_content().unwrap_or_default();
    let name = play.get_attribute("aria-label").unwrap_or_default();
    assert_eq!(shown, "▶ Replay");
    assert!(name.starts_with("Replay"), "{name:?}");
}

#[wasm_bindgen_test]
async fn an_embed_page_has_the_pictures_title_as_its_heading() {
    let h1 = crate::shell::with_embed_page("readiness", |root| all(root, "h1")).await;
    let title = await_and_see::app::viz::ALL
        .iter()
        .find(|v| v.id == "readiness")
        .expect("readiness")
        .title;
    assert_eq!(h1.len(), 1, "one heading");
    assert_eq!(h1[0].text_content().as_deref(), Some(title));
    assert_eq!(
        h1[0].id(),
        await_and_see::app::shell::PAGE_TITLE_ID,
        "it names <main>"
    );
    // For screen readers only: a host page has its own visible heading.
    assert!(h1[0].class_list().contains("sr-only"));
}

#[wasm_bindgen_test]
async fn a_button_whose_words_change_is_not_also_a_toggle() {
    let m = mount::<QueriesPage>("#/non-blocking-calls").await;
    let before = m.text("button.third");
    assert_eq!(m.q("button.third").get_attribute("aria-pressed"), None);
    m.click("button.third");
    settle().await;
    let after = m.text("button.third");
    assert_ne!(before, after, "its words say what it does now");
    // "Remove query C, toggle button, pressed" said two opposite things.
    assert_eq!(m.q("button.third").get_attribute("aria-pressed"), None);
}

#[component]
fn DemandPage() -> Html {
    use await_and_see::app::hooks::NoticesProvider;
    use await_and_see::app::viz::demand::Demand;
    html! { <NoticesProvider><Demand /></NoticesProvider> }
}

#[wasm_bindgen_test]
async fn the_demand_slider_has_a_name_that_does_not_change_with_its_value() {
    let m = mount::<DemandPage>("#/strategies?demand.n=8").await;
    let name = m.label("input.demand-n");
    assert_eq!(name, "concurrency n", "read as the name, then the value 8");
}

/// A slider with a number box: both say the unit the page shows beside them, the box knows its
/// range, and a refused value is tied to the box (invalid, described by the message).
#[wasm_bindgen_test]
async fn a_number_field_says_its_unit_and_ties_its_error_to_the_box() {
    let m = mount::<PoolPage>("#/blocking-calls").await;
    let slider = m.q("#thread-pool-block-range");
    assert_eq!(m.label("#thread-pool-block-range"), "blocking time");
    assert_eq!(
        slider.get_attribute("aria-valuetext").as_deref(),
        Some("2,000 ms")
    );
    let boxed = m.q("#thread-pool-block");
    assert_eq!(m.label("#thread-pool-block"), "blocking time in ms");
    assert_eq!(boxed.get_attribute("min").as_deref(), Some("10"));
    assert_eq!(boxed.get_attribute("max").as_deref(), Some("10000"));
    assert_eq!(boxed.get_attribute("aria-invalid"), None);
    m.commit("#thread-pool-block", "1.5");
    settle().await;
    assert_refused(&m, "#thread-pool-block", "from 10 to 10,000 ms");
    assert_eq!(
        m.q(".viz-field .field-error").id(),
        "thread-pool-block-error",
        "the message shown is the one the box points to"
    );
}

/// The name of a picture's `<svg>`: its `<title>` (there is no aria-label beside it, which was
/// read again as the description).
fn svg_name<C: BaseComponent>(m: &Mounted<C>) -> String {
    let svg = m.q("svg.viz");
    assert_eq!(
        svg.get_attribute("aria-label"),
        None,
        "named once, by its <title>"
    );
    m.text("svg.viz > title")
}

/// An image's name says what it shows now, so it changes as the clock moves; a picture with
/// controls inside keeps its short name (said whenever the focus enters it).
#[wasm_bindgen_test]
async fn an_images_name_follows_the_clock() {
    let m = mount::<PoolPage>("#/blocking-calls").await;
    let before = svg_name(&m);
    assert!(
        before.starts_with("A thread pool under load. At 0"),
        "{before}"
    );
    m.click(".pb-next");
    settle().await;
    let after = svg_name(&m);
    assert!(
        after.starts_with("A thread pool under load. At "),
        "{after}"
    );
    assert_ne!(before, after);
    drop(m);

    let m = mount::<PortsPage>("#/blocking-io").await;
    let name = svg_name(&m);
    assert!(
        !name.contains(". At "),
        "a group keeps its own name: {name}"
    );
}
