//! Visualisation `ports` (chapters 1 and 2): the blocking accept loop and the `select()` loop on
//! the same client arrivals, one clock. Wiring only: link params → arrival script → both traces
//! (memoised) → one merged timeline → `figure::ports::layout` at `pb.t`.
//!
//! Link params (`ports.*`): `preset` (notes, 9002, burst, random), `seed` (random), `arr` (an
//! explicit script, `9002:0,9001:10`, written when the learner adds clients), `t`.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::CodePanel;
use crate::app::hooks::{event_value, use_refocus, use_viz_params, use_window_event, VizParams};
use crate::app::playback::{use_playback, Action, Figure, Timeline};
use crate::app::viz::SceneView;
use crate::figure::ports::{layout_with, Arrange, PortsModel};
use crate::figure::{fmt_secs, ports::describe};
use crate::scenario::programs::ports::{
    parse_port, parse_secs, run_blocking, run_select, Arrival, Preset, Script, MAX_T,
    SCRIPT_ACCEPTED,
};
use crate::sim::{Time, MS, SEC};

const SEED_ACCEPTED: &str = "a whole number from 0 to 999999";

fn parse_seed(s: &str) -> Result<u64, String> {
    match crate::decimal::parse_whole(s)? {
        v if v <= 999_999 => Ok(v),
        v => Err(format!("{v} is larger than 999999")),
    }
}

const SEED_REFUSED: &str = "Seed refused: ";
/// How a refused arrival time's message starts (the message marks that box invalid).
const TIME_REFUSED: &str = "Arrival time refused: ";
/// The message's id, which the refused box points to.
const ERROR_ID: &str = "ports-error";

fn seed_refused(why: &str) -> String {
    format!("{SEED_REFUSED}{why}. Accepted: {SEED_ACCEPTED}.")
}

/// What the arrivals come from: a preset (with its seed) or an explicit script.
#[derive(Clone, Debug, PartialEq)]
struct Source {
    preset: Option<Preset>,
    seed: u64,
    script: Script,
}

impl Source {
    /// A preset's arrivals, drawn with `seed` (only the random preset uses it).
    fn preset(p: Preset, seed: u64) -> Source {
        Source {
            preset: Some(p),
            seed,
            script: p.script(seed),
        }
    }
}

fn from_link(params: &VizParams) -> Source {
    let seed = params
        .get_parsed("seed", SEED_ACCEPTED, parse_seed)
        .unwrap_or(1);
    let preset = params
        .get_parsed("preset", Preset::ACCEPTED, Preset::parse)
        .unwrap_or(Preset::Notes);
    match params.get_parsed("arr", SCRIPT_ACCEPTED, Script::parse) {
        Some(script) => Source {
            preset: None,
            seed,
            script,
        },
        None => Source::preset(preset, seed),
    }
}

/// The predict-then-reveal choices for "when is the first 9002 client served (blocking)?",
/// computed from the script; the index of the right one from the run.
fn predict_choices(script: &Script, m: &PortsModel) -> (Vec<(String, Option<Time>)>, usize) {
    let first = |port| script.arrivals.iter().find(|a| a.port == port).map(|a| a.t);
    let mut choices = Vec::new();
    if let Some(t) = first(9002) {
        choices.push((
            format!("At {}, as soon as it arrives", fmt_secs(t)),
            Some(t),
        ));
    }
    if let Some(t) = first(9001) {
        choices.push((
            format!(
                "At about {}, right after the first 9001 client",
                fmt_secs(t)
            ),
            Some(t),
        ));
    }
    choices.push(("Never, in this run".into(), None));
    let actual = m.blocking.first_served(9002);
    let right = match actual {
        None => choices.len() - 1,
        Some(a) => choices
            .iter()
            .enumerate()
            .filter_map(|(i, (_, t))| t.map(|t| (i, a.abs_diff(t))))
            .min_by_key(|&(_, d)| d)
            .map(|(i, _)| i)
            .unwrap_or(0),
    };
    (choices, right)
}

fn window_width() -> f64 {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(1000.0)
}

/// The room in CSS px for the picture inside the figure box behind the returned ref: the box's
/// width less its padding and border ([`crate::figure::FIGURE_CHROME`]), guessed from the window
/// before mount, then measured, and measured again whenever the box is resized (window resize,
/// rotation, sidebar). The figures of chapters 1–7 choose their narrow or wide layout from it.
#[hook]
pub(crate) fn use_room() -> (NodeRef, f64) {
    let node = use_node_ref();
    let width = use_state_eq(window_width);
    let measure = {
        let (node, width) = (node.clone(), width.clone());
        use_callback((), move |_: web_sys::Event, _| {
            if let Some(el) = node.cast::<web_sys::Element>() {
                let w = el.client_width();
                if w > 0 {
                    width.set(w as f64);
                }
            }
        })
    };
    {
        let (node, measure) = (node.clone(), measure.clone());
        use_effect_with((), move |_| {
            use wasm_bindgen::{closure::Closure, JsCast, JsValue};
            if let Ok(ev) = web_sys::Event::new("measure") {
                measure.emit(ev);
            }
            let cb = {
                let measure = measure.clone();
                Closure::wrap(Box::new(move |_: JsValue| {
                    if let Ok(ev) = web_sys::Event::new("resize") {
                        measure.emit(ev);
                    }
                }) as Box<dyn FnMut(JsValue)>)
            };
            let observer = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, node.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(cb);
            }
        });
    }
    use_window_event("resize", measure);
    (node, *width - crate::figure::FIGURE_CHROME as f64)
}

/// The `ports` visualisation.
#[component]
pub fn Ports() -> Html {
    let params = use_viz_params("ports");
    params.check_known(&["preset", "seed", "arr"]);
    let source = {
        let params = params.clone();
        use_state(move || from_link(&params))
    };
    // None: arranged for the figure's width; Some(stacked?) once the learner chooses.
    let narrow = use_state(|| None::<bool>);
    // Stack the two servers when the figure's column is too narrow for both side by side;
    // re-chosen whenever the column is resized.
    let (wrapper, room) = use_room();
    let error = use_state(|| None::<String>);
    let seed_text = use_state(|| source.seed.to_string());
    let add_time = use_state(String::new);
    let add_port = use_state(|| 9002u32);
    let guess = use_state(|| None::<usize>);

    let run = use_memo(source.script.clone(), |script| {
        let b = run_blocking(script);
        let s = run_select(script);
        let tl = Timeline::merge(&Timeline::from_trace(&b), &Timeline::from_trace(&s));
        (PortsModel::new(&b, &s), tl)
    });
    let pb = use_playback("ports", run.1.clone());
    let model = &run.0;
    let auto = Arrange::for_width(room);
    // "Side by side" is offered only where it fits, which is where it is drawn by itself: a
    // choice made in a wide window does not force it into a narrow one.
    let arrange = match *narrow {
        None | Some(false) => auto,
        Some(true) => match auto {
            Arrange::SideBySide => Arrange::Stacked(480.0),
            a => a,
        },
    };
    let stacked = arrange != Arrange::SideBySide;
    let scene = Rc::new(layout_with(model, pb.t, arrange));

    // Changing the arrivals: state + link.
    let set_source = {
        let source = source.clone();
        let params = params.clone();
        let guess = guess.clone();
        let error = error.clone();
        Callback::from(move |s: Source| {
            match s.preset {
                Some(p) => {
                    params.remove("arr");
                    if p == Preset::Notes {
                        params.remove("preset");
                    } else {
                        params.set("preset", p.key());
                    }
                    if p == Preset::Random {
                        params.set("seed", &s.seed.to_string());
                    } else {
                        params.remove("seed");
                    }
                }
                None => {
                    params.remove("preset");
                    params.remove("seed");
                    params.set("arr", &s.script.encode());
                }
            }
            guess.set(None);
            error.set(None);
            source.set(s);
        })
    };
    let add = {
        let source = source.clone();
        let set_source = set_source.clone();
        let error = error.clone();
        Callback::from(move |a: Arrival| match source.script.with(a) {
            Ok(script) => set_source.emit(Source {
                preset: None,
                seed: source.seed,
                script,
            }),
            Err(e) => error.set(Some(format!("Could not add the client: {e}."))),
        })
    };
    let on_key = {
        let add = add.clone();
        let t = (pb.t / MS) * MS;
        Callback::from(move |key: String| {
            if let Some(p) = key.strip_prefix("port:").and_then(|p| parse_port(p).ok()) {
                add.emit(Arrival { t, port: p });
            }
        })
    };
    let on_add_submit = {
        let add = add.clone();
        let add_time = add_time.clone();
        let add_port = add_port.clone();
        let error = error.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_secs(&add_time) {
                Ok(t) => add.emit(Arrival { t, port: *add_port }),
                Err(why) => error.set(Some(format!(
                    "{TIME_REFUSED}{why}. Accepted: a number of seconds from 0 to {}, like 2.5.",
                    MAX_T / SEC
                ))),
            }
        })
    };
    let preset_buttons = Preset::ALL.iter().map(|&p| {
        let set_source = set_source.clone();
        let seed_text = seed_text.clone();
        let error = error.clone();
        let source = source.clone();
        let pressed = source.preset == Some(p);
        let onclick = Callback::from(move |_| {
            let seed = if p == Preset::Random {
                match parse_seed(&seed_text) {
                    Ok(s) => s,
                    Err(why) => {
                        error.set(Some(seed_refused(&why)));
                        return;
                    }
                }
            } else {
                source.seed
            };
            set_source.emit(Source::preset(p, seed));
        });
        html! {
            <button type="button" class={format!("preset preset-{}", p.key())}
                    aria-pressed={pressed.to_string()} {onclick}>{ p.label() }</button>
        }
    });

    // Predict-then-reveal for the "all traffic on 9002" preset. An answer button is replaced by
    // the verdict, which then takes the focus.
    let reveal = use_node_ref();
    use_refocus(reveal.clone(), guess.is_some());
    let predict = if source.preset == Some(Preset::All9002) {
        let (choices, right) = predict_choices(&source.script, model);
        let body = match *guess {
            None => html! {
                <div class="predict-choices" style="display:flex;flex-wrap:wrap;gap:0.4rem">
                    { for choices.iter().enumerate().map(|(i, (label, _))| {
                        let guess = guess.clone();
                        html! { <button type="button" class="predict-choice"
                                    onclick={Callback::from(move |_| guess.set(Some(i)))}>{ label.clone() }</button> }
                    }) }
                </div>
            },
            Some(g) => {
                let verdict = if g == right { "Right." } else { "Not quite." };
                let arrived = source
                    .script
                    .arrivals
                    .iter()
                    .find(|a| a.port == 9002)
                    .map(|a| a.t);
                let fact = match (model.blocking.first_served(9002), arrived) {
                    (Some(s), Some(a)) => format!(
                        "The blocking server accepted the first 9002 client at {} — it arrived at {} and waited {}, because the server sat in accept() on 9001 until a 9001 client came.",
                        fmt_secs(s), fmt_secs(a), fmt_secs(s - a)),
                    _ => "The blocking server never accepted a 9002 client in this run: it sat in accept() on 9001 the whole time.".to_string(),
                };
                let sel = model
                    .select
                    .first_served(9002)
                    .map(|s| format!(" The select() server accepted it at {}.", fmt_secs(s)))
                    .unwrap_or_default();
                let jump = model.blocking.first_served(9002).map(|s| {
                    let pb = pb.clone();
                    html! { <button type="button" class="predict-jump"
                                onclick={Callback::from(move |_| { pb.dispatch(Action::Pause); pb.dispatch(Action::Seek(s)) })}>
                                { "Show that moment" }</button> }
                });
                html! {
                    <p class="predict-reveal" role="status" tabindex="-1" ref={reveal.clone()}>
                        <strong>{ verdict }</strong>{ " " }{ fact }{ sel }{ " " }{ for jump }
                    </p>
                }
            }
        };
        html! {
            <div class="predict notice" style="display:block">
                <p style="margin:0 0 0.4rem"><strong>{ "Predict first: " }</strong>
                    { "all clients come to 9002 (one finally comes to 9001). When will the blocking server serve the first 9002 client?" }</p>
                { body }
            </div>
        }
    } else {
        html! {}
    };

    let describe_cb = {
        let run = run.clone();
        Callback::from(move |t: u64| describe(&run.0, t))
    };
    // A bad seed is said as it is typed (a good one clears that message, and only that one).
    let seed_input = {
        let (seed_text, error) = (seed_text.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let v = event_value(&e);
            match parse_seed(&v) {
                Err(why) => error.set(Some(seed_refused(&why))),
                Ok(_)
                    if error
                        .as_deref()
                        .is_some_and(|m| m.starts_with(SEED_REFUSED)) =>
                {
                    error.set(None)
                }
                Ok(_) => {}
            }
            seed_text.set(v);
        })
    };
    // With the random arrivals shown, a good new seed applies when the field is committed
    // (Enter or leaving it), as pressing Random again would.
    let seed_change = {
        let (set_source, source) = (set_source.clone(), source.clone());
        Callback::from(move |e: Event| {
            let v = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            if source.preset != Some(Preset::Random) {
                return;
            }
            if let Ok(seed) = parse_seed(&v) {
                if seed != source.seed {
                    set_source.emit(Source::preset(Preset::Random, seed));
                }
            }
        })
    };
    let time_input = {
        let add_time = add_time.clone();
        Callback::from(move |e: InputEvent| add_time.set(event_value(&e)))
    };
    let port_change = {
        let add_port = add_port.clone();
        Callback::from(move |e: Event| add_port.set(parse_port(&event_value(&e)).unwrap_or(9002)))
    };
    let toggle_narrow = {
        let narrow = narrow.clone();
        Callback::from(move |_| narrow.set(Some(!stacked)))
    };
    // A refused seed or time marks its box invalid, described by the message.
    let refused = |prefix: &str| error.as_deref().is_some_and(|m| m.starts_with(prefix));
    let (seed_bad, time_bad) = (refused(SEED_REFUSED), refused(TIME_REFUSED));
    let b_line = model.blocking.line_at(pb.t);
    let s_line = model.select.line_at(pb.t);
    let caption = html! {
        <p class="figure-note">
            { "Same clients, same clock. Dots are clients waiting in a port's backlog, labelled with how long they have waited (red after 2 s). Click or tap a port to add a client arriving now. " }
            // Only where both sides fit at full size: on a phone, side by side drew 5 px labels.
            if room >= Arrange::SideBySide.width() as f64 {
                <button type="button" class="ports-layout" onclick={toggle_narrow}>
                    { if stacked { "Side by side" } else { "Stack the two servers" } }
                </button>
            }
        </p>
    };
    html! {
        <div class="viz-wide ports-viz" ref={wrapper}>
            <div class="ports-controls" role="group" aria-label="Client arrivals" style="display:flex;flex-wrap:wrap;gap:0.4rem 0.6rem;align-items:center;margin:0.5rem 0">
                <span>{ "Arrivals:" }</span>
                { for preset_buttons }
                <label>{ "seed " }
                    <input type="text" inputmode="numeric" class="ports-seed" size="6"
                           value={(*seed_text).clone()} oninput={seed_input} onchange={seed_change} aria-label="Seed for random arrivals"
                           aria-invalid={seed_bad.then_some("true")} aria-describedby={seed_bad.then_some(ERROR_ID)} />
                </label>
            </div>
            <form class="ports-add" onsubmit={on_add_submit} style="display:flex;flex-wrap:wrap;gap:0.4rem 0.6rem;align-items:center;margin:0.5rem 0">
                <span>{ "Add a client on" }</span>
                <select class="ports-add-port" aria-label="Port" onchange={port_change}>
                    <option value="9001" selected={*add_port == 9001}>{ "9001" }</option>
                    <option value="9002" selected={*add_port == 9002}>{ "9002" }</option>
                </select>
                <label>{ "at " }
                    <input type="text" inputmode="decimal" class="ports-add-time" size="6" placeholder="2.5"
                           value={(*add_time).clone()} oninput={time_input} aria-label="Arrival time in seconds"
                           aria-invalid={time_bad.then_some("true")} aria-describedby={time_bad.then_some(ERROR_ID)} />
                    { " s" }
                </label>
                <button type="submit" class="ports-add-btn">{ "Add client" }</button>
                <span class="muted">{ format!("{} clients", source.script.arrivals.len()) }</span>
            </form>
            if let Some(msg) = (*error).clone() {
                <p class="ports-error notice" id={ERROR_ID} role="alert">{ msg }</p>
            }
            { predict }
            <Figure id="ports" title="Blocking accept() vs select() on two ports" playback={pb.clone()} describe={describe_cb} {caption}>
                <SceneView scene={scene} on_key={Some(on_key)} />
                <div class="ports-code" style="display:flex;flex-wrap:wrap;gap:0 1rem">
                    <div style="flex:1 1 18rem;min-width:0">
                        <CodePanel id="blocking_server.py" active_line={b_line} label={AttrValue::from("Left: blocking_server.py")} />
                    </div>
                    <div style="flex:1 1 18rem;min-width:0">
                        <CodePanel id="select_server.py" active_line={s_line} label={AttrValue::from("Right: select_server.py")} />
                    </div>
                </div>
            </Figure>
        </div>
    }
}
