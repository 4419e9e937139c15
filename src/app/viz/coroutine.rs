//! Visualisation `coroutine` (chapter 6): coroutines drawn as values with a lifecycle state, for
//! the chapter's three examples, stepped one scheduling decision at a time. Wiring only: example
//! -> lesson program (memoised) -> stages -> `figure::coroutine::layout`.
//!
//! Opens on `gather` (`tasks_gather.py`, the example the chapter's text under the picture
//! describes); the tabs keep the chapter's order. `never` and `run` take no virtual time: for
//! them the time bar is hidden and the decision stepper (buttons, arrow keys) is the control.
//!
//! Link params (`coroutine.*`): `ex` (`never`, `run`, `wait`, `gather`), `step` (the decision
//! shown, 1 to the number of steps; the step wins over `t`: see `viz::event_loop`), `t`.
use std::rc::Rc;

use yew::prelude::*;

use super::event_loop::{
    decision_keys, printed_lines, stepper, use_stepped, Frame, StepSpec, Stepped, SteppedViz,
};
use crate::app::content::{CodeEdit, CodePanel};
use crate::app::hooks::tablist_keys;
use crate::app::playback::Figure;
use crate::app::viz::console::{console, panes};
use crate::app::viz::SceneView;
use crate::figure::coroutine::{describe, layout_for, NARROW_W};
use crate::figure::event_loop::{Stage, StageKind};
use crate::scenario::programs::queries::{say_hello, tasks_gather, wait_and_print, Query};
use crate::sim::{EventKind, Replay, Snapshot, TaskId, TaskState, TaskView, Trace, NO_TASK};

/// (key, tab label, code sample).
const EXAMPLES: [(&str, &str, &str); 4] = [
    ("never", "say_hello() never awaited", "say_hello.py"),
    ("run", "asyncio.run(say_hello())", "say_hello.py"),
    ("wait", "wait_and_print", "wait_and_print.py"),
    ("gather", "two tasks with gather", "tasks_gather.py"),
];
const EX_ACCEPTED: &str = "never, run, wait or gather";

fn program(ex: &str) -> Trace {
    match ex {
        "never" => say_hello(false),
        "run" => say_hello(true),
        "wait" => wait_and_print(),
        _ => tasks_gather(&[Query::new("A", 2.0), Query::new("B", 3.0)])
            .unwrap_or_else(|_| crate::sim::Sim::new(Default::default()).into_trace()),
    }
}

/// The "never awaited" example runs say_hello.py without its last line: the panel shows that
/// line commented out, so the code is the program that ran.
fn never_edits(ex: &str) -> Vec<CodeEdit> {
    if ex != "never" {
        return Vec::new();
    }
    vec![CodeEdit {
        line: 8,
        find: format!(
            "asyncio.{}(coro)   {}",
            CodeEdit::tok("fn", "run"),
            CodeEdit::tok(
                "com",
                "# an event loop runs the body: now \"Hello\" appears"
            )
        ),
        put: CodeEdit::tok(
            "com",
            "# asyncio.run(coro)  <- left out: nothing ever awaits coro",
        ),
    }]
}

/// The coroutine a stage is about, and its own line: the card that is running, else the task the
/// decision concerns (picked, polled, parked or finished). Each card carries its own line (a
/// coroutine suspended at line 5 stays at line 5 while another runs), so the code panel marks
/// this one card's line, never simply the last line any coroutine ran.
pub(crate) fn focus(tr: &Trace, snap: &Snapshot, s: Stage) -> Option<(TaskId, Option<u32>)> {
    let card = |tv: &&TaskView| tr.tasks[tv.id as usize].parent != NO_TASK;
    let running = snap
        .tasks
        .iter()
        .filter(card)
        .find(|tv| tv.state == TaskState::Running);
    let about = match s.kind {
        StageKind::Pick(x) | StageKind::Run(x) | StageKind::Park(x, _) | StageKind::Finish(x) => {
            snap.tasks.iter().find(|tv| tv.id == x)
        }
        _ => None,
    };
    running.or(about).map(|tv| (tv.id, tv.line))
}

fn frame(tr: &Trace, rp: &Replay, s: Stage, width: f32) -> Frame {
    let snap = rp.state_after(s.n);
    let mut printed = printed_lines(tr, &snap);
    if snap.ended.is_some() {
        for e in &tr.events {
            if e.kind == EventKind::NeverAwaited {
                printed.push(format!(
                    "        {}",
                    crate::figure::coroutine::never_awaited_warning(tr.task_name(e.task))
                ));
            }
        }
    }
    let f = focus(tr, &snap, s);
    Frame {
        scene: Rc::new(layout_for(tr, rp, s, f.map(|f| f.0), width)),
        describe: describe(tr, s, rp),
        printed,
        line: f.and_then(|f| f.1),
    }
}

/// The `coroutine` visualisation.
#[component]
pub fn Coroutine() -> Html {
    let SteppedViz {
        params,
        choice: ex,
        wrapper,
        run,
        pb,
        pos,
        cur,
        frame: fr,
        describe: describe_cb,
    } = use_stepped(StepSpec {
        id: "coroutine",
        key: "ex",
        accepted: EX_ACCEPTED,
        ids: EXAMPLES.iter().map(|x| x.0).collect(),
        default: "gather",
        narrow_w: NARROW_W,
        build: |e, w| Stepped::new(program(e), move |tr, rp, s| frame(tr, rp, s, w)),
    });
    let code = EXAMPLES
        .iter()
        .find(|x| x.0 == *ex)
        .map(|x| x.2)
        .unwrap_or("say_hello.py");

    let tabs = EXAMPLES.iter().map(|(k, label, _)| {
        let ex_h = ex.clone();
        let params = params.clone();
        let pos = pos.clone();
        let pb = pb.clone();
        let k = *k;
        let onclick = Callback::from(move |_| {
            if k == "gather" {
                params.remove("ex");
            } else {
                params.set("ex", k);
            }
            pos.set(0);
            pb.dispatch(crate::app::playback::Action::Reset);
            ex_h.set(k);
        });
        html! {
            <button type="button" role="tab" class={format!("example ex-{k}")} id={format!("coroutine-tab-{k}")}
                aria-controls="coroutine-panel" tabindex={if *ex == k { "0" } else { "-1" }}
                aria-selected={(*ex == k).to_string()} {onclick}>{ *label }</button>
        }
    });
    // A run that takes no virtual time has no clock to play: no dead time bar beside the
    // stepper, the keys step decisions.
    let instant = pb.end() == 0;
    // A time in the link of an example that takes none: said once, at the first render (a tab
    // switched to later resets the clock itself), before the clock's write-back drops it.
    {
        let (params, ex) = (params.clone(), *ex);
        let steps = run.stages.len();
        use_state(move || {
            if let (true, Some(v)) = (instant, params.get("t")) {
                params.notice(
                    "t",
                    format!(
                        "Ignored link parameter coroutine.t={v}: the \"{ex}\" example takes no virtual time (everything happens at 0 s). To open it at a decision, use coroutine.step, from 1 to {steps}."
                    ),
                );
            }
        });
    }
    // The figure's keys step the decisions (several share one time, which the clock's own
    // steps would pass over together).
    let onkeydown = decision_keys(&pb, &pos, cur, &run.stages);
    let caption = html! {
        <p class="figure-note">
            { "Each card is one coroutine: the highlighted word is its state now. Next decision (or the arrow keys in the picture) steps the event loop one pick, poll or clock jump at a time." }
            if instant {
                { " This example takes no virtual time (everything happens at 0 s), so there is no clock to play: step through its decisions with the buttons or the arrow keys." }
            }
        </p>
    };
    html! {
        <div class="viz-wide coroutine-viz" ref={wrapper} {onkeydown}>
            <div role="tablist" aria-label="Example" onkeydown={tablist_keys()} style="display:flex;flex-wrap:wrap;gap:0.4rem;margin:0.5rem 0">
                { for tabs }
            </div>
            <div role="tabpanel" id="coroutine-panel" aria-labelledby={format!("coroutine-tab-{}", *ex)}>
            <Figure id="coroutine" title="The life of a coroutine" playback={pb.clone()} describe={describe_cb} {caption} controls={!instant} steps="decisions">
                { stepper(&pb, &pos, cur, &run.stages) }
                <SceneView scene={fr.scene.clone()} />
                { panes(html! { <>
                    { console("Console", &mut fr.printed.iter().map(|l| (None, l.as_str())), "4.5em") }
                    <CodePanel id={code} active_line={fr.line} edits={never_edits(&ex)} label={AttrValue::from(format!("{code}: the line of the coroutine this step is about"))} />
                </> }) }
            </Figure>
            </div>
        </div>
    }
}
