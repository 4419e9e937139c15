//! Visualisation `coroutine` (chapter 6): coroutines drawn as values with a lifecycle state, for
//! the chapter's three examples, stepped one scheduling decision at a time. Wiring only: example
//! -> lesson program (memoised) -> stages -> `figure::coroutine::layout`.
//!
//! Link params (`coroutine.*`): `ex` (`never`, `run`, `wait`, `gather`), `t`.
use std::rc::Rc;

use yew::prelude::*;

use super::event_loop::{stepper, Stepped};
use crate::app::content::CodePanel;
use crate::app::hooks::use_viz_params;
use crate::app::playback::{use_playback, Figure};
use crate::app::viz::SceneView;
use crate::figure::coroutine::layout;
use crate::figure::event_loop::{describe, stage_for_time};
use crate::figure::fmt_secs;
use crate::scenario::programs::queries::{say_hello, tasks_gather, wait_and_print, Query};
use crate::sim::{EventKind, Replay, Trace};

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

fn last_line(tr: &Trace, n: u32) -> Option<u32> {
    tr.events[..n as usize]
        .iter()
        .rev()
        .find_map(|e| match e.kind {
            EventKind::Line { line } => Some(line),
            _ => None,
        })
}

/// The `coroutine` visualisation.
#[component]
pub fn Coroutine() -> Html {
    let params = use_viz_params("coroutine");
    params.check_known(&["ex"]);
    let ex = {
        let params = params.clone();
        use_state(move || {
            params
                .get_parsed("ex", EX_ACCEPTED, |s| {
                    EXAMPLES
                        .iter()
                        .find(|x| x.0 == s.trim())
                        .map(|x| x.0)
                        .ok_or_else(|| format!("\"{s}\" is not an example"))
                })
                .unwrap_or("never")
        })
    };
    let run = use_memo(*ex, |e| Stepped::new(program(e)));
    let pb = use_playback("coroutine", run.timeline.clone());
    let pos = use_state(|| 0usize);
    let cur = stage_for_time(&run.stages, *pos, pb.t);
    let stage = run.stages[cur.min(run.stages.len() - 1)];
    let replay = Replay::new(&run.trace);
    let scene = Rc::new(layout(&run.trace, &replay, stage));
    let snap = replay.state_after(stage.n);
    let mut printed: Vec<String> = snap
        .printed
        .iter()
        .map(|p| format!("{:>6}  {}", fmt_secs(p.t), run.trace.str(p.text)))
        .collect();
    let ended = snap.ended.is_some();
    if ended {
        for e in &run.trace.events {
            if e.kind == EventKind::NeverAwaited {
                printed.push(format!(
                    "        {}",
                    crate::figure::coroutine::never_awaited_warning(run.trace.task_name(e.task))
                ));
            }
        }
    }
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
            if k == "never" {
                params.remove("ex");
            } else {
                params.set("ex", k);
            }
            pos.set(0);
            pb.dispatch(crate::app::playback::Action::Reset);
            ex_h.set(k);
        });
        html! {
            <button type="button" role="tab" class={classes!("example", format!("ex-{k}"))}
                aria-selected={(*ex == k).to_string()} aria-pressed={(*ex == k).to_string()} {onclick}>{ *label }</button>
        }
    });
    let describe_cb = {
        let run = run.clone();
        let pos = *pos;
        Callback::from(move |t: u64| {
            let i = stage_for_time(&run.stages, pos, t);
            describe(&run.trace, run.stages[i], &Replay::new(&run.trace))
        })
    };
    let caption = html! {
        <p class="figure-note">
            { "Each card is one coroutine: the highlighted word is its state now. Next decision steps the event loop one pick, poll or clock jump at a time." }
        </p>
    };
    html! {
        <div class="viz-wide coroutine-viz">
            <div role="tablist" aria-label="Example" style="display:flex;flex-wrap:wrap;gap:0.4rem;margin:0.5rem 0">
                { for tabs }
            </div>
            <Figure id="coroutine" title="The life of a coroutine" playback={pb.clone()} describe={describe_cb} {caption}>
                { stepper(&pb, &pos, cur, &run.stages) }
                <SceneView scene={scene} />
                <div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:0.5rem">
                    <div class="console" aria-label="Console">
                        <div style="font-size:0.8rem;opacity:0.8">{ "Console" }</div>
                        <pre style="margin:0;min-height:5em;font-size:0.85rem">{ for printed.iter().map(|l| html! { <div class={classes!("console-line", l.contains("RuntimeWarning").then_some("warning"))}>{ l.clone() }</div> }) }</pre>
                    </div>
                    <CodePanel id={code} active_line={last_line(&run.trace, stage.n)} />
                </div>
            </Figure>
        </div>
    }
}
