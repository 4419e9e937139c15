//! The `event-loop` picture (chapter 7): our scheduler's own state, one scheduling decision at a
//! time: the ready queue (front first), the task being polled, the timers by deadline, the tasks
//! waiting on something other than a timer, and the virtual clock (with its jumps).
//!
//! Virtual time alone cannot show a decision: many happen at the same instant. [`stages`] cuts a
//! trace into steps, each a prefix of the event list (`Replay::state_after(n)`):
//!
//! | stage | after which events | event_loop_toy.py line |
//! |-------|--------------------|------------------------|
//! | `Start` | tasks created and scheduled, nothing polled | 11 (`ready = deque(tasks)`) |
//! | `Pick(x)` | before `PollStart` of x (x at the front of `ready`) | 22 (`ready.popleft()`) |
//! | `Run(x)` | x polled up to its `Suspended`/`Done` (prints, timers armed) | 24 (`next(t)`) |
//! | `Park(x, wait)` / `Finish(x)` | the whole decision (wake-ups drained) | 28 (timer) / 26 |
//! | `Idle(dt)` | the `Clock` jump only | 20 (`time.sleep(...)`) |
//! | `Due` | timers fired at the new time, tasks woken | 16 |
//! | `End` | the run's closing events | 14 (loop condition false) |
//!
//! Between two stages the playback clock may stand inside a wait (after the last decision before
//! a clock jump, before the jump lands): [`shown_at`] draws that state at the playback time as
//! `Asleep(until)` (line 20), so the clock box and the caption agree with the time readout.
//! [`step_time`] is the rule for a link naming both a step and a time: the step wins.
//!
//! [`layout`] draws one stage from a `Snapshot`. The coroutine picture reuses [`stages`].
//! Classes used: box lane muted small bold big s-run s-wait s-blocked s-queue s-accent s-done.

use super::{fmt_secs, Anchor, Item, Scene};
use crate::sim::{Event, EventKind, Replay, TaskId, TaskState, Time, Trace, Wait, NO_TASK};

/// What one step of the stepper shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageKind {
    /// Before the first decision.
    Start,
    /// The scheduler picks this task from the front of the ready queue.
    Pick(TaskId),
    /// The task runs (is polled) until its next await or its end.
    Run(TaskId),
    /// The task suspended on this wait.
    Park(TaskId, Wait),
    /// The task returned.
    Finish(TaskId),
    /// Nothing ready: the clock jumped forward by this many µs.
    Idle(Time),
    /// Timers due at the new time fired; their tasks are ready.
    Due,
    /// The run is over.
    End,
    /// Between a decision and the clock jump after it: nothing runs until this time (the loop
    /// sleeps, or a blocking call holds the thread). Not one of [`stages`]: [`shown_at`] draws
    /// the decision's state this way at a playback time inside the wait.
    Asleep(Time),
}

/// One step: the state after the first `n` events, at time `t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Events applied.
    pub n: u32,
    /// Virtual time of that state.
    pub t: Time,
    /// What happened.
    pub kind: StageKind,
}

fn is_tail(k: &EventKind) -> bool {
    matches!(
        k,
        EventKind::NeverAwaited
            | EventKind::StillWaiting { .. }
            | EventKind::Finished { .. }
            | EventKind::Deadlock { .. }
            | EventKind::Cap { .. }
            | EventKind::OutOfMemory { .. }
    )
}

/// Cut a trace into stepper stages (see the module table).
pub fn stages(tr: &Trace) -> Vec<Stage> {
    let ev = &tr.events;
    let len = ev.len() as u32;
    let mut bounds: Vec<u32> = Vec::new();
    let mut tail = len;
    for (i, e) in ev.iter().enumerate() {
        if is_tail(&e.kind) {
            tail = i as u32;
            break;
        }
        if matches!(e.kind, EventKind::PollStart | EventKind::Clock { .. }) {
            bounds.push(i as u32);
        }
    }
    bounds.push(tail);
    let t_after = |n: u32| if n == 0 { 0 } else { ev[n as usize - 1].t };
    let mut out = vec![Stage {
        n: bounds[0],
        t: t_after(bounds[0]),
        kind: StageKind::Start,
    }];
    for w in bounds.windows(2) {
        let (b, next) = (w[0], w[1]);
        let e = ev[b as usize];
        match e.kind {
            EventKind::PollStart => {
                let x = e.task;
                out.push(Stage {
                    n: b,
                    t: t_after(b),
                    kind: StageKind::Pick(x),
                });
                let mut end_kind = None;
                let mut j = b + 1;
                while j < next {
                    let f = ev[j as usize];
                    if f.task == x {
                        match f.kind {
                            EventKind::Suspended { wait } => {
                                end_kind = Some(StageKind::Park(x, wait));
                                break;
                            }
                            EventKind::Done => {
                                end_kind = Some(StageKind::Finish(x));
                                break;
                            }
                            _ => {}
                        }
                    }
                    j += 1;
                }
                out.push(Stage {
                    n: j,
                    t: t_after(j),
                    kind: StageKind::Run(x),
                });
                if let Some(k) = end_kind {
                    out.push(Stage {
                        n: next,
                        t: t_after(next),
                        kind: k,
                    });
                }
            }
            EventKind::Clock { dt } => {
                out.push(Stage {
                    n: b + 1,
                    t: e.t,
                    kind: StageKind::Idle(dt as Time),
                });
                if next > b + 1 {
                    out.push(Stage {
                        n: next,
                        t: t_after(next),
                        kind: StageKind::Due,
                    });
                }
            }
            _ => {}
        }
    }
    out.push(Stage {
        n: len,
        t: tr.end,
        kind: StageKind::End,
    });
    out
}

/// The stage to show at playback time `t` when the stepper is at `cur`: keep `cur` if it is at
/// time `t`, otherwise the last stage at or before `t`.
pub fn stage_for_time(st: &[Stage], cur: usize, t: Time) -> usize {
    if st.get(cur).is_some_and(|s| s.t == t) {
        return cur;
    }
    st.partition_point(|s| s.t <= t).saturating_sub(1)
}

/// What to draw at playback time `t`, the stepper at `cur`: the index of the last decision made
/// ([`stage_for_time`]) and the stage to draw. That is the decision itself, unless `t` falls
/// strictly inside the wait before the next stage's clock jump: then its state at `t`, as
/// [`StageKind::Asleep`] until the jump (so the clock never disagrees with the time readout).
pub fn shown_at(st: &[Stage], cur: usize, t: Time) -> (usize, Stage) {
    let i = stage_for_time(st, cur, t).min(st.len().saturating_sub(1));
    let s = st[i];
    match st.get(i + 1) {
        Some(next) if s.t < t && t < next.t && matches!(next.kind, StageKind::Idle(_)) => (
            i,
            Stage {
                t,
                kind: StageKind::Asleep(next.t),
                ..s
            },
        ),
        _ => (i, s),
    }
}

/// The playback time that shows step `i` when a link asks for step `i` at time `t`: `t` itself
/// when it lies within that step (its own time, or the wait after it up to the next step's
/// time), otherwise the step's time. The step is the more precise of the two, so it wins.
pub fn step_time(st: &[Stage], i: usize, t: Time) -> Time {
    let Some(s) = st.get(i) else { return t };
    let within = t == s.t || (s.t < t && st.get(i + 1).is_none_or(|n| t < n.t));
    if within {
        t
    } else {
        s.t
    }
}

/// The event_loop_toy.py line for a stage (content/CODE_LINES.md).
pub fn toy_line(k: StageKind) -> u32 {
    match k {
        StageKind::Start => 11,
        StageKind::Pick(_) => 22,
        StageKind::Run(_) => 24,
        StageKind::Park(_, Wait::Timer(_)) => 28,
        StageKind::Park(..) => 24,
        StageKind::Finish(_) => 26,
        StageKind::Idle(_) | StageKind::Asleep(_) => 20,
        StageKind::Due => 16,
        StageKind::End => 14,
    }
}

/// The toy loop's line for a stage of this run: [`toy_line`], except while a blocking call
/// holds the thread (the wait, the jump past it, its return): the loop is still inside that
/// task's step (line 24), not asleep in its own `time.sleep` (line 20) or firing timers (16).
pub fn code_line(tr: &Trace, replay: &Replay, s: Stage) -> u32 {
    let held = || held_by(&replay.state_after(s.n)).is_some();
    match s.kind {
        StageKind::Idle(_) | StageKind::Asleep(_) if held() => 24,
        StageKind::Due if block_ended(tr, s.n).is_some() => 24,
        k => toy_line(k),
    }
}

/// A short name for a task in the pictures: `task("A")` -> `A`, `main` stays.
pub fn short(tr: &Trace, id: TaskId) -> String {
    let n = tr.task_name(id);
    match (n.find("(\""), n.rfind("\")")) {
        (Some(a), Some(b)) if b > a + 2 => n[a + 2..b].to_string(),
        _ => n.trim_end_matches("()").to_string(),
    }
}

/// What a wait means, in words.
pub fn wait_words(tr: &Trace, w: Wait, deadline: Option<Time>) -> String {
    match w {
        Wait::Timer(_) => match deadline {
            Some(d) => format!("a timer due at {}", fmt_secs(d)),
            None => "a timer".into(),
        },
        Wait::Blocking(_) => "time.sleep to return (holds the thread)".into(),
        Wait::Gather(k) => format!("gather ({k} still running)"),
        Wait::Join(id) => format!("task {} to finish", short(tr, id)),
        Wait::Coroutine(id) => format!("coroutine {} (awaited directly)", short(tr, id)),
        Wait::Yield => "its turn (it yielded)".into(),
        _ => "an event".into(),
    }
}

/// One sentence for the stage (caption and live region).
pub fn describe(tr: &Trace, s: Stage, replay: &Replay) -> String {
    let snap = replay.state_after(s.n);
    let deadline_of = |x: TaskId| {
        snap.timers
            .iter()
            .find(|tm| tm.task == x)
            .map(|tm| tm.deadline)
    };
    let at = fmt_secs(s.t);
    match s.kind {
        StageKind::Start => format!("{at}: the tasks are created and queued; nothing has run yet."),
        StageKind::Pick(x) => format!(
            "{at}: {} is at the front of the ready queue: the loop picks it.",
            short(tr, x)
        ),
        StageKind::Run(x) => format!(
            "{at}: the loop polls {}: it runs until its next await (or its end).",
            short(tr, x)
        ),
        StageKind::Park(x, Wait::Blocking(_)) => {
            let until = block_until(tr, x, s.n).map_or(String::new(), |u| format!(" until {}", fmt_secs(u)));
            let ready = names(tr, snap.ready.iter().copied());
            let waiting = if ready.is_empty() {
                String::new()
            } else {
                format!("; {ready} waits")
            };
            format!(
                "{at}: {} calls time.sleep, holding the thread{until}: nothing else runs, not even the loop{waiting}.",
                short(tr, x)
            )
        }
        StageKind::Park(x, w) => format!(
            "{at}: {} suspends, waiting for {}; the loop takes the next ready task.",
            short(tr, x),
            wait_words(tr, w, deadline_of(x))
        ),
        StageKind::Finish(x) => format!("{at}: {} returns: it is done.", short(tr, x)),
        StageKind::Idle(dt) => match held_by(&snap) {
            Some(b) => format!(
                "{}'s time.sleep held the thread: the clock moved by {} to {at} and nothing else ran, not even the loop.",
                short(tr, b),
                fmt_secs(dt)
            ),
            None => format!(
                "Nothing is ready: the loop sleeps and the clock jumps by {} to {at}, the earliest deadline.",
                fmt_secs(dt)
            ),
        },
        StageKind::Due => {
            if let Some(b) = block_ended(tr, s.n) {
                let others = names(tr, snap.ready.iter().copied().filter(|&x| x != b.task));
                let ahead = if others.is_empty() {
                    String::new()
                } else {
                    format!(", ahead of {others}")
                };
                format!(
                    "{at}: {x}'s time.sleep returns: the thread is free again and {x} continues first (front of the ready queue{ahead}).",
                    x = short(tr, b.task)
                )
            } else {
                let woken = names(
                    tr,
                    since_clock(tr, s.n)
                        .iter()
                        .filter(|e| matches!(e.kind, EventKind::Woken { .. }))
                        .map(|e| e.task),
                );
                if woken.is_empty() {
                    format!("{at}: a timer fired.")
                } else {
                    format!("{at}: due timers fired: {woken} moved to the ready queue.")
                }
            }
        }
        StageKind::End => format!(
            "{at}: no task ready, no timer left: the loop ends after {}.",
            fmt_secs(tr.end)
        ),
        StageKind::Asleep(until) => match held_by(&snap) {
            Some(b) => format!(
                "{at}: {} holds the thread in time.sleep until {}: nothing else runs, not even the loop.",
                short(tr, b),
                fmt_secs(until)
            ),
            None => format!(
                "{at}: nothing is ready: the loop sleeps until {}, the earliest timer deadline.",
                fmt_secs(until)
            ),
        },
    }
}

/// Short task names joined with commas.
fn names(tr: &Trace, ids: impl Iterator<Item = TaskId>) -> String {
    ids.map(|x| short(tr, x)).collect::<Vec<_>>().join(", ")
}

/// When the blocking call task `x` started before event `n` returns.
fn block_until(tr: &Trace, x: TaskId, n: u32) -> Option<Time> {
    tr.events[..n as usize]
        .iter()
        .rev()
        .find_map(|e| match e.kind {
            EventKind::BlockStart { dur, .. } if e.task == x => Some(e.t + dur as Time),
            _ => None,
        })
}

/// The events after the last clock jump before event `n` (what fired at that instant).
fn since_clock(tr: &Trace, n: u32) -> &[Event] {
    let ev = &tr.events[..n as usize];
    let from = ev
        .iter()
        .rposition(|e| matches!(e.kind, EventKind::Clock { .. }))
        .map_or(0, |i| i + 1);
    &ev[from..]
}

/// The end of a blocking call among the events fired at the last clock jump before event `n`.
fn block_ended(tr: &Trace, n: u32) -> Option<&Event> {
    since_clock(tr, n)
        .iter()
        .find(|e| matches!(e.kind, EventKind::BlockEnd { .. }))
}

/// The task holding the loop's thread in a blocking call, if any.
fn held_by(snap: &crate::sim::Snapshot<'_>) -> Option<TaskId> {
    snap.threads.first().and_then(|th| th.blocked_by)
}

fn chip(x: f32, y: f32, w: f32, text: String, class: &'static str, tip: Option<String>) -> Item {
    // A raised box with a coloured stripe: the text stays in the ink colour on both themes.
    Item::Group {
        class: "chip",
        label: tip.clone(),
        key: None,
        items: vec![
            Item::Rect {
                x,
                y,
                w,
                h: 24.0,
                rx: 5.0,
                class: "box",
                tip,
            },
            Item::Rect {
                x,
                y,
                w: 7.0,
                h: 24.0,
                rx: 3.0,
                class,
                tip: None,
            },
            Item::Text {
                x: x + 4.0 + w / 2.0,
                y: y + 16.0,
                text,
                class: "bold ink",
                anchor: Anchor::Middle,
            },
        ],
    }
}

fn panel(x: f32, y: f32, w: f32, h: f32, title: &str, items: &mut Vec<Item>) {
    items.push(Item::Rect {
        x,
        y,
        w,
        h,
        rx: 6.0,
        class: "box",
        tip: None,
    });
    items.push(Item::Text {
        x: x + 8.0,
        y: y + 16.0,
        text: title.into(),
        class: "small muted",
        anchor: Anchor::Start,
    });
}

/// A panel's box: x, y, w, h.
#[derive(Clone, Copy)]
struct Bx(f32, f32, f32, f32);

/// Where the panels go: side by side on a wide figure, one under the other on a phone.
struct Geo {
    width: f32,
    clock: Bx,
    polled: Bx,
    ready: Bx,
    timers: Bx,
    waiting: Bx,
    caption_y: f32,
    /// Width of a chip in the timers / waiting panels (the text follows it).
    row_chip: f32,
    /// Characters per caption line (the caption wraps on a narrow figure).
    caption_chars: usize,
}

/// Width of the narrow (phone) variant of [`layout_for`].
pub const NARROW_W: f32 = 340.0;

impl Geo {
    fn for_width(width: f32) -> Geo {
        if width < 500.0 {
            let w = NARROW_W;
            Geo {
                width: w,
                clock: Bx(8.0, 8.0, 120.0, 86.0),
                polled: Bx(136.0, 8.0, w - 144.0, 86.0),
                ready: Bx(8.0, 102.0, w - 16.0, 80.0),
                timers: Bx(8.0, 190.0, w - 16.0, 100.0),
                waiting: Bx(8.0, 298.0, w - 16.0, 100.0),
                caption_y: 420.0,
                row_chip: 60.0,
                caption_chars: 50,
            }
        } else {
            let w = 720.0;
            Geo {
                width: w,
                clock: Bx(8.0, 8.0, 150.0, 86.0),
                polled: Bx(168.0, 8.0, 170.0, 86.0),
                ready: Bx(348.0, 8.0, w - 356.0, 86.0),
                timers: Bx(8.0, 104.0, 350.0, 120.0),
                waiting: Bx(368.0, 104.0, w - 376.0, 120.0),
                caption_y: 246.0,
                row_chip: 76.0,
                caption_chars: 108,
            }
        }
    }
}

/// Draw stage `s` of `tr` on the wide figure (width 720).
pub fn layout(tr: &Trace, replay: &Replay, s: Stage) -> Scene {
    layout_for(tr, replay, s, 720.0)
}

/// Draw stage `s` of `tr` for a figure about `width` px wide: below 500 the panels stack in a
/// [`NARROW_W`]-wide picture (text stays at least 10 px on a 375 px phone).
pub fn layout_for(tr: &Trace, replay: &Replay, s: Stage, width: f32) -> Scene {
    let g = Geo::for_width(width);
    let snap = replay.state_after(s.n);
    let mut items = Vec::new();

    // Clock.
    let Bx(cx0, cy0, cw, ch) = g.clock;
    panel(cx0, cy0, cw, ch, "virtual clock", &mut items);
    let mid = cx0 + cw / 2.0;
    items.push(Item::Text {
        x: mid,
        y: cy0 + 48.0,
        text: fmt_secs(s.t),
        class: "big clock",
        anchor: Anchor::Middle,
    });
    let held = held_by(&snap);
    if let StageKind::Idle(dt) = s.kind {
        items.push(Item::Text {
            x: mid,
            y: cy0 + 72.0,
            text: format!("jumped +{}", fmt_secs(dt)),
            class: "small s-accent",
            anchor: Anchor::Middle,
        });
    } else if let StageKind::Asleep(until) = s.kind {
        let (what, class) = match held {
            Some(_) => ("blocked", "small s-blocked"),
            None => ("asleep", "small s-wait"),
        };
        items.push(Item::Text {
            x: mid,
            y: cy0 + 72.0,
            text: format!("{what} until {}", fmt_secs(until)),
            class,
            anchor: Anchor::Middle,
        });
    } else if s.kind == StageKind::End {
        items.push(Item::Text {
            x: mid,
            y: cy0 + 72.0,
            text: "loop finished".into(),
            class: "small muted",
            anchor: Anchor::Middle,
        });
    }

    // Being polled.
    let Bx(px0, py0, pw, _) = g.polled;
    panel(px0, py0, pw, g.polled.3, "being polled", &mut items);
    let pmid = px0 + pw / 2.0;
    let running: Option<TaskId> = match s.kind {
        StageKind::Run(x) => Some(x),
        _ => None,
    };
    match running {
        Some(x) => items.push(chip(
            pmid - 60.0,
            py0 + 32.0,
            120.0,
            short(tr, x),
            "s-run",
            Some(format!("{} is running", short(tr, x))),
        )),
        None => items.push(Item::Text {
            x: pmid,
            y: py0 + 49.0,
            text: match s.kind {
                StageKind::Idle(_) | StageKind::Asleep(_) if held.is_some() => {
                    "nothing: the loop is stuck".into()
                }
                StageKind::Idle(_) | StageKind::Asleep(_) => "nothing: the loop sleeps".into(),
                _ => "—".to_string(),
            },
            class: "small muted",
            anchor: Anchor::Middle,
        }),
    }
    if let Some(b) = held {
        items.push(Item::Text {
            x: pmid,
            y: py0 + 76.0,
            text: format!("thread held by {} (time.sleep)", short(tr, b)),
            class: "small s-blocked",
            anchor: Anchor::Middle,
        });
    }

    // Ready queue.
    let Bx(rx0, ry0, rw, rh) = g.ready;
    panel(rx0, ry0, rw, rh, "ready queue (front first)", &mut items);
    if snap.ready.is_empty() {
        items.push(Item::Text {
            x: rx0 + 12.0,
            y: ry0 + 49.0,
            text: "empty".into(),
            class: "small muted",
            anchor: Anchor::Start,
        });
    }
    for (k, &x) in snap.ready.iter().enumerate() {
        let picked = k == 0 && matches!(s.kind, StageKind::Pick(p) if p == x);
        let cx = rx0 + 12.0 + k as f32 * 84.0;
        if cx + 76.0 > rx0 + rw {
            items.push(Item::Text {
                x: cx,
                y: ry0 + 49.0,
                text: format!("+{}", snap.ready.len() - k),
                class: "small muted",
                anchor: Anchor::Start,
            });
            break;
        }
        items.push(chip(
            cx,
            ry0 + 32.0,
            76.0,
            short(tr, x),
            if picked { "s-accent" } else { "s-queue" },
            Some(format!("{} is ready (position {})", short(tr, x), k + 1)),
        ));
        if picked {
            items.push(Item::Text {
                x: cx + 38.0,
                y: ry0 + 72.0,
                text: "picked next".into(),
                class: "small s-accent",
                anchor: Anchor::Middle,
            });
        }
    }

    // Timers by deadline.
    let Bx(tx0, ty, tw, th_) = g.timers;
    panel(
        tx0,
        ty,
        tw,
        th_,
        "timers (earliest deadline first)",
        &mut items,
    );
    if snap.timers.is_empty() {
        items.push(Item::Text {
            x: tx0 + 12.0,
            y: ty + 44.0,
            text: "none".into(),
            class: "small muted",
            anchor: Anchor::Start,
        });
    }
    // Rows that fit the panel (4 wide, 3 narrow); the rest are counted.
    let rows = ((th_ - 30.0) / 23.0) as usize;
    if snap.timers.len() > rows {
        items.push(Item::Text {
            x: tx0 + tw - 8.0,
            y: ty + 16.0,
            text: format!("+{} more", snap.timers.len() - rows),
            class: "small muted",
            anchor: Anchor::End,
        });
    }
    for (k, tm) in snap.timers.iter().take(rows).enumerate() {
        let yy = ty + 26.0 + k as f32 * 23.0;
        let name = if tm.task == NO_TASK {
            "timer".to_string()
        } else {
            short(tr, tm.task)
        };
        items.push(chip(
            tx0 + 12.0,
            yy,
            g.row_chip,
            name.clone(),
            "s-wait",
            Some(format!("{name} wakes at {}", fmt_secs(tm.deadline))),
        ));
        let due = tm.deadline <= s.t;
        items.push(Item::Text {
            x: tx0 + 22.0 + g.row_chip,
            y: yy + 16.0,
            text: format!(
                "due at {}{}",
                fmt_secs(tm.deadline),
                if due { " (due now)" } else { "" }
            ),
            class: if k == 0 { "small bold" } else { "small" },
            anchor: Anchor::Start,
        });
    }

    // Waiting on something else.
    let Bx(wx0, wy, ww, wh) = g.waiting;
    panel(wx0, wy, ww, wh, "suspended, not on a timer", &mut items);
    let mut k = 0;
    for tv in &snap.tasks {
        let TaskState::Waiting(wt) = tv.state else {
            continue;
        };
        if matches!(wt, Wait::Timer(_))
            || tr.tasks[tv.id as usize].kind != crate::sim::TaskKind::Task
        {
            continue;
        }
        if k >= ((wh - 30.0) / 23.0) as usize {
            break;
        }
        let yy = wy + 26.0 + k as f32 * 23.0;
        let class = if matches!(wt, Wait::Blocking(_)) {
            "s-blocked"
        } else {
            "s-done"
        };
        items.push(chip(
            wx0 + 12.0,
            yy,
            g.row_chip,
            short(tr, tv.id),
            class,
            None,
        ));
        items.push(Item::Text {
            x: wx0 + 22.0 + g.row_chip,
            y: yy + 16.0,
            text: wait_words(tr, wt, None),
            class: "small",
            anchor: Anchor::Start,
        });
        k += 1;
    }
    if k == 0 {
        items.push(Item::Text {
            x: wx0 + 12.0,
            y: wy + 44.0,
            text: "none".into(),
            class: "small muted",
            anchor: Anchor::Start,
        });
    }

    // Caption (wrapped on a narrow figure; the height is fixed so stepping never jumps).
    let lines = super::load::wrap(&describe(tr, s, replay), g.caption_chars);
    let max_lines = if g.width < 720.0 { 4 } else { 2 };
    for (i, l) in lines.iter().take(max_lines).enumerate() {
        items.push(Item::Text {
            x: 8.0,
            y: g.caption_y + i as f32 * 16.0,
            text: l.clone(),
            class: "stage-caption",
            anchor: Anchor::Start,
        });
    }
    let height = g.caption_y + (max_lines as f32 - 1.0) * 16.0 + 10.0;
    let mut sc = Scene::new(
        g.width,
        height,
        "The event loop's ready queue, timers and clock",
    );
    sc.items = items;
    sc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::programs::queries::{tasks_gather, Query};
    use crate::sim::SEC;

    fn run() -> Trace {
        tasks_gather(&[Query::new("A", 2.0), Query::new("B", 3.0)]).unwrap()
    }

    #[test]
    fn stages_follow_the_toy_loop_table() {
        let tr = run();
        let st = stages(&tr);
        let kinds: Vec<String> = st
            .iter()
            .map(|s| match s.kind {
                StageKind::Pick(x) => format!("pick {}", short(&tr, x)),
                StageKind::Run(x) => format!("run {}", short(&tr, x)),
                StageKind::Park(x, _) => format!("park {}", short(&tr, x)),
                StageKind::Finish(x) => format!("done {}", short(&tr, x)),
                StageKind::Idle(dt) => format!("idle {}", dt / SEC),
                k => format!("{k:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "Start",
                "pick main",
                "run main",
                "park main",
                "pick A",
                "run A",
                "park A",
                "pick B",
                "run B",
                "park B",
                "idle 2",
                "Due",
                "pick A",
                "run A",
                "done A",
                "pick main",
                "run main",
                "park main",
                "idle 1",
                "Due",
                "pick B",
                "run B",
                "done B",
                "pick main",
                "run main",
                "done main",
                "End"
            ]
        );
        // Times never decrease; the idle jump lands on 2 s.
        assert!(st.windows(2).all(|w| w[0].t <= w[1].t && w[0].n <= w[1].n));
        assert_eq!(st[10].t, 2 * SEC);
        assert_eq!(stage_for_time(&st, 5, 0), 5);
        assert_eq!(stage_for_time(&st, 5, SEC), 9);
        assert_eq!(stage_for_time(&st, 0, 2 * SEC), 17);
    }

    #[test]
    fn between_decisions_the_clock_shows_the_playback_time() {
        let tr = run();
        let rp = Replay::new(&tr);
        let st = stages(&tr);
        // 1.5 s: B parked at 0 s (step 10) is the last decision; the loop sleeps until 2 s.
        let (i, s) = shown_at(&st, 0, 1_500_000);
        assert_eq!(
            (i, s.n, s.t, s.kind),
            (9, st[9].n, 1_500_000, StageKind::Asleep(2 * SEC))
        );
        let said = describe(&tr, s, &rp);
        assert_eq!(
            said,
            "1.5 s: nothing is ready: the loop sleeps until 2 s, the earliest timer deadline."
        );
        let sc = layout(&tr, &rp, s);
        let t = sc.texts();
        for want in [
            "1.5 s",
            "asleep until 2 s",
            "nothing: the loop sleeps",
            "empty",
        ] {
            assert!(t.contains(&want), "{want}: {t:?}");
        }
        assert!(!t.contains(&"0 s"), "{t:?}");
        assert_eq!(toy_line(s.kind), 20);
        // On a decision's own time, and at the jump itself, the decision is drawn.
        assert_eq!(shown_at(&st, 5, 0), (5, st[5]));
        assert_eq!(shown_at(&st, 10, 2 * SEC), (10, st[10]));
        assert_eq!(shown_at(&st, 0, 2 * SEC), (17, st[17]));
        assert_eq!(
            shown_at(&st, 0, 2_500_000).1.kind,
            StageKind::Asleep(3 * SEC)
        );
        // A blocking call holds the thread instead: the caption says who, the clock "blocked".
        let mut qs = vec![Query::new("A", 2.0), Query::new("B", 3.0)];
        qs[0].blocking = true;
        let tr = tasks_gather(&qs).unwrap();
        let rp = Replay::new(&tr);
        let st = stages(&tr);
        let s = shown_at(&st, 0, SEC).1;
        assert!(
            describe(&tr, s, &rp).starts_with("1 s: A holds the thread in time.sleep until 2 s"),
            "{}",
            describe(&tr, s, &rp)
        );
        assert!(layout(&tr, &rp, s).texts().contains(&"blocked until 2 s"));
        assert_eq!(code_line(&tr, &rp, s), 24);
        assert!(layout(&tr, &rp, s)
            .texts()
            .contains(&"nothing: the loop is stuck"));
        // Step by step, the blocking call is told as one: A holds the thread, B waits, the
        // clock moves with nothing running, then A continues first. No timer is involved.
        let said: Vec<(String, u32)> = st
            .iter()
            .map(|&s| (describe(&tr, s, &rp), code_line(&tr, &rp, s)))
            .collect();
        let find = |k: StageKind| {
            let i = st.iter().position(|s| s.kind == k).expect("stage");
            said[i].clone()
        };
        assert_eq!(
            find(StageKind::Park(1, Wait::Blocking(0))).0,
            "0 s: A calls time.sleep, holding the thread until 2 s: nothing else runs, not even the loop; B waits."
        );
        assert_eq!(
            find(StageKind::Idle(2 * SEC)),
            (
                "A's time.sleep held the thread: the clock moved by 2 s to 2 s and nothing else ran, not even the loop.".into(),
                24
            )
        );
        let due = st
            .iter()
            .position(|s| s.kind == StageKind::Due)
            .expect("due");
        assert_eq!(
            said[due],
            (
                "2 s: A's time.sleep returns: the thread is free again and A continues first (front of the ready queue, ahead of B).".into(),
                24
            )
        );
        // Later, B's own sleep is an ordinary timer: the loop sleeps, the timer fires.
        assert_eq!(
            find(StageKind::Idle(3 * SEC)),
            (
                "Nothing is ready: the loop sleeps and the clock jumps by 3 s to 5 s, the earliest deadline.".into(),
                20
            )
        );
        let due2 = st
            .iter()
            .rposition(|s| s.kind == StageKind::Due)
            .expect("due");
        assert_eq!(
            said[due2],
            (
                "5 s: due timers fired: B moved to the ready queue.".into(),
                16
            )
        );
        assert!(said.iter().all(|(d, _)| !d.contains("waiting for nothing")));
    }

    #[test]
    fn a_step_in_a_link_wins_over_its_time() {
        let st = stages(&run());
        // Step 13 (A picked at 2 s): a time elsewhere gives way to the step's own time.
        assert_eq!(step_time(&st, 12, 1_500_000), 2 * SEC);
        assert_eq!(step_time(&st, 12, 0), 2 * SEC);
        assert_eq!(step_time(&st, 12, 2 * SEC), 2 * SEC);
        // Step 10 (B parked at 0 s, the last decision before the sleep): a time inside the
        // sleep is kept, a time past the jump is not.
        assert_eq!(step_time(&st, 9, 1_500_000), 1_500_000);
        assert_eq!(step_time(&st, 9, 2 * SEC), 0);
        // Step 5 at 0 s is followed by more decisions at 0 s: only 0 s is within it.
        assert_eq!(step_time(&st, 4, 1_500_000), 0);
        // The last step (the end) and an index past the end.
        assert_eq!(step_time(&st, st.len() - 1, 3 * SEC), 3 * SEC);
        assert_eq!(step_time(&st, 99, 7), 7);
    }

    #[test]
    fn scene_shows_the_real_queue_and_timers() {
        let tr = run();
        let rp = Replay::new(&tr);
        let st = stages(&tr);
        // After main's first poll: A and B ready, A picked next.
        let sc = layout(&tr, &rp, st[4]);
        let t = sc.texts();
        assert!(t.contains(&"picked next"), "{t:?}");
        assert!(t.contains(&"A") && t.contains(&"B"));
        // Both parked: timers A@2 s then B@3 s, queue empty.
        let sc = layout(&tr, &rp, st[9]);
        let t = sc.texts();
        assert!(
            t.contains(&"due at 2 s") && t.contains(&"due at 3 s"),
            "{t:?}"
        );
        assert!(t.contains(&"empty"));
        assert!(t.contains(&"gather (2 still running)"), "{t:?}");
        // The jump.
        let sc = layout(&tr, &rp, st[10]);
        assert!(sc.texts().contains(&"jumped +2 s"));
        assert_eq!(toy_line(st[10].kind), 20);
        assert_eq!(toy_line(st[6].kind), 28);
    }

    /// Every text's anchor x of a scene (groups flattened).
    fn xs(items: &[Item], out: &mut Vec<(f32, f32, String)>) {
        for i in items {
            match i {
                Item::Text { x, y, text, .. } => out.push((*x, *y, text.clone())),
                Item::Rect { x, w, y, .. } => out.push((*x + *w, *y, String::new())),
                Item::Group { items, .. } => xs(items, out),
                _ => {}
            }
        }
    }

    #[test]
    fn narrow_layout_stacks_the_panels_inside_340_units() {
        let mut qs = vec![Query::new("A", 2.0), Query::new("B", 3.0)];
        qs[0].blocking = true;
        let three = [
            Query::new("A", 2.0),
            Query::new("B", 3.0),
            Query::new("C", 2.0),
        ];
        for tr in [
            run(),
            tasks_gather(&qs).unwrap(),
            tasks_gather(&three).unwrap(),
        ] {
            let rp = Replay::new(&tr);
            let st = stages(&tr);
            let mut heights = Vec::new();
            // Every stage, and the state inside the first wait (asleep, or blocked).
            let asleep = shown_at(&st, 0, 1_500_000).1;
            assert!(matches!(asleep.kind, StageKind::Asleep(_)));
            for s in st.iter().chain([&asleep]) {
                let wide = layout(&tr, &rp, *s);
                let narrow = layout_for(&tr, &rp, *s, 375.0);
                // Every caption fits the picture, wide or narrow.
                crate::figure::overlap::assert_texts_fit(&wide);
                crate::figure::overlap::assert_texts_fit(&narrow);
                assert_eq!(narrow.width, NARROW_W);
                heights.push(narrow.height);
                // Same facts drawn (the caption is wrapped, so compare everything else).
                let strip = |sc: &Scene| -> Vec<String> {
                    let mut t: Vec<String> = sc.texts().iter().map(|s| s.to_string()).collect();
                    t.retain(|x| !describe(&tr, *s, &rp).contains(x.as_str()));
                    t
                };
                assert_eq!(strip(&wide), strip(&narrow));
                // Nothing starts or ends outside the picture; captions fit their lines.
                let mut v = Vec::new();
                xs(&narrow.items, &mut v);
                for (x, y, text) in v {
                    assert!((0.0..=NARROW_W).contains(&x), "{text:?} at x {x}");
                    assert!(y <= narrow.height, "{text:?} at y {y}");
                    assert!(text.chars().count() <= 50, "{text:?} too long for a line");
                }
            }
            // A fixed height: stepping never makes the picture jump.
            assert!(heights.windows(2).all(|w| w[0] == w[1]));
        }
    }

    #[test]
    fn hundred_layouts_at_random_stages() {
        let tr = run();
        let rp = Replay::new(&tr);
        let st = stages(&tr);
        let start = std::time::Instant::now();
        let mut seed = 3u64;
        for _ in 0..100 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let s = st[(seed >> 33) as usize % st.len()];
            let _ = layout(&tr, &rp, s);
        }
        println!("event-loop: 100 layouts in {:?}", start.elapsed());
    }
}
