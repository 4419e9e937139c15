//! The browser renderer of a [`Scene`]: one `<svg>` whose items become SVG elements.
//! Groups with a `key` become keyboard- and mouse-activatable buttons that report the key.
use std::rc::Rc;

use yew::prelude::*;

use crate::figure::{num, points_attr, Anchor, Item, Scene};

/// Properties of [`SceneView`].
#[derive(Properties, PartialEq)]
pub struct SceneViewProps {
    /// The picture to draw.
    pub scene: Rc<Scene>,
    /// Called with a group's key when the learner activates it (click, Enter or Space).
    #[prop_or_default]
    pub on_key: Option<Callback<String>>,
}

/// Draw a scene as an inline SVG sized by its viewBox.
#[component]
pub fn SceneView(props: &SceneViewProps) -> Html {
    let sc = &props.scene;
    html! {
        <svg class="viz" viewBox={format!("0 0 {} {}", num(sc.width), num(sc.height))}
             role="img" aria-label={sc.title.clone()} xmlns="http://www.w3.org/2000/svg">
            <title>{ sc.title.clone() }</title>
            { sc.items.iter().map(|i| item(i, &props.on_key)).collect::<Html>() }
        </svg>
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

fn item(i: &Item, on_key: &Option<Callback<String>>) -> Html {
    match i {
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
            let children: Html = items.iter().map(|c| item(c, on_key)).collect();
            match (key, on_key) {
                (Some(k), Some(cb)) => {
                    let (k1, cb1) = (k.clone(), cb.clone());
                    let onclick = Callback::from(move |_: MouseEvent| cb1.emit(k1.clone()));
                    let (k2, cb2) = (k.clone(), cb.clone());
                    let onkeydown = Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            e.stop_propagation();
                            cb2.emit(k2.clone());
                        }
                    });
                    html! {
                        <g class={classes!(*class, "hit")} role="button" tabindex="0" aria-label={label.clone()}
                           data-key={k.clone()} {onclick} {onkeydown}>
                            { tip(label) }
                            { children }
                        </g>
                    }
                }
                _ => html! { <g class={*class} aria-label={label.clone()}>{ children }</g> },
            }
        }
    }
}
