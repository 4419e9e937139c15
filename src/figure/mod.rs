//! Figures: pure layout from a trace (and a time `t`) to a display list.
//!
//! ```text
//! Trace + t  --layout (one file per picture here)-->  Scene (display list)
//!                                                       |-> app::viz::draw  (yew SVG, browser)
//!                                                       '-> Scene::to_svg   (SVG text, CLI export)
//! ```
//!
//! A [`Scene`] is a flat-ish list of [`Item`]s in SVG user units with CSS classes for colour
//! (`s-run`, `s-wait`, `s-blocked`, `s-done`, `s-queue`, `s-danger`, `s-accent`, `muted`, `lane`,
//! `grid`, …: the site's stylesheet colours them by theme; [`Scene::to_svg`] writes the colours
//! of [`SVG_RULES`] on each element, so a file written by the CLI carries its own colours).
//! Layout code never touches the DOM, so every picture is unit-tested natively: "at t = 2 s the
//! 9002 client is drawn waiting" is an assertion on a `Scene`.
//!
//! Interaction is data too: a [`Item::Group`] with a `key` becomes a clickable/focusable element
//! in the browser (the component gets the key back), and is inert in exported files.

use crate::sim::Time;
use std::fmt::Write as _;

pub mod charts;
pub mod coroutine;
pub mod event_loop;
pub mod export;
pub mod load;
#[cfg(test)]
mod overlap;
pub mod pipeline;
pub mod ports;
pub mod readiness;
pub mod scale;
pub mod storm;
pub mod timeline;

pub use scale::{axis_secs, fmt_secs, secs_value, Linear};

// How big a picture is drawn. Labels are 10 user units (`small`) or more. The page draws a
// picture as wide as its column but at most `MAX_STRETCH` times its own width, so a layout is
// chosen only where the column holds it at 1:1 or more (labels at least 10 px), and a narrower
// layout in a wider column grows by at most a quarter.

/// The most a picture is enlarged (the page caps its drawn width at this times its width).
pub const MAX_STRETCH: f32 = 1.25;

/// CSS px a figure's box takes around its picture (padding and border, both sides): the
/// pictures that measure the box from outside (`viz-wide` wrappers) need this much more room.
pub const FIGURE_CHROME: f32 = 30.0;

/// Text anchoring, as SVG's `text-anchor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

impl Anchor {
    fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// One element of the display list. Coordinates are SVG user units.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A rectangle; `tip` becomes an SVG `<title>` (hover text, read by screen readers).
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width (negative widths are clamped to 0 by renderers).
        w: f32,
        /// Height.
        h: f32,
        /// Corner radius.
        rx: f32,
        /// CSS classes.
        class: &'static str,
        /// Optional tooltip.
        tip: Option<String>,
    },
    /// A straight line.
    Line {
        /// Start x.
        x1: f32,
        /// Start y.
        y1: f32,
        /// End x.
        x2: f32,
        /// End y.
        y2: f32,
        /// CSS classes.
        class: &'static str,
    },
    /// A circle.
    Circle {
        /// Centre x.
        cx: f32,
        /// Centre y.
        cy: f32,
        /// Radius.
        r: f32,
        /// CSS classes.
        class: &'static str,
        /// Optional tooltip.
        tip: Option<String>,
    },
    /// A polyline through points (charts); drawn unfilled unless the class fills it.
    Poly {
        /// The points, in order.
        points: Vec<(f32, f32)>,
        /// CSS classes.
        class: &'static str,
    },
    /// A line of text.
    Text {
        /// Anchor x.
        x: f32,
        /// Baseline y.
        y: f32,
        /// The text (escaped by renderers).
        text: String,
        /// CSS classes.
        class: &'static str,
        /// Horizontal anchoring.
        anchor: Anchor,
    },
    /// A handle the learner drags along the time axis to change a value (a duration): the browser
    /// draws it as a grip and makes it a slider (drag it, or focus it and use the arrow keys) that
    /// reports `key` and the new value. Not part of the picture: SVG exports leave it out.
    Handle {
        /// Centre x of the grip (where the value's end is drawn).
        x: f32,
        /// Top of the grip.
        y: f32,
        /// Height of the grip.
        h: f32,
        /// Reported with every new value.
        key: String,
        /// Accessible name, e.g. `db_query("A") duration`.
        label: String,
        /// The value now, in virtual time (microseconds).
        value: Time,
        /// Smallest value.
        min: Time,
        /// Largest value.
        max: Time,
        /// One arrow-key press, and the drag's rounding.
        step: Time,
        /// Width in user units of one `step` on the axis (a drag of that many units is one step).
        step_w: f32,
    },
    /// A group: a class for its children, an accessible label, and an optional interaction key.
    Group {
        /// CSS classes.
        class: &'static str,
        /// Accessible label (`aria-label`), also the tooltip.
        label: Option<String>,
        /// When set, the browser makes the group a button that reports this key when activated.
        key: Option<String>,
        /// Children.
        items: Vec<Item>,
    },
}

/// Move every item (and every group's children) by `(dx, dy)` user units.
pub fn shift(items: &mut [Item], dx: f32, dy: f32) {
    for it in items {
        match it {
            Item::Rect { x, y, .. } | Item::Text { x, y, .. } | Item::Handle { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Item::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Item::Circle { cx, cy, .. } => {
                *cx += dx;
                *cy += dy;
            }
            Item::Poly { points, .. } => {
                for (x, y) in points {
                    *x += dx;
                    *y += dy;
                }
            }
            Item::Group { items, .. } => shift(items, dx, dy),
        }
    }
}

/// The value of an [`Item::Handle`] `steps` whole steps from `v` (0: `v` itself), kept within
/// `min..=max`. A value off the step grid (typed, say 2.05 s) goes to the grid first: one step up
/// from 2.05 is 2.1, one step down is 2.0.
pub fn stepped(v: Time, steps: i64, step: Time, min: Time, max: Time) -> Time {
    if steps == 0 {
        return v;
    }
    let (v, step) = (v as i64, step.max(1) as i64);
    let base = if steps > 0 {
        v.div_euclid(step) * step
    } else {
        (v + step - 1).div_euclid(step) * step
    };
    (base + steps * step).clamp(min as i64, max as i64) as Time
}

/// A whole picture: size, an accessible title, and the display list.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scene {
    /// Width in user units (the viewBox width).
    pub width: f32,
    /// Height in user units.
    pub height: f32,
    /// Accessible title of the picture.
    pub title: String,
    /// Items, painted in order.
    pub items: Vec<Item>,
}

/// The site's drawing rules in the light theme of `static/style.css`, for SVG files written
/// outside the browser: `(class, [(property, value)])` in the stylesheet's order (a later rule
/// wins, as in CSS). [`Scene::to_svg`] writes them as presentation attributes (`fill="#1f8a4c"`)
/// on each element, not as a `<style>` block with selectors, which slide software and Inkscape
/// read unevenly. Keep the class names in step with the stylesheet.
pub const SVG_RULES: &[(&str, &[(&str, &str)])] = &[
    ("s-run", &[("fill", "#1f8a4c"), ("stroke", "#1f8a4c")]),
    ("s-wait", &[("fill", "#c98a00"), ("stroke", "#c98a00")]),
    ("s-blocked", &[("fill", "#c23b3b"), ("stroke", "#c23b3b")]),
    ("s-done", &[("fill", "#7a8290"), ("stroke", "#7a8290")]),
    ("s-queue", &[("fill", "#2f6fd1"), ("stroke", "#2f6fd1")]),
    ("s-danger", &[("fill", "#c23b3b"), ("stroke", "#c23b3b")]),
    ("s-accent", &[("fill", "#7b3fc4"), ("stroke", "#7b3fc4")]),
    ("lane", &[("fill", "#eeebe3"), ("stroke", "none")]),
    ("grid", &[("stroke", "#d9d5cb"), ("fill", "none")]),
    ("axis", &[("stroke", "#555b66"), ("fill", "none")]),
    ("muted", &[("fill", "#555b66")]),
    ("ink", &[("fill", "#1d1f24")]),
    ("small", &[("font-size", "10")]),
    ("big", &[("font-size", "15"), ("font-weight", "600")]),
    ("bold", &[("font-weight", "600")]),
    ("outline", &[("fill", "none"), ("stroke", "#555b66")]),
    ("chart", &[("fill", "none"), ("stroke-width", "2")]),
    ("dashed", &[("stroke-dasharray", "4 3")]),
    ("now", &[("stroke", "#d14d00"), ("stroke-width", "2")]),
    ("box", &[("fill", "#ffffff"), ("stroke", "#d6d3ca")]),
    ("faint", &[("opacity", "0.35")]),
    ("on-fill", &[("fill", "#fff")]),
    ("on-blocked", &[("fill", "#ffffff")]),
    (
        "ghost",
        &[
            ("fill", "none"),
            ("stroke", "#555b66"),
            ("stroke-dasharray", "3 3"),
        ],
    ),
];

/// The state colours of words (`text.s-run`, …), darker than the shapes' for 4.5:1 on the page,
/// as `static/style.css` draws them (`--run-text`, …).
const TEXT_FILLS: &[(&str, &str)] = &[
    ("s-run", "#1a7a43"),
    ("s-wait", "#8a5f00"),
    ("s-blocked", "#b02e2e"),
    ("s-danger", "#b02e2e"),
    ("s-done", "#5f6673"),
    ("s-queue", "#2a62bd"),
];

/// The exported file's background, and the outline of a `halo` label (drawn under its letters).
const SVG_BACKGROUND: &str = "#ffffff";

/// Font, size and text colour on the `<svg>` element of an exported file (real font names only:
/// `system-ui` means nothing outside CSS).
const SVG_ROOT_ATTRS: &str =
    "font-family=\"'Segoe UI', Roboto, Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"#1d1f24\"";

/// The presentation attributes (` fill="…" stroke="…"`) [`SVG_RULES`] give an element of these
/// classes. A text in a state colour (`s-run`, …) is filled, not outlined, as the stylesheet's
/// `text[class*="s-"] { stroke: none }` says.
pub fn svg_attrs(class: &str, is_text: bool) -> String {
    let mut props: Vec<(&str, &str)> = Vec::new();
    for (rule, decls) in SVG_RULES {
        if has_class(class, rule) {
            for (k, v) in *decls {
                match props.iter_mut().find(|(p, _)| p == k) {
                    Some(p) => p.1 = v,
                    None => props.push((k, v)),
                }
            }
        }
    }
    if is_text && class.split_whitespace().any(|c| c.starts_with("s-")) {
        props.retain(|(k, _)| *k != "stroke");
        for (state, fill) in TEXT_FILLS {
            if has_class(class, state) {
                match props.iter_mut().find(|(p, _)| *p == "fill") {
                    Some(p) => p.1 = fill,
                    None => props.push(("fill", fill)),
                }
            }
        }
    }
    let mut out = String::new();
    for (k, v) in props {
        let _ = write!(out, " {k}=\"{v}\"");
    }
    out
}

/// Whether the class list `class` ("small muted ui") has `name`. `ui` marks a hint for the
/// page's controls ("+ client", "◀ this tab"), left out of exported files.
pub fn has_class(class: &str, name: &str) -> bool {
    class.split_whitespace().any(|c| c == name)
}

impl Scene {
    /// An empty scene of this size.
    pub fn new(width: f32, height: f32, title: impl Into<String>) -> Self {
        Scene {
            width,
            height,
            title: title.into(),
            items: Vec::new(),
        }
    }

    /// Append an item.
    pub fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    /// Every text in the scene, depth first (handy in tests: "is 'waiting 2.0 s' drawn?").
    pub fn texts(&self) -> Vec<&str> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a str>) {
            for item in items {
                match item {
                    Item::Text { text, .. } => out.push(text),
                    Item::Group { items, .. } => walk(items, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }

    /// Every group key in the scene (the interactive parts).
    pub fn keys(&self) -> Vec<&str> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a str>) {
            for item in items {
                if let Item::Group { key, items, .. } = item {
                    if let Some(k) = key {
                        out.push(k);
                    }
                    walk(items, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }

    /// A standalone SVG document as the CLI writes it: the colours of [`SVG_RULES`] written on
    /// each element, a white background, no controls. Opens in browsers, Inkscape and slide
    /// software.
    pub fn to_svg(&self) -> String {
        let mut s = String::with_capacity(256 + self.items.len() * 96);
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" {SVG_ROOT_ATTRS}>",
            w = num(self.width),
            h = num(self.height)
        );
        let _ = write!(s, "<title>{}</title>", esc(&self.title));
        let _ = write!(
            s,
            "<rect width=\"{}\" height=\"{}\" fill=\"{SVG_BACKGROUND}\"/>",
            num(self.width),
            num(self.height)
        );
        for item in &self.items {
            write_item(&mut s, item);
        }
        s.push_str("</svg>\n");
        s
    }
}

fn write_item(s: &mut String, item: &Item) {
    match item {
        // A control, not part of the picture.
        Item::Handle { .. } => {}
        Item::Rect {
            x,
            y,
            w,
            h,
            rx,
            class,
            tip,
        } => {
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" class=\"{}\"{}",
                num(*x),
                num(*y),
                num(w.max(0.0)),
                num(h.max(0.0)),
                num(*rx),
                class,
                svg_attrs(class, false)
            );
            close_with_tip(s, "rect", tip.as_deref());
        }
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            class,
        } => {
            let _ = write!(
                s,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{}\"{}/>",
                num(*x1),
                num(*y1),
                num(*x2),
                num(*y2),
                class,
                svg_attrs(class, false)
            );
        }
        Item::Circle {
            cx,
            cy,
            r,
            class,
            tip,
        } => {
            let _ = write!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" class=\"{}\"{}",
                num(*cx),
                num(*cy),
                num(*r),
                class,
                svg_attrs(class, false)
            );
            close_with_tip(s, "circle", tip.as_deref());
        }
        Item::Poly { points, class } => {
            let _ = write!(
                s,
                "<polyline points=\"{}\" class=\"{}\"{}/>",
                points_attr(points),
                class,
                svg_attrs(class, false)
            );
        }
        Item::Text { class, .. } if has_class(class, "ui") => {}
        Item::Text {
            x,
            y,
            text,
            class,
            anchor,
        } => {
            let (x, y, anchor, attrs) = (num(*x), num(*y), anchor.svg(), svg_attrs(class, true));
            if has_class(class, "halo") {
                // The outline in the background colour under the letters (readable across the
                // chart's lines), as its own text: not every program reads `paint-order`.
                let _ = write!(
                    s,
                    "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\"{attrs} fill=\"{SVG_BACKGROUND}\" stroke=\"{SVG_BACKGROUND}\" stroke-width=\"3\" stroke-linejoin=\"round\" aria-hidden=\"true\">{}</text>",
                    esc(text)
                );
            }
            let _ = write!(
                s,
                "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" class=\"{class}\"{attrs}>{}</text>",
                esc(text)
            );
        }
        Item::Group {
            class,
            label,
            key,
            items,
        } => {
            let _ = write!(s, "<g class=\"{class}\"{}", svg_attrs(class, false));
            // A clickable part's label says what clicking does: nothing in a file.
            if let (Some(l), None) = (label, key) {
                let _ = write!(s, " aria-label=\"{}\"", esc(l));
            }
            s.push('>');
            for child in items {
                write_item(s, child);
            }
            s.push_str("</g>");
        }
    }
}

fn close_with_tip(s: &mut String, tag: &str, tip: Option<&str>) {
    match tip {
        Some(t) => {
            let _ = write!(s, "><title>{}</title></{tag}>", esc(t));
        }
        None => s.push_str("/>"),
    }
}

/// `n` and its noun, singular for one: `count(1, "thread")` is "1 thread", `count(2, "thread")`
/// "2 threads" (nouns that take a plain "s").
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", load::group(n))
    }
}

/// A text item (the figures' most common item).
pub fn text(x: f32, y: f32, s: impl Into<String>, class: &'static str, anchor: Anchor) -> Item {
    Item::Text {
        x,
        y,
        text: s.into(),
        class,
        anchor,
    }
}

/// A box with a bold title and a muted subtitle centred in it (a service, a source, a stage).
pub fn card(x: f32, y: f32, w: f32, h: f32, title: String, subtitle: String) -> [Item; 3] {
    let cx = x + w / 2.0;
    [
        Item::Rect {
            x,
            y,
            w,
            h,
            rx: 6.0,
            class: "box",
            tip: None,
        },
        Item::Text {
            x: cx,
            y: y + 22.0,
            text: title,
            class: "bold",
            anchor: Anchor::Middle,
        },
        Item::Text {
            x: cx,
            y: y + 42.0,
            text: subtitle,
            class: "small muted",
            anchor: Anchor::Middle,
        },
    ]
}

/// The `points` attribute of a polyline.
pub fn points_attr(points: &[(f32, f32)]) -> String {
    let mut s = String::with_capacity(points.len() * 12);
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        push_num(&mut s, *x);
        s.push(',');
        push_num(&mut s, *y);
    }
    s
}

/// A coordinate with at most two decimals and no trailing zeros (compact, stable output).
pub fn num(v: f32) -> String {
    let mut s = String::with_capacity(8);
    push_num(&mut s, v);
    s
}

/// Append [`num`]`(v)` to `s`. Integer arithmetic only: every SVG coordinate goes through here,
/// so it avoids the float formatter (slow, and large in the wasm bundle); the output is the same
/// as rounding to two decimals and trimming zeros (non-finite values become `0`).
pub fn push_num(s: &mut String, v: f32) {
    let c = if v.is_finite() {
        (v * 100.0).round() as i64
    } else {
        0
    };
    let a = c.unsigned_abs();
    if c < 0 {
        s.push('-');
    }
    let _ = write!(s, "{}", a / 100);
    let f = (a % 100) as u8;
    if f != 0 {
        s.push('.');
        s.push(char::from(b'0' + f / 10));
        if f % 10 != 0 {
            s.push(char::from(b'0' + f % 10));
        }
    }
}

/// Escape text for XML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_one_in_the_singular() {
        assert_eq!(count(0, "thread"), "0 threads");
        assert_eq!(count(1, "thread"), "1 thread");
        assert_eq!(count(200, "request"), "200 requests");
    }

    #[test]
    fn handle_steps_go_to_the_grid_then_step_and_stay_in_range() {
        const S: Time = 100_000;
        assert_eq!(stepped(2_000_000, 0, S, S, 20 * S), 2_000_000);
        assert_eq!(stepped(2_000_000, 1, S, S, 200 * S), 2_100_000);
        assert_eq!(stepped(2_000_000, -1, S, S, 200 * S), 1_900_000);
        // Off the grid (2.05 s): up to 2.1, down to 2.0, and a drag of 0 steps keeps 2.05.
        assert_eq!(stepped(2_050_000, 1, S, S, 200 * S), 2_100_000);
        assert_eq!(stepped(2_050_000, -1, S, S, 200 * S), 2_000_000);
        assert_eq!(stepped(2_050_000, 0, S, S, 200 * S), 2_050_000);
        assert_eq!(stepped(2_000_000, 15, S, S, 200 * S), 3_500_000);
        // Clamped at both ends.
        assert_eq!(stepped(2_000_000, -1_000, S, S, 200 * S), S);
        assert_eq!(stepped(2_000_000, 1_000, S, S, 30 * S), 30 * S);
    }

    #[test]
    fn num_rounds_to_two_decimals_without_float_formatting() {
        for (v, want) in [
            (0.0, "0"),
            (-0.001, "0"),
            (3.0, "3"),
            (3.5, "3.5"),
            (3.25, "3.25"),
            (-0.05, "-0.05"),
            (-12.4, "-12.4"),
            (699.999, "700"),
            (1.005, "1.01"),
            (f32::NAN, "0"),
            (f32::INFINITY, "0"),
        ] {
            assert_eq!(num(v), want, "{v}");
        }
        // Same as the formatter-based definition over a dense range of coordinates.
        for i in -200_000..200_000 {
            let v = i as f32 * 0.0137;
            let r = (v * 100.0).round() / 100.0;
            let old = if r == r.trunc() {
                format!("{}", r as i64)
            } else {
                format!("{r:.2}").trim_end_matches('0').to_string()
            };
            assert_eq!(num(v), old, "{v}");
        }
        assert_eq!(points_attr(&[(1.0, 2.5), (-3.125, 4.0)]), "1,2.5 -3.13,4");
    }

    #[test]
    fn svg_is_self_contained_and_escaped() {
        let mut sc = Scene::new(100.0, 50.0, "a < b");
        sc.push(Item::Text {
            x: 1.5,
            y: 2.0,
            text: "x & y".into(),
            class: "muted",
            anchor: Anchor::Middle,
        });
        sc.push(Item::Group {
            class: "port",
            label: Some("port \"9001\"".into()),
            key: Some("port:9001".into()),
            items: vec![Item::Rect {
                x: 0.0,
                y: 0.0,
                w: -3.0,
                h: 4.0,
                rx: 0.0,
                class: "s-run",
                tip: Some("t".into()),
            }],
        });
        let svg = sc.to_svg();
        assert!(svg
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\""));
        assert!(svg.contains("<title>a &lt; b</title><rect"));
        assert!(svg.contains(
            "<text x=\"1.5\" y=\"2\" text-anchor=\"middle\" class=\"muted\" fill=\"#555b66\">x &amp; y</text>"
        ));
        // No stylesheet: every colour is on its element.
        assert!(!svg.contains("<style"), "{svg}");
        assert!(
            svg.contains("class=\"s-run\" fill=\"#1f8a4c\" stroke=\"#1f8a4c\""),
            "{svg}"
        );
        // A clickable part's label (what a click does) is not in a file.
        assert!(!svg.contains("aria-label=\"port"), "{svg}");
        assert!(
            svg.contains("width=\"0\" height=\"4\""),
            "negative width clamps: {svg}"
        );
        assert!(
            !svg.contains("var("),
            "exported SVG must not depend on CSS variables"
        );
        assert_eq!(sc.texts(), vec!["x & y"]);
        assert_eq!(sc.keys(), vec!["port:9001"]);
    }

    #[test]
    fn exported_files_carry_no_selectors_paint_order_or_controls() {
        let mut sc = Scene::new(100.0, 50.0, "t");
        for (text, class) in [
            ("limit", "small halo"),
            ("waiting: 7", "small s-danger"),
            ("+ client", "muted small ui"),
        ] {
            sc.push(Item::Text {
                x: 1.0,
                y: 2.0,
                text: text.into(),
                class,
                anchor: Anchor::Start,
            });
        }
        let svg = sc.to_svg();
        // The halo: first an outline in the background colour, then the letters over it.
        let under = svg
            .find("fill=\"#ffffff\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" aria-hidden=\"true\">limit</text>")
            .expect(&svg);
        let over = svg
            .find("class=\"small halo\" font-size=\"10\">limit</text>")
            .expect(&svg);
        assert!(under < over, "{svg}");
        assert!(!svg.contains("paint-order"), "{svg}");
        // A state colour fills a text, in the darker shade of words (4.5:1 on white, as the
        // stylesheet's --blocked-text); it does not outline it. Shapes keep the bright shade.
        assert!(
            svg.contains("class=\"small s-danger\" fill=\"#b02e2e\" font-size=\"10\">waiting: 7"),
            "{svg}"
        );
        assert_eq!(
            svg_attrs("small s-wait", true),
            " fill=\"#8a5f00\" font-size=\"10\""
        );
        assert_eq!(
            svg_attrs("s-wait", false),
            " fill=\"#c98a00\" stroke=\"#c98a00\""
        );
        // A control's hint is not part of the picture.
        assert!(!svg.contains("+ client"), "{svg}");
        // Real font names only.
        assert!(!svg.contains("system-ui"), "{svg}");
        // A later rule wins, as in the stylesheet.
        assert_eq!(
            svg_attrs("now outline", false),
            " fill=\"none\" stroke=\"#d14d00\" stroke-width=\"2\""
        );
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.456), "3.46");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(f32::NAN), "0");
        assert_eq!(points_attr(&[(0.0, 1.0), (2.25, 3.0)]), "0,1 2.25,3");
    }
}
