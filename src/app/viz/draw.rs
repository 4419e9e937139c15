//! The browser renderer of a [`Scene`]: one `<svg>` whose items become SVG elements.
//! Groups with a `key` become keyboard- and mouse-activatable buttons that report the key;
//! [`Item::Handle`]s become sliders you drag along the axis (or move with the arrow keys).
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::playback::FigureNow;

use crate::figure::{fmt_secs, num, points_attr, secs_value, stepped, Anchor, Item, Scene};
use crate::sim::Time;

/// Properties of [`SceneView`].
#[derive(Properties, PartialEq)]
pub struct SceneViewProps {
    /// The picture to draw.
    pub scene: Rc<Scene>,
    /// Called with a group's key when the learner activates it (click, Enter or Space).
    #[prop_or_default]
    pub on_key: Option<Callback<String>>,
    /// Called with a handle's key, its new value and whether the value is settled, while the
    /// learner drags it or presses arrow keys on it: `false` for the moves of a drag and the
    /// repeats of a held key, `true` on release (and for a single key press). Write links only
    /// for settled values: Chromium ignores `replaceState` after 200 in 10 s, which a drag
    /// reaches in seconds. Without it, handles are not drawn.
    #[prop_or_default]
    pub on_handle: Option<Callback<(String, Time, bool)>>,
}

/// A handle being dragged: which, where the pointer went down (client px), the value then, and
/// client px per step (the scale is frozen for the drag, though the picture may rescale).
struct DragState {
    key: String,
    x0: f64,
    v0: Time,
    last: Time,
    min: Time,
    max: Time,
    step: Time,
    px_per_step: f64,
}

type Drag = Rc<RefCell<Option<DragState>>>;

/// Draw a scene as an inline SVG sized by its viewBox.
#[component]
pub fn SceneView(props: &SceneViewProps) -> Html {
    let sc = &props.scene;
    let now = use_context::<FigureNow>();
    let drag: Drag = use_mut_ref(|| None);
    let svg = use_node_ref();
    // The svg keeps the pointer while a handle is dragged (pointer capture), so moves and the
    // release arrive here even when the handle's own element is redrawn under the pointer.
    let (onpointermove, onpointerup) = match &props.on_handle {
        Some(cb) => {
            let (d1, cb1) = (drag.clone(), cb.clone());
            let mv = Callback::from(move |e: PointerEvent| {
                let mut g = d1.borrow_mut();
                let Some(st) = g.as_mut() else { return };
                if e.buttons() == 0 {
                    // Released where we could not see it (no pointer capture): the drag is over.
                    let done = g.take().filter(|st| st.last != st.v0);
                    drop(g);
                    if let Some(st) = done {
                        cb1.emit((st.key, st.last, true));
                    }
                    return;
                }
                e.prevent_default();
                let steps = ((e.client_x() as f64 - st.x0) / st.px_per_step).round() as i64;
                let v = stepped(st.v0, steps, st.step, st.min, st.max);
                if v != st.last {
                    st.last = v;
                    let k = st.key.clone();
                    drop(g);
                    cb1.emit((k, v, false));
                }
            });
            let (d2, cb2) = (drag.clone(), cb.clone());
            let up = Callback::from(move |_: PointerEvent| {
                let done = d2.borrow_mut().take().filter(|st| st.last != st.v0);
                if let Some(st) = done {
                    cb2.emit((st.key, st.last, true));
                }
            });
            (Some(mv), Some(up))
        }
        None => (None, None),
    };
    // A keyed group that was just activated keeps the focus across the redraw it causes (the
    // picture may draw it as a new element, which would drop the focus to the page's body).
    let refocus: Refocus = use_mut_ref(|| None);
    {
        let (refocus, svg) = (refocus.clone(), svg.clone());
        use_effect(move || {
            if let (Some((k, nth)), Some(el)) =
                (refocus.borrow_mut().take(), svg.cast::<web_sys::Element>())
            {
                let lost = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .is_none_or(|a| !el.contains(Some(&a)));
                if lost {
                    refocus_key(&el, &k, nth);
                }
            }
        });
    }
    let ctx = HandleCtx {
        on_handle: props.on_handle.clone(),
        drag,
        svg: svg.clone(),
        width: sc.width,
        refocus,
    };
    // An image's children are not in the accessibility tree: a picture with parts to press or
    // drag is a labelled group, so that screen readers reach them.
    let controls = (props.on_key.is_some()
        && has(&sc.items, &|i| {
            matches!(i, Item::Group { key: Some(_), .. })
        }))
        || (props.on_handle.is_some() && has(&sc.items, &|i| matches!(i, Item::Handle { .. })));
    let role = if controls { "group" } else { "img" };
    // Named by its <title> alone: an aria-label beside an equal <title> is read as the name and
    // again as the description. An image's name says what it shows now (its figure's sentence
    // for the live region), or it would be the same at 0 s and at the end; a group of controls
    // keeps its short name, said each time the focus enters it.
    let name = match (&now, controls) {
        (Some(FigureNow(Some(now))), false) if !now.is_empty() => format!("{}. {now}", sc.title),
        _ => sc.title.clone(),
    };
    html! {
        // Never enlarged more than MAX_STRETCH (a narrow picture in a wider column).
        <svg ref={svg} class="viz" viewBox={format!("0 0 {} {}", num(sc.width), num(sc.height))}
             style={format!("max-width:{}px", num(sc.width * crate::figure::MAX_STRETCH))}
             role={role} xmlns="http://www.w3.org/2000/svg"
             onpointermove={onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup}>
            <title>{ name }</title>
            { sc.items.iter().map(|i| item(i, &props.on_key, &ctx)).collect::<Html>() }
        </svg>
    }
}

/// Whether `items` (groups searched too) hold an item for which `f` holds.
fn has(items: &[Item], f: &dyn Fn(&Item) -> bool) -> bool {
    items
        .iter()
        .any(|i| f(i) || matches!(i, Item::Group { items, .. } if has(items, f)))
}

/// The key of the group activated last, to focus again after the redraw.
/// The key of the group just activated, and which of the groups with that key it was (the
/// ports picture has a "9001 + client" box on each server's side).
type Refocus = Rc<RefCell<Option<(String, u32)>>>;

/// The groups drawn with `data-key` = `key` inside `svg`, in document order.
fn keyed(svg: &web_sys::Element, key: &str) -> Vec<web_sys::SvgElement> {
    let Ok(list) = svg.query_selector_all("g[data-key]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::SvgElement>().ok())
        .filter(|g| g.get_attribute("data-key").as_deref() == Some(key))
        .collect()
}

/// Which of the groups with its key the activated group is, from the event's `target` (inside
/// the group; yew delegates events, so the current target is not the group); 0 when unknown.
fn occurrence(target: Option<web_sys::EventTarget>, key: &str) -> u32 {
    let Some(g) = target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("g[data-key]").ok().flatten())
    else {
        return 0;
    };
    let Some(svg) = g.closest("svg").ok().flatten() else {
        return 0;
    };
    keyed(&svg, key)
        .iter()
        .position(|x| x.is_same_node(Some(&g)))
        .unwrap_or(0) as u32
}

/// Focus the `nth` group drawn with `data-key` = `key` inside `svg` (the first if there are
/// fewer), without scrolling: it is where the learner pressed, already in view (a plain
/// `focus()` of the first one jumped from the lower server's box to the upper one's).
fn refocus_key(svg: &web_sys::Element, key: &str, nth: u32) {
    let groups = keyed(svg, key);
    if let Some(g) = groups.get(nth as usize).or(groups.first()) {
        let opts = web_sys::FocusOptions::new();
        opts.set_prevent_scroll(true);
        let _ = g.focus_with_options(&opts);
    }
}

/// What a handle needs to start a drag, and what a keyed group needs to keep its focus.
struct HandleCtx {
    on_handle: Option<Callback<(String, Time, bool)>>,
    drag: Drag,
    svg: NodeRef,
    width: f32,
    refocus: Refocus,
}

fn handle(
    ctx: &HandleCtx,
    (x, y, h): (f32, f32, f32),
    key: &str,
    label: &str,
    (value, min, max, step): (Time, Time, Time, Time),
    step_w: f32,
) -> Html {
    let Some(cb) = ctx.on_handle.clone() else {
        return Html::default();
    };
    let onpointerdown = {
        let (drag, svg, key) = (ctx.drag.clone(), ctx.svg.clone(), key.to_string());
        let width = ctx.width;
        Callback::from(move |e: PointerEvent| {
            let Some(el) = svg.cast::<web_sys::Element>().filter(|_| e.button() == 0) else {
                return;
            };
            let px_per_unit = el.get_bounding_client_rect().width() / width.max(1.0) as f64;
            let px_per_step = (step_w as f64 * px_per_unit).max(0.5);
            e.prevent_default();
            // Focus follows the pointer, so the arrow keys go on where the drag ended.
            if let Some(t) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::SvgElement>().ok())
            {
                let _ = t.focus();
            }
            // Synthetic events have no active pointer to capture: the drag still works while
            // the pointer stays over the picture.
            let _ = el.set_pointer_capture(e.pointer_id());
            *drag.borrow_mut() = Some(DragState {
                key: key.clone(),
                x0: e.client_x() as f64,
                v0: value,
                last: value,
                min,
                max,
                step,
                px_per_step,
            });
        })
    };
    let onkeydown = {
        let (key, cb) = (key.to_string(), cb.clone());
        Callback::from(move |e: KeyboardEvent| {
            let v = match e.key().as_str() {
                "ArrowRight" | "ArrowUp" => stepped(value, 1, step, min, max),
                "ArrowLeft" | "ArrowDown" => stepped(value, -1, step, min, max),
                "PageUp" => stepped(value, 10, step, min, max),
                "PageDown" => stepped(value, -10, step, min, max),
                "Home" => min,
                "End" => max,
                _ => return,
            };
            // The playback's own keys (arrows, Home/End) must not also move the clock.
            e.prevent_default();
            e.stop_propagation();
            if v != value {
                cb.emit((key.clone(), v, !e.repeat()));
            }
        })
    };
    // The end of a held key: the value reached is settled.
    let onkeyup = {
        let key = key.to_string();
        Callback::from(move |e: KeyboardEvent| {
            let held = matches!(
                e.key().as_str(),
                "ArrowRight" | "ArrowUp" | "ArrowLeft" | "ArrowDown" | "PageUp" | "PageDown"
            );
            if held {
                cb.emit((key.clone(), value, true));
            }
        })
    };
    html! {
        <g class="handle" role="slider" tabindex="0" aria-label={label.to_string()} data-key={key.to_string()}
           aria-valuemin={secs_value(min)} aria-valuemax={secs_value(max)} aria-valuenow={secs_value(value)}
           aria-valuetext={fmt_secs(value)} {onpointerdown} {onkeydown} {onkeyup}>
            <title>{ format!("{label}: {}. Drag, or use the arrow keys.", fmt_secs(value)) }</title>
            <rect class="handle-hit" x={num(x - 9.0)} y={num(y - 2.0)} width="18" height={num(h + 4.0)} />
            <rect class="handle-grip" x={num(x - 3.0)} y={num(y)} width="6" height={num(h)} rx="2" />
        </g>
    }
}

fn anchor(a: Anchor) -> &'static str {
    match a {
        Anchor::Start => "start",
        Anchor::Middle => "middle",
        Anchor::End => "end",
    }
}

fn tip(t: &Option<String>) -> Html {
    match t {
        Some(t) => html! { <title>{ t.clone() }</title> },
        None => Html::default(),
    }
}

fn item(i: &Item, on_key: &Option<Callback<String>>, ctx: &HandleCtx) -> Html {
    match i {
        Item::Handle {
            x,
            y,
            h,
            key,
            label,
            value,
            min,
            max,
            step,
            step_w,
        } => handle(
            ctx,
            (*x, *y, *h),
            key,
            label,
            (*value, *min, *max, *step),
            *step_w,
        ),
        Item::Rect {
            x,
            y,
            w,
            h,
            rx,
            class,
            tip: t,
        } => html! {
            <rect x={num(*x)} y={num(*y)} width={num(w.max(0.0))} height={num(h.max(0.0))} rx={num(*rx)} class={*class}>
                { tip(t) }
            </rect>
        },
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            class,
        } => html! {
            <line x1={num(*x1)} y1={num(*y1)} x2={num(*x2)} y2={num(*y2)} class={*class} />
        },
        Item::Circle {
            cx,
            cy,
            r,
            class,
            tip: t,
        } => html! {
            <circle cx={num(*cx)} cy={num(*cy)} r={num(*r)} class={*class}>{ tip(t) }</circle>
        },
        Item::Poly { points, class } => html! {
            <polyline points={points_attr(points)} class={*class} />
        },
        Item::Text {
            x,
            y,
            text,
            class,
            anchor: a,
        } => html! {
            <text x={num(*x)} y={num(*y)} text-anchor={anchor(*a)} class={*class}>{ text.clone() }</text>
        },
        Item::Group {
            class,
            label,
            key,
            items,
        } => {
            let children: Html = items.iter().map(|c| item(c, on_key, ctx)).collect();
            match (key, on_key) {
                (Some(k), Some(cb)) => {
                    let (k1, cb1, r1) = (k.clone(), cb.clone(), ctx.refocus.clone());
                    let onclick = Callback::from(move |e: MouseEvent| {
                        *r1.borrow_mut() = Some((k1.clone(), occurrence(e.target(), &k1)));
                        cb1.emit(k1.clone())
                    });
                    let (k2, cb2, r2) = (k.clone(), cb.clone(), ctx.refocus.clone());
                    let onkeydown = Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            e.stop_propagation();
                            *r2.borrow_mut() = Some((k2.clone(), occurrence(e.target(), &k2)));
                            cb2.emit(k2.clone());
                        }
                    });
                    // Named by its <title> alone (also the hover text): an aria-label beside an
                    // equal <title> is read as the name and again as the description.
                    html! {
                        <g class={format!("{class} hit")} role="button" tabindex="0"
                           data-key={k.clone()} {onclick} {onkeydown}>
                            { tip(label) }
                            { children }
                        </g>
                    }
                }
                // `aria-label` needs a role (not allowed on a plain `<g>`).
                _ => html! {
                    <g class={*class} role={label.is_some().then_some("group")} aria-label={label.clone()}>{ children }</g>
                },
            }
        }
    }
}
