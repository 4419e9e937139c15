//! The site frame: routes, link parsing, the not-found page, the theme toggle, the panic banner,
//! notices, the embed snippet.
use std::time::Duration;

use await_and_see::app::embed::{self, EmbedPage};
use await_and_see::app::hooks::{
    foreign_keys, replace_hash, unknown_keys, Notice, NoticeAction, NoticeList,
};
use await_and_see::app::permalink::{
    self, decode, encode, format_time, parse_time, repeated_keys, split_hash, Query,
};
use await_and_see::app::router::Route;
use await_and_see::app::shell::{banner, theme, App};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::common::{mount, new_root, settle};
use yew::Reducible;

// ---- Pure: routes and links ------------------------------------------------------------------

#[wasm_bindgen_test]
fn routes_parse() {
    let known = |s: &str| s == "blocking-io";
    assert_eq!(Route::from_path("/", known), Route::Landing);
    assert_eq!(Route::from_path("", known), Route::Landing);
    assert_eq!(
        Route::from_path("/blocking-io", known),
        Route::Chapter("blocking-io".into())
    );
    assert_eq!(
        Route::from_path("/blocking-io/", known),
        Route::Chapter("blocking-io".into())
    );
    assert_eq!(
        Route::from_path("/embed/", known),
        Route::Embed(String::new())
    );
    assert_eq!(
        Route::from_path("/embed/ports", known),
        Route::Embed("ports".into())
    );
    assert_eq!(
        Route::from_path("/nope", known),
        Route::NotFound("/nope".into())
    );
    assert_eq!(
        Route::from_path("/a/b/c", known),
        Route::NotFound("/a/b/c".into())
    );
    assert_eq!(
        Route::from_hash("#/embed/x?x.t=5"),
        Route::Embed("x".into())
    );
    assert_eq!(
        Route::from_path("/embed/ports/extra", known),
        Route::Embed("ports/extra".into())
    );
    assert_eq!(Route::from_hash(""), Route::Landing);
    assert_eq!(Route::Embed("ports".into()).href(), "#/embed/ports");
}

#[wasm_bindgen_test]
fn repeated_keys_are_listed_with_every_value_in_order() {
    let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        repeated_keys("#/ports?ports.t=1&a=0&ports.t=2&b&b=%20x&ports.t=3"),
        vec![
            ("ports.t".to_string(), v(&["1", "2", "3"])),
            ("b".to_string(), v(&["", " x"]))
        ]
    );
    assert!(repeated_keys("#/ports?ports.t=1&ports.seed=1").is_empty());
    assert!(repeated_keys("#/ports").is_empty());
    // The Query keeps the last.
    assert_eq!(split_hash("#/p?a=1&a=2").1.get("a"), Some("2"));
}

#[wasm_bindgen_test]
fn hash_and_query_round_trip() {
    let (path, q) = split_hash("#/ch?ports.t=1250&ports.seed=7&note=a%20b%26c");
    assert_eq!(path, "/ch");
    assert_eq!(q.get("ports.t"), Some("1250"));
    assert_eq!(q.get("note"), Some("a b&c"));
    let back = permalink::format_hash(&path, &q);
    assert_eq!(back, "#/ch?ports.t=1250&ports.seed=7&note=a%20b%26c");
    assert_eq!(split_hash(&back), (path, q.clone()));
    assert_eq!(q.only_viz("ports").to_string(), "ports.t=1250&ports.seed=7");
    assert_eq!(split_hash("#"), ("/".to_string(), Query::default()));
    assert_eq!(decode(&encode("héllo wörld/→")), "héllo wörld/→");
    assert_eq!(decode("%zz%4"), "%zz%4", "bad escapes kept");
    let mut q = Query::parse("a=1&a=2&b");
    assert_eq!(q.get("a"), Some("2"));
    assert_eq!(q.get("b"), Some(""));
    q.remove("a");
    assert_eq!(q.to_string(), "b=");
}

#[wasm_bindgen_test]
fn times_parse_and_format() {
    assert_eq!(parse_time("1250"), Ok(1_250_000));
    assert_eq!(parse_time("1250ms"), Ok(1_250_000));
    assert_eq!(parse_time("1.25s"), Ok(1_250_000));
    assert_eq!(parse_time("17us"), Ok(17));
    assert!(parse_time("soon").is_err());
    assert!(parse_time("-5").is_err());
    assert!(parse_time("NaN").is_err());
    assert!(parse_time("1e30").is_err());
    for us in [0, 1, 999, 1000, 1_250_000, 1_250_300, 60_000_000] {
        assert_eq!(parse_time(&format_time(us)), Ok(us), "{us}");
    }
    assert_eq!(permalink::format_seconds(1_250_000), "1.250 s");
    assert_eq!(
        permalink::key_owner(&permalink::viz_key("thread-pool", "rate")),
        Some("thread-pool")
    );
    assert_eq!(permalink::key_owner("bare"), None);
}

#[wasm_bindgen_test]
fn unknown_viz_keys_are_found() {
    let q = Query::parse("ports.t=1&ports.seed=2&ports.colour=red&other.x=1");
    assert_eq!(
        unknown_keys(&q, "ports", &["seed"]),
        vec![("ports.colour".to_string(), "red".to_string())]
    );
}

#[wasm_bindgen_test]
fn parameters_no_picture_on_the_page_reads_are_found() {
    let q = Query::parse("queries.a=3&thread-pool.rate=90&ports.seed=2&foo=1&bare");
    assert_eq!(
        foreign_keys(&q, &["queries", "thread-pool"]),
        [("ports.seed", "2"), ("foo", "1"), ("bare", "")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    // A page without pictures reads nothing.
    assert_eq!(foreign_keys(&q, &[]).len(), 5);
}

/// The notices' texts on the page.
fn notice_texts(root: &web_sys::Element) -> Vec<String> {
    let list = root
        .query_selector_all(".notices .notice-text")
        .expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

/// A link of thousands of parameters: the first 50 are read, a few notices name the bad ones and
/// one names the rest, and the page says the link was cut; not thousands of notices.
#[wasm_bindgen_test]
async fn a_link_of_thousands_of_parameters_gives_a_few_notices() {
    let many: Vec<String> = (0..3000).map(|i| format!("zz{i}.a={i}")).collect();
    let m = mount::<App>(&format!("#/blocking-io?{}", many.join("&"))).await;
    let root = &m.root;
    let texts = notice_texts(root);
    assert_eq!(texts.len(), 7, "{texts:?}");
    assert!(
        texts.iter().any(|t| t == "This link gives 3,000 parameters; only the first 50 are read. A link to a view needs a few: the chapter's pictures' settings and times."),
        "{texts:?}"
    );
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.starts_with("Ignored link parameter zz"))
            .count(),
        5,
        "{texts:?}"
    );
    assert!(
        texts.iter().any(
            |t| t.starts_with("Also ignored: 45 more link parameters (zz5.a, zz6.a,")
                && t.ends_with(", …): no picture on this page reads them.")
        ),
        "{texts:?}"
    );
    drop(m);
    // A picture's own unknown settings, on its embed page: five, then one for the rest; and a
    // picture without settings says so plainly.
    let unknown: Vec<String> = (0..8).map(|i| format!("ports.x{i}=1")).collect();
    let m = mount::<App>(&format!("#/embed/ports?{}", unknown.join("&"))).await;
    let root = &m.root;
    let texts = notice_texts(root);
    assert_eq!(texts.len(), 6, "{texts:?}");
    assert!(
        texts.iter().any(|t| t == "Also ignored: 3 more link parameters (ports.x5, ports.x6, ports.x7): ports has no such settings."),
        "{texts:?}"
    );
    drop(m);
    let m = mount::<App>("#/embed/readiness?readiness.x=1").await;
    let root = &m.root;
    let texts = notice_texts(root);
    assert!(
        texts.len() == 1 && texts[0].ends_with("readiness has no such setting. Known: t."),
        "{texts:?}"
    );
    drop(m);
    replace_hash("#/");
}

#[wasm_bindgen_test]
async fn a_chapter_names_the_link_parameters_none_of_its_pictures_reads() {
    // Chapter 4 shows queries and thread-pool; ports is chapter 1's; foo is nobody's.
    let m = mount::<App>("#/blocking-calls?queries.a=3&ports.seed=2&foo=1").await;
    let root = &m.root;
    let texts = notice_texts(root);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].starts_with("Ignored link parameter ports.seed=2: the ports picture is not on this page (it is in \"Blocking I/O\")")
            && texts[0].contains("Accepted: the settings of this page's pictures (queries.*, thread-pool.*)"),
        "{texts:?}"
    );
    assert!(
        texts[1].starts_with("Ignored link parameter foo=1: this page has no such setting."),
        "{texts:?}"
    );
    drop(m);
    // A chapter without pictures (the references).
    let m = mount::<App>("#/references?queries.a=3").await;
    let root = &m.root;
    let texts = notice_texts(root);
    assert!(
        texts.len() == 1 && texts[0].contains("Accepted: none, this page has no pictures."),
        "{texts:?}"
    );
    drop(m);
    replace_hash("#/");
}

#[wasm_bindgen_test]
async fn an_embedded_picture_names_the_link_parameters_it_does_not_read() {
    replace_hash("#/embed/readiness?foo=1&queries.a=3&readiness.t=500");
    let root = new_root();
    let props = await_and_see::app::embed::EmbedPageProps {
        id: "readiness".into(),
    };
    let app = yew::Renderer::<EmbedPage>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let texts = notice_texts(&root);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Ignored link parameter foo=1: this page has no such setting. Accepted: the settings of this page's pictures (readiness.*).")), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with(
            "Ignored link parameter queries.a=3: the queries picture is not in this frame, which shows readiness."
        )),
        "{texts:?}"
    );
    app.destroy();
    root.remove();
    replace_hash("#/");
}

/// The link under an embedded picture opens its chapter at the view shown (its own parameters
/// only), not the site's contents.
#[wasm_bindgen_test]
async fn an_embeds_credit_link_opens_its_chapter_at_the_view_shown() {
    replace_hash("#/embed/readiness?readiness.t=3000&theme=dark");
    let (href, text) = with_embed_page("readiness", |root| {
        let a = root
            .query_selector(".embed-credit a")
            .ok()
            .flatten()
            .expect("a link");
        (
            a.get_attribute("href").unwrap_or_default(),
            a.text_content().unwrap_or_default(),
        )
    })
    .await;
    assert_eq!(href, "#/event-driven?readiness.t=3000");
    assert_eq!(text, "Open in Await & See");
    settle().await;
    replace_hash("#/");
}

/// `theme=dark` on an embed link gives the host page's theme (a dark slide deck), not stored and
/// gone with the page; a bad value is a notice naming what is accepted, and no other notice.
#[wasm_bindgen_test]
async fn an_embed_link_can_name_the_theme() {
    let theme = || {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("data-theme"))
    };
    let before = theme();
    replace_hash("#/embed/readiness?theme=dark");
    let during = with_embed_page("readiness", |root| (theme(), notice_texts(root))).await;
    assert_eq!(during.0.as_deref(), Some("dark"));
    assert_eq!(
        during.1,
        Vec::<String>::new(),
        "theme is the embed page's own parameter"
    );
    settle().await; // the page's effects are cleaned up after it is destroyed
    assert_eq!(theme(), before, "the reader's theme again");
    replace_hash("#/embed/readiness?theme=blue");
    let texts = with_embed_page("readiness", notice_texts).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].starts_with("Ignored link parameter theme=blue: accepted light, dark or system"),
        "{texts:?}"
    );
    assert_eq!(theme(), before);
    replace_hash("#/");
}

/// A host page whose listener started late asks the frame for its height again; the frame
/// answers only its parent (here the test page is its own parent) and only that message.
#[wasm_bindgen_test]
async fn an_embed_posts_its_height_again_when_its_parent_asks() {
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::JsCast;
    replace_hash("#/embed/readiness");
    let window = web_sys::window().expect("window");
    let heights: Rc<RefCell<Vec<f64>>> = Rc::default();
    let seen = heights.clone();
    let listener =
        await_and_see::app::hooks::EventListener::new(window.as_ref(), "message", move |e| {
            let Some(m) = e.dyn_ref::<web_sys::MessageEvent>() else {
                return;
            };
            let data = m.data();
            let kind = js_sys::Reflect::get(&data, &"type".into())
                .ok()
                .and_then(|v| v.as_string());
            if kind.as_deref() == Some(embed::HEIGHT_MESSAGE) {
                let h = js_sys::Reflect::get(&data, &"height".into())
                    .ok()
                    .and_then(|v| v.as_f64());
                seen.borrow_mut().push(h.unwrap_or(-1.0));
            }
        });
    let root = new_root();
    let props = await_and_see::app::embed::EmbedPageProps {
        id: "readiness".into(),
    };
    let app = yew::Renderer::<EmbedPage>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let ask = |kind: &str, from_parent: bool| {
        let data = js_sys::Object::new();
        js_sys::Reflect::set(&data, &"type".into(), &kind.into()).expect("set");
        let init = web_sys::MessageEventInit::new();
        init.set_data(&data);
        if from_parent {
            init.set_source(Some(window.as_ref()));
        }
        let ev = web_sys::MessageEvent::new_with_event_init_dict("message", &init).expect("ev");
        window.dispatch_event(&ev).expect("dispatch");
    };
    // The page posts its height whenever its size changes: wait until it has stopped.
    let mut quiet = 0;
    for _ in 0..50 {
        let n = heights.borrow().len();
        settle().await;
        quiet = if heights.borrow().len() == n {
            quiet + 1
        } else {
            0
        };
        if quiet == 3 {
            break;
        }
    }
    heights.borrow_mut().clear();
    ask("something-else", true);
    ask(embed::REQUEST_HEIGHT_MESSAGE, false);
    settle().await;
    assert_eq!(
        heights.borrow().len(),
        0,
        "only its parent's request is answered"
    );
    ask(embed::REQUEST_HEIGHT_MESSAGE, true);
    settle().await;
    let got = heights.borrow().clone();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0] > 100.0, "the content's height: {got:?}");
    drop(listener);
    app.destroy();
    root.remove();
    replace_hash("#/");
}

#[wasm_bindgen_test]
fn notices_are_deduplicated_and_dismissed() {
    let n = std::rc::Rc::new(NoticeList::default());
    let add = |key: &str| {
        NoticeAction::Add(Notice {
            key: key.into(),
            text: format!("about {key}"),
        })
    };
    let n = n.reduce(add("a")).reduce(add("a")).reduce(add("b"));
    assert_eq!(n.items.len(), 2);
    let n = n.reduce(NoticeAction::Dismiss("a".into()));
    assert_eq!(
        n.items.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
        ["b"]
    );
    // Reported again (the code that reports it runs on every render): stays dismissed.
    let n = n.reduce(add("a"));
    assert_eq!(
        n.items.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
        ["b"]
    );
    // A new page starts over.
    let n = n.reduce(NoticeAction::Clear).reduce(add("a"));
    assert_eq!(n.items.len(), 1);
}

#[wasm_bindgen_test]
fn embed_snippet_uses_the_current_address_and_only_its_parameters() {
    let s = embed::snippet(
        "ports",
        "Two \"ports\"",
        "https://ex.org/sub/path/index.html#/ch?ports.t=10&x.t=2",
    );
    assert_eq!(
        s,
        "<iframe src=\"https://ex.org/sub/path/index.html#/embed/ports?ports.t=10\" title=\"Two &quot;ports&quot; (Await &amp; See)\" width=\"100%\" height=\"520\" style=\"border:0;max-width:100%\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>"
    );
}

#[wasm_bindgen_test]
fn themes_cycle() {
    use theme::Theme;
    assert_eq!(Theme::System.next(), Theme::Light);
    assert_eq!(Theme::Light.next(), Theme::Dark);
    assert_eq!(Theme::Dark.next(), Theme::System);
    assert_eq!(Theme::parse("bogus"), Theme::System);
}

// ---- Mounted shell ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn unknown_route_shows_a_notice_with_a_way_back() {
    let m = mount::<App>("#/no-such-chapter?x=1").await;
    let root = &m.root;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Page not found"), "{text}");
    assert!(text.contains("#/no-such-chapter"), "{text}");
    assert!(root
        .query_selector(".not-found a[href='#/']")
        .ok()
        .flatten()
        .is_some());
    assert!(root.query_selector(".skip-link").ok().flatten().is_some());
    assert!(root.query_selector("nav.toc").ok().flatten().is_some());
}

#[wasm_bindgen_test]
async fn landing_page_and_hash_navigation() {
    let m = mount::<App>("#/").await;
    let root = &m.root;
    assert!(
        root.query_selector(".landing h1").ok().flatten().is_some(),
        "{}",
        root.inner_html()
    );
    // Navigate like a link would: the hash changes and hashchange fires.
    let window = web_sys::window().expect("window");
    window.location().set_hash("/nowhere").expect("hash");
    settle().await;
    for _ in 0..20 {
        if root.query_selector(".not-found").ok().flatten().is_some() {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        root.query_selector(".not-found").ok().flatten().is_some(),
        "{}",
        root.inner_html()
    );
    drop(m);
    replace_hash("#/");
}

/// The text of `sel` under `root` ("" when there is none).
fn text_of(root: &Element, sel: &str) -> String {
    root.query_selector(sel)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Yield until `ok` holds (the test server has no chapter text, so a chapter's pictures show
/// once that fetch has failed), giving up after about ten seconds (it returns as soon as `ok`
/// holds; two seconds were once not enough on a busy CI machine, and the test then failed on
/// the missing notice rather than on anything the app did).
async fn until(root: &Element, ok: impl Fn(&Element) -> bool) {
    for _ in 0..2000 {
        if ok(root) {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Set the address from outside the app (as pasting a link in the address bar does): the hash
/// changes and `hashchange` fires.
fn go(hash: &str) {
    let window = web_sys::window().expect("window");
    window.location().set_hash(hash).expect("hash");
}

#[wasm_bindgen_test]
async fn a_link_followed_wins_over_a_write_back_made_before_its_event() {
    let m = mount::<App>("#/event-loop").await;
    let root = &m.root;
    let pos = |r: &Element| text_of(r, ".step-pos");
    until(root, |r| !pos(r).is_empty()).await;
    // The reader follows a link; before its hashchange event is handled, the page being left
    // writes its own position back into the address (as its clock does when it stops).
    go("/event-loop?event-loop.step=10");
    replace_hash("#/event-loop?event-loop.step=3");
    until(root, |r| pos(r) == "step 10 of 27").await;
    assert_eq!(pos(root), "step 10 of 27");
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.contains("event-loop.step=10"), "{hash}");
}

#[wasm_bindgen_test]
async fn a_new_link_to_the_page_already_shown_applies_like_a_fresh_load() {
    let m = mount::<App>("#/event-loop").await;
    let root = &m.root;
    let pos = |r: &Element| text_of(r, ".step-pos");
    until(root, |r| !pos(r).is_empty()).await;
    assert_eq!(pos(root), "step 1 of 27", "{}", root.inner_html());
    // The app's own writes (the link follows the step) are not a new address: no reset.
    for _ in 0..2 {
        root.query_selector("button.step-next")
            .ok()
            .flatten()
            .expect("step-next")
            .dyn_into::<HtmlElement>()
            .expect("el")
            .click();
        settle().await;
    }
    let own = web_sys::window()
        .expect("w")
        .location()
        .hash()
        .expect("hash");
    assert!(own.contains("event-loop.step=3"), "{own}");
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(pos(root), "step 3 of 27");
    // A copied link pasted for the same chapter: its step is shown.
    go("/event-loop?event-loop.t=1500&event-loop.step=10");
    until(root, |r| pos(r) == "step 10 of 27").await;
    assert_eq!(pos(root), "step 10 of 27");
    assert!(notice_texts(root).is_empty(), "{:?}", notice_texts(root));
    // A bad step: a notice, and the first step, as on a fresh load.
    go("/event-loop?event-loop.step=99");
    until(root, |r| !notice_texts(r).is_empty()).await;
    let texts = notice_texts(root);
    assert!(
        texts.len() == 1 && texts[0].contains("event-loop.step=99"),
        "{texts:?}"
    );
    assert_eq!(pos(root), "step 1 of 27");
    // The same address again, after the reader dismissed the notice and the app dropped the bad
    // step from the address: applied again, notice included.
    root.query_selector(".notice-dismiss")
        .ok()
        .flatten()
        .expect("dismiss")
        .dyn_into::<HtmlElement>()
        .expect("el")
        .click();
    settle().await;
    assert!(notice_texts(root).is_empty());
    let own = web_sys::window()
        .expect("w")
        .location()
        .hash()
        .expect("hash");
    assert!(!own.contains("step=99"), "{own}");
    go("/event-loop?event-loop.step=99");
    until(root, |r| !notice_texts(r).is_empty()).await;
    assert_eq!(notice_texts(root), texts);
    // Another picture's setting on its chapter (coroutine.ex), after arriving there.
    go("/async-await");
    let tab = |r: &Element| {
        r.query_selector(".example[aria-selected=\"true\"]")
            .ok()
            .flatten()
            .map(|e| e.class_name())
            .unwrap_or_default()
    };
    until(root, |r| !tab(r).is_empty()).await;
    assert!(tab(root).contains("ex-gather"), "{}", tab(root));
    go("/async-await?coroutine.ex=wait");
    until(root, |r| tab(r).contains("ex-wait")).await;
    assert!(tab(root).contains("ex-wait"), "{}", tab(root));
    drop(m);
    replace_hash("#/");
}

/// A host page changing its iframe's `src` to another `#/embed/<id>` while the app boots: the
/// first render takes longer than yew's 16 ms slice (a cold start), so yew yields to the browser
/// after rendering and before running any effect, and in that gap the hash changes and
/// `hashchange` is delivered (a timer queued before yew's own resumes first, and fires the
/// event the browser would).
#[component]
fn HostChangesTheFrame() -> Html {
    let done = use_mut_ref(|| false);
    if !std::mem::replace(&mut *done.borrow_mut(), true) {
        gloo_timers::callback::Timeout::new(0, || {
            replace_hash("#/embed/coroutine");
            let ev = web_sys::Event::new("hashchange").expect("event");
            let window = web_sys::window().expect("window");
            window.dispatch_event(&ev).expect("dispatch");
        })
        .forget();
        let until = js_sys::Date::now() + 40.0;
        while js_sys::Date::now() < until {}
    }
    html! {}
}

#[component]
fn BootingFrame() -> Html {
    html! { <><App /><HostChangesTheFrame /></> }
}

#[wasm_bindgen_test]
async fn a_hash_change_while_the_app_boots_is_not_lost() {
    replace_hash("#/embed/ports");
    let root = new_root();
    let app = yew::Renderer::<BootingFrame>::with_root(root.clone()).render();
    let shown = |r: &Element| {
        r.query_selector("figure[data-viz]")
            .ok()
            .flatten()
            .and_then(|f| f.get_attribute("data-viz"))
            .unwrap_or_default()
    };
    until(&root, |r| shown(r) == "coroutine").await;
    assert_eq!(shown(&root), "coroutine");
    app.destroy();
    root.remove();
    replace_hash("#/");
}

#[wasm_bindgen_test]
async fn theme_toggle_sets_the_html_attribute() {
    let html = web_sys::window()
        .expect("window")
        .document()
        .expect("doc")
        .document_element()
        .expect("html");
    let _ = html.remove_attribute("data-theme");
    let _ = web_sys::window()
        .expect("w")
        .local_storage()
        .ok()
        .flatten()
        .map(|s| s.remove_item(theme::STORAGE_KEY));
    let m = mount::<App>("#/").await;
    let root = &m.root;
    let button = || -> HtmlElement {
        root.query_selector(".theme-toggle")
            .ok()
            .flatten()
            .expect("toggle")
            .dyn_into()
            .expect("el")
    };
    button().click();
    settle().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("light"));
    assert_eq!(theme::stored_theme(), theme::Theme::Light);
    button().click();
    settle().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
    button().click();
    settle().await;
    assert_eq!(html.get_attribute("data-theme"), None);
}

/// The embed page for `id`, mounted and rendered: what `read` finds in it (then it goes).
pub(crate) async fn with_embed_page<R>(id: &str, read: impl FnOnce(&Element) -> R) -> R {
    let root = new_root();
    let props = await_and_see::app::embed::EmbedPageProps { id: id.into() };
    let app = yew::Renderer::<EmbedPage>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let found = read(&root);
    app.destroy();
    root.remove();
    found
}

/// The embed page for `id`: its text and whether it shows the site's header.
async fn embed_page(id: &str) -> (String, bool) {
    with_embed_page(id, |root| {
        let text = root.text_content().unwrap_or_default();
        let header = root.query_selector(".site-header").ok().flatten().is_some();
        (text, header)
    })
    .await
}

#[wasm_bindgen_test]
async fn embed_route_for_an_unknown_viz_says_so() {
    let (text, header) = embed_page("nope").await;
    assert!(text.contains("no visualisation \"nope\""), "{text}");
    assert!(!header, "nothing but the figure");
}

#[wasm_bindgen_test]
async fn embed_route_without_an_id_lists_the_ids() {
    let (text, header) = embed_page("").await;
    assert!(
        text.contains("Name the visualisation to embed after #/embed/"),
        "{text}"
    );
    assert!(text.contains("Known: ") && text.contains("ports"), "{text}");
    assert!(!header, "nothing but the notice");
}

#[wasm_bindgen_test]
fn panic_banner_is_plain_dom_with_reload() {
    banner::show_banner("boom at src/x.rs:1");
    let doc = web_sys::window().expect("window").document().expect("doc");
    let b = doc.get_element_by_id(banner::BANNER_ID).expect("banner");
    assert_eq!(b.get_attribute("role").as_deref(), Some("alert"));
    assert!(b
        .text_content()
        .unwrap_or_default()
        .contains("boom at src/x.rs:1"));
    assert_eq!(
        b.query_selector("button")
            .ok()
            .flatten()
            .and_then(|x| x.text_content())
            .as_deref(),
        Some("Reload")
    );
    banner::show_banner("second");
    assert_eq!(
        doc.query_selector_all("#panic-banner")
            .expect("list")
            .length(),
        1,
        "shown once"
    );
    b.remove();
}

/// Fire `error` on the window as an uncaught exception would, with `error` as its error.
fn uncaught(error: &wasm_bindgen::JsValue) {
    let init = web_sys::ErrorEventInit::new();
    init.set_error(error);
    let ev = web_sys::ErrorEvent::new_with_event_init_dict("error", &init).expect("event");
    web_sys::window()
        .expect("window")
        .dispatch_event(&ev)
        .expect("dispatch");
}

#[wasm_bindgen_test]
fn a_webassembly_trap_shows_the_banner_but_other_errors_do_not() {
    // The size-tuned release build ends a panic with a trap (no hook runs): the banner must come
    // from the trap's WebAssembly.RuntimeError reaching the page.
    banner::listen_for_traps();
    let doc = web_sys::window().expect("window").document().expect("doc");
    uncaught(&js_sys::Error::new("from a browser extension").into());
    assert!(
        doc.get_element_by_id(banner::BANNER_ID).is_none(),
        "a plain JS error is not ours"
    );
    uncaught(&js_sys::WebAssembly::RuntimeError::new("unreachable").into());
    let b = doc
        .get_element_by_id(banner::BANNER_ID)
        .expect("banner after a trap");
    assert!(b.text_content().unwrap_or_default().contains("unreachable"));
    assert!(b.query_selector("button").ok().flatten().is_some());
    b.remove();
}
