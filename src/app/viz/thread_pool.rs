//! Visualisation `thread-pool` (chapter 4): a pool of N threads under steady load, with the
//! Little's-law budget, the waiting queue and the latency of finished requests.
//!
//! Wiring only: URL/slider parameters -> [`load::run`] (memoised; the trace is sampled once into a
//! [`LoadSeries`] and dropped) -> [`Timeline`] -> [`use_playback`] -> [`thread_pool_scene`] at
//! `pb.t` -> [`SceneView`]. [`NumField`] (a slider with a number box that refuses out-of-range
//! values with a message) is shared with the `frameworks` visualisation.
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::hooks::{event_value, typed_or, use_viz_params, use_window_event, VizParams};
use crate::app::playback::{use_playback, Figure, Timeline};
use crate::app::viz::SceneView;
use crate::decimal::fixed;
use crate::figure::load::{group, thread_pool_scene, Budget, LoadSeries};
use crate::scenario::programs::load::{self, LoadParams, Model, BLOCK_MS, RATE, THREADS};
use crate::sim::SEC;

/// `performance.now()` in ms (0 when unavailable).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// A run sampled for drawing, with how long simulating + sampling took (ms of real time).
#[derive(Clone, Debug, PartialEq)]
pub struct Sampled {
    /// The series.
    pub series: LoadSeries,
    /// Requests simulated.
    pub requests: u64,
    /// Real milliseconds spent.
    pub ms: f64,
}

/// Run one model and sample it (the trace itself is dropped).
pub fn sample(model: Model, p: &LoadParams) -> Sampled {
    let t0 = now_ms();
    let trace = load::run(model, p);
    let series = LoadSeries::from_trace(&trace);
    drop(trace);
    Sampled {
        series,
        requests: p.requests(),
        ms: now_ms() - t0,
    }
}

fn window_width() -> f32 {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .map_or(720.0, |w| (w as f32 - 32.0).max(1.0))
}

/// The width (CSS px) of the element behind the returned ref: guessed from the window at first,
/// measured after mount and on every window resize.
#[hook]
pub fn use_column_width() -> (NodeRef, f32) {
    let node = use_node_ref();
    let width = use_state_eq(window_width);
    let measure = {
        let (node, width) = (node.clone(), width.clone());
        move || {
            if let Some(el) = node.cast::<web_sys::Element>() {
                let w = el.client_width();
                if w > 0 {
                    width.set(w as f32);
                }
            }
        }
    };
    {
        let measure = measure.clone();
        use_effect_with((), move |_| measure());
    }
    let on_resize = use_callback((), move |_: web_sys::Event, _| measure());
    use_window_event("resize", on_resize);
    (node, *width)
}

/// Whether the element behind the returned ref is narrower than the load pictures' wide layout
/// ([`crate::figure::load::WIDE_W`]; see [`use_column_width`]).
#[hook]
pub fn use_narrow() -> (NodeRef, bool) {
    let (node, w) = use_column_width();
    (node, w < crate::figure::load::WIDE_W)
}

/// Runs with more requests than this are simulated in slices across tasks (no long task).
pub const SLICED_ABOVE: u64 = 20_000;

/// Real milliseconds one slice of a sliced run may take before yielding to the browser.
pub const SLICE_MS: f64 = 8.0;

/// Scheduling decisions between two clock reads inside a slice.
const STEPS_PER_CHECK: u32 = 2_000;

/// A run being simulated or done.
#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    /// Simulating: fraction of the window done (0..=1).
    Simulating(f64),
    /// Sampled.
    Done(Rc<Sampled>),
}

/// Simulate `model` with `p` and sample it: at once for small runs, or in slices of at most
/// [`SLICE_MS`] that yield to the browser between them (a 100,000-request run takes ~0.2–0.3 s
/// of work: done in one go it would be a long task that freezes the page), reporting progress.
#[hook]
pub fn use_sampled(model: Model, p: LoadParams) -> RunState {
    let sliced = p.requests() > SLICED_ABOVE;
    let small = use_memo((model, p), move |(m, p)| {
        (!sliced).then(|| Rc::new(sample(*m, p)))
    });
    // The sliced run's state, with the inputs it belongs to.
    let big = use_state(|| None::<((Model, LoadParams), RunState)>);
    {
        let big = big.clone();
        use_effect_with((model, p), move |&(model, p)| {
            let cancelled = Rc::new(std::cell::Cell::new(false));
            if sliced {
                let stop = cancelled.clone();
                let key = (model, p);
                big.set(Some((key, RunState::Simulating(0.0))));
                yew::platform::spawn_local(async move {
                    let t0 = now_ms();
                    let mut sim = load::start(model, &p);
                    let window = p.window().max(1) as f64;
                    loop {
                        let slice = now_ms();
                        let mut done = false;
                        'slice: loop {
                            for _ in 0..STEPS_PER_CHECK {
                                if let crate::sim::Step::Done(_) = sim.step() {
                                    done = true;
                                    break 'slice;
                                }
                            }
                            if now_ms() - slice > SLICE_MS {
                                break;
                            }
                        }
                        if done {
                            break;
                        }
                        let f = (sim.now() as f64 / window).clamp(0.0, 1.0);
                        big.set(Some((key, RunState::Simulating(f))));
                        yew::platform::time::sleep(std::time::Duration::ZERO).await;
                        if stop.get() {
                            return;
                        }
                    }
                    let trace = sim.into_trace();
                    let series = LoadSeries::from_trace(&trace);
                    drop(trace);
                    if !stop.get() {
                        big.set(Some((
                            key,
                            RunState::Done(Rc::new(Sampled {
                                series,
                                requests: p.requests(),
                                ms: now_ms() - t0,
                            })),
                        )));
                    }
                });
            }
            move || cancelled.set(true)
        });
    }
    match (&*small, &*big) {
        (Some(s), _) => RunState::Done(s.clone()),
        (None, Some((key, st))) if *key == (model, p) => st.clone(),
        _ => RunState::Simulating(0.0),
    }
}

/// What stands in for the picture while a sliced run is being simulated.
pub fn simulating(f: f64, requests: u64) -> Html {
    let pct = (f * 100.0).floor() as u32;
    html! {
        <div class="load-simulating" role="status" style="padding:2em 1em;text-align:center">
            <p>{ format!("Simulating {} requests… {pct} %", group(requests)) }</p>
            <progress max="100" value={pct.to_string()} style="width:60%" />
        </div>
    }
}

/// One marks per second (step next/prev moves a second at a time).
pub fn second_marks(end: u64) -> Timeline {
    Timeline::new(end, (0..=end / SEC).map(|s| s * SEC).collect::<Vec<_>>())
}

/// Read an integer link parameter in `lo..=hi`, reporting bad values.
pub fn param_u32(params: &VizParams, key: &str, (lo, hi): (u32, u32), unit: &str) -> Option<u32> {
    params.get_parsed(
        key,
        &format!(
            "a whole number from {} to {}{unit}",
            group(lo as u64),
            group(hi as u64)
        ),
        |s| {
            let v = crate::decimal::parse_whole(s)?;
            if v < lo as u64 || v > hi as u64 {
                Err("out of range".into())
            } else {
                Ok(v as u32)
            }
        },
    )
}

/// Properties of [`NumField`].
#[derive(Properties, PartialEq)]
pub struct NumFieldProps {
    /// Field id (unique in the page, e.g. `thread-pool-threads`).
    pub id: AttrValue,
    /// Label.
    pub label: AttrValue,
    /// Current value.
    pub value: u32,
    /// Smallest accepted.
    pub min: u32,
    /// Largest accepted.
    pub max: u32,
    /// Unit after the box ("req/s").
    #[prop_or_default]
    pub unit: AttrValue,
    /// Called with a valid new value.
    pub on_change: Callback<u32>,
}

/// A slider with a number box. Out-of-range or non-numeric input is refused with a message that
/// names the accepted range; the previous value stays.
#[component]
pub fn NumField(p: &NumFieldProps) -> Html {
    let error = use_state(|| None::<String>);
    let range_id = format!("{}-range", p.id);
    let error_id = format!("{}-error", p.id);
    // " ms" after a number, when the field has a unit.
    let unit = if p.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", p.unit)
    };
    let (min, max) = (p.min, p.max);
    let valid = move |raw: &str| {
        crate::decimal::parse(raw)
            .filter(|v| v.is_finite() && *v >= min as f64 && *v <= max as f64 && v.fract() == 0.0)
    };
    let accept = {
        let error = error.clone();
        let on_change = p.on_change.clone();
        let (value, label, unit) = (p.value, p.label.clone(), unit.clone());
        move |raw: String| {
            match valid(&raw) {
                Some(v) => {
                    error.set(None);
                    on_change.emit(v as u32);
                }
                _ => error.set(Some(format!(
                    "{label}: {} — accepted: a whole number from {} to {}{unit}. Kept {}{unit}.",
                    // A number box holding text that is not a number hands over "".
                    if raw.trim().is_empty() {
                        "no number given".to_string()
                    } else {
                        format!("\"{}\" refused", raw.trim())
                    },
                    group(min as u64),
                    group(max as u64),
                    group(value as u64)
                ))),
            }
        }
    };
    // A finger that touched the slider on its way to scrolling the page set nothing.
    let on_touch_cancel = {
        let accept = accept.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(v) = crate::app::hooks::touch_cancelled(&e) {
                accept(v);
            }
        })
    };
    let on_range = {
        let accept = accept.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                accept(i.value());
            }
        })
    };
    // A message about the box's old text goes as soon as the box holds an accepted number
    // again (typing back the value in force changes nothing, so no `change` event comes).
    let on_box_input = {
        let error = error.clone();
        Callback::from(move |e: InputEvent| {
            if valid(&event_value(&e)).is_some() && error.is_some() {
                error.set(None);
            }
        })
    };
    let on_box = Callback::from(move |e: Event| {
        if let Some(i) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            accept(i.value());
        }
    });
    html! {
        <div class="viz-field" style="display:flex;flex-wrap:wrap;align-items:center;gap:.5em;margin:.25em 0">
            <label for={range_id.clone()} style="min-width:9em">{ p.label.clone() }</label>
            // Slider, box and unit stay on one line, the slider taking the room left: browsers
            // give a bare range input different widths (Firefox's is wider), which made the
            // row break in a different place in each on a phone.
            <span style="display:flex;align-items:center;gap:.5em;flex:1 1 16em;min-width:0">
                <input type="range" id={range_id} min={p.min.to_string()} max={p.max.to_string()}
                       style="flex:1 1 6em;min-width:4em;width:auto;max-width:16em"
                       value={p.value.to_string()} oninput={on_range} aria-label={p.label.clone()}
                       onpointerdown={|e: PointerEvent| crate::app::hooks::touch_down(&e)}
                       onpointerup={|e: PointerEvent| crate::app::hooks::touch_up(&e)}
                       onpointercancel={on_touch_cancel}
                       aria-valuetext={format!("{}{unit}", group(p.value as u64))} />
                <input type="number" id={p.id.clone()} class="num" style="width:6em;flex:none"
                       min={p.min.to_string()} max={p.max.to_string()}
                       value={typed_or(&p.id, p.value.to_string())} onchange={on_box} oninput={on_box_input}
                       aria-label={if p.unit.is_empty() { format!("{} (number)", p.label) } else { format!("{} in {}", p.label, p.unit) }}
                       aria-invalid={error.is_some().then_some("true")}
                       aria-describedby={error.is_some().then(|| error_id.clone())} />
                <span class="muted" style="white-space:nowrap">{ p.unit.clone() }</span>
            </span>
            if let Some(msg) = (*error).clone() {
                <span id={error_id} class="field-error notice" role="alert" style="flex-basis:100%">{ msg }</span>
            }
        </div>
    }
}

/// The `thread-pool` visualisation.
#[component]
pub fn ThreadPool() -> Html {
    let params = use_viz_params("thread-pool");
    params.check_known(&["threads", "rate", "block_ms"]);
    let d = LoadParams::default();
    let initial = {
        let params = params.clone();
        move || LoadParams {
            threads: param_u32(&params, "threads", THREADS, "").unwrap_or(d.threads),
            rate_per_s: param_u32(&params, "rate", RATE, " req/s").unwrap_or(d.rate_per_s),
            work_ms: param_u32(&params, "block_ms", BLOCK_MS, " ms").unwrap_or(d.work_ms),
            ..d
        }
    };
    let lp = use_state(initial);
    let state = use_sampled(Model::ThreadPerRequest, *lp);
    let run = match &state {
        RunState::Done(r) => Some(r.clone()),
        RunState::Simulating(_) => None,
    };
    let timeline = second_marks(run.as_ref().map_or(lp.window(), |r| r.series.end));
    let pb = use_playback("thread-pool", timeline);
    let budget = Budget::of(&lp);
    let (wrapper, narrow) = use_narrow();
    let picture = match (&run, &state) {
        (Some(run), _) => html! {
            <SceneView scene={Rc::new(thread_pool_scene(&run.series, &budget, pb.t, narrow))} />
        },
        (None, RunState::Simulating(f)) => simulating(*f, lp.requests()),
        _ => html! {},
    };

    let set = |key, f, default| param_setter(&lp, &params, key, f, default);
    let describe = {
        let run = run.clone();
        Callback::from(move |t: u64| {
            let Some(run) = &run else {
                return "Simulating…".to_string();
            };
            let s = run.series.at(t);
            format!(
                "At {} s: {} busy, {} waiting, {} finished.",
                fixed(t as f64 / 1e6, 1),
                crate::figure::count(s.in_flight() as u64, "thread"),
                crate::figure::count(s.waiting() as u64, "request"),
                group(s.done as u64)
            )
        })
    };
    let caption = html! {
        <p class="small muted">
            { match &run {
                Some(run) => format!("A real run: {} requests over {}\u{a0}s, simulated in {}\u{a0}ms. Presets: ",
                    group(run.requests), crate::decimal::short(lp.duration_s, 3), fixed(run.ms, 0)),
                None => format!("A real run: {} requests over {}\u{a0}s, simulating… Presets: ",
                    group(lp.requests()), crate::decimal::short(lp.duration_s, 3)),
            } }
            { preset_button("the chapter's numbers (200, 500/s, 2 s)", (200, 500, 2000), &lp, &params) }
            { preset_button("keeps up (90/s)", (200, 90, 2000), &lp, &params) }
            { preset_button("1,200 threads", (1200, 500, 2000), &lp, &params) }
            { preset_button("100k requests (5,000/s)", (200, 5000, 2000), &lp, &params) }
        </p>
    };
    html! {
        <Figure id="thread-pool" title="A thread pool under load" playback={pb.clone()} {describe} {caption}>
            <div ref={wrapper} class="load-viz" data-narrow={narrow.to_string()}>
                { picture }
            </div>
            <div class="viz-controls">
                <NumField id="thread-pool-threads" label="threads" value={lp.threads}
                          min={THREADS.0} max={THREADS.1}
                          on_change={set("threads", |p, v| p.threads = v, d.threads)} />
                <NumField id="thread-pool-rate" label="arrival rate" value={lp.rate_per_s}
                          min={RATE.0} max={RATE.1} unit="req/s"
                          on_change={set("rate", |p, v| p.rate_per_s = v, d.rate_per_s)} />
                <NumField id="thread-pool-block" label="blocking time" value={lp.work_ms}
                          min={BLOCK_MS.0} max={BLOCK_MS.1} unit="ms"
                          on_change={set("block_ms", |p, v| p.work_ms = v, d.work_ms)} />
            </div>
        </Figure>
    }
}

/// A button that loads a preset (threads, rate/s, blocking ms) into `lp` and the link.
fn preset_button(
    label: &'static str,
    (threads, rate, block_ms): (u32, u32, u32),
    lp: &UseStateHandle<LoadParams>,
    params: &VizParams,
) -> Html {
    let onclick = {
        let (lp, params) = (lp.clone(), params.clone());
        Callback::from(move |_| {
            let d = LoadParams::default();
            for (k, v, dv) in [
                ("threads", threads, d.threads),
                ("rate", rate, d.rate_per_s),
                ("block_ms", block_ms, d.work_ms),
            ] {
                if v == dv {
                    params.remove(k);
                } else {
                    params.set(k, &v.to_string());
                }
            }
            lp.set(LoadParams {
                threads,
                rate_per_s: rate,
                work_ms: block_ms,
                ..*lp
            });
        })
    };
    html! { <button type="button" class="preset" {onclick}>{ label }</button> }
}

/// A slider's callback: apply `f` to the load parameters and keep the link in step (`key` is
/// dropped from the link when the value is back to its `default`). Shared with `frameworks`.
pub fn param_setter(
    lp: &UseStateHandle<LoadParams>,
    params: &VizParams,
    key: &'static str,
    f: fn(&mut LoadParams, u32),
    default: u32,
) -> Callback<u32> {
    let lp = lp.clone();
    let params = params.clone();
    Callback::from(move |v: u32| {
        let mut p = *lp;
        f(&mut p, v);
        if v == default {
            params.remove(key);
        } else {
            params.set(key, &v.to_string());
        }
        lp.set(p);
    })
}
