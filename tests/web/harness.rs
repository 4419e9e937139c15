//! The harness itself: a real DOM in a real browser, clicks reach listeners.
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn runs_in_a_browser_with_a_dom_and_clicks() {
    let document = web_sys::window()
        .expect("window")
        .document()
        .expect("document");
    let button: web_sys::HtmlElement = document
        .create_element("button")
        .unwrap()
        .dyn_into()
        .unwrap();
    button.set_text_content(Some("press"));
    document
        .body()
        .expect("body")
        .append_child(&button)
        .unwrap();

    let clicks = Rc::new(Cell::new(0));
    let counter = clicks.clone();
    let on_click = Closure::<dyn FnMut()>::new(move || counter.set(counter.get() + 1));
    button
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
        .unwrap();
    button.click();
    button.click();

    assert_eq!(clicks.get(), 2);
    assert_eq!(
        document
            .query_selector("body > button")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("press")
    );
    button.remove();
}
