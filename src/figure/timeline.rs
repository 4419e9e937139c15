//! The `queries` picture (chapters 4–5): Gantt lanes, one per query, for one or more runs stacked
//! on one time axis, each run with its thread row and its total time marked.
//!
//! ```text
//!  sequential (time.sleep)                      total 5.0 s
//!   db_query("A")  [#### blocked ####]
//!   db_query("B")                     [######## blocked ########]
//!   thread         [################# held ####################]
//!  gather (await asyncio.sleep)        total 3.0 s
//!   db_query("A")  [== waiting ==]
//!   db_query("B")  [====== waiting ======]
//!   thread          idle
//!                  0 s      1 s      2 s      3 s      4 s      5 s
//! ```
//!
//! Pure: [`Gantt::from_trace`] precomputes every lane's segments once per trace (memoise it);
//! [`layout`] clips them at `t` (cost: O(segments), no replay). Segment states and classes:
//! waiting on I/O, thread free (`s-wait`); blocked, holding the thread (`s-blocked`); ready or due but
//! frozen because the thread is held by someone else (`s-blocked faint`); instants where the task
//! runs are dots (`s-run`); done is a check mark (`s-done`). Prints are ticks on their lane.
//! Classes used: s-run s-wait s-blocked s-done lane grid axis muted small bold faint now dashed box.

use super::{axis_secs, fmt_secs, text, Anchor, Item, Linear, Scene};
use crate::sim::{EventKind, TaskId, Time, Trace, Wait, NO_TASK};

/// The state of a lane between two instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegKind {
    /// Suspended at an await on I/O or a timer: the thread is free.
    Waiting,
    /// Inside a blocking call: this task holds the thread.
    Blocked,
    /// Ready (or its wait is over) but the thread is held by a blocking call: frozen.
    Frozen,
}

/// One interval of a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    /// Start, µs.
    pub from: Time,
    /// End, µs.
    pub to: Time,
    /// State.
    pub kind: SegKind,
}

/// One lane (a query / task), precomputed.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// Task id in the trace.
    pub task: TaskId,
    /// Display name.
    pub name: String,
    /// Intervals, in time order.
    pub segs: Vec<Seg>,
    /// Instants the task ran (polled / entered).
    pub runs: Vec<Time>,
    /// When it finished.
    pub done: Option<Time>,
}

/// Everything [`layout`] needs from one run, computed once.
#[derive(Clone, Debug, PartialEq)]
pub struct Gantt {
    /// Title of the run ("one after the other", "asyncio.gather").
    pub title: String,
    /// Lanes, in creation order.
    pub lanes: Vec<Lane>,
    /// Intervals the (event-loop / main) thread is held by a blocking call.
    pub held: Vec<(Time, Time)>,
    /// End of the run.
    pub end: Time,
    /// Printed lines with their time.
    pub prints: Vec<(Time, String)>,
    /// Code-line markers, (time, line), in trace order.
    pub lines: Vec<(Time, u32)>,
}

#[derive(Clone, Copy, PartialEq)]
enum St {
    None,
    Ready,
    Running,
    Wait(Wait),
    Done,
}

impl Gantt {
    /// Precompute the lanes of every task except the root (`main`).
    pub fn from_trace(title: &str, tr: &Trace) -> Gantt {
        let n = tr.tasks.len();
        let is_lane: Vec<bool> = tr.tasks.iter().map(|m| m.parent != NO_TASK).collect();
        let mut lane_of = vec![usize::MAX; n];
        let mut lanes: Vec<Lane> = Vec::new();
        let mut st = vec![St::None; n];
        let mut since = vec![0 as Time; n];
        let mut deadline: Vec<Time> = vec![0; tr.timers as usize];
        let mut timer_task: Vec<TaskId> = vec![NO_TASK; tr.timers as usize];
        let mut busy_from: Option<Time> = None;
        let mut held = Vec::new();
        let mut prints = Vec::new();
        let mut lines = Vec::new();

        // Close the current interval of task `id` at time `t`.
        fn close(
            lane: &mut Lane,
            s: St,
            from: Time,
            to: Time,
            busy_periods: &[(Time, Time)],
            deadline: Option<Time>,
        ) {
            if to <= from {
                return;
            }
            let mut push = |a: Time, b: Time, k: SegKind| {
                if b > a {
                    lane.segs.push(Seg {
                        from: a,
                        to: b,
                        kind: k,
                    })
                }
            };
            match s {
                St::Wait(Wait::Blocking(_)) => push(from, to, SegKind::Blocked),
                St::Wait(_) => {
                    // A timer wait that outlives its deadline: the loop was held; frozen after it.
                    let d = deadline.unwrap_or(to).clamp(from, to);
                    push(from, d, SegKind::Waiting);
                    push(d, to, SegKind::Frozen);
                }
                St::Ready => {
                    let _ = busy_periods;
                    push(from, to, SegKind::Frozen)
                }
                _ => {}
            }
        }

        let mut wait_deadline: Vec<Option<Time>> = vec![None; n];
        for e in &tr.events {
            match e.kind {
                EventKind::BlockStart { .. } => busy_from = Some(e.t),
                EventKind::BlockEnd { .. } => {
                    if let Some(f) = busy_from.take() {
                        held.push((f, e.t));
                    }
                }
                EventKind::Print { text } => prints.push((e.t, tr.str(text).to_string())),
                EventKind::Line { line } => lines.push((e.t, line)),
                EventKind::TimerSet { timer, delay } => {
                    if let Some(d) = deadline.get_mut(timer as usize) {
                        *d = e.t + delay as Time;
                        timer_task[timer as usize] = e.task;
                    }
                }
                _ => {}
            }
            let id = e.task;
            if id == NO_TASK || id as usize >= n || !is_lane[id as usize] {
                continue;
            }
            let i = id as usize;
            let new = match e.kind {
                EventKind::Created { .. } => {
                    lane_of[i] = lanes.len();
                    lanes.push(Lane {
                        task: id,
                        name: tr.task_name(id).to_string(),
                        segs: Vec::new(),
                        runs: Vec::new(),
                        done: None,
                    });
                    Some(St::None)
                }
                EventKind::Scheduled { .. } | EventKind::Woken { .. } => Some(St::Ready),
                EventKind::PollStart | EventKind::Enter { .. } => Some(St::Running),
                EventKind::Suspended { wait } => Some(St::Wait(wait)),
                EventKind::Done | EventKind::Cancelled => Some(St::Done),
                _ => None,
            };
            let Some(new) = new else { continue };
            let li = lane_of[i];
            if li == usize::MAX {
                continue;
            }
            let lane = &mut lanes[li];
            if st[i] != new || matches!(new, St::Running) {
                close(lane, st[i], since[i], e.t, &held, wait_deadline[i]);
                st[i] = new;
                since[i] = e.t;
                wait_deadline[i] = match new {
                    St::Wait(Wait::Timer(tid)) => deadline.get(tid as usize).copied(),
                    _ => None,
                };
            }
            match new {
                St::Running if lane.runs.last() != Some(&e.t) => lane.runs.push(e.t),
                St::Done => lane.done = Some(e.t),
                _ => {}
            }
        }
        for (i, s) in st.iter().enumerate() {
            let li = lane_of[i];
            if li != usize::MAX {
                close(
                    &mut lanes[li],
                    *s,
                    since[i],
                    tr.end,
                    &held,
                    wait_deadline[i],
                );
            }
        }
        let _ = timer_task;
        if let Some(f) = busy_from {
            held.push((f, tr.end));
        }
        Gantt {
            title: title.to_string(),
            lanes,
            held,
            end: tr.end,
            prints,
            lines,
        }
    }

    /// Lines printed by time `t`.
    pub fn printed_at(&self, t: Time) -> &[(Time, String)] {
        let k = self.prints.partition_point(|p| p.0 <= t);
        &self.prints[..k]
    }

    /// The code line executing at `t` (the last marker at or before `t`).
    pub fn line_at(&self, t: Time) -> Option<u32> {
        let k = self.lines.partition_point(|p| p.0 <= t);
        k.checked_sub(1).map(|k| self.lines[k].1)
    }

    /// Is the thread held by a blocking call at `t`?
    pub fn held_at(&self, t: Time) -> bool {
        self.held.iter().any(|&(a, b)| a <= t && t < b)
    }
}

/// Options of [`layout`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Opts {
    /// Width in user units.
    pub width: f32,
    /// Hide run `i` behind a "predict first" cover (its total is not shown).
    pub hide: Option<usize>,
    /// Make one run's bars draggable (see [`Drag`]).
    pub drag: Option<Drag>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            width: 720.0,
            hide: None,
            drag: None,
        }
    }
}

/// Draggable bars on run `run`: each of its lanes gets a dashed outline of its whole bar (first
/// segment's start to last segment's end, drawn at every time) and an [`Item::Handle`] at the
/// bar's end whose value is the bar's length and whose key is the lane's index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drag {
    /// Which run.
    pub run: usize,
    /// Shortest bar.
    pub min: Time,
    /// Longest bar.
    pub max: Time,
    /// Keyboard step and drag rounding.
    pub step: Time,
}

const LANE_H: f32 = 22.0;
const GAP: f32 = 14.0;

/// The picture's width for `room` CSS px: the narrow picture below 470 px of room (so the labels
/// stay >= 10 px), else as wide as the room (1 unit = 1 px, rounded down to 20 units) from 460
/// to 720.
pub fn queries_width(room: f32) -> f32 {
    if room < 470.0 {
        NARROW_W
    } else {
        ((room / 20.0).floor() * 20.0).clamp(460.0, 720.0)
    }
}

/// Width of the narrow (phone) picture: pass it as [`Opts::width`] when the figure is under
/// ~500 px; below 400 units the header takes two lines and the margins shrink so the labels keep
/// their size on a 375 px screen.
pub const NARROW_W: f32 = 340.0;

/// (left margin, right margin, header height) for a picture `width` units wide.
fn margins(width: f32) -> (f32, f32, f32) {
    if width < 400.0 {
        (84.0, 22.0, 40.0)
    } else {
        (118.0, 64.0, 26.0)
    }
}

fn class_of(k: SegKind) -> &'static str {
    match k {
        SegKind::Waiting => "s-wait",
        SegKind::Blocked => "s-blocked",
        SegKind::Frozen => "s-blocked faint",
    }
}

fn word_of(k: SegKind) -> &'static str {
    match k {
        SegKind::Waiting => "waiting on I/O (thread free)",
        SegKind::Blocked => "blocked (holds the thread)",
        SegKind::Frozen => "frozen: ready, but the thread is held",
    }
}

/// A bar on the time axis `x` from `from` to `to`, `y`/`h` high.
fn bar(
    x: &Linear,
    (from, to): (Time, Time),
    (y, h): (f32, f32),
    class: &'static str,
    tip: Option<String>,
) -> Item {
    Item::Rect {
        x: x.t(from),
        y,
        w: x.t(to) - x.t(from),
        h,
        rx: 2.0,
        class,
        tip,
    }
}

/// Draw the runs at time `t` on one axis (the scale runs to the latest end).
pub fn layout(runs: &[&Gantt], t: Time, o: Opts) -> Scene {
    let end = runs.iter().map(|g| g.end).max().unwrap_or(0).max(1);
    #[allow(non_snake_case)]
    let (LEFT, RIGHT, HEAD_H) = margins(o.width);
    let narrow = o.width < 400.0;
    // The total goes on the title's line, or on its own line under it on a narrow picture.
    let (total_x, total_dy, total_anchor) = if narrow {
        (4.0, 32.0, Anchor::Start)
    } else {
        (o.width - 4.0, 16.0, Anchor::End)
    };
    let x = Linear::time(end, LEFT, o.width - RIGHT);
    let mut y = 6.0;
    let mut items = Vec::new();
    // Each run's lanes: top and bottom.
    let mut spans: Vec<(f32, f32)> = Vec::new();
    // Drawn last, over everything.
    let mut handles = Vec::new();
    for (ri, g) in runs.iter().enumerate() {
        let hidden = o.hide == Some(ri);
        let top = y;
        let mut head = vec![Item::Text {
            x: 4.0,
            y: y + 16.0,
            text: g.title.clone(),
            class: "bold",
            anchor: Anchor::Start,
        }];
        if hidden {
            head.push(Item::Text {
                x: total_x,
                y: y + total_dy,
                text: "total: ?".into(),
                class: "muted",
                anchor: total_anchor,
            });
        } else if t >= g.end {
            head.push(Item::Text {
                x: total_x,
                y: y + total_dy,
                text: format!("total {}", fmt_secs(g.end)),
                class: "bold",
                anchor: total_anchor,
            });
        } else {
            head.push(Item::Text {
                x: total_x,
                y: y + total_dy,
                text: format!("running… {}", fmt_secs(t)),
                class: "muted",
                anchor: total_anchor,
            });
        }
        items.push(Item::Group {
            class: "run-head",
            label: None,
            key: None,
            items: head,
        });
        y += HEAD_H;
        let rows = g.lanes.len() + 1;
        for (li, lane) in g.lanes.iter().enumerate() {
            let ly = y + li as f32 * LANE_H;
            let mut li_items = lane_row(ly, (LEFT, o.width - RIGHT), lane.name.clone(), "small");
            if let (Some(dr), Some(first), Some(last), false) = (
                o.drag.filter(|d| d.run == ri),
                lane.segs.first(),
                lane.segs.last(),
                hidden,
            ) {
                let (from, to) = (first.from, last.to);
                li_items.push(bar(&x, (from, to), (ly + 4.0, LANE_H - 8.0), "ghost", None));
                handles.push(Item::Handle {
                    x: x.t(to),
                    y: ly + 1.0,
                    h: LANE_H - 2.0,
                    key: li.to_string(),
                    label: format!("{} duration", lane.name),
                    value: to - from,
                    min: dr.min,
                    max: dr.max,
                    step: dr.step,
                    step_w: x.t(dr.step) - x.t(0),
                });
            }
            if !hidden {
                for s in &lane.segs {
                    if s.from >= t && !(t == 0 && s.from == 0) {
                        break;
                    }
                    let to = s.to.min(t);
                    if to <= s.from {
                        continue;
                    }
                    let tip = format!(
                        "{}: {} from {} to {}",
                        lane.name,
                        word_of(s.kind),
                        fmt_secs(s.from),
                        fmt_secs(s.to)
                    );
                    let (y, h) = (ly + 4.0, LANE_H - 8.0);
                    li_items.push(bar(&x, (s.from, to), (y, h), class_of(s.kind), Some(tip)));
                }
                for &r in lane.runs.iter().take_while(|&&r| r <= t) {
                    li_items.push(Item::Circle {
                        cx: x.t(r),
                        cy: ly + LANE_H / 2.0,
                        r: 4.0,
                        class: "s-run",
                        tip: Some(format!("{} runs at {}", lane.name, fmt_secs(r))),
                    });
                }
                if let Some(d) = lane.done.filter(|&d| d <= t) {
                    li_items.push(Item::Text {
                        x: x.t(d) + 7.0,
                        y: ly + 15.0,
                        // "done" where the picture has room for it after the tick (10-unit
                        // text, ~5.6 units a character).
                        text: if x.t(d) + 7.0 + 6.0 * 5.6 <= o.width - 2.0 {
                            "✓ done".into()
                        } else {
                            "✓".into()
                        },
                        class: "small s-done",
                        anchor: Anchor::Start,
                    });
                }
            }
            items.push(Item::Group {
                class: "lane-row",
                label: Some(format!("{} lane", lane.name)),
                key: None,
                items: li_items,
            });
        }
        // The thread row.
        let ty = y + g.lanes.len() as f32 * LANE_H;
        let mut th = lane_row(ty, (LEFT, o.width - RIGHT), "thread".into(), "small muted");
        if !hidden {
            let mut any = false;
            for &(a, b) in g.held.iter().filter(|h| h.0 < t) {
                any = true;
                let bb = b.min(t);
                let tip = format!(
                    "thread held by time.sleep from {} to {}",
                    fmt_secs(a),
                    fmt_secs(b)
                );
                th.push(bar(
                    &x,
                    (a, bb),
                    (ty + 6.0, LANE_H - 12.0),
                    "s-blocked",
                    Some(tip),
                ));
                // Only inside a bar wide enough for it (18 small characters, ~101 units).
                if x.t(bb) - x.t(a) > 108.0 {
                    th.push(Item::Text {
                        x: (x.t(a) + x.t(bb)) / 2.0,
                        y: ty + 15.0,
                        text: "held by time.sleep".into(),
                        class: "small on-blocked",
                        anchor: Anchor::Middle,
                    });
                }
            }
            if !any && t > 0 {
                th.push(Item::Text {
                    x: LEFT + 6.0,
                    y: ty + 15.0,
                    text: if narrow {
                        "free: nothing holds it".into()
                    } else {
                        "free: the loop waits on timers, nothing held".into()
                    },
                    class: "small muted",
                    anchor: Anchor::Start,
                });
            }
            if t >= g.end {
                items.push(Item::Line {
                    x1: x.t(g.end),
                    y1: top + HEAD_H - 4.0,
                    x2: x.t(g.end),
                    y2: ty + LANE_H,
                    class: "axis dashed",
                });
                if x.t(g.end) + 60.0 < o.width - RIGHT {
                    items.push(Item::Text {
                        x: x.t(g.end) + 4.0,
                        y: top + HEAD_H - 2.0,
                        text: fmt_secs(g.end),
                        class: "small bold",
                        anchor: Anchor::Start,
                    });
                }
            }
        }
        items.push(Item::Group {
            class: "thread-row",
            label: Some("thread".into()),
            key: None,
            items: th,
        });
        if hidden {
            items.push(Item::Rect {
                x: LEFT,
                y,
                w: o.width - RIGHT - LEFT,
                h: rows as f32 * LANE_H,
                rx: 4.0,
                class: "box",
                tip: None,
            });
            items.push(Item::Text {
                x: (LEFT + o.width - RIGHT) / 2.0,
                y: y + rows as f32 * LANE_H / 2.0 + 4.0,
                text: if narrow {
                    "Predict first: how long?".into()
                } else {
                    "Predict first: how long will this run take?".into()
                },
                class: "bold",
                anchor: Anchor::Middle,
            });
        }
        spans.push((y, y + rows as f32 * LANE_H));
        y += rows as f32 * LANE_H + GAP;
    }
    // Grid and "now" lines cross the lanes, not the runs' headings: one segment per run, the
    // last one down to the axis.
    if let Some(last) = spans.last_mut() {
        last.1 = y;
    }
    // Axis.
    let ay = y;
    items.push(Item::Line {
        x1: LEFT,
        y1: ay,
        x2: o.width - RIGHT,
        y2: ay,
        class: "axis",
    });
    for tt in x.time_ticks(if narrow { 4 } else { 6 }) {
        let px = x.t(tt);
        crossing(&mut items, &spans, px, "grid faint");
        items.push(Item::Text {
            x: px,
            y: ay + 14.0,
            text: axis_secs(tt),
            class: "small muted",
            anchor: Anchor::Middle,
        });
    }
    // Now.
    crossing(&mut items, &spans, x.t(t.min(end)), "now");
    // Grid lines go under everything else.
    let (mut grid, rest): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .partition(|i| matches!(i, Item::Line { class, .. } if class.starts_with("grid")));
    grid.extend(rest);
    grid.extend(handles);
    let mut sc = Scene::new(o.width, ay + 22.0, "Query timelines on one clock");
    sc.items = grid;
    sc
}

/// A vertical line at `x` over each of `spans` (top, bottom).
fn crossing(items: &mut Vec<Item>, spans: &[(f32, f32)], x: f32, class: &'static str) {
    items.extend(spans.iter().map(|&(y1, y2)| Item::Line {
        x1: x,
        y1,
        x2: x,
        y2,
        class,
    }));
}

/// A lane's background band at `y` across the plot (`x0..x1`), its label right-aligned before it.
fn lane_row(y: f32, (x0, x1): (f32, f32), label: String, label_class: &'static str) -> Vec<Item> {
    let shown = fit_lane_label(&label, x0 - 10.0);
    let tip = (shown != label).then_some(label);
    vec![
        Item::Rect {
            x: x0,
            y: y + 2.0,
            w: x1 - x0,
            h: LANE_H - 4.0,
            rx: 3.0,
            class: "lane",
            tip,
        },
        text(x0 - 6.0, y + 15.0, shown, label_class, Anchor::End),
    ]
}

/// A lane's name as it fits in `room` px of small text. A scenario file may name a query with
/// up to 40 characters: `db_query("fetch_user_profile")` drops to `"fetch_user_profile"`, and
/// what is still too long is cut with "…" (the lane's tooltip keeps the whole name).
fn fit_lane_label(label: &str, room: f32) -> String {
    // 5.4 px a character: the small font's average, as the overlap checks measure it.
    let max = (room / 5.4) as usize;
    let fits = |s: &str| s.chars().count() <= max;
    if fits(label) {
        return label.to_string();
    }
    let inner = label
        .strip_prefix("db_query(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(label);
    if fits(inner) {
        return inner.to_string();
    }
    let mut s: String = inner.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::programs::queries::{gather, sequential, Query};
    use crate::sim::SEC;

    fn qs(a: f64, b: f64) -> Vec<Query> {
        vec![Query::new("A", a), Query::new("B", b)]
    }

    #[test]
    fn sequential_lanes_are_blocked_one_after_the_other() {
        let g = Gantt::from_trace("seq", &sequential(&qs(2.0, 3.0)).unwrap());
        assert_eq!(g.end, 5 * SEC);
        assert_eq!(g.lanes.len(), 2);
        assert_eq!(
            g.lanes[0].segs,
            vec![Seg {
                from: 0,
                to: 2 * SEC,
                kind: SegKind::Blocked
            }]
        );
        assert_eq!(
            g.lanes[1].segs,
            vec![Seg {
                from: 2 * SEC,
                to: 5 * SEC,
                kind: SegKind::Blocked
            }]
        );
        assert_eq!(g.held, vec![(0, 2 * SEC), (2 * SEC, 5 * SEC)]);
        assert_eq!(g.line_at(SEC), Some(5));
        assert_eq!(g.line_at(5 * SEC), Some(11));
    }

    #[test]
    fn gather_lanes_wait_together_and_blocking_freezes_the_other() {
        let g = Gantt::from_trace("gather", &gather(&qs(2.0, 3.0)).unwrap());
        assert_eq!(g.end, 3 * SEC);
        assert_eq!(g.lanes[0].segs[0].kind, SegKind::Waiting);
        assert_eq!(g.lanes[1].segs[0].to, 3 * SEC);
        assert!(g.held.is_empty());
        assert_eq!(g.line_at(SEC), Some(6));
        assert_eq!(g.printed_at(0).len(), 2);

        let mut q = qs(2.0, 3.0);
        q[0].blocking = true;
        let g = Gantt::from_trace("gather", &gather(&q).unwrap());
        assert_eq!(g.end, 5 * SEC);
        assert_eq!(g.held, vec![(0, 2 * SEC)]);
        // B is ready from 0 s but frozen until A releases the thread at 2 s.
        assert_eq!(
            g.lanes[1].segs[0],
            Seg {
                from: 0,
                to: 2 * SEC,
                kind: SegKind::Frozen
            }
        );
        assert!(g.held_at(SEC));
    }

    #[test]
    fn scene_marks_totals_and_hides_the_predicted_run() {
        let a = Gantt::from_trace("one after the other", &sequential(&qs(2.0, 3.0)).unwrap());
        let b = Gantt::from_trace("asyncio.gather", &gather(&qs(2.0, 3.0)).unwrap());
        let sc = layout(&[&a, &b], 5 * SEC, Opts::default());
        let texts = sc.texts();
        assert!(texts.contains(&"total 5 s"), "{texts:?}");
        assert!(texts.contains(&"total 3 s"));
        let sc = layout(
            &[&a, &b],
            5 * SEC,
            Opts {
                hide: Some(1),
                ..Opts::default()
            },
        );
        assert!(sc.texts().contains(&"total: ?"));
        assert!(!sc.texts().contains(&"total 3 s"));
        let sc = layout(&[&a, &b], SEC, Opts::default());
        assert!(sc.texts().iter().any(|t| t.starts_with("running…")));
    }

    #[test]
    fn narrow_picture_keeps_every_fact_inside_340_units() {
        let a = Gantt::from_trace(
            "One after the other (queries_sync.py)",
            &sequential(&qs(2.0, 3.0)).unwrap(),
        );
        let b = Gantt::from_trace(
            "asyncio.gather (queries_gather.py)",
            &gather(&qs(2.0, 3.0)).unwrap(),
        );
        let o = Opts {
            width: NARROW_W,
            ..Opts::default()
        };
        let sc = layout(&[&a, &b], 5 * SEC, o);
        assert_eq!(sc.width, NARROW_W);
        let t = sc.texts();
        assert!(
            t.contains(&"total 5 s") && t.contains(&"total 3 s"),
            "{t:?}"
        );
        fn check(items: &[Item], w: f32) {
            for i in items {
                match i {
                    Item::Text {
                        x, text, anchor, ..
                    } => {
                        // ~6 units per character at 10–12 px.
                        let len = text.chars().count() as f32 * 6.0;
                        let (l, r) = match anchor {
                            Anchor::Start => (*x, *x + len),
                            Anchor::End => (*x - len, *x),
                            Anchor::Middle => (*x - len / 2.0, *x + len / 2.0),
                        };
                        assert!(l >= 0.0 && r <= w + 2.0, "{text:?} spans {l}..{r}");
                    }
                    Item::Group { items, .. } => check(items, w),
                    _ => {}
                }
            }
        }
        check(&sc.items, NARROW_W);
        // A lane that ends with room after it says "done" on a phone too; the one that ends at
        // the axis's right end (the sequential run's 5 s) keeps the bare tick.
        let done = t.iter().filter(|x| **x == "✓ done").count();
        let ticks = t.iter().filter(|x| **x == "✓").count();
        assert_eq!((done, ticks), (3, 1), "{t:?}");
        let hidden = layout(&[&a, &b], 5 * SEC, Opts { hide: Some(1), ..o });
        check(&hidden.items, NARROW_W);
    }

    #[test]
    fn hundred_layouts_at_random_times() {
        let a = Gantt::from_trace("seq", &sequential(&qs(2.0, 3.0)).unwrap());
        let b = Gantt::from_trace("gather", &gather(&qs(2.0, 3.0)).unwrap());
        let start = std::time::Instant::now();
        let mut seed = 7u64;
        let mut n = 0;
        for _ in 0..100 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = (seed >> 33) % (5 * SEC + 1);
            n += layout(&[&a, &b], t, Opts::default()).items.len();
        }
        println!(
            "queries: 100 layouts in {:?} ({} items total)",
            start.elapsed(),
            n
        );
    }

    #[test]
    fn long_query_names_fit_the_lane_labels() {
        assert_eq!(fit_lane_label("db_query(\"A\")", 108.0), "db_query(\"A\")");
        assert_eq!(
            fit_lane_label("db_query(\"fetch_user_profile\")", 108.0),
            "\"fetch_user_profile\""
        );
        let w = format!("db_query(\"{}\")", "W".repeat(40));
        let short = fit_lane_label(&w, 108.0);
        assert_eq!(short.chars().count(), 20);
        assert!(
            short.starts_with("\"WWW") && short.ends_with('…'),
            "{short}"
        );
    }

    #[test]
    fn a_dragged_run_has_one_handle_per_query_at_its_bar_end() {
        let a = Gantt::from_trace("seq", &sequential(&qs(2.0, 3.0)).unwrap());
        let b = Gantt::from_trace("gather", &gather(&qs(2.0, 3.0)).unwrap());
        let drag = Drag {
            run: 0,
            min: SEC / 10,
            max: 20 * SEC,
            step: SEC / 10,
        };
        let o = Opts {
            drag: Some(drag),
            ..Opts::default()
        };
        // At t = 0 nothing has run, yet the handles (and the outlines) show the whole bars.
        let sc = layout(&[&a, &b], 0, o);
        let hs: Vec<_> = sc
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Handle {
                    x,
                    key,
                    value,
                    step_w,
                    ..
                } => Some((*x, key.clone(), *value, *step_w)),
                _ => None,
            })
            .collect();
        assert_eq!(hs.len(), 2, "one per query lane of the upper run only");
        assert_eq!((hs[0].1.as_str(), hs[0].2), ("0", 2 * SEC));
        assert_eq!((hs[1].1.as_str(), hs[1].2), ("1", 3 * SEC));
        // On the axis: the 5 s scale puts B's end (5 s) 2.5x as far from 0 as A's end (2 s), and
        // a step is a fiftieth of the 5 s span.
        let x0 = hs[0].0 - 2.0 * 10.0 * hs[0].3;
        assert!((hs[1].0 - x0 - 5.0 * 10.0 * hs[0].3).abs() < 0.01, "{hs:?}");
        let outlines = |sc: &Scene| {
            let mut n = 0;
            fn walk(items: &[Item], n: &mut usize) {
                for i in items {
                    match i {
                        Item::Rect { class: "ghost", .. } => *n += 1,
                        Item::Group { items, .. } => walk(items, n),
                        _ => {}
                    }
                }
            }
            walk(&sc.items, &mut n);
            n
        };
        assert_eq!(outlines(&sc), 2);
        // Exports leave the handles out; without `drag` there are none.
        assert!(!sc.to_svg().contains("handle"));
        let plain = layout(&[&a, &b], 0, Opts::default());
        assert!(!plain.items.iter().any(|i| matches!(i, Item::Handle { .. })));
        assert_eq!(outlines(&plain), 0);
    }
}
