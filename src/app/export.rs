//! "Download SVG": the current frame of a figure as a self-contained SVG file.
//!
//! The visualisations style their SVG through CSS classes and variables (`var(--run)`), which a
//! file opened alone (or pasted into slide software) does not have. So we clone the SVG, copy
//! every element's *computed* style (real colours, no variables) into its `style` attribute,
//! drop scripts/styles/external references and the controls drawn on the picture (drag handles,
//! `ui` hints such as "+ client"), set `xmlns`, `width`/`height`/`viewBox`, put an opaque
//! background rectangle first, serialize with `XMLSerializer`, and download it through a Blob URL.
//!
//! What slide software does not read is left out: a label outlined in the background colour
//! (`paint-order: stroke`, which LibreOffice ignores, painting the outline over the letters)
//! becomes two texts, the outline under the letters; the CSS-only font names `system-ui` and
//! `-apple-system` are dropped from the font list.
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// Computed properties copied onto every element of the exported SVG.
pub const INLINED_PROPERTIES: &[&str] = &[
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "visibility",
    "display",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "letter-spacing",
    "text-decoration",
    // `paint-order` is not copied: see `split_outlined_text`.
    "marker-start",
    "marker-end",
];

const SVG_NS: &str = "http://www.w3.org/2000/svg";

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                .ok()?
                .as_string()
        })
        .unwrap_or_else(|| "browser error".to_string())
}

/// File name for an export (pure; tested): the picture, its link settings and its time, as the
/// link names them, so two frames of one picture get two names: `ports-t1250.svg`,
/// `coroutine-ex-never-step-3-t0.svg`, `backpressure-t2276500us.svg`, and `-dark` for the dark
/// theme (`ports-t1250-dark.svg`). `settings` are the link's `<viz>.<key>` pairs (the time among
/// them is skipped: `t_us` is the frame's). Characters a file name should not carry become `_`;
/// a very long name is cut.
pub fn file_name(viz_id: &str, settings: &[(String, String)], t_us: u64, dark: bool) -> String {
    let mut name = viz_id.to_string();
    let prefix = format!("{viz_id}.");
    for (k, v) in settings {
        let key = k.strip_prefix(&prefix).unwrap_or(k);
        if key != "t" {
            name.push('-');
            name.push_str(key);
            name.push('-');
            name.push_str(v);
        }
    }
    let mut name: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .take(100)
        .collect();
    name.push_str("-t");
    name.push_str(&crate::app::permalink::format_time(t_us));
    if dark {
        name.push_str("-dark");
    }
    name.push_str(".svg");
    name
}

/// Whether the page behind `el` is dark (its background's brightness under half), for the file
/// name: the same frame saved in both themes gets two names.
pub fn is_dark(el: &Element) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let bg = background_colour(&window, el);
    // "rgb(29, 32, 39)" or "rgba(...)": the first three whole numbers.
    let rgb: Vec<u32> = bg
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| {
            s.bytes().fold(0u32, |n, b| {
                n.saturating_mul(10).saturating_add((b - b'0') as u32)
            })
        })
        .collect();
    rgb.len() == 3 && rgb.iter().sum::<u32>() < 3 * 128
}

/// Export the first `<svg>` inside `region` and download it as `name`.
pub fn download_svg(region: &Element, name: &str) -> Result<(), String> {
    let svg = match region.tag_name().eq_ignore_ascii_case("svg") {
        true => region.clone(),
        false => region
            .query_selector("svg")
            .map_err(js_err)?
            .ok_or_else(|| "there is no picture (svg) in this figure".to_string())?,
    };
    let text = standalone_svg(&svg)?;
    download(name, &text, "image/svg+xml;charset=utf-8")
}

/// The self-contained SVG text of `svg` as it looks now (pure DOM work, no download).
pub fn standalone_svg(svg: &Element) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let clone: Element = svg
        .clone_node_with_deep(true)
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "clone failed")?;

    inline_styles(&window, svg, &clone)?;
    let originals = svg.query_selector_all("*").map_err(js_err)?;
    let copies = clone.query_selector_all("*").map_err(js_err)?;
    for i in 0..originals.length().min(copies.length()) {
        let (Some(o), Some(c)) = (originals.item(i), copies.item(i)) else {
            continue;
        };
        let (Ok(o), Ok(c)) = (o.dyn_into::<Element>(), c.dyn_into::<Element>()) else {
            continue;
        };
        if let Some(cs) = inline_styles(&window, &o, &c)? {
            split_outlined_text(&o, &c, &cs)?;
        }
    }

    // Nothing that needs the page: scripts, stylesheets, external references; nor the controls
    // drawn on the picture (drag handles, hints such as "+ client", the tooltip naming what a
    // clickable part does, which slide software would show as the shape's name).
    if let Ok(list) =
        clone.query_selector_all("script, style, foreignObject, .handle, .ui, [data-key] > title")
    {
        for i in 0..list.length() {
            if let Some(n) = list.item(i) {
                if let Some(p) = n.parent_node() {
                    let _ = p.remove_child(&n);
                }
            }
        }
    }
    if let Ok(list) = clone.query_selector_all("*") {
        for i in 0..list.length() {
            let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            for attr in ["href", "xlink:href"] {
                if let Some(v) = el.get_attribute(attr) {
                    if !v.starts_with('#') {
                        let _ = el.remove_attribute(attr);
                    }
                }
            }
            if el.has_attribute("data-key") {
                let _ = el.remove_attribute("aria-label");
            }
            for attr in ["class", "tabindex", "role", "data-key"] {
                let _ = el.remove_attribute(attr);
            }
        }
    }

    // Size: the viewBox's, in px (the same file whatever the window it was saved from); the
    // size drawn on screen when there is no viewBox.
    let rect = svg.get_bounding_client_rect();
    let view_box = svg.get_attribute("viewBox").unwrap_or_else(|| {
        // Whole pixels as integers: formatting an f64 would bring the float formatter in.
        format!(
            "0 0 {} {}",
            rect.width().round().max(1.0) as u32,
            rect.height().round().max(1.0) as u32
        )
    });
    let vb: Vec<String> = view_box
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let [x, y, vw, vh] = match <[String; 4]>::try_from(vb) {
        Ok(v) => v,
        Err(_) => {
            return Err(format!(
                "the picture's viewBox \"{view_box}\" is not 4 numbers"
            ))
        }
    };
    clone.set_attribute("xmlns", SVG_NS).map_err(js_err)?;
    clone.set_attribute("width", &vw).map_err(js_err)?;
    clone.set_attribute("height", &vh).map_err(js_err)?;
    clone.set_attribute("viewBox", &view_box).map_err(js_err)?;
    // A file is one picture (the page draws one with controls as a group).
    clone.set_attribute("role", "img").map_err(js_err)?;
    let _ = clone.remove_attribute("class");

    // Opaque background (the page's), as the first child, covering the viewBox.
    let bg = background_colour(&window, svg);
    let rect_el = document
        .create_element_ns(Some(SVG_NS), "rect")
        .map_err(js_err)?;
    for (k, v) in [
        ("x", x),
        ("y", y),
        ("width", vw),
        ("height", vh),
        ("fill", bg),
    ] {
        rect_el.set_attribute(k, &v).map_err(js_err)?;
    }
    clone
        .insert_before(&rect_el, clone.first_child().as_ref())
        .map_err(js_err)?;

    let text = web_sys::XmlSerializer::new()
        .map_err(js_err)?
        .serialize_to_string(&clone)
        .map_err(js_err)?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}"
    ))
}

/// Properties that do not inherit, with their initial values (left out when equal).
const NOT_INHERITED: &[(&str, &str)] = &[
    ("opacity", "1"),
    ("display", "inline"),
    ("dominant-baseline", "auto"),
    ("text-decoration", "none"),
];

/// Write `from`'s computed style onto its copy `to`; returns the computed style (`None` when the
/// browser has none for it).
fn inline_styles(
    window: &web_sys::Window,
    from: &Element,
    to: &Element,
) -> Result<Option<web_sys::CssStyleDeclaration>, String> {
    let Some(cs) = window.get_computed_style(from).map_err(js_err)? else {
        return Ok(None);
    };
    // Inherited values equal to the parent's are left to inheritance (the root writes them all).
    let is_root = to.parent_element().is_none();
    let parent = if is_root { None } else { from.parent_element() };
    let parent_cs = parent.and_then(|p| window.get_computed_style(&p).ok().flatten());
    let mut style = String::new();
    for prop in INLINED_PROPERTIES {
        let v = cs.get_property_value(prop).unwrap_or_default();
        if v.is_empty() || v.contains("var(") || v.contains("url(") && !v.contains("url(\"#") {
            continue;
        }
        if let Some(&(_, initial)) = NOT_INHERITED.iter().find(|(p, _)| p == prop) {
            if !is_root && v == initial {
                continue;
            }
        } else if let Some(pcs) = &parent_cs {
            if pcs.get_property_value(prop).ok().as_deref() == Some(v.as_str()) {
                continue;
            }
        }
        let v = if *prop == "font-family" {
            portable_fonts(&v)
        } else {
            v
        };
        style.push_str(prop);
        style.push(':');
        style.push_str(&v);
        style.push(';');
    }
    to.set_attribute("style", &style).map_err(js_err)?;
    Ok(Some(cs))
}

/// A font list without the names only CSS knows (`system-ui`, `-apple-system`): a file opened in
/// slide software or Inkscape goes on to the next name, a real font.
pub fn portable_fonts(list: &str) -> String {
    let kept: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|f| !matches!(*f, "system-ui" | "-apple-system" | "BlinkMacSystemFont"))
        .collect();
    if kept.is_empty() {
        "sans-serif".to_string()
    } else {
        kept.join(", ")
    }
}

/// A text drawn with its outline under its letters (`paint-order: stroke`, the halo that keeps a
/// label readable across chart lines) becomes two texts in the copy `to`: first the outline
/// (filled and stroked in the outline's colour), then the letters without an outline. Slide
/// software that ignores `paint-order` would paint the outline over the letters.
/// `cs` is `from`'s computed style.
fn split_outlined_text(
    from: &Element,
    to: &Element,
    cs: &web_sys::CssStyleDeclaration,
) -> Result<(), String> {
    if !from.tag_name().eq_ignore_ascii_case("text") {
        return Ok(());
    }
    let order = cs.get_property_value("paint-order").unwrap_or_default();
    let stroke = cs.get_property_value("stroke").unwrap_or_default();
    if !order.trim_start().starts_with("stroke") || stroke.is_empty() || stroke == "none" {
        return Ok(());
    }
    // The copied style without its stroke: each of the two texts says its own.
    let style: String = to
        .get_attribute("style")
        .unwrap_or_default()
        .split(';')
        .filter(|d| !d.trim().is_empty() && !d.trim_start().starts_with("stroke:"))
        .map(|d| format!("{d};"))
        .collect();
    let under: Element = to
        .clone_node_with_deep(true)
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "clone failed")?;
    under
        .set_attribute("style", &format!("{style}fill:{stroke};stroke:{stroke};"))
        .map_err(js_err)?;
    under.set_attribute("aria-hidden", "true").map_err(js_err)?;
    to.set_attribute("style", &format!("{style}stroke:none;"))
        .map_err(js_err)?;
    if let Some(parent) = to.parent_node() {
        parent.insert_before(&under, Some(to)).map_err(js_err)?;
    }
    Ok(())
}

/// The first non-transparent background colour from `el` up to the root, else white.
fn background_colour(window: &web_sys::Window, el: &Element) -> String {
    let mut cur = Some(el.clone());
    while let Some(e) = cur {
        if let Ok(Some(cs)) = window.get_computed_style(&e) {
            let v = cs
                .get_property_value("background-color")
                .unwrap_or_default();
            if !v.is_empty() && v != "transparent" && v != "rgba(0, 0, 0, 0)" {
                return v;
            }
        }
        cur = e.parent_element();
    }
    "#ffffff".to_string()
}

/// Offer `text` as a file download named `name`.
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(js_err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_err)?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    a.set_href(&url);
    a.set_download(name);
    let _ = a.set_attribute("hidden", "");
    let body = document.body().ok_or("no body")?;
    let _ = body.append_child(&a);
    a.click();
    let _ = body.remove_child(&a);
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
