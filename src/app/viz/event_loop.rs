//! Visualisation `event-loop` (chapter 7): the engine's own scheduler state, stepped one
//! scheduling decision at a time, next to `event_loop_toy.py` with the corresponding line marked.
//! Wiring only: variant -> lesson program (memoised) -> `figure::event_loop::stages` -> stage at
//! (`pb.t`, the stepper's position) -> `figure::event_loop::layout`.
//!
//! Link params (`event-loop.*`): `v` (`two`: A 2 s + B 3 s, `three`: + C 2 s, `blocking`: A calls
//! time.sleep), `step` (the decision shown, 1 to the number of steps, as in "step 13 of 27";
//! written whenever the picture stops on a step after the first), `t`. Many decisions share one
//! virtual time, so `t` alone cannot reopen a step: `step` names it. When both are given and `t`
//! is not within that step (its own time, or the wait after it up to the next step), the step
//! wins and the clock moves to the step's time. A bad or out-of-range `step` is a notice naming
//! the accepted range; the picture then opens at `t` alone.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::{CodeEdit, CodePanel};
use crate::app::hooks::{event_value, use_viz_params, VizParams};
use crate::app::playback::{use_playback, Action, Figure, Playback, Timeline};
use crate::app::viz::console::{console, panes};
use crate::app::viz::ports::use_room;
use crate::app::viz::SceneView;
use crate::figure::event_loop::{
    code_line, describe, layout_for, shown_at, stages, step_time, Stage, NARROW_W,
};
use crate::figure::{fmt_secs, Scene};
use crate::scenario::programs::queries::{tasks_gather, Query};
use crate::sim::{Replay, Trace};

const VARIANTS: [(&str, &str); 3] = [
    ("two", "A 2 s, B 3 s (tasks_gather.py)"),
    ("three", "A 2 s, B 3 s, C 2 s"),
    ("blocking", "A 2 s calls time.sleep, B 3 s"),
];
const V_ACCEPTED: &str = "two, three or blocking";

fn program(v: &str) -> Trace {
    let mut qs = vec![Query::new("A", 2.0), Query::new("B", 3.0)];
    match v {
        "three" => qs.push(Query::new("C", 2.0)),
        "blocking" => qs[0].blocking = true,
        _ => {}
    }
    // Valid by construction; an error would only mean a bug, shown as an empty run.
    tasks_gather(&qs).unwrap_or_else(|_| crate::sim::Sim::new(Default::default()).into_trace())
}

/// What one stepper stage shows, computed once per trace: the picture, its sentence, the
/// console and the code line. A render only indexes into these (no `Replay`, no layout), except
/// inside a wait between two decisions, drawn at the playback time.
pub(crate) struct Frame {
    pub scene: Rc<Scene>,
    pub describe: String,
    pub printed: Vec<String>,
    pub line: Option<u32>,
}

/// Draws one stage of a trace.
type DrawStage = Box<dyn Fn(&Trace, &Replay, Stage) -> Frame>;

/// A trace's stepper stages with every stage's [`Frame`] (memoised together on the example).
pub(crate) struct Stepped {
    pub stages: Vec<Stage>,
    pub frames: Vec<Rc<Frame>>,
    pub timeline: Timeline,
    trace: Trace,
    draw: DrawStage,
}

impl Stepped {
    /// Cut `trace` into stages and draw each once with `frame` (one `Replay` for all of them).
    pub(crate) fn new(
        trace: Trace,
        frame: impl Fn(&Trace, &Replay, Stage) -> Frame + 'static,
    ) -> Self {
        let stages = stages(&trace);
        let timeline = Timeline::from_trace(&trace);
        let frames = {
            let replay = Replay::new(&trace);
            stages
                .iter()
                .map(|&s| Rc::new(frame(&trace, &replay, s)))
                .collect()
        };
        Stepped {
            stages,
            frames,
            timeline,
            trace,
            draw: Box::new(frame),
        }
    }

    /// The stage index and its frame at playback time `t`, the stepper being at `pos`; inside a
    /// wait, the state drawn at `t` (see [`shown_at`]).
    pub(crate) fn at(&self, pos: usize, t: u64) -> (usize, Rc<Frame>) {
        let (cur, s) = shown_at(&self.stages, pos, t);
        let cur = cur.min(self.frames.len() - 1);
        if s == self.stages[cur] {
            (cur, self.frames[cur].clone())
        } else {
            (
                cur,
                Rc::new((self.draw)(&self.trace, &Replay::new(&self.trace), s)),
            )
        }
    }
}

/// What a stepped picture (coroutine, event loop) works with: the example chosen in the link, the
/// element whose width picks the layout, the frames of that example at that width, its clock,
/// the stepper's position, the step and frame shown now, and a describer for the live region.
pub(crate) struct SteppedViz {
    pub params: VizParams,
    pub choice: UseStateHandle<&'static str>,
    pub wrapper: NodeRef,
    pub run: Rc<Stepped>,
    pub pb: Playback,
    pub pos: UseStateHandle<usize>,
    pub cur: usize,
    pub frame: Rc<Frame>,
    pub describe: Callback<u64, String>,
}

/// Which stepped picture, and how its example is chosen and drawn.
pub(crate) struct StepSpec {
    /// Visualisation id (link namespace, playback).
    pub id: &'static str,
    /// Link param that picks the example, what it accepts (for the notice), the ids it may
    /// name, and the one used when it is absent or refused.
    pub key: &'static str,
    pub accepted: &'static str,
    pub ids: Vec<&'static str>,
    pub default: &'static str,
    /// Figure width when the wide one (720) would be drawn smaller than 1:1.
    pub narrow_w: f32,
    /// The frames of an example at a figure width.
    pub build: fn(&'static str, f32) -> Stepped,
}

/// What the `step` link param accepts for a run of `n` steps.
fn step_accepted(n: usize) -> String {
    format!("a whole number from 1 to {n}, as the stepper counts")
}

/// Parse a `step` link value: a whole number from 1 to `n`; returns the stage index.
fn parse_step(s: &str, n: usize) -> Result<usize, String> {
    match crate::decimal::parse_whole(s)? {
        0 => Err("steps count from 1".into()),
        k if k > n as u64 => Err(format!("there are only {n} steps")),
        k => Ok(k as usize - 1),
    }
}

/// Wiring shared by the stepped pictures: the link picks the example (with a notice when
/// refused) and the step (ditto; the step wins over `t`, see the module doc), its frames are
/// memoised on the example and the width class, and the link follows the step shown.
#[hook]
pub(crate) fn use_stepped(spec: StepSpec) -> SteppedViz {
    let StepSpec {
        id,
        key,
        accepted,
        ids,
        default,
        narrow_w,
        build,
    } = spec;
    let params = use_viz_params(id);
    params.check_known(&[key, "step"]);
    let choice = {
        let params = params.clone();
        use_state(move || params.get_choice(key, accepted, &ids, default))
    };
    let (wrapper, room) = use_room();
    // The wide picture only where it is drawn at 1:1 or more (its labels at 10 px).
    let fig_w = if room < 720.0 { narrow_w } else { 720.0 };
    let run = use_memo((*choice, fig_w as u32), move |&(c, w)| build(c, w as f32));
    let pb = use_playback(id, run.timeline.clone());
    // The step from the link, read once; None when absent or refused.
    let linked = {
        let (params, n) = (params.clone(), run.stages.len());
        use_state(move || params.get_parsed("step", &step_accepted(n), |s| parse_step(s, n)))
    };
    let pos = use_state(|| linked.unwrap_or(0));
    {
        // The step wins: move the clock to it unless `t` is already within it.
        let (pb, run) = (pb.clone(), run.clone());
        use_effect_with((), move |_| {
            if let Some(i) = *linked {
                let t = step_time(&run.stages, i, pb.t);
                if t != pb.t {
                    pb.dispatch(Action::Seek(t));
                }
            }
        });
    }
    let (cur, frame) = run.at(*pos, pb.t);
    {
        // The link follows the step shown whenever the clock stops (as `t` does).
        let params = params.clone();
        use_effect_with((cur, pb.playing), move |&(cur, playing)| {
            if !playing {
                match cur {
                    0 => params.remove("step"),
                    _ => params.set("step", &(cur + 1).to_string()),
                }
            }
        });
    }
    let describe = {
        let run = run.clone();
        let pos = *pos;
        Callback::from(move |t: u64| run.at(pos, t).1.describe.clone())
    };
    SteppedViz {
        params,
        choice,
        wrapper,
        run,
        pb,
        pos,
        cur,
        frame,
        describe,
    }
}

/// The console lines printed by the state after `n` events.
pub(crate) fn printed_lines(tr: &Trace, snap: &crate::sim::Snapshot) -> Vec<String> {
    snap.printed
        .iter()
        .map(|p| format!("{:>6}  {}", fmt_secs(p.t), tr.str(p.text)))
        .collect()
}

fn frame(tr: &Trace, rp: &Replay, s: Stage, width: f32) -> Frame {
    let snap = rp.state_after(s.n);
    Frame {
        scene: Rc::new(layout_for(tr, rp, s, width)),
        describe: describe(tr, s, rp),
        printed: printed_lines(tr, &snap),
        line: Some(code_line(tr, rp, s)),
    }
}

/// A callback that moves the stepper to stage `to` of `st`: pause, clock to its time.
fn go_to<E>(pb: &Playback, pos: &UseStateHandle<usize>, st: &[Stage], to: usize) -> Callback<E> {
    let (pb, pos) = (pb.clone(), pos.clone());
    let t = st.get(to).map(|s| s.t).unwrap_or(0);
    Callback::from(move |_| {
        pos.set(to);
        pb.dispatch(Action::Pause);
        pb.dispatch(Action::Seek(t));
    })
}

/// The "previous / next decision" buttons and the position readout. Their arrows are drawn,
/// not said ("left-pointing triangle, Previous decision").
pub(crate) fn stepper(
    pb: &Playback,
    pos: &UseStateHandle<usize>,
    cur: usize,
    st: &[Stage],
) -> Html {
    let go = |to: usize| go_to::<MouseEvent>(pb, pos, st, to);
    let last = st.len().saturating_sub(1);
    html! {
        <div class="stepper" role="group" aria-label="Scheduling decisions" style="display:flex;flex-wrap:wrap;gap:0.4rem 0.5rem;align-items:center;margin:0.4rem 0">
            <button type="button" class="step-prev" aria-disabled={(cur == 0).to_string()} onclick={go(cur.saturating_sub(1))}><span aria-hidden="true">{ "◀ " }</span>{ "Previous decision" }</button>
            <button type="button" class="step-next" aria-disabled={(cur >= last).to_string()} onclick={go((cur + 1).min(last))}>{ "Next decision" }<span aria-hidden="true">{ " ▶" }</span></button>
            <span class="step-pos">{ format!("step {} of {}", cur + 1, st.len()) }</span>
        </div>
    }
}

/// The figure's keys (arrows, Home, End; already handled by `Figure`, which moved the clock to
/// its next event) step the decisions instead, as the stepper's buttons do: the clock then
/// goes to that decision's time. Put it on an element around the `Figure`.
pub(crate) fn decision_keys(
    pb: &Playback,
    pos: &UseStateHandle<usize>,
    cur: usize,
    st: &[Stage],
) -> Callback<KeyboardEvent> {
    let last = st.len().saturating_sub(1);
    let go = |to: usize| go_to::<()>(pb, pos, st, to);
    let (prev, next, home, end) = (
        go(cur.saturating_sub(1)),
        go((cur + 1).min(last)),
        go(0),
        go(last),
    );
    Callback::from(move |e: KeyboardEvent| {
        if !e.default_prevented() {
            return;
        }
        match e.key().as_str() {
            "ArrowRight" | "l" => next.emit(()),
            "ArrowLeft" | "j" => prev.emit(()),
            "Home" => home.emit(()),
            "End" => end.emit(()),
            _ => {}
        }
    })
}

/// The `event-loop` visualisation.
#[component]
pub fn EventLoop() -> Html {
    // The narrow picture where the wide one would be drawn under 1:1 (the panels stack): one set
    // of frames per variant and width class.
    let SteppedViz {
        params,
        choice: variant,
        wrapper,
        run,
        pb,
        pos,
        cur,
        frame: fr,
        describe: describe_cb,
    } = use_stepped(StepSpec {
        id: "event-loop",
        key: "v",
        accepted: V_ACCEPTED,
        ids: VARIANTS.iter().map(|x| x.0).collect(),
        default: "two",
        narrow_w: NARROW_W,
        build: |v, w| Stepped::new(program(v), move |tr, rp, s| frame(tr, rp, s, w)),
    });

    let on_variant = {
        let variant = variant.clone();
        let params = params.clone();
        let pos = pos.clone();
        Callback::from(move |e: Event| {
            let v = event_value(&e);
            if let Some(found) = VARIANTS.iter().find(|x| x.0 == v) {
                if found.0 == "two" {
                    params.remove("v");
                } else {
                    params.set("v", found.0);
                }
                pos.set(0);
                variant.set(found.0);
            }
        })
    };
    let caption = html! {
        <p class="figure-note">
            { "The state is read from our scheduler's trace after each decision: Next decision (or the arrow keys in the picture) steps one pick, poll, park or clock jump at a time; Play and the time slider move the virtual clock (between two decisions the loop sleeps, or a blocking call holds the thread, until the next jump). The code panel marks the toy loop's line that does the same thing." }
        </p>
    };
    html! {
        <div class="viz-wide event-loop-viz" ref={wrapper} onkeydown={decision_keys(&pb, &pos, cur, &run.stages)}>
            <div role="group" aria-label="Program" style="margin:0.5rem 0">
                <label for="event-loop-v">{ "Tasks: " }</label>
                <select id="event-loop-v" class="variant" onchange={on_variant}>
                    { for VARIANTS.iter().map(|(k, label)| html! {
                        <option value={*k} selected={*variant == *k}>{ *label }</option>
                    }) }
                </select>
            </div>
            <Figure id="event-loop" title="Inside the event loop, one decision at a time" playback={pb.clone()} describe={describe_cb} {caption} steps="decisions">
                { stepper(&pb, &pos, cur, &run.stages) }
                <SceneView scene={fr.scene.clone()} />
                { panes(html! { <>
                    { console("Console", &mut fr.printed.iter().map(|l| (None, l.as_str())), "5.5em") }
                    <CodePanel id="event_loop_toy.py" active_line={fr.line} edits={toy_edits(*variant)}
                        label={AttrValue::from(if *variant == "blocking" {
                            "event_loop_toy.py: the same step in the toy loop (here A's body calls time.sleep(2) where the toy's task yields)"
                        } else {
                            "event_loop_toy.py: the same step in the toy loop"
                        })} />
                </> }) }
            </Figure>
        </div>
    }
}

/// The toy loop's last line runs the tasks of the variant shown: C joins A and B in `three`; in
/// `blocking` its total is the run's 5 s (A's time.sleep(2) holds the loop), not the toy's 3 s.
fn toy_edits(variant: &str) -> Vec<CodeEdit> {
    if variant == "blocking" {
        return vec![CodeEdit {
            line: 30,
            find: CodeEdit::tok("com", "# about 3 s in total"),
            put: CodeEdit::tok("com", "# 3 s as written; 5 s when A calls time.sleep(2)"),
        }];
    }
    if variant != "three" {
        return Vec::new();
    }
    let three = CodeEdit::tok("num", "3");
    vec![CodeEdit {
        line: 30,
        find: format!("{three})"),
        put: format!(
            "{three}), {}({}, {})",
            CodeEdit::tok("fn", "task"),
            CodeEdit::tok("str", "\"C\""),
            CodeEdit::tok("num", "2")
        ),
    }]
}
