//! The embed route `#/embed/<viz-id>?<params>`: one visualisation with its controls and nothing
//! else, for an `<iframe>`. It posts its height to the parent on load and whenever it changes:
//! `window.parent.postMessage({type: "await-and-see:height", height}, "*")`, and again whenever
//! its parent posts it `{type: "await-and-see:request-height"}`; see `static/example-host.html`
//! for a host page that listens and sizes the iframe.
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::hooks::{EventListener, NoticesProvider};
use crate::app::permalink::{self, encode};
use crate::app::viz;

/// The embed page's own link parameter: `theme=light|dark|system`, for a host page whose colours
/// the reader's system setting does not match (a dark slide deck). Not stored.
pub const THEME_PARAM: &str = "theme";

/// The theme a `theme` link value names, or why it is refused (pure; tested).
pub fn parse_theme(v: &str) -> Result<crate::app::shell::theme::Theme, String> {
    use crate::app::shell::theme::Theme;
    match v.trim() {
        "light" => Ok(Theme::Light),
        "dark" => Ok(Theme::Dark),
        "system" => Ok(Theme::System),
        other => Err(format!(
            "Ignored link parameter {THEME_PARAM}={other}: accepted light, dark or system (the reader's setting, the default)."
        )),
    }
}

/// The message type posted to the parent.
pub const HEIGHT_MESSAGE: &str = "await-and-see:height";

/// The message a host page posts to the frame to have its height posted again (a listener that
/// starts after the frame loaded has missed the first ones).
pub const REQUEST_HEIGHT_MESSAGE: &str = "await-and-see:request-height";

/// Whether `e` is a request for the height from this frame's parent.
fn is_height_request(window: &web_sys::Window, e: &web_sys::MessageEvent) -> bool {
    let from_parent = match (e.source(), window.parent()) {
        (Some(source), Ok(Some(parent))) => js_sys::Object::is(&source, &parent),
        _ => false,
    };
    let kind = js_sys::Reflect::get(&e.data(), &JsValue::from_str("type"))
        .ok()
        .and_then(|v| v.as_string());
    from_parent && kind.as_deref() == Some(REQUEST_HEIGHT_MESSAGE)
}

/// The `<iframe>` snippet for visualisation `id`, built from the current page address `href`
/// (so it works under any sub-path), carrying only this visualisation's parameters.
pub fn snippet(id: &str, title: &str, href: &str) -> String {
    let base = href.split('#').next().unwrap_or(href);
    let (_, query) = permalink::split_hash(href.split_once('#').map(|(_, h)| h).unwrap_or(""));
    let q = query.only_viz(id);
    let src = permalink::format_hash(&format!("/embed/{}", encode(id)), &q);
    format!(
        "<iframe src=\"{base}{src}\" title=\"{} (Await &amp; See)\" width=\"100%\" height=\"520\" style=\"border:0;max-width:100%\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>",
        html_escape(title)
    )
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The height the embed page needs: to the bottom of its content `root` (the page has no margin
/// below it). Not the document's `scrollHeight`, which is never less than the frame's current
/// height, so a frame that grew (a share panel opened) would never shrink again. (No CSS value
/// is parsed here: a float parser would add ~15 KB gzip to the bundle.)
fn content_height(window: &web_sys::Window, root: &web_sys::Element) -> f64 {
    let scroll = window.scroll_y().unwrap_or(0.0);
    (root.get_bounding_client_rect().bottom() + scroll).ceil()
}

/// Post the height of the content `root` to the parent window (no-op when not framed).
pub fn post_height(root: &web_sys::Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let height = content_height(&window, root);
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &msg,
        &JsValue::from_str("type"),
        &JsValue::from_str(HEIGHT_MESSAGE),
    );
    let _ = js_sys::Reflect::set(
        &msg,
        &JsValue::from_str("height"),
        &JsValue::from_f64(height),
    );
    let _ = parent.post_message(&msg, "*");
}

/// The link under an embedded picture: to its chapter on the site, opened at the view shown
/// (the link is read when it is followed, so it carries the time the learner reached), or to
/// the contents for an unknown id.
fn credit(known: Option<&viz::VizInfo>) -> Html {
    let Some(v) = known else {
        return html! { <a href="#/" target="_blank" rel="noopener">{ "Await & See" }</a> };
    };
    let (id, chapter) = (v.id, v.chapter);
    let href = move || {
        let q = crate::app::hooks::current_query().only_viz(id);
        permalink::format_hash(&format!("/{chapter}"), &q)
    };
    let onclick = {
        Callback::from(move |e: MouseEvent| {
            if let Some(a) = e.target_dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(&href());
            }
        })
    };
    html! {
        <>
            <a href={href()} target="_blank" rel="noopener" {onclick}>{ "Open in Await & See" }</a>
            { " (the whole chapter, at this view)" }
        </>
    }
}

/// Properties of [`EmbedPage`].
#[derive(Properties, PartialEq)]
pub struct EmbedPageProps {
    /// The visualisation id from the route.
    pub id: AttrValue,
}

/// One visualisation, nothing else; reports its height to the parent page.
#[component]
pub fn EmbedPage(props: &EmbedPageProps) -> Html {
    let root = use_node_ref();
    {
        let root = root.clone();
        let title = viz::ALL
            .iter()
            .find(|v| v.id == props.id.as_str())
            .map_or("Await & See".to_string(), |v| {
                format!("{} · Await & See", v.title)
            });
        use_effect_with((), move |_| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(&title);
            }
            // The host page's theme, if its link names one (a bad value is a notice, see
            // `VizParams::check_known`); the page's own again when the embed goes.
            let (_, q) = permalink::split_hash(&crate::app::hooks::current_hash());
            let root_el = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element());
            let themed = q
                .get(THEME_PARAM)
                .and_then(|v| parse_theme(v).ok())
                .map(|t| {
                    let before = root_el.as_ref().and_then(|r| r.get_attribute("data-theme"));
                    crate::app::shell::theme::apply_theme(t);
                    before
                });
            let el = root.cast::<web_sys::Element>();
            let post = {
                let el = el.clone();
                move || {
                    if let Some(el) = &el {
                        post_height(el);
                    }
                }
            };
            post();
            // Resize of the content (controls wrapping, notices, share panels) or of the window.
            let on_resize = post.clone();
            let observer_cb =
                Closure::wrap(Box::new(move |_: JsValue| on_resize()) as Box<dyn FnMut(JsValue)>);
            let observer = web_sys::ResizeObserver::new(observer_cb.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, &el) {
                o.observe(el);
            }
            let on_request = post.clone();
            let resize = web_sys::window()
                .map(|w| EventListener::new(w.as_ref(), "resize", move |_| post()));
            // The host page asks again (its listener started late).
            let request = web_sys::window().map(|w| {
                let w2 = w.clone();
                EventListener::new(w.as_ref(), "message", move |e| {
                    if let Some(m) = e.dyn_ref::<web_sys::MessageEvent>() {
                        if is_height_request(&w2, m) {
                            on_request();
                        }
                    }
                })
            });
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(observer_cb);
                drop(resize);
                drop(request);
                if let (Some(before), Some(r)) = (themed, root_el) {
                    let _ = match before {
                        Some(v) => r.set_attribute("data-theme", &v),
                        None => r.remove_attribute("data-theme"),
                    };
                }
            }
        });
    }
    let known = viz::ALL.iter().find(|v| v.id == props.id.as_str());
    html! {
        <main class="embed" id="main" ref={root} aria-labelledby={known.is_some().then_some(crate::app::shell::PAGE_TITLE_ID)}>
            <NoticesProvider>
                if let Some(v) = known {
                    // The page's heading, for screen readers (the host page shows its own).
                    <h1 class="sr-only" id={crate::app::shell::PAGE_TITLE_ID}>{ v.title }</h1>
                    { viz::viz(&props.id) }
                } else {
                    <div class="notice" role="status">
                        { if props.id.is_empty() {
                            "Name the visualisation to embed after #/embed/ (for example #/embed/ports). ".to_string()
                        } else {
                            format!("There is no visualisation \"{}\" to embed. ", props.id)
                        } }
                        { if viz::ALL.is_empty() { "None are published yet.".to_string() } else {
                            format!("Known: {}.", viz::ALL.iter().map(|v| v.id).collect::<Vec<_>>().join(", "))
                        } }
                    </div>
                }
                <p class="embed-credit">{ credit(known) }</p>
            </NoticesProvider>
        </main>
    }
}
