//! The playback control bar: reset, step back, play/pause, step forward, scrubber, speed, readout.
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{Action, Playback, SPEEDS};
use crate::app::permalink::format_seconds;

/// Label of a speed in the select: `0.25×`, `1×`, `8×`.
pub fn speed_label(x: f64) -> String {
    format!("{}×", crate::decimal::short(x, 2))
}

/// The scrubber's step: a 500th of the run (at least 1 µs), so arrow keys move in visible steps.
pub fn scrub_step(end: u64) -> u64 {
    (end / 500).max(1)
}

/// The time a scrubber value stands for. A range input only takes multiples of its step, so
/// when the step does not divide `end` its rightmost position falls short of `end` by less than
/// a step: that position (any value within one step of the end) means the end itself.
pub fn scrub_time(value: f64, end: u64) -> u64 {
    let v = value.max(0.0) as u64;
    if v.saturating_add(scrub_step(end)) > end {
        end
    } else {
        v
    }
}

/// The standard control bar for the clock `pb` (from [`super::use_playback`]). Every control is a
/// labelled native element. A plain function: it holds no state of its own.
pub fn playback_controls(pb: &Playback) -> Html {
    let end = pb.end();
    let at_end = pb.t >= end;
    let readout = format!("t = {} / {}", format_seconds(pb.t), format_seconds(end));

    // While the scrubber moves the clock follows it; the link is written when it is let go
    // (`change`), once.
    let scrubbed_to = move |e: &Event| {
        let input = e.target_dyn_into::<HtmlInputElement>()?;
        crate::decimal::parse(&input.value()).map(|v| scrub_time(v, end))
    };
    let on_scrub = {
        let pb = pb.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = scrubbed_to(&e) {
                pb.hold_link();
                pb.dispatch(Action::Seek(t));
            }
        })
    };
    let on_scrub_done = {
        let pb = pb.clone();
        Callback::from(move |e: Event| {
            if let Some(t) = scrubbed_to(&e) {
                pb.release_link(t);
            }
        })
    };
    // A finger that touched the scrubber on its way to scrolling the page moved nothing.
    let on_touch_cancel = {
        let pb = pb.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(t) = crate::app::hooks::touch_cancelled(&e)
                .and_then(|v| crate::decimal::parse(&v))
                .map(|v| scrub_time(v, end))
            {
                pb.dispatch(Action::Seek(t));
                pb.release_link(t);
            }
        })
    };
    let on_speed = {
        let pb = pb.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            if let Some(v) = crate::decimal::parse(&sel.value()) {
                pb.dispatch(Action::SetSpeed(v));
            }
        })
    };
    let (play_label, play_text) = if pb.playing {
        ("Pause", "❚❚ Pause")
    } else if at_end && end > 0 {
        ("Replay from the start", "▶ Replay")
    } else {
        ("Play", "▶ Play")
    };
    let step = scrub_step(end).to_string();
    let speed_id = format!("{}-speed", pb.id);

    html! {
        <div class="playback" role="group" aria-label="Playback controls">
            // First in the Tab order, as it is drawn: above the buttons.
            <input type="range" class="pb-scrub" min="0" max={end.to_string()} step={step}
                value={pb.t.to_string()} aria-label="Virtual time"
                aria-valuetext={readout.clone()} oninput={on_scrub} onchange={on_scrub_done}
                onpointerdown={|e: PointerEvent| crate::app::hooks::touch_down(&e)}
                onpointerup={|e: PointerEvent| crate::app::hooks::touch_up(&e)}
                onpointercancel={on_touch_cancel} />
            <div class="playback-buttons">
                <button type="button" class="pb-reset" aria-label="Reset to the start"
                    onclick={pb.callback(Action::Reset)}>{ "Reset" }</button>
                <button type="button" class="pb-prev" aria-label="Step back to the previous event"
                    aria-disabled={(pb.t == 0).to_string()} onclick={pb.callback(Action::StepPrev)}>{ "◀ Step" }</button>
                <button type="button" class="pb-play" aria-label={play_label}
                    disabled={end == 0} onclick={pb.callback(Action::Toggle)}>{ play_text }</button>
                <button type="button" class="pb-next" aria-label="Step forward to the next event"
                    aria-disabled={at_end.to_string()} onclick={pb.callback(Action::StepNext)}>{ "Step ▶" }</button>
            </div>
            <div class="playback-meta">
                <label class="pb-speed-label" for={speed_id.clone()}>{ "Speed" }</label>
                <select id={speed_id} class="pb-speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|&s| html! {
                        <option value={crate::decimal::short(s, 2)} selected={(s - pb.speed).abs() < 1e-9}>{ speed_label(s) }</option>
                    }) }
                </select>
                <output class="pb-time" aria-live="off">{ readout }</output>
            </div>
        </div>
    }
}
