//! Visualisation `queries` (chapters 4 and 5): the same queries one after the other
//! (`queries_sync.py`) and with `asyncio.gather` (`queries_gather.py`), one above the other on one
//! clock. Wiring only: params -> lesson programs (memoised) -> `figure::timeline::Gantt` ->
//! merged timeline -> `figure::timeline::layout` at `pb.t`.
//!
//! Link params (`queries.*`): `a`, `b`, `c` (seconds; `c` adds a third query), `block` (`A`, `B`
//! or `C`: that query calls blocking `time.sleep` inside its `async def`), `t`.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::{CodeEdit, CodePanel};
use crate::app::hooks::{event_value, use_refocus, use_viz_params, VizParams};
use crate::app::playback::{use_playback, Figure, Timeline};
use crate::app::viz::console::console;
use crate::app::viz::ports::use_room;
use crate::app::viz::SceneView;
use crate::figure::timeline::{layout, queries_width, Drag, Gantt, Opts};
use crate::figure::{fmt_secs, secs_value};
use crate::scenario::programs::queries::{
    gather, parse_secs, sequential, Query, MAX_SECS, MIN_SECS, SECS_ACCEPTED,
};
use crate::sim::{Time, SEC};

const NAMES: [&str; 3] = ["A", "B", "C"];
const KEYS: [&str; 3] = ["a", "b", "c"];
const DEFAULTS: [Time; 3] = [2 * SEC, 3 * SEC, SEC];
const BLOCK_ACCEPTED: &str = "A, B or C (the query that calls time.sleep)";

/// The learner's settings.
#[derive(Clone, Debug, PartialEq)]
struct Setup {
    durs: [Time; 3],
    third: bool,
    block: Option<usize>,
}

impl Setup {
    fn queries(&self) -> Vec<Query> {
        let n = if self.third { 3 } else { 2 };
        (0..n)
            .map(|i| Query {
                name: NAMES[i].into(),
                seconds: self.durs[i] as f64 / crate::sim::SEC as f64,
                blocking: self.block == Some(i),
            })
            .collect()
    }
}

fn from_link(p: &VizParams) -> Setup {
    let mut durs = DEFAULTS;
    for i in 0..3 {
        if let Some(v) = p.get_parsed(KEYS[i], SECS_ACCEPTED, parse_secs) {
            durs[i] = v;
        }
    }
    let third = p.get("c").is_some() && p.get_parsed("c", SECS_ACCEPTED, parse_secs).is_some();
    let block = p.get_parsed("block", BLOCK_ACCEPTED, |s| {
        match NAMES.iter().position(|n| n.eq_ignore_ascii_case(s.trim())) {
            Some(i) => Ok(i),
            None => Err(format!("\"{s}\" is not a query name")),
        }
    });
    let block = block.filter(|&i| i < 2 || third);
    Setup { durs, third, block }
}

struct Runs {
    seq: Gantt,
    gat: Gantt,
    timeline: Timeline,
    error: Option<String>,
}

fn build(qs: &[Query]) -> Runs {
    match (sequential(qs), gather(qs)) {
        (Ok(a), Ok(b)) => {
            let timeline = Timeline::merge(&Timeline::from_trace(&a), &Timeline::from_trace(&b));
            let blocking = qs.iter().any(|q| q.blocking);
            Runs {
                seq: Gantt::from_trace("One after the other (queries_sync.py)", &a),
                gat: Gantt::from_trace(
                    if blocking {
                        "asyncio.gather, one query calls time.sleep"
                    } else {
                        "asyncio.gather (queries_gather.py)"
                    },
                    &b,
                ),
                timeline,
                error: None,
            }
        }
        (Err(e), _) | (_, Err(e)) => Runs {
            seq: Gantt::from_trace("", &crate::sim::Sim::new(Default::default()).into_trace()),
            gat: Gantt::from_trace("", &crate::sim::Sim::new(Default::default()).into_trace()),
            timeline: Timeline::default(),
            error: Some(e),
        },
    }
}

/// `t` in seconds with one decimal, as the samples' `:.1f` prints it.
fn one_decimal(t: Time) -> String {
    let tenths = (t + SEC / 20) / (SEC / 10);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `db_query("C", secs)`, highlighted as the build highlights the samples.
fn query_call(name: &str, secs: &str) -> String {
    format!(
        "{}({}, {})",
        CodeEdit::tok("fn", "db_query"),
        CodeEdit::tok("str", &format!("\"{name}\"")),
        CodeEdit::tok("num", secs)
    )
}

/// What the two samples must say to be the runs shown: the learner's durations on the calls
/// (query C on query B's line), and the totals in the closing comments (the gather run's only
/// once it has been predicted). Lines as in content/CODE_LINES.md.
fn code_edits(s: &Setup, runs: &Runs, revealed: bool) -> (Vec<CodeEdit>, Vec<CodeEdit>) {
    let [a, b, c] = s.durs.map(secs_value);
    let mut sync = vec![
        CodeEdit::num(9, "2", &a),
        CodeEdit::text(9, "# 2 s...", &format!("# {a} s...")),
        CodeEdit::num(10, "3", &b),
        CodeEdit::text(
            11,
            "# about 5.0",
            &format!("# about {}", one_decimal(runs.seq.end)),
        ),
    ];
    let mut gat = vec![
        CodeEdit::num(13, "2", &a),
        CodeEdit::num(14, "3", &b),
        CodeEdit::text(
            16,
            "# about 3.0",
            &if revealed {
                format!("# about {}", one_decimal(runs.gat.end))
            } else {
                "# about ? (predict it above)".into()
            },
        ),
    ];
    if s.third {
        sync.push(CodeEdit {
            line: 10,
            find: format!(")  {}", CodeEdit::tok("com", "# ...then 3 s more")),
            put: format!(
                "); {}  {}",
                query_call("C", &c),
                CodeEdit::tok("com", &format!("# ...then {b} s, then {c} s"))
            ),
        });
        gat.push(CodeEdit {
            line: 14,
            find: "),".into(),
            put: format!("), {},", query_call("C", &c)),
        });
    } else {
        sync.push(CodeEdit::text(
            10,
            "# ...then 3 s more",
            &format!("# ...then {b} s more"),
        ));
    }
    (sync, gat)
}

/// A run's console: each printed line stamped with its virtual time.
fn timed_console(lines: &[(Time, String)], label: &str) -> Html {
    console(
        label,
        &mut lines.iter().map(|(t, s)| (Some(*t), s.as_str())),
        "5.5em",
    )
}

/// The `queries` visualisation.
#[component]
pub fn Queries() -> Html {
    let params = use_viz_params("queries");
    params.check_known(&["a", "b", "c", "block"]);
    let setup = {
        let params = params.clone();
        use_state(move || from_link(&params))
    };
    let texts = {
        let s = (*setup).clone();
        use_state(move || s.durs.map(secs_value))
    };
    let errors = use_state(|| [None::<String>, None, None]);
    let guess = use_state(String::new);
    // The verdict, with the settings it was given for (they may change after it).
    let verdict = use_state(|| None::<(String, Setup)>);
    let guess_error = use_state(|| None::<String>);

    let (wrapper, room) = use_room();
    let runs = use_memo(setup.queries(), |qs| build(qs));
    let pb = use_playback("queries", runs.timeline.clone());
    let revealed = verdict.is_some();
    let scene = Rc::new(layout(
        &[&runs.seq, &runs.gat],
        pb.t,
        Opts {
            hide: (!revealed).then_some(1),
            // The upper run's bars are the queries' durations: drag their ends.
            drag: Some(Drag {
                run: 0,
                min: (MIN_SECS * SEC as f64) as Time,
                max: (MAX_SECS * SEC as f64) as Time,
                step: SEC / 10,
            }),
            width: queries_width(room as f32),
        },
    ));

    let before_edit = use_mut_ref(|| [None::<Time>; 3]);
    let apply = {
        let setup = setup.clone();
        let params = params.clone();
        Callback::from(move |s: Setup| {
            for i in 0..3 {
                if s.durs[i] == DEFAULTS[i] && i < 2 {
                    params.remove(KEYS[i]);
                } else if i < 2 || s.third {
                    params.set(KEYS[i], &secs_value(s.durs[i]));
                }
            }
            if !s.third {
                params.remove("c");
            }
            match s.block {
                Some(i) => params.set("block", NAMES[i]),
                None => params.remove("block"),
            }
            setup.set(s);
        })
    };

    // Dragging the end of a bar in the upper run (or the arrow keys on its handle): lane i is
    // query i there. The number box follows.
    let on_handle = {
        let (setup, apply) = (setup.clone(), apply.clone());
        let (texts, errors) = (texts.clone(), errors.clone());
        Callback::from(move |(key, v, settled): (String, Time, bool)| {
            let Some(i) = key.parse::<usize>().ok().filter(|&i| i < 3) else {
                return;
            };
            let mut s = (*setup).clone();
            s.durs[i] = v;
            let mut tx = (*texts).clone();
            tx[i] = secs_value(v);
            texts.set(tx);
            let mut er = (*errors).clone();
            er[i] = None;
            errors.set(er);
            // The link is written once the value settles (release, key up), not on every move.
            if settled {
                apply.emit(s);
            } else {
                setup.set(s);
            }
        })
    };

    let dur_inputs = (0..if setup.third { 3 } else { 2 }).map(|i| {
        // The duration shown when this edit began: a refused value goes back to it (typing
        // "1e9" must not leave the picture on the "1" typed on the way).
        let on_focus = {
            let (before, setup) = (before_edit.clone(), setup.clone());
            Callback::from(move |_: FocusEvent| before.borrow_mut()[i] = Some(setup.durs[i]))
        };
        let on_input = {
            let texts = texts.clone();
            let errors = errors.clone();
            let setup = setup.clone();
            let apply = apply.clone();
            let before = before_edit.clone();
            Callback::from(move |e: InputEvent| {
                let v = event_value(&e);
                let mut tx = (*texts).clone();
                tx[i] = v.clone();
                texts.set(tx);
                let mut er = (*errors).clone();
                match parse_secs(&v) {
                    Ok(d) => {
                        er[i] = None;
                        let mut s = (*setup).clone();
                        s.durs[i] = d;
                        apply.emit(s);
                    }
                    Err(why) => {
                        let keep = before.borrow()[i].unwrap_or(setup.durs[i]);
                        er[i] = Some(format!(
                            "Query {} refused: {why}. Accepted: {SECS_ACCEPTED}. The picture keeps {} s.",
                            NAMES[i],
                            secs_value(keep)
                        ));
                        if keep != setup.durs[i] {
                            let mut s = (*setup).clone();
                            s.durs[i] = keep;
                            apply.emit(s);
                        }
                    }
                }
                errors.set(er);
            })
        };
        let id = format!("queries-dur-{}", KEYS[i]);
        let error_id = format!("{id}-error");
        let err = errors[i].clone();
        html! {
            <span class="field">
                <label for={id.clone()}>{ format!("Query {} (s)", NAMES[i]) }</label>{ " " }
                <input id={id} class={format!("dur dur-{}", KEYS[i])} type="text" inputmode="decimal" size="5"
                    value={texts[i].clone()} oninput={on_input} onfocus={on_focus}
                    aria-invalid={err.is_some().then_some("true")} aria-describedby={err.is_some().then(|| error_id.clone())} />
                if let Some(e) = err { <span class="field-error" id={error_id} role="alert" style="display:block;color:var(--danger);font-size:0.85rem">{ e }</span> }
            </span>
        }
    });
    let toggle_third = {
        let setup = setup.clone();
        let apply = apply.clone();
        let errors = errors.clone();
        Callback::from(move |_| {
            let mut s = (*setup).clone();
            s.third = !s.third;
            if !s.third && s.block == Some(2) {
                s.block = None;
            }
            let mut er = (*errors).clone();
            er[2] = None;
            errors.set(er);
            apply.emit(s);
        })
    };
    let on_block = {
        let setup = setup.clone();
        let apply = apply.clone();
        Callback::from(move |e: Event| {
            let v = event_value(&e);
            let mut s = (*setup).clone();
            s.block = NAMES.iter().position(|n| *n == v);
            apply.emit(s);
        })
    };
    let n = if setup.third { 3 } else { 2 };

    // Predict, then reveal.
    let gather_end = runs.gat.end;
    // A refusal stands until the box holds a number again.
    let on_guess = {
        let (guess, guess_error) = (guess.clone(), guess_error.clone());
        Callback::from(move |e: InputEvent| {
            let v = event_value(&e);
            if guess_error.is_some() && parse_secs(&v).is_ok() {
                guess_error.set(None);
            }
            guess.set(v);
        })
    };
    let check = {
        let guess = guess.clone();
        let verdict = verdict.clone();
        let guess_error = guess_error.clone();
        let judged = (*setup).clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_secs(&guess) {
                Ok(g) => {
                    let diff = g.abs_diff(gather_end);
                    guess_error.set(None);
                    let text = if diff <= SEC / 20 {
                        format!("Right: the gather run ends at {}.", fmt_secs(gather_end))
                    } else {
                        format!(
                            "Not quite: you said {}, the gather run ends at {}.",
                            fmt_secs(g),
                            fmt_secs(gather_end)
                        )
                    };
                    verdict.set(Some((text, judged.clone())));
                }
                Err(why) => guess_error.set(Some(format!(
                    "Answer refused: {why}. Accepted: {SECS_ACCEPTED}."
                ))),
            }
        })
    };
    let skip = {
        let verdict = verdict.clone();
        let judged = (*setup).clone();
        Callback::from(move |_| {
            verdict.set(Some((
                format!("The gather run ends at {}.", fmt_secs(gather_end)),
                judged.clone(),
            )))
        })
    };
    // "A = 2 s and B = 3 s (A calls time.sleep)": the question names what it is about.
    let durations = {
        let each: Vec<String> = (0..n)
            .map(|i| format!("{} = {}", NAMES[i], fmt_secs(setup.durs[i])))
            .collect();
        let mut s = match each.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => each.concat(),
        };
        if let Some(b) = setup.block.filter(|&b| b < n) {
            s.push_str(&format!(" ({} calls time.sleep)", NAMES[b]));
        }
        s
    };
    // Check, "Just show me" and "Predict again" replace themselves: the focus goes on to what
    // replaces them (the verdict's "Predict again", or the answer box).
    let focus_to = use_node_ref();
    use_refocus(focus_to.clone(), verdict.is_some());
    let predict = match &*verdict {
        None => html! {
            <form class="predict notice" style="display:block" onsubmit={check}>
                <label for="queries-guess"><strong>{ "Predict first: " }</strong>
                    { format!("with {durations}, how long will the gather run take (seconds)?") }</label>{ " " }
                <input id="queries-guess" ref={focus_to.clone()} class="guess" type="text" inputmode="decimal" size="5" value={(*guess).clone()} oninput={on_guess}
                       aria-invalid={guess_error.is_some().then_some("true")} aria-describedby={guess_error.is_some().then_some("queries-guess-error")} />{ " " }
                <button type="submit" class="check">{ "Check" }</button>{ " " }
                <button type="button" class="reveal" onclick={skip}>{ "Just show me" }</button>
                if let Some(e) = &*guess_error { <span class="field-error" id="queries-guess-error" role="alert" style="display:block;color:var(--danger)">{ e.clone() }</span> }
            </form>
        },
        Some((v, judged)) => {
            // Settings changed since the answer: it was about another run.
            let v = if *judged == *setup {
                v.clone()
            } else {
                format!(
                    "With {durations} the gather run ends at {} (your answer was for other durations).",
                    fmt_secs(gather_end)
                )
            };
            let again = {
                let verdict = verdict.clone();
                let guess = guess.clone();
                Callback::from(move |_| {
                    verdict.set(None);
                    guess.set(String::new());
                })
            };
            html! {
                <p class="predict-reveal notice" role="status" style="display:block">
                    <strong>{ v.clone() }</strong>
                    { format!(" One after the other: {}.", fmt_secs(runs.seq.end)) }{ " " }
                    <button type="button" class="predict-again" ref={focus_to.clone()} onclick={again}>{ "Predict again" }</button>
                </p>
            }
        }
    };

    let describe = {
        let runs = runs.clone();
        Callback::from(move |t: u64| {
            let a = runs.seq.printed_at(t).len();
            let mut s = format!(
                "At {}: sequential run {}",
                fmt_secs(t),
                if t >= runs.seq.end {
                    format!("finished after {}", fmt_secs(runs.seq.end))
                } else {
                    format!("{} printed", crate::figure::count(a as u64, "line"))
                }
            );
            if revealed {
                s.push_str(&format!(
                    "; gather run {}.",
                    if t >= runs.gat.end {
                        format!("finished after {}", fmt_secs(runs.gat.end))
                    } else {
                        "still running".into()
                    }
                ));
            }
            s
        })
    };

    let (sync_edits, gather_edits) = code_edits(&setup, &runs, revealed);
    let body = match &runs.error {
        Some(e) => {
            html! { <div class="notice" role="alert">{ format!("Cannot run these queries: {e}.") }</div> }
        }
        None => html! {
            <>
                <SceneView scene={scene} on_handle={Some(on_handle)} />
                <div class="queries-panes panes">
                    <div>
                        { timed_console(runs.seq.printed_at(pb.t), "Console: one after the other") }
                        <CodePanel id="queries_sync.py" active_line={runs.seq.line_at(pb.t)} edits={sync_edits} label={AttrValue::from("queries_sync.py (the upper run)")} />
                    </div>
                    <div>
                        if revealed {
                            { timed_console(runs.gat.printed_at(pb.t), "Console: asyncio.gather") }
                        } else {
                            { timed_console(&[], "Console: asyncio.gather (after your prediction)") }
                        }
                        <CodePanel id="queries_gather.py" active_line={if revealed { runs.gat.line_at(pb.t) } else { None }} edits={gather_edits}
                            label={AttrValue::from(match setup.block {
                                Some(i) => format!("queries_gather.py (the lower run; query {} calls time.sleep at line 6 instead)", NAMES[i]),
                                None => "queries_gather.py (the lower run)".to_string(),
                            })} />
                    </div>
                </div>
            </>
        },
    };
    let caption = html! {
        <p class="figure-note">
            { "Amber: waiting on I/O, the thread is free. Red: blocked, the call holds the thread. Pale red: ready, but frozen because the thread is held. Green dots: the moments the query's code runs. Drag the end of a bar in the upper run (or focus it and use the arrow keys) to change that query's duration." }
        </p>
    };
    html! {
        <div class="viz-wide queries-viz" ref={wrapper}>
            <div class="queries-controls" role="group" aria-label="Queries" style="display:flex;flex-wrap:wrap;gap:0.4rem 1rem;align-items:flex-start;margin:0.5rem 0">
                { for dur_inputs }
                // Its words say its state; aria-pressed beside them said the opposite.
                <button type="button" class="third" onclick={toggle_third}>
                    { if setup.third { "Remove query C" } else { "Add a third query" } }
                </button>
                <span class="field">
                    // The comma is the sentence's, not the select's name.
                    <label for="queries-block">{ "In the gather run" }</label>{ ", " }
                    <select id="queries-block" class="block" onchange={on_block}>
                        <option value="" selected={setup.block.is_none()}>{ "every query awaits asyncio.sleep" }</option>
                        { for (0..n).map(|i| html! {
                            <option value={NAMES[i]} selected={setup.block == Some(i)}>{ format!("query {} calls time.sleep (blocking)", NAMES[i]) }</option>
                        }) }
                    </select>
                </span>
            </div>
            { predict }
            <Figure id="queries" title="Two queries: one after the other vs gather" playback={pb.clone()} {describe} {caption}>
                { body }
            </Figure>
        </div>
    }
}
