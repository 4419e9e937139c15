//! The panic banner: built with plain DOM calls from the panic hook, because yew may be dead.
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Id of the banner element (only one is shown).
pub const BANNER_ID: &str = "panic-banner";

/// Install the panic hook: log the message and show the banner.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!("Await & See crashed: {msg}")));
        show_banner(&msg);
    }));
}

/// Show a fixed, visible error banner with a Reload button. Never panics.
pub fn show_banner(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let Some(body) = doc.body() else { return };
    let Ok(banner) = doc.create_element("div") else {
        return;
    };
    banner.set_id(BANNER_ID);
    banner.set_class_name("panic-banner");
    let _ = banner.set_attribute("role", "alert");
    if let Ok(p) = doc.create_element("p") {
        p.set_text_content(Some(
            "Something broke on this page and it stopped responding. Reloading usually fixes it.",
        ));
        let _ = banner.append_child(&p);
    }
    if let Ok(details) = doc.create_element("details") {
        if let Ok(s) = doc.create_element("summary") {
            s.set_text_content(Some("Technical details"));
            let _ = details.append_child(&s);
        }
        if let Ok(pre) = doc.create_element("pre") {
            pre.set_text_content(Some(message));
            let _ = details.append_child(&pre);
        }
        let _ = banner.append_child(&details);
    }
    if let Ok(button) = doc.create_element("button") {
        let _ = button.set_attribute("type", "button");
        button.set_text_content(Some("Reload"));
        // Runs at most once (it reloads the page); freed when it runs.
        let reload = Closure::once_into_js(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        let _ = button.add_event_listener_with_callback("click", reload.unchecked_ref());
        let _ = banner.append_child(&button);
        let _ = body.insert_before(&banner, body.first_child().as_ref());
        if let Some(b) = button.dyn_ref::<web_sys::HtmlElement>() {
            let _ = b.focus();
        }
    } else {
        let _ = body.insert_before(&banner, body.first_child().as_ref());
    }
}
