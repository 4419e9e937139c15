//! Code panels fetch their sample's highlighted lines on first use: "Loading code…" at the final
//! height meanwhile, the lines (and the marked line, set before they arrived) once they are there,
//! an error with Retry when the fetch fails, and no second fetch for the same sample.
//!
//! The page's `fetch` is wrapped for the samples under test (no other test's panel shows them), so
//! each request waits until the test answers it; the site's stylesheet is added while a test runs,
//! so heights and the panel's own scrolling are real.
use await_and_see::app::content::{forget_code, seed_code, CodePanel, CodePanelProps};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement};

use crate::common::{code_file, settle};

/// Wraps `window.fetch` once: a URL containing a gated pattern gets a promise the test settles.
const GATE_JS: &str = r#"(() => {
  if (window.__codeGate) return;
  const orig = window.fetch.bind(window);
  const g = window.__codeGate = { patterns: [], waiting: [], count: {} };
  g.gate = p => { if (!g.patterns.includes(p)) g.patterns.push(p); g.count[p] = 0; };
  g.requests = p => g.count[p] || 0;
  g.settle = (p, f) => { const w = g.waiting.filter(x => x.p === p); g.waiting = g.waiting.filter(x => x.p !== p); w.forEach(f); };
  g.respond = (p, status, body) => g.settle(p, x => x.resolve(new Response(body, { status })));
  g.fail = (p, msg) => g.settle(p, x => x.reject(new TypeError(msg)));
  window.fetch = (url, ...rest) => {
    const p = g.patterns.find(p => String(url).includes(p));
    if (p === undefined) return orig(url, ...rest);
    g.count[p] += 1;
    return new Promise((resolve, reject) => g.waiting.push({ p, resolve, reject }));
  };
})()"#;

fn gate_call(method: &str, args: &[JsValue]) -> JsValue {
    js_sys::eval(GATE_JS).expect("install the fetch gate");
    let g = js_sys::eval("window.__codeGate").expect("gate");
    let f: js_sys::Function = js_sys::Reflect::get(&g, &JsValue::from_str(method))
        .expect(method)
        .dyn_into()
        .expect("a function");
    let arr: js_sys::Array = args.iter().collect();
    f.apply(&g, &arr).expect(method)
}

fn requests(id: &str) -> u32 {
    gate_call("requests", &[id.into()]).as_f64().unwrap_or(0.0) as u32
}

/// The test's panel and the stylesheet, removed again when the test ends (even on failure).
struct Panel {
    root: Element,
    style: Element,
    handle: Option<yew::AppHandle<CodePanel>>,
}

impl Drop for Panel {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
        self.style.remove();
    }
}

impl Panel {
    /// A fresh panel for `id` (its lines forgotten, its fetches gated), marking `active`.
    async fn mount(id: &'static str, active: Option<u32>) -> Panel {
        crate::common::seed_code();
        forget_code(id);
        gate_call("gate", &[id.into()]);
        let doc = web_sys::window().unwrap().document().unwrap();
        let style = doc.create_element("style").unwrap();
        style.set_text_content(Some(include_str!("../../static/style.css")));
        doc.head().unwrap().append_child(&style).unwrap();
        let root = doc.create_element("div").unwrap();
        // Narrower than the longest line: the panel scrolls sideways, loading or not.
        root.set_attribute("style", "width:400px").unwrap();
        doc.body().unwrap().append_child(&root).unwrap();
        let handle =
            yew::Renderer::<CodePanel>::with_root_and_props(root.clone(), props(id, active))
                .render();
        settle().await;
        Panel {
            root,
            style,
            handle: Some(handle),
        }
    }
    fn all(&self, sel: &str) -> u32 {
        self.root.query_selector_all(sel).unwrap().length()
    }
    fn q(&self, sel: &str) -> Element {
        self.root
            .query_selector(sel)
            .unwrap()
            .unwrap_or_else(|| panic!("no {sel} in {}", self.root.inner_html()))
    }
    fn height(&self) -> f64 {
        self.q("figure.code-panel")
            .get_bounding_client_rect()
            .height()
    }
    fn assert_loading(&self, lines: u32) {
        let fig = self.q("figure.code-panel");
        assert!(
            fig.class_list().contains("code-loading"),
            "{}",
            fig.outer_html()
        );
        let status = self.q("[role=status]").text_content().unwrap_or_default();
        assert_eq!(status, "Loading code…");
        assert_eq!(self.all("pre .line"), lines, "one blank line per line");
        assert_eq!(self.all("[data-line]"), 0, "no numbered lines yet");
        assert_eq!(self.all(".active, [aria-current]"), 0);
        assert!(!self.q("figcaption").text_content().unwrap().is_empty());
    }
    fn assert_marked(&self, line: u32, contains: &str) {
        let fig = self.q("figure.code-panel");
        assert!(
            !fig.class_list().contains("code-loading"),
            "{}",
            fig.outer_html()
        );
        let active = self.q(".line.active");
        assert_eq!(
            active.get_attribute("data-line").as_deref(),
            Some(line.to_string().as_str())
        );
        assert_eq!(
            active.get_attribute("aria-current").as_deref(),
            Some("step")
        );
        assert_eq!(self.all(".line.active"), 1);
        let text = active.text_content().unwrap_or_default();
        assert!(text.contains(contains), "line {line} is {text:?}");
        assert!(self.all(".tok-kw") > 0, "highlighted: {}", fig.inner_html());
        // A panel scrolls (sideways on a phone): keyboard users reach it; its figure's
        // caption names it.
        let pre = self.q("figure > pre");
        assert_eq!(pre.get_attribute("tabindex").as_deref(), Some("0"));
        assert_eq!(pre.get_attribute("role"), None);
    }
}

fn props(id: &'static str, active: Option<u32>) -> CodePanelProps {
    CodePanelProps {
        id: id.into(),
        active_line: active,
        label: None,
        edits: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn code_panel_shows_loading_then_the_seeded_lines_with_the_marked_line_in_view() {
    let id = "strategies.py"; // 34 lines: more than the panel's max-height shows
    let mut p = Panel::mount(id, Some(31)).await;
    p.assert_loading(34);
    assert_eq!(requests(id), 1, "fetched on first use");
    let loading_height = p.height();
    assert!(loading_height > 100.0, "{loading_height}");

    // The lines arrive (as a fetch would deliver them): line 31, set while loading, is marked
    // and scrolled into the panel's own view.
    let text = code_file(id);
    assert!(seed_code(
        await_and_see::app::content::code(id).unwrap().file,
        text
    ));
    settle().await;
    p.assert_marked(31, "rate_limited");
    assert_eq!(p.all("[data-line]"), 34);
    let first = p.q("[data-line=\"1\"]").text_content().unwrap_or_default();
    assert!(
        first.starts_with(" 1 "),
        "numbered, right-aligned: {first:?}"
    );
    let ready_height = p.height();
    assert!(
        (ready_height - loading_height).abs() <= 2.0,
        "no jump when the code arrives: {loading_height} px loading, {ready_height} px loaded"
    );
    let pre: HtmlElement = p.q("pre").dyn_into().unwrap();
    assert!(
        pre.scroll_width() > pre.client_width(),
        "the test needs a sideways scrollbar"
    );
    assert!(pre.scroll_top() > 0, "the panel scrolled itself to line 31");
    let (b, r) = (
        pre.get_bounding_client_rect(),
        p.q(".line.active").get_bounding_client_rect(),
    );
    assert!(
        r.top() >= b.top() && r.bottom() <= b.bottom(),
        "line 31 is visible in the panel"
    );

    // The fetch's own answer comes late: nothing changes, nothing is fetched again.
    gate_call("respond", &[id.into(), 200.into(), text.into()]);
    settle().await;
    p.assert_marked(31, "rate_limited");

    // Re-rendering (scrubbing to other lines) and a second panel of the same sample use the cache.
    if let Some(h) = p.handle.as_mut() {
        h.update(props(id, Some(3)));
    }
    settle().await;
    assert_eq!(
        p.q(".line.active").get_attribute("data-line").as_deref(),
        Some("3")
    );
    let doc = web_sys::window().unwrap().document().unwrap();
    let root2 = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root2).unwrap();
    let h2 =
        yew::Renderer::<CodePanel>::with_root_and_props(root2.clone(), props(id, Some(2))).render();
    settle().await;
    let active2 = root2
        .query_selector(".line.active")
        .unwrap()
        .expect("marked at once");
    assert_eq!(active2.get_attribute("data-line").as_deref(), Some("2"));
    assert_eq!(requests(id), 1, "one fetch per sample per session");
    h2.destroy();
    root2.remove();
}

#[wasm_bindgen_test]
async fn code_panel_shows_an_error_with_retry_when_the_fetch_fails() {
    let id = "thread_pool.py";
    let p = Panel::mount(id, Some(7)).await;
    p.assert_loading(13);
    assert_eq!(requests(id), 1);
    // Shorter than the panel's max-height: the loading panel itself must be as tall, sideways
    // scrollbar included.
    let loading_height = p.height();

    gate_call("respond", &[id.into(), 404.into(), "".into()]);
    settle().await;
    let err = p.q(".code-error[role=alert]");
    let msg = err.text_content().unwrap_or_default();
    assert!(msg.contains("could not be loaded (HTTP 404)"), "{msg}");
    assert!(p
        .q("figure.code-panel")
        .class_list()
        .contains("code-failed"));
    assert!(!p.q("figcaption").text_content().unwrap().is_empty());
    assert_eq!(p.all("pre, [data-line]"), 0);

    // Retry fetches again; a network error this time, then Retry once more succeeds.
    p.q(".code-error button")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    p.assert_loading(13);
    assert_eq!(requests(id), 2);
    gate_call("fail", &[id.into(), "Failed to fetch".into()]);
    settle().await;
    let msg = p.q(".code-error").text_content().unwrap_or_default();
    assert!(msg.contains("(Failed to fetch)"), "{msg}");

    p.q(".code-error button")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert_eq!(requests(id), 3);
    gate_call("respond", &[id.into(), 200.into(), code_file(id).into()]);
    settle().await;
    p.assert_marked(7, "time.sleep(2)");
    assert_eq!(p.all(".code-error"), 0);
    let pre = p.q("pre");
    assert!(
        pre.scroll_width() > pre.client_width(),
        "the test needs a sideways scrollbar"
    );
    let ready_height = p.height();
    assert!(
        (ready_height - loading_height).abs() <= 1.0,
        "no jump when the code arrives: {loading_height} px loading, {ready_height} px loaded"
    );
}

/// Without the gate, the test runner's real answer (it serves no site files) ends in the error.
#[wasm_bindgen_test]
async fn code_panel_reports_a_real_failed_fetch() {
    let id = "event_loop_sketch.py";
    crate::common::seed_code();
    forget_code(id);
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let h =
        yew::Renderer::<CodePanel>::with_root_and_props(root.clone(), props(id, Some(4))).render();
    let mut failed = None;
    for _ in 0..100 {
        settle().await;
        if let Some(e) = root.query_selector(".code-error").unwrap() {
            failed = e.text_content();
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let msg = failed.expect("no error notice after 2 s");
    assert!(msg.contains("could not be loaded"), "{msg}");
    assert!(root.query_selector(".code-error button").unwrap().is_some());
    h.destroy();
    root.remove();
}
