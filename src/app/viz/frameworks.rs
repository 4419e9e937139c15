//! Visualisation `frameworks` (chapter 8): the same traffic against a thread-per-request server
//! and an event-loop server on one clock, code tabs for the eight endpoints of the chapter (each
//! labelled with its model; the picture marks that model's side), and a switch that makes the
//! event-loop handler call a blocking sleep (`fastapi_blocks_loop.py`): a real run in which the
//! loop collapses.
//!
//! Wiring only: parameters -> two runs of [`load::run`] (memoised, sampled once) ->
//! `Timeline::merge` -> [`use_playback`] -> [`frameworks_scene`] -> [`SceneView`] + [`CodePanel`].
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::{CodeEdit, CodePanel};
use crate::app::hooks::{tablist_keys, use_viz_params};
use crate::app::playback::{use_playback, Figure, Timeline};
use crate::app::viz::thread_pool::{
    param_setter, param_u32, second_marks, simulating, use_narrow, use_sampled, NumField, RunState,
};
use crate::app::viz::SceneView;
use crate::decimal::fixed;
use crate::figure::load::{frameworks_scene, group, Budget, Side};
use crate::scenario::programs::load::{
    LoadParams, Model, BLOCK_MS, RATE, STACK_KIB, TASK_KIB, THREADS,
};

/// One code tab: id (link value), label, sample file, model, the line that waits.
pub struct Tab {
    /// Link value (`frameworks.tab=`).
    pub id: &'static str,
    /// Tab label.
    pub label: &'static str,
    /// Sample under content/code/.
    pub file: &'static str,
    /// The model it runs on.
    pub side: Side,
    /// The line marked while requests are in flight (content/CODE_LINES.md).
    pub line: u32,
}

/// The tabs, thread-per-request first.
pub const TABS: &[Tab] = &[
    Tab {
        id: "spring-mvc",
        label: "Spring MVC",
        file: "spring_mvc.java",
        side: Side::Threads,
        line: 10,
    },
    Tab {
        id: "jax-rs",
        label: "JAX-RS",
        file: "jax_rs.java",
        side: Side::Threads,
        line: 10,
    },
    Tab {
        id: "flask",
        label: "Flask",
        file: "flask_view.py",
        side: Side::Threads,
        line: 8,
    },
    Tab {
        id: "django",
        label: "Django",
        file: "django_view.py",
        side: Side::Threads,
        line: 5,
    },
    Tab {
        id: "fastapi-def",
        label: "FastAPI def",
        file: "fastapi_def.py",
        side: Side::Threads,
        line: 9,
    },
    Tab {
        id: "webflux",
        label: "WebFlux Mono",
        file: "webflux.java",
        side: Side::Loop,
        line: 14,
    },
    Tab {
        id: "quarkus",
        label: "Quarkus Uni",
        file: "quarkus_uni.java",
        side: Side::Loop,
        line: 15,
    },
    Tab {
        id: "fastapi-async",
        label: "FastAPI async def",
        file: "fastapi_async.py",
        side: Side::Loop,
        line: 9,
    },
];

/// The tab the blocking mistake is shown in (`FastAPI async def`).
pub const FASTAPI_ASYNC: usize = 7;

/// Queue bounds offered for the pool (`frameworks.queue=`).
const QUEUES: &[(&str, Option<u32>)] = &[("none", None), ("100", Some(100)), ("1000", Some(1000))];

/// Defaults: the chapter's endpoint waits 1 s; 200 threads; 500 req/s.
pub fn defaults() -> LoadParams {
    LoadParams {
        work_ms: 1_000,
        ..LoadParams::default()
    }
}

/// The `frameworks` visualisation.
#[component]
pub fn Frameworks() -> Html {
    let params = use_viz_params("frameworks");
    params.check_known(&[
        "threads",
        "rate",
        "block_ms",
        "stack_kib",
        "task_kib",
        "queue",
        "blocking",
        "tab",
    ]);
    let d = defaults();
    let init = {
        let params = params.clone();
        move || {
            let queue = params
                .get_parsed("queue", "none, 100 or 1000", |s| {
                    QUEUES
                        .iter()
                        .find(|q| q.0 == s)
                        .map(|q| q.1)
                        .ok_or_else(|| "not an offered queue bound".to_string())
                })
                .unwrap_or(None);
            LoadParams {
                threads: param_u32(&params, "threads", THREADS, "").unwrap_or(d.threads),
                rate_per_s: param_u32(&params, "rate", RATE, " req/s").unwrap_or(d.rate_per_s),
                work_ms: param_u32(&params, "block_ms", BLOCK_MS, " ms").unwrap_or(d.work_ms),
                stack_kib: param_u32(&params, "stack_kib", STACK_KIB, " KiB")
                    .unwrap_or(d.stack_kib),
                task_kib: param_u32(&params, "task_kib", TASK_KIB, " KiB").unwrap_or(d.task_kib),
                max_waiting: queue,
                ..d
            }
        }
    };
    let lp = use_state(init);
    let blocking = {
        let params = params.clone();
        use_state(move || {
            params
                .get_parsed("blocking", "0 or 1", |s| match s {
                    "0" => Ok(false),
                    "1" => Ok(true),
                    _ => Err("not 0 or 1".into()),
                })
                .unwrap_or(false)
        })
    };
    let tab = {
        let params = params.clone();
        let blocking = *blocking;
        use_state(move || {
            let ids: Vec<&str> = TABS.iter().map(|t| t.id).collect();
            params
                .get_parsed("tab", &ids.join(", "), |s| {
                    TABS.iter()
                        .position(|t| t.id == s)
                        .ok_or_else(|| "no such tab".to_string())
                })
                // A link that turns the blocking mistake on without naming a tab opens the
                // async handler that makes it (as switching it on by hand does).
                .unwrap_or(if blocking { FASTAPI_ASYNC } else { 0 })
        })
    };
    let pool_state = use_sampled(Model::ThreadPerRequest, *lp);
    let loop_state = use_sampled(
        if *blocking {
            Model::EventLoopBlocking
        } else {
            Model::EventLoop
        },
        *lp,
    );
    let (runs, progress) = match (&pool_state, &loop_state) {
        (RunState::Done(a), RunState::Done(b)) => (Some((a.clone(), b.clone())), 1.0),
        (a, b) => {
            let f = |s: &RunState| match s {
                RunState::Done(_) => 1.0,
                RunState::Simulating(f) => *f,
            };
            (None, (f(a) + f(b)) / 2.0)
        }
    };
    let timeline = match &runs {
        Some((pool, evloop)) => Timeline::merge(
            &second_marks(pool.series.end),
            &second_marks(evloop.series.end),
        ),
        None => second_marks(lp.window()),
    };
    let pb = use_playback("frameworks", timeline);
    let budget = Budget::of(&lp);
    let cur = &TABS[(*tab).min(TABS.len() - 1)];
    let (wrapper, narrow) = use_narrow();
    let picture = match &runs {
        Some((pool, evloop)) => html! {
            <SceneView scene={Rc::new(frameworks_scene(
                &pool.series,
                &evloop.series,
                &budget,
                cur.side,
                *blocking,
                pb.t,
                narrow,
            ))} />
        },
        None => simulating(progress, 2 * lp.requests()),
    };

    let set = |key, f, default| param_setter(&lp, &params, key, f, default);
    let on_queue = {
        let lp = lp.clone();
        let params = params.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok())
            else {
                return;
            };
            let v = sel.value();
            if let Some(q) = QUEUES.iter().find(|q| q.0 == v) {
                if q.1.is_none() {
                    params.remove("queue");
                } else {
                    params.set("queue", q.0);
                }
                lp.set(LoadParams {
                    max_waiting: q.1,
                    ..*lp
                });
            }
        })
    };
    let on_blocking = {
        let blocking = blocking.clone();
        let params = params.clone();
        let tab = tab.clone();
        Callback::from(move |_: Event| {
            let b = !*blocking;
            if b {
                params.set("blocking", "1");
                // The trap is an async handler: show the event-loop side.
                if TABS[*tab].side == Side::Threads {
                    params.set("tab", TABS[FASTAPI_ASYNC].id);
                    tab.set(FASTAPI_ASYNC);
                }
            } else {
                params.remove("blocking");
            }
            blocking.set(b);
        })
    };
    let describe = {
        let runs = runs.clone();
        Callback::from(move |t: u64| {
            let Some((pool, evloop)) = &runs else {
                return "Simulating…".to_string();
            };
            let (a, b) = (pool.series.at(t), evloop.series.at(t));
            format!(
                "At {} s: thread-per-request has {} in flight and {} waiting; the event loop has {} in flight and {} waiting.",
                fixed(t as f64 / 1e6, 1),
                group(a.in_flight() as u64),
                group(a.waiting() as u64),
                group(b.in_flight() as u64),
                group(b.waiting() as u64)
            )
        })
    };
    let side_stats = match &runs {
        Some((pool, _)) if cur.side == Side::Threads => pool.series.at(pb.t),
        Some((_, evloop)) => evloop.series.at(pb.t),
        None => Default::default(),
    };
    let (file, line) = if cur.side == Side::Loop && *blocking {
        ("fastapi_blocks_loop.py", 9)
    } else {
        (cur.file, cur.line)
    };
    let active = (side_stats.in_flight() > 0).then_some(line);
    let model = |s: Side| match s {
        Side::Threads => "thread-per-request",
        Side::Loop => "event loop",
    };
    let caption = html! {
        <p class="small muted">
            { match &runs {
                Some((pool, evloop)) => format!("Real runs: {} requests against each server, simulated in {}\u{a0}ms + {}\u{a0}ms.",
                    group(pool.requests), fixed(pool.ms, 0), fixed(evloop.ms, 0)),
                None => format!("Real runs: {} requests against each server, simulating…", group(lp.requests())),
            } }
        </p>
    };
    html! {
        <Figure id="frameworks" title="Thread-per-request vs event loop under the same traffic" playback={pb.clone()} {describe} {caption}>
            <div ref={wrapper} class="load-viz" data-narrow={narrow.to_string()}>
                { picture }
            </div>
            <div class="viz-controls">
                <NumField id="frameworks-rate" label="arrival rate" value={lp.rate_per_s} min={RATE.0} max={RATE.1}
                          unit="req/s" on_change={set("rate", |p, v| p.rate_per_s = v, d.rate_per_s)} />
                <NumField id="frameworks-block" label="slow call" value={lp.work_ms} min={BLOCK_MS.0} max={BLOCK_MS.1}
                          unit="ms" on_change={set("block_ms", |p, v| p.work_ms = v, d.work_ms)} />
                <NumField id="frameworks-threads" label="pool threads" value={lp.threads} min={THREADS.0} max={THREADS.1}
                          on_change={set("threads", |p, v| p.threads = v, d.threads)} />
                <NumField id="frameworks-stack" label="stack per thread" value={lp.stack_kib} min={STACK_KIB.0} max={STACK_KIB.1}
                          unit="KiB" on_change={set("stack_kib", |p, v| p.stack_kib = v, d.stack_kib)} />
                <NumField id="frameworks-task" label="state per task" value={lp.task_kib} min={TASK_KIB.0} max={TASK_KIB.1}
                          unit="KiB" on_change={set("task_kib", |p, v| p.task_kib = v, d.task_kib)} />
                <div class="viz-field" style="display:flex;flex-wrap:wrap;gap:1em;align-items:center;margin:.25em 0">
                    <label>{ "pool queue limit " }
                        <select id="frameworks-queue" onchange={on_queue}>
                            { for QUEUES.iter().map(|q| html! {
                                <option value={q.0} selected={lp.max_waiting == q.1}>
                                    { if q.1.is_none() { "unbounded".to_string() } else { q.0.to_string() } }
                                </option>
                            }) }
                        </select>
                    </label>
                    <label>
                        <input type="checkbox" id="frameworks-blocking" checked={*blocking} onchange={on_blocking} />
                        { " an async handler calls blocking time.sleep (the trap)" }
                    </label>
                </div>
            </div>
            <div class="code-tabs" role="tablist" aria-label="The same endpoint in eight versions" onkeydown={tablist_keys()} style="display:flex;flex-wrap:wrap;gap:.25em;margin:.5em 0">
                { for TABS.iter().enumerate().map(|(i, t)| {
                    let onclick = {
                        let tab = tab.clone();
                        let params = params.clone();
                        Callback::from(move |_| {
                            if i == 0 { params.remove("tab") } else { params.set("tab", TABS[i].id) }
                            tab.set(i);
                        })
                    };
                    let selected = i == *tab;
                    html! {
                        <button type="button" role="tab" aria-selected={selected.to_string()}
                                id={format!("frameworks-tab-{}", t.id)} aria-controls="frameworks-panel"
                                tabindex={if selected { "0" } else { "-1" }}
                                class={if selected { "tab selected" } else { "tab" }}
                                style={if selected { "font-weight:600;text-decoration:underline" } else { "" }}
                                data-tab={t.id} {onclick}>
                            { t.label }<span class="small muted">{ format!(" · {}", model(t.side)) }</span>
                        </button>
                    }
                }) }
            </div>
            <div role="tabpanel" id="frameworks-panel" aria-labelledby={format!("frameworks-tab-{}", cur.id)}>
            <CodePanel id={file} active_line={active} edits={slow_call_edits(file, lp.work_ms)}
                       label={format!("{} — runs on: {}{}", cur.label, model(cur.side),
                            if cur.side == Side::Loop && *blocking { " (with the blocking mistake)" } else { "" })} />
            </div>
        </Figure>
    }
}

/// A sample's slow call written with the duration the runs use (`ms`): the argument, and the
/// comment where it says the time (the samples are written for 1 s). Lines as in the samples.
fn slow_call_edits(file: &str, ms: u32) -> Vec<CodeEdit> {
    let secs = crate::decimal::short(ms as f64 / 1000.0, 3);
    let millis = ms.to_string();
    let said = |line, old: &str, new: &str| CodeEdit::text(line, old, &new.replace('#', &secs));
    match file {
        "spring_mvc.java" => vec![
            CodeEdit::num(10, "1000", &millis),
            said(10, "waits 1 s", "waits # s"),
        ],
        "jax_rs.java" => vec![
            CodeEdit::num(10, "1000", &millis),
            said(10, "held for 1 s", "held for # s"),
        ],
        "fastapi_def.py" => vec![
            CodeEdit::num(9, "1", &secs),
            said(9, "blocked for 1 s", "blocked for # s"),
        ],
        "flask_view.py" => vec![CodeEdit::num(8, "1", &secs)],
        "django_view.py" => vec![CodeEdit::num(5, "1", &secs)],
        "fastapi_async.py" | "fastapi_blocks_loop.py" => vec![CodeEdit::num(9, "1", &secs)],
        // Duration.ofSeconds(1): whole seconds stay seconds, anything else is ofMillis(ms).
        "webflux.java" | "quarkus_uni.java" => {
            // The call's line, and the comment above it that says when the item comes.
            let (line, comment) = if file == "webflux.java" {
                (14, said(13, "fires 1 s later", "fires # s later"))
            } else {
                (15, said(12, "delivered 1 s later", "delivered # s later"))
            };
            let mut edits = vec![comment];
            edits.push(if ms % 1000 == 0 {
                CodeEdit::num(line, "1", &(ms / 1000).to_string())
            } else {
                let call = |f: &str, v: &str| {
                    format!("{}({})", CodeEdit::tok("fn", f), CodeEdit::tok("num", v))
                };
                CodeEdit {
                    line,
                    find: call("ofSeconds", "1"),
                    put: call("ofMillis", &millis),
                }
            });
            edits
        }
        _ => Vec::new(),
    }
}
