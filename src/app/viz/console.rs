//! Console panes: what a simulated program has printed by the current virtual time, shown next
//! to its code panel (queries, coroutine, event loop).
//!
//! Markup: `div.console[aria-label] > div.console-head + div.console-body > div.console-line`
//! (a line stamped with its virtual time starts with `span.console-time`; a line holding a
//! `RuntimeWarning` also has class `warning`). [`panes`] lays panes out side by side, one column
//! each, stacking on narrow screens.

use yew::prelude::*;

use crate::figure::fmt_secs;
use crate::sim::Time;

/// A console titled `label` holding `lines` (optional time stamp, text), at least `min_height`
/// tall (a CSS length, so the pane does not jump as lines arrive). Takes a `dyn` iterator so every
/// caller shares one copy of this code in the bundle.
pub fn console(
    label: &str,
    lines: &mut dyn Iterator<Item = (Option<Time>, &str)>,
    min_height: &'static str,
) -> Html {
    let body: Html = lines
        .map(|(t, text)| {
            let class = if text.contains("RuntimeWarning") {
                "console-line warning"
            } else {
                "console-line"
            };
            html! {
                <div {class}>
                    if let Some(t) = t {
                        <span class="console-time">{ format!("{:>6}  ", fmt_secs(t)) }</span>
                    }
                    { text.to_string() }
                </div>
            }
        })
        .collect();
    html! {
        <div class="console" aria-label={label.to_string()}>
            <div class="console-head">{ label.to_string() }</div>
            <div class="console-body" style={format!("min-height:{min_height}")}>{ body }</div>
        </div>
    }
}

/// Panes side by side (each at least 260 px wide), wrapping onto new rows on narrow screens.
pub fn panes(children: Html) -> Html {
    html! { <div class="panes">{ children }</div> }
}
