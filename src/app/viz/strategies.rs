//! Visualisation `strategies` (chapter 10): the backpressure lab. Wiring only: link params / form
//! fields → `scenario::programs::flow` (memoised; the same programs as `drop_and_regulate` and
//! `producer_consumer` scenario files) → `figure::pipeline::LabData` (memoised) →
//! one timeline → `lab_scene` / `fork_scene` at `pb.t`.
//!
//! Link params (`strategies.*`): `p` producer rate, `c` consumer rate (1..=1000 items/s), `cap`
//! (1..=1000), `s` strategy (block, buffer, drop-newest, drop-oldest, regulate), `preset` (`join`
//! = the notes' producer_consumer.py), `fork` (strategy switched to) with `at` (seconds), `t`.
//! Bad values are refused with a message naming the accepted range; the last good run stays.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::CodePanel;
use crate::app::hooks::{refusal, typed_or, use_viz_params, VizParams};
use crate::app::playback::{use_playback, Figure, Timeline};
use crate::app::viz::thread_pool::use_column_width;
use crate::app::viz::SceneView;
use crate::figure::fmt_secs;
use crate::figure::pipeline::{accounting, fork_scene_for, lab_scene_for, preset_line, LabData};
use crate::scenario::programs::flow::{
    drop_and_regulate, parse_cap, parse_rate, parse_switch_at, producer_consumer,
    ProducerConsumerParams, Strategy, StrategyParams, Switch, CAPACITY_RANGE, RATE_RANGE,
};
use crate::sim::{Time, MS, SEC};

/// What the lab runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LabCfg {
    /// Producer rate, items/s.
    pub p: u32,
    /// Consumer rate, items/s.
    pub c: u32,
    /// Capacity.
    pub cap: u32,
    /// Strategy.
    pub s: Strategy,
    /// The notes' producer/consumer preset.
    pub preset: bool,
    /// Fork: switch to this strategy at this time.
    pub fork: Option<(Time, Strategy)>,
}

impl Default for LabCfg {
    fn default() -> Self {
        let d = StrategyParams::default();
        LabCfg {
            p: d.produce_per_s,
            c: d.consume_per_s,
            cap: d.capacity,
            s: d.strategy,
            preset: false,
            fork: None,
        }
    }
}

fn rate_accepted() -> String {
    format!(
        "a whole number from {} to {} (items per second)",
        RATE_RANGE.0, RATE_RANGE.1
    )
}

fn cap_accepted() -> String {
    format!(
        "a whole number from {} to {}",
        CAPACITY_RANGE.0, CAPACITY_RANGE.1
    )
}

fn from_link(params: &VizParams) -> LabCfg {
    let d = LabCfg::default();
    let fork = params
        .get_parsed("fork", &Strategy::accepted(), Strategy::parse)
        .map(|s| {
            let at = params
                .get_parsed(
                    "at",
                    "a time in seconds inside the run (above 0, below 20)",
                    |v| parse_switch_at(v, StrategyParams::default().duration_s),
                )
                .unwrap_or(5 * SEC);
            (at, s)
        });
    if let (None, Some(v)) = (fork, params.get("at")) {
        params.notice(
            "at",
            format!(
                "Ignored link parameter strategies.at={v}: it is the time of a switch, and the link names no strategy to switch to (strategies.fork, one of: {}).",
                Strategy::accepted()
            ),
        );
    }
    LabCfg {
        p: params
            .get_parsed("p", &rate_accepted(), |v| parse_rate("producer rate", v))
            .unwrap_or(d.p),
        c: params
            .get_parsed("c", &rate_accepted(), |v| parse_rate("consumer rate", v))
            .unwrap_or(d.c),
        cap: params
            .get_parsed("cap", &cap_accepted(), parse_cap)
            .unwrap_or(d.cap),
        s: params
            .get_parsed("s", &Strategy::accepted(), Strategy::parse)
            .unwrap_or(d.s),
        preset: params
            .get_parsed("preset", "join", |v| {
                (v == "join")
                    .then_some(true)
                    .ok_or_else(|| format!("\"{v}\" is not a preset"))
            })
            .unwrap_or(false),
        fork,
    }
}

fn write_link(params: &VizParams, cfg: &LabCfg) {
    let d = LabCfg::default();
    let set = |k: &str, v: String, default: bool| {
        if default {
            params.remove(k)
        } else {
            params.set(k, &v)
        }
    };
    set("p", cfg.p.to_string(), cfg.p == d.p);
    set("c", cfg.c.to_string(), cfg.c == d.c);
    set("cap", cfg.cap.to_string(), cfg.cap == d.cap);
    set("s", cfg.s.name().into(), cfg.s == d.s);
    set("preset", "join".into(), !cfg.preset);
    match cfg.fork {
        Some((at, s)) => {
            params.set("fork", s.name());
            params.set("at", &crate::decimal::short(at as f64 / SEC as f64, 6));
        }
        None => {
            params.remove("fork");
            params.remove("at");
        }
    }
}

/// The scenario parameters of the lab run (what a `drop_and_regulate` scenario file would say).
pub fn lab_params(cfg: &LabCfg, switch: Option<(Time, Strategy)>) -> StrategyParams {
    StrategyParams {
        produce_per_s: cfg.p,
        consume_per_s: cfg.c,
        capacity: cfg.cap,
        strategy: cfg.s,
        switch: switch.map(|(at, to)| Switch {
            at_s: at as f64 / SEC as f64,
            to,
        }),
        ..StrategyParams::default()
    }
}

fn run(p: &StrategyParams) -> Result<crate::sim::Trace, String> {
    p.check_page()?;
    Ok(drop_and_regulate(p))
}

/// The runs behind one configuration: the main run and, with a fork, the switched one.
pub struct LabRuns {
    /// The run as configured (or the preset).
    pub main: Result<LabData, String>,
    /// The switched continuation.
    pub fork: Option<Result<LabData, String>>,
    /// Timeline over both.
    pub timeline: Timeline,
}

/// Run (pure; memoised by the component).
pub fn lab_runs(cfg: &LabCfg) -> LabRuns {
    if cfg.preset {
        let tr = producer_consumer(&ProducerConsumerParams::default());
        let timeline = Timeline::from_trace(&tr);
        return LabRuns {
            main: Ok(LabData::new(&tr)),
            fork: None,
            timeline,
        };
    }
    let main = run(&lab_params(cfg, None));
    let fork = cfg.fork.map(|f| run(&lab_params(cfg, Some(f))));
    let marks = |tr: &crate::sim::Trace| Timeline::new(tr.end, Vec::<u64>::new());
    let timeline = match (&main, &fork) {
        (Ok(a), Some(Ok(b))) => Timeline::merge(&marks(a), &marks(b)),
        (Ok(a), _) => marks(a),
        _ => Timeline::default(),
    };
    // Step marks: every 100 ms (the traces have too many events to step through one by one).
    let end = timeline.end;
    let timeline = Timeline::new(
        end,
        (1..=end / (100 * MS))
            .map(|k| k * 100 * MS)
            .collect::<Vec<_>>(),
    );
    LabRuns {
        main: main.map(|t| LabData::new(&t)),
        fork: fork.map(|r| r.map(|t| LabData::new(&t))),
        timeline,
    }
}

fn heading(cfg: &LabCfg) -> String {
    if cfg.preset {
        "Queue(maxsize=10): producer, consumer, join".into()
    } else {
        format!(
            "{} · producer {}/s · consumer {}/s",
            cfg.s.label(),
            cfg.p,
            cfg.c
        )
    }
}

/// The `strategies` visualisation.
#[component]
pub fn Strategies() -> Html {
    let params = use_viz_params("strategies");
    params.check_known(&["p", "c", "cap", "s", "preset", "fork", "at"]);
    let cfg = {
        let params = params.clone();
        use_state(move || from_link(&params))
    };
    let error = use_state(|| None::<String>);
    let runs = use_memo((*cfg).clone(), lab_runs);
    let pb = use_playback("strategies", runs.timeline.clone());
    let t = pb.t;

    let apply = {
        let (cfg, params, error) = (cfg.clone(), params.clone(), error.clone());
        Callback::from(move |next: LabCfg| {
            write_link(&params, &next);
            error.set(None);
            cfg.set(next);
        })
    };
    let field = |key: &'static str| {
        let (cfg, apply, error) = (cfg.clone(), apply.clone(), error.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let v = input.value();
            let mut next = (*cfg).clone();
            let r = match key {
                "p" => parse_rate("producer rate", &v).map(|x| next.p = x),
                "c" => parse_rate("consumer rate", &v).map(|x| next.c = x),
                _ => parse_cap(&v).map(|x| next.cap = x),
            };
            match r {
                Ok(()) => {
                    next.preset = false;
                    apply.emit(next)
                }
                Err(msg) => {
                    let accepted = if key == "cap" {
                        cap_accepted()
                    } else {
                        rate_accepted()
                    };
                    error.set(Some(format!("Not changed: {}.", refusal(&msg, &accepted))))
                }
            }
        })
    };
    let on_strategy = {
        let (cfg, apply) = (cfg.clone(), apply.clone());
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Ok(s) = Strategy::parse(&sel.value()) {
                let mut next = (*cfg).clone();
                next.s = s;
                next.preset = false;
                next.fork = None;
                apply.emit(next);
            }
        })
    };
    let on_preset = {
        let (cfg, apply) = (cfg.clone(), apply.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*cfg).clone();
            next.preset = !next.preset;
            next.fork = None;
            apply.emit(next);
        })
    };
    let fork_to = use_state(|| Strategy::Block);
    let on_fork_pick = {
        let fork_to = fork_to.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(s) = Strategy::parse(&sel.value()) {
                    fork_to.set(s);
                }
            }
        })
    };
    let on_fork = {
        let (cfg, apply, fork_to) = (cfg.clone(), apply.clone(), fork_to.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*cfg).clone();
            let at = switch_at(t);
            let to = if *fork_to == next.s {
                Strategy::ALL
                    .into_iter()
                    .find(|&x| x != next.s)
                    .unwrap_or(Strategy::Block)
            } else {
                *fork_to
            };
            next.fork = Some((at, to));
            next.preset = false;
            apply.emit(next);
        })
    };
    let on_unfork = {
        let (cfg, apply) = (cfg.clone(), apply.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*cfg).clone();
            next.fork = None;
            apply.emit(next);
        })
    };

    let c = (*cfg).clone();
    let (wrapper, width) = use_column_width();
    let narrow = width < crate::figure::pipeline::ONE_COLUMN_BELOW;
    let (scene, line, describe_text) = match (&runs.main, &runs.fork) {
        (Ok(a), Some(Ok(b))) => {
            let (at, to) = c.fork.unwrap_or((0, c.s));
            let h2 = format!("switch to {} at {}", to.name(), fmt_secs(at));
            let h1 = format!("keep {}", c.s.name());
            (
                Some(Rc::new(fork_scene_for(a, b, t, (&h1, &h2), at, width))),
                None,
                format!("{}. {}: {}", fmt_secs(t), h2, accounting(b, t).0),
            )
        }
        (Ok(a), _) => (
            Some(Rc::new(lab_scene_for(a, t, &heading(&c), width))),
            if c.preset { preset_line(a, t) } else { None },
            format!("{}: {}", fmt_secs(t), accounting(a, t).0),
        ),
        (Err(e), _) => (None, None, e.clone()),
    };
    let describe = Callback::from(move |_t: u64| describe_text.clone());
    let num_input = |key: &'static str, label: &str, v: u32, max: u32| {
        html! {
            <label style="display:inline-flex;gap:0.3rem;align-items:center">
                { label }
                <input type="number" id={format!("strategies-{key}")} class={format!("lab-{key}")} min="1" max={max.to_string()} step="1"
                    value={typed_or(&format!("strategies-{key}"), v.to_string())} onchange={field(key)} style="width:5em" />
            </label>
        }
    };
    html! {
        <Figure id="strategies" title="The backpressure lab: block, buffer, drop, regulate" playback={pb.clone()} {describe}>
            <div class="lab-controls" role="group" aria-label="Lab settings"
                 style="display:flex;flex-wrap:wrap;gap:0.4rem 0.9rem;align-items:center;margin:0.4rem 0">
                { num_input("p", "producer /s", c.p, RATE_RANGE.1) }
                { num_input("c", "consumer /s", c.c, RATE_RANGE.1) }
                { num_input("cap", "capacity", c.cap, CAPACITY_RANGE.1) }
                <label style="display:inline-flex;gap:0.3rem;align-items:center">
                    { "strategy" }
                    <select class="lab-s" onchange={on_strategy}>
                        { for Strategy::ALL.iter().map(|s| html! {
                            <option value={s.name()} selected={*s == c.s && !c.preset}>{ s.label() }</option>
                        }) }
                    </select>
                </label>
                // Its words say its state (no aria-pressed beside them).
                <button type="button" class="lab-preset" onclick={on_preset}>
                    { if c.preset { "Back to the lab" } else { "Preset: Queue(maxsize=10) + join" } }
                </button>
            </div>
            if !c.preset {
                <div class="lab-fork" style="display:flex;flex-wrap:wrap;gap:0.4rem 0.6rem;align-items:center;margin:0.2rem 0 0.4rem">
                    if c.fork.is_none() {
                        <label style="display:inline-flex;gap:0.3rem;align-items:center">
                            { "fork: switch to" }
                            <select class="lab-fork-to" onchange={on_fork_pick}>
                                { for Strategy::ALL.iter().filter(|s| **s != c.s).map(|s| html! {
                                    <option value={s.name()} selected={*s == *fork_to}>{ s.label() }</option>
                                }) }
                            </select>
                        </label>
                        <button type="button" class="lab-fork-btn" onclick={on_fork}>
                            { format!("Switch strategy at {}", fmt_secs(switch_at(t))) }
                        </button>
                    } else {
                        <button type="button" class="lab-unfork" onclick={on_unfork}>{ "Close the fork" }</button>
                    }
                </div>
            }
            if let Some(msg) = (*error).clone() {
                <p class="lab-error notice" role="alert">{ msg }</p>
            }
            <div ref={wrapper} class="lab-viz" data-narrow={narrow.to_string()}>
                if let Some(scene) = scene {
                    <SceneView {scene} />
                } else {
                    <p class="lab-error notice" role="alert">{ describe_fallback(&runs) }</p>
                }
            </div>
            if c.preset {
                <CodePanel id="producer_consumer.py" active_line={line} label={Some(AttrValue::from("producer_consumer.py: the line running now"))} />
            }
        </Figure>
    }
}

/// Where a switch made at `t` goes: `t` to the 0.1 s below it, inside the run (the button
/// says this time, and the fork's heading the same).
fn switch_at(t: Time) -> Time {
    (t / (100 * MS) * (100 * MS)).clamp(100 * MS, 19_900 * MS)
}

fn describe_fallback(r: &LabRuns) -> String {
    match &r.main {
        Err(e) => format!("Cannot run the lab: {e}."),
        Ok(_) => String::new(),
    }
}
