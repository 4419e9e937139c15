//! What the visualisation browser tests share: mount a component on a fresh element at a given
//! link, query and drive it, and let yew render (by yielding, never by waiting on real time).
use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

pub struct Mounted<C: BaseComponent> {
    pub root: Element,
    handle: Option<yew::AppHandle<C>>,
}

impl<C: BaseComponent> Drop for Mounted<C> {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
    }
}

impl<C: BaseComponent> Mounted<C> {
    pub fn q(&self, sel: &str) -> Element {
        self.root
            .query_selector(sel)
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("no {sel} in {}", self.root.inner_html()))
    }
    pub fn text(&self, sel: &str) -> String {
        self.q(sel).text_content().unwrap_or_default()
    }
    /// The picture's words: each SVG `<text>` under `sel`, joined by a space, so a sentence
    /// reads the same whether the layout wrapped it over several lines (narrow) or not.
    pub fn svg_words(&self, sel: &str) -> String {
        let list = self.q(sel).query_selector_all("text").expect("texts");
        (0..list.length())
            .filter_map(|i| list.item(i)?.text_content())
            .collect::<Vec<_>>()
            .join(" ")
    }
    pub fn label(&self, sel: &str) -> String {
        self.q(sel).get_attribute("aria-label").unwrap_or_default()
    }
    /// Give `sel` the keyboard focus.
    pub fn focus(&self, sel: &str) {
        self.q(sel)
            .dyn_into::<HtmlElement>()
            .expect("html")
            .focus()
            .expect("focus");
    }
    /// Whether `sel` has the keyboard focus.
    pub fn has_focus(&self, sel: &str) -> bool {
        let doc = web_sys::window().expect("window").document().expect("doc");
        doc.active_element() == Some(self.q(sel))
    }
    pub fn click(&self, sel: &str) {
        self.q(sel).dyn_into::<HtmlElement>().expect("html").click();
    }
    pub fn click_svg(&self, sel: &str) {
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let ev = web_sys::Event::new_with_event_init_dict("click", &init).expect("ev");
        self.q(sel).dispatch_event(&ev).expect("dispatch");
    }
    /// Type `value` into the field `sel` and commit it (Enter or leaving the field: `change`).
    pub fn commit(&self, sel: &str, value: &str) {
        self.type_into(sel, value);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let ev = web_sys::Event::new_with_event_init_dict("change", &init).expect("change event");
        self.q(sel).dispatch_event(&ev).expect("dispatch");
    }
    pub fn type_into(&self, sel: &str, value: &str) {
        let input: HtmlInputElement = self.q(sel).dyn_into().expect("input");
        input.set_value(value);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let ev = web_sys::Event::new_with_event_init_dict("input", &init).expect("input event");
        input.dispatch_event(&ev).expect("dispatch");
    }
}

pub async fn settle() {
    for _ in 0..4 {
        yew::platform::time::sleep(Duration::ZERO).await;
    }
}

/// Every generated code file (`content/prose/code/`) by its path, from build.rs's test table.
pub const CODE_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/code_files.rs"));

/// The text of a sample's generated file (what its code panel would fetch).
pub fn code_file(id: &str) -> &'static str {
    let src = await_and_see::app::content::code(id).unwrap_or_else(|| panic!("no sample {id}"));
    CODE_FILES
        .iter()
        .find(|(p, _)| *p == src.file)
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no generated file {}", src.file))
}

/// Fill the code panels' cache with the real generated files, once per test run: the test runner
/// serves no site files, so a panel's fetch would fail here. Mounting does this.
pub fn seed_code() {
    thread_local!(static SEEDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if SEEDED.with(|s| s.replace(true)) {
        return;
    }
    for (path, text) in CODE_FILES {
        assert!(
            await_and_see::app::content::seed_code(path, text),
            "{path} is not in the code index"
        );
    }
}

/// A fresh `<div>` appended to the body, to mount a component into.
pub fn new_root() -> Element {
    let document = web_sys::window().expect("window").document().expect("doc");
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    root
}

pub async fn mount<C: BaseComponent<Properties = ()>>(hash: &str) -> Mounted<C> {
    seed_code();
    await_and_see::app::hooks::replace_hash(hash);
    // Chromium ignores history changes past about 200 in 10 s, which this suite exceeds:
    // webdriver.json turns that protection off (--disable-ipc-flooding-protection). Without it,
    // tests failed far from the cause, on a link that was never set.
    let now = await_and_see::app::hooks::current_hash();
    assert!(
        now == hash || hash.is_empty(),
        "the browser refused the address {hash} (it still has {now}): is --disable-ipc-flooding-protection in webdriver.json?"
    );
    let root = new_root();
    let handle = yew::Renderer::<C>::with_root(root.clone()).render();
    settle().await;
    Mounted {
        root,
        handle: Some(handle),
    }
}

/// Press `key` on `target` (a `keydown` that bubbles and can be cancelled, as a real one).
pub fn press(target: &Element, key: &str) {
    key_event(target, "keydown", key, false);
}

/// A `keydown` or `keyup` (`kind`) of `key` on `target`, bubbling and cancelable; `repeat` as a
/// held key's repeats have it.
pub fn key_event(target: &Element, kind: &str, key: &str, repeat: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_repeat(repeat);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict(kind, &init).expect("event");
    target.dispatch_event(&ev).expect("dispatch");
}
