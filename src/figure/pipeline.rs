//! The backpressure lab's pictures (chapters 9–10): a producer → queue → consumer pipeline with
//! items moving, an accounting row (produced = consumed + dropped + queued, from the snapshot's
//! counters), and charts over virtual time (queue depth, memory with the out-of-memory line,
//! throughput, end-to-end latency, items dropped); the fork (two continuations side by side);
//! and the `request(n)` demand picture (credits as tokens travelling upstream).
//!
//! Pure: `LabData::new(trace)` precomputes every series once (the counters and task states with the
//! same rules as [`crate::sim::Replay::state_at`], checked against it in the tests); the `*_scene`
//! functions cut them at `t` with binary searches, so a frame is O(log n + pixels). Classes: `box`, `lane`, `s-queue`
//! (queued items), `s-run` (consumer busy, goodput), `s-wait` (producer waiting), `s-danger`
//! (drops, OOM), `s-accent` (credits), `muted`, `small`, `big`, `bold`, `faint`, `outline`.
use super::charts::{chart, short_num, ChartSpec, Series};
use super::load::wrap;
use super::{card, fmt_secs, Anchor, Item, Scene};
use crate::sim::{EventKind, Policy, ResourceKind, TaskId, TaskState, Time, Trace, Wait, MS, SEC};

/// How long (virtual) an item takes to travel from the producer into the queue in the picture.
pub const TRAVEL: Time = 150 * MS;

/// Everything about one lab run that does not depend on `t`.
#[derive(Clone, Debug, PartialEq)]
pub struct LabData {
    /// Total queue depth (all queues).
    pub depth: Series,
    /// Memory in KB (`mem_unit_kb` = 1) or, for runs that reach a megabyte, in MB (1024): the
    /// unit the memory chart's axis is labelled in.
    pub memory: Series,
    /// KB per unit of `memory`.
    pub mem_unit_kb: f64,
    /// Items produced per second (queued or dropped on arrival).
    pub in_rate: Series,
    /// Items handled per second.
    pub out_rate: Series,
    /// End-to-end latency (seconds) of each handled item, at its completion.
    pub latency: Series,
    /// Items dropped so far.
    pub dropped: Series,
    /// Times of the puts and drops (for items in flight and drop flashes).
    pub puts: Vec<Time>,
    /// Times of drops.
    pub drops: Vec<Time>,
    /// Times the consumer finished an item.
    pub done: Vec<Time>,
    /// Run end.
    pub end: Time,
    /// Time of the out-of-memory crash.
    pub oom: Option<Time>,
    /// Memory limit in KB (none when unlimited).
    pub limit_kb: Option<f64>,
    /// Queue bound (the first queue's), if bounded.
    pub capacity: Option<u32>,
    /// Each queue's own depth and bound, in the trace's order: the lab's queue and, in a fork's
    /// switched run, the queue the producer puts into from the switch on (the consumer drains
    /// the first one before it).
    pub queues: Vec<QueueTrack>,
    /// Producer task (or coroutine) named "producer".
    pub producer: Option<TaskId>,
    /// Consumer task.
    pub consumer: Option<TaskId>,
    /// Endpoint task of the preset ("produce").
    pub endpoint: Option<TaskId>,
    /// States of the producer, consumer and endpoint.
    pub tracks: [TaskTrack; 3],
    /// The counters after each queue event.
    pub books: Vec<(Time, Books)>,
}

/// A task's state over time: `(time, state)` spans, the last one at or before `t` applies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskTrack {
    spans: Vec<(Time, TaskState)>,
}

impl TaskTrack {
    /// Follow task `id` through the trace.
    pub fn new(tr: &Trace, id: Option<TaskId>) -> TaskTrack {
        let Some(id) = id else {
            return TaskTrack::default();
        };
        let mut spans = Vec::new();
        for e in tr.events.iter().filter(|e| e.task == id) {
            let st = match e.kind {
                EventKind::Created { .. } => TaskState::Created,
                EventKind::Scheduled { .. } | EventKind::Woken { .. } => TaskState::Ready,
                EventKind::PollStart | EventKind::Enter { .. } => TaskState::Running,
                EventKind::Suspended { wait } => TaskState::Waiting(wait),
                EventKind::Done => TaskState::Done,
                EventKind::Cancelled => TaskState::Cancelled,
                _ => continue,
            };
            spans.push((e.t, st));
        }
        TaskTrack { spans }
    }
    /// The state after every event with time `<= t` (`None` before the task exists).
    pub fn at(&self, t: Time) -> Option<TaskState> {
        let n = self.spans.partition_point(|s| s.0 <= t);
        (n > 0).then(|| self.spans[n - 1].1)
    }
}

/// The queue counters at an instant (as `Snapshot::counters`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Books {
    /// Items produced (queued or dropped on arrival).
    pub produced: u64,
    /// Items taken by the consumer.
    pub consumed: u64,
    /// Items dropped.
    pub dropped: u64,
    /// Items in the queues.
    pub queued: u64,
}

/// One queue of a lab run: its depth over time and its bound.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueTrack {
    /// Items in this queue.
    pub depth: Series,
    /// Its bound, if bounded.
    pub capacity: Option<u32>,
}

fn task_named(tr: &Trace, name: &str) -> Option<TaskId> {
    (0..tr.tasks.len() as u32).find(|&i| tr.task_name(i) == name)
}

impl LabData {
    /// Precompute the series of a lab trace.
    pub fn new(tr: &Trace) -> LabData {
        let nq = tr.resources.len();
        let mut per_q = vec![0u32; nq];
        // Resource index -> index in `queues`.
        let mut track_of = vec![None; nq];
        let mut queues = Vec::new();
        for (i, r) in tr.resources.iter().enumerate() {
            if r.kind == ResourceKind::Queue {
                track_of[i] = Some(queues.len());
                let mut depth = Series::step();
                depth.push(0, 0.0);
                queues.push(QueueTrack {
                    depth,
                    capacity: (r.capacity != u32::MAX).then_some(r.capacity),
                });
            }
        }
        let mut depth = Series::step();
        let mut memory_kb = Series::step();
        let mut latency = Series::line();
        let mut dropped = Series::step();
        let (mut puts, mut drops, mut done) = (Vec::new(), Vec::new(), Vec::new());
        // Every produced item: queued (a put) or dropped on arrival (drop-newest).
        let mut produced = Vec::new();
        let mut oom = None;
        let mut b = Books::default();
        let mut books = vec![(0, b)];
        depth.push(0, 0.0);
        memory_kb.push(0, 0.0);
        dropped.push(0, 0.0);
        for e in &tr.events {
            match e.kind {
                EventKind::QueuePut { q, depth: d }
                | EventKind::QueueGet { q, depth: d }
                | EventKind::QueueDrop { q, depth: d } => {
                    if let Some(x) = per_q.get_mut(q as usize) {
                        *x = d;
                    }
                    if let Some(&Some(k)) = track_of.get(q as usize) {
                        queues[k].depth.push(e.t, d as f64);
                    }
                    depth.push(e.t, per_q.iter().map(|&x| x as f64).sum());
                    match e.kind {
                        EventKind::QueuePut { .. } => {
                            puts.push(e.t);
                            produced.push(e.t);
                            b.produced += 1;
                            b.queued += 1;
                        }
                        EventKind::QueueGet { .. } => {
                            b.consumed += 1;
                            b.queued = b.queued.saturating_sub(1);
                        }
                        _ => {
                            drops.push(e.t);
                            dropped.push(e.t, drops.len() as f64);
                            b.dropped += 1;
                            let newest = tr
                                .resources
                                .get(q as usize)
                                .is_some_and(|r| r.policy == Policy::DropNewest);
                            if newest {
                                produced.push(e.t);
                                b.produced += 1;
                            } else {
                                b.queued = b.queued.saturating_sub(1);
                            }
                        }
                    }
                    books.push((e.t, b));
                }
                EventKind::Memory { lo, hi } => {
                    memory_kb.push(e.t, ((hi as u64) << 32 | lo as u64) as f64 / 1024.0)
                }
                EventKind::OutOfMemory { lo, hi } => {
                    memory_kb.push(e.t, ((hi as u64) << 32 | lo as u64) as f64 / 1024.0);
                    oom = Some(e.t);
                }
                EventKind::RequestDone { latency: l, .. } => {
                    latency.push(e.t, l as f64 / SEC as f64);
                    done.push(e.t);
                }
                _ => {}
            }
        }
        let end = tr.end.max(1);
        depth.push(end, per_q.iter().map(|&x| x as f64).sum());
        for (i, &d) in per_q.iter().enumerate() {
            if let Some(k) = track_of[i] {
                queues[k].depth.push(end, d as f64);
            }
        }
        let bucket = (end / 40).clamp(100 * MS, SEC);
        let capacity = queues.first().and_then(|q| q.capacity);
        let limit_kb = (tr.memory_limit != u64::MAX).then(|| tr.memory_limit as f64 / 1024.0);
        let mem_unit_kb = if memory_kb.max().max(limit_kb.unwrap_or(0.0)) >= 1024.0 {
            1024.0
        } else {
            1.0
        };
        let mut memory = memory_kb;
        memory.v.iter_mut().for_each(|v| *v /= mem_unit_kb);
        LabData {
            in_rate: Series::rate(&produced, bucket, end),
            out_rate: Series::rate(&done, bucket, end),
            depth,
            memory,
            mem_unit_kb,
            latency,
            dropped,
            puts,
            drops,
            done,
            end,
            oom,
            limit_kb,
            capacity,
            queues,
            producer: task_named(tr, "producer"),
            consumer: task_named(tr, "consumer"),
            endpoint: task_named(tr, "produce"),
            tracks: [
                TaskTrack::new(tr, task_named(tr, "producer")),
                TaskTrack::new(tr, task_named(tr, "consumer")),
                TaskTrack::new(tr, task_named(tr, "produce")),
            ],
            books,
        }
    }

    /// The counters at `t`.
    pub fn books_at(&self, t: Time) -> Books {
        let n = self.books.partition_point(|b| b.0 <= t);
        self.books[n.saturating_sub(1)].1
    }
}

/// Is the producer suspended in `put` on a full queue at `t`?
pub fn producer_waiting_in_put(d: &LabData, t: Time) -> bool {
    matches!(
        d.tracks[0].at(t),
        Some(TaskState::Waiting(Wait::QueuePut(_)))
    )
}

/// The line of `producer_consumer.py` to mark (CODE_LINES.md): 11 while the producer waits in
/// `put`, else the consumer's line while the producer runs, else the endpoint's line.
pub fn preset_line(d: &LabData, t: Time) -> Option<u32> {
    if producer_waiting_in_put(d, t) {
        return Some(11);
    }
    match d.tracks[2].at(t) {
        None => None,
        Some(TaskState::Done) => Some(25),
        Some(TaskState::Waiting(Wait::QueueJoin(_))) => Some(24),
        _ => match d.tracks[1].at(t) {
            Some(TaskState::Waiting(Wait::QueueGet(_))) => Some(16),
            Some(TaskState::Waiting(Wait::Timer(_))) => Some(17),
            _ if d.tracks[0].at(t).is_some() => Some(11),
            _ => Some(22),
        },
    }
}

/// Options of one lab panel.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelOpts {
    /// Heading of the panel.
    pub heading: String,
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Chart columns (2 for one wide panel, 1 in the fork).
    pub cols: u32,
    /// A vertical marker on every chart (the fork's switch).
    pub marker: Option<(Time, String)>,
    /// The charts' time axis ends here (the fork gives both panels the later run's end, so
    /// their axes line up); `None`: at this run's end.
    pub end: Option<Time>,
    /// Height kept for the out-of-memory banner (the fork gives both panels the larger, so
    /// their charts start at the same height); `None`: this run's own.
    pub banner_room: Option<f32>,
}

/// The lines of the out-of-memory banner of a panel `w` wide, crashed at `at`.
fn oom_banner(at: Time, w: f32) -> Vec<String> {
    wrap(
        &format!(
            "Out of memory at {}: the process crashed; everything queued is lost",
            fmt_secs(at)
        ),
        ((w - 12.0) / 6.8) as usize,
    )
}

/// Height a panel `w` wide keeps for its out-of-memory banner, reserved from the start so
/// nothing jumps when it appears.
fn banner_room(d: &LabData, w: f32) -> f32 {
    match d.oom {
        Some(at) => 31.0 + 15.0 * oom_banner(at, w).len() as f32,
        None => 30.0,
    }
}

/// The accounting sentence at `t`: (text, balanced).
pub fn accounting(d: &LabData, t: Time) -> (String, bool) {
    let c = d.books_at(t);
    let ok = c.produced == c.consumed + c.dropped + c.queued;
    (
        format!(
            "produced {} = consumed {} + dropped {} + queued {}{}",
            c.produced,
            c.consumed,
            c.dropped,
            c.queued,
            if ok { "  ✓" } else { "  ✗" }
        ),
        ok,
    )
}

/// A box's status, centred at `cx`, one line (y = `py` + 44) or two (+40, +53) when longer
/// than `max` characters.
fn status_lines(status: &str, max: usize, cx: f32, py: f32, class: &'static str) -> Vec<Item> {
    let lines = wrap(status, max.max(6));
    let y0 = if lines.len() > 1 {
        py + 40.0
    } else {
        py + 44.0
    };
    lines
        .into_iter()
        .take(2)
        .enumerate()
        .map(|(i, l)| Item::Text {
            x: cx,
            y: y0 + 13.0 * i as f32,
            text: l,
            class,
            anchor: Anchor::Middle,
        })
        .collect()
}

/// One lab panel (pipeline, accounting row, charts); returns its items and height.
pub fn lab_panel(d: &LabData, t: Time, o: &PanelOpts) -> (Vec<Item>, f32) {
    let mut out = Vec::new();
    let (x0, y0, w) = (o.x, o.y, o.w);
    // The heading (15-unit bold) wraps to the panel's width: ≈ 9.2 units a character, the
    // widest of the fonts the site falls back to (DejaVu Sans Bold on Linux; 8.3 in Segoe UI).
    let head = wrap(&o.heading, (w / 9.2) as usize);
    for (i, l) in head.iter().enumerate() {
        out.push(Item::Text {
            x: x0,
            y: y0 + 14.0 + i as f32 * 18.0,
            text: l.clone(),
            class: "big",
            anchor: Anchor::Start,
        });
    }
    // --- pipeline ---
    let py = y0 + 34.0 + (head.len().max(1) - 1) as f32 * 18.0;
    let bh = 62.0;
    let pw = (w * 0.2).max(80.0);
    // Status lines (10-unit, ≈ 5.6 units a character) wrap inside the boxes.
    let status_chars = ((pw - 14.0) / 5.6) as usize;
    let cw = pw;
    let qx = x0 + pw + 24.0;
    let qw = w - pw - cw - 48.0;
    let cx = x0 + w - cw;
    let waiting_put = producer_waiting_in_put(d, t);
    let pstate = d.tracks[0].at(t);
    // After an out-of-memory crash nothing runs any more, whatever each task was doing.
    let crashed = d.oom.is_some_and(|at| t >= at);
    let (pstatus, pclass) = match pstate {
        _ if crashed => ("crashed", "s-danger"),
        Some(TaskState::Waiting(Wait::QueuePut(_))) => ("waiting in put(): full", "s-wait"),
        Some(TaskState::Waiting(Wait::RateLimit(_))) => ("waiting for a token", "s-wait"),
        Some(TaskState::Done) => ("done", "s-done"),
        Some(TaskState::Cancelled) => ("stopped", "s-done"),
        _ => ("producing", "s-run"),
    };
    out.push(Item::Group {
        class: "producer",
        label: Some(format!("producer: {pstatus}")),
        key: None,
        items: vec![
            Item::Rect {
                x: x0,
                y: py,
                w: pw,
                h: bh,
                rx: 6.0,
                class: if waiting_put { "box s-wait-box" } else { "box" },
                tip: None,
            },
            Item::Rect {
                x: x0,
                y: py,
                w: 6.0,
                h: bh,
                rx: 2.0,
                class: pclass,
                tip: None,
            },
            Item::Text {
                x: x0 + pw / 2.0 + 3.0,
                y: py + 24.0,
                text: "producer".into(),
                class: "bold",
                anchor: Anchor::Middle,
            },
        ]
        .into_iter()
        .chain(status_lines(
            pstatus,
            status_chars,
            x0 + pw / 2.0 + 3.0,
            py,
            if pclass == "s-wait" {
                "small bold s-wait"
            } else {
                "small muted"
            },
        ))
        .collect(),
    });
    // Queue box and its items.
    let mut qitems = vec![Item::Rect {
        x: qx,
        y: py,
        w: qw,
        h: bh,
        rx: 6.0,
        class: "lane",
        tip: None,
    }];
    let r = 5.0f32;
    let per_row = ((qw - 8.0) / (2.0 * r + 3.0)).floor().max(1.0) as u32;
    // After a fork's switch the producer puts into the new queue: its items and bound are
    // drawn, and what is left in the old queue (drained first) is said below them.
    let switched = d.queues.len() > 1 && o.marker.as_ref().is_some_and(|(at, _)| t >= *at);
    let (depth_now, capacity, old_left) = if switched {
        let new_depth = d.queues[1].depth.at(t) as u32;
        (
            new_depth,
            d.queues[1].capacity,
            d.queues[0].depth.at(t) as u32,
        )
    } else {
        (d.depth.at(t) as u32, d.capacity, 0)
    };
    // Three rows of dots; when more are queued than fit, or an old queue is to be said, two
    // rows and a line below them (the third row's place), so the line never sits on the dots.
    let max_dots = if depth_now > per_row * 3 || old_left > 0 {
        per_row * 2
    } else {
        per_row * 3
    };
    let slots = capacity.filter(|&c| c <= max_dots).unwrap_or(0);
    let dot = |i: u32| {
        // Oldest (next out) on the right.
        let col = i % per_row;
        let row = i / per_row;
        (
            qx + qw - 4.0 - r - col as f32 * (2.0 * r + 3.0),
            py + 12.0 + r + row as f32 * (2.0 * r + 4.0),
        )
    };
    for i in 0..slots {
        let (x, y) = dot(i);
        qitems.push(Item::Circle {
            cx: x,
            cy: y,
            r,
            class: "outline faint",
            tip: None,
        });
    }
    for i in 0..depth_now.min(max_dots) {
        let (x, y) = dot(i);
        qitems.push(Item::Circle {
            cx: x,
            cy: y,
            r,
            class: "s-queue",
            tip: None,
        });
    }
    let name = if switched { "new queue" } else { "queue" };
    let qlabel = match capacity {
        Some(c) => format!("{name}: {depth_now} / {c}"),
        None => format!("{name}: {depth_now} (no bound)"),
    };
    qitems.push(Item::Text {
        x: qx + 4.0,
        y: py - 4.0,
        text: qlabel.clone(),
        class: "small bold",
        anchor: Anchor::Start,
    });
    let below = match (depth_now > max_dots, old_left > 0) {
        (true, true) => Some(format!("+{} more; old: {old_left}", depth_now - max_dots)),
        (true, false) => Some(format!("+{} more", depth_now - max_dots)),
        (false, true) => Some(format!("old queue: {old_left} left")),
        (false, false) => None,
    };
    if let Some(text) = below {
        qitems.push(Item::Text {
            x: qx + 6.0,
            y: py + bh - 6.0,
            text,
            class: "small bold",
            anchor: Anchor::Start,
        });
    }
    let qlabel = if old_left > 0 {
        format!("{qlabel}; old queue: {old_left} left, drained first")
    } else {
        qlabel
    };
    out.push(Item::Group {
        class: "queue",
        label: Some(qlabel),
        key: None,
        items: qitems,
    });
    // Arrows.
    for (ax, bx) in [(x0 + pw + 2.0, qx - 4.0), (qx + qw + 2.0, cx - 4.0)] {
        out.push(Item::Line {
            x1: ax,
            y1: py + bh / 2.0,
            x2: bx,
            y2: py + bh / 2.0,
            class: "axis",
        });
        out.push(Item::Poly {
            points: vec![
                (bx - 6.0, py + bh / 2.0 - 4.0),
                (bx, py + bh / 2.0),
                (bx - 6.0, py + bh / 2.0 + 4.0),
            ],
            class: "axis",
        });
    }
    // An item travelling from the producer into the queue (the latest put); nothing moves
    // once the process has crashed.
    let np = d.puts.partition_point(|&x| x <= t);
    if np > 0 && !crashed {
        let tp = d.puts[np - 1];
        if t - tp < TRAVEL {
            let f = (t - tp) as f32 / TRAVEL as f32;
            let (ax, bx) = (x0 + pw + 4.0, qx + 4.0);
            out.push(Item::Circle {
                cx: ax + (bx - ax) * f,
                cy: py + bh / 2.0 - 8.0,
                r,
                class: "s-queue",
                tip: None,
            });
        }
    }
    // A dropped item falls out under the queue.
    let nd = d.drops.partition_point(|&x| x <= t);
    if nd > 0 {
        let td = d.drops[nd - 1];
        if t - td < 2 * TRAVEL {
            let f = (t - td) as f32 / (2 * TRAVEL) as f32;
            out.push(Item::Circle {
                cx: qx + qw / 2.0,
                cy: py + bh + 6.0 + 14.0 * f,
                r,
                class: "s-danger",
                tip: Some("dropped".into()),
            });
            out.push(Item::Text {
                x: qx + qw / 2.0 + 10.0,
                y: py + bh + 14.0,
                text: "dropped!".into(),
                class: "small bold",
                anchor: Anchor::Start,
            });
        }
    }
    // Consumer.
    let cstate = d.tracks[1].at(t);
    let (cstatus, cclass) = match cstate {
        _ if crashed => ("crashed", "s-danger"),
        Some(TaskState::Waiting(Wait::QueueGet(_))) => ("waiting for an item", "s-wait"),
        Some(TaskState::Cancelled) => ("cancelled", "s-done"),
        Some(TaskState::Done) => ("done", "s-done"),
        None => ("not started", "s-done"),
        _ => ("handling an item", "s-run"),
    };
    let mut citems = vec![
        Item::Rect {
            x: cx,
            y: py,
            w: cw,
            h: bh,
            rx: 6.0,
            class: "box",
            tip: None,
        },
        Item::Rect {
            x: cx + cw - 6.0,
            y: py,
            w: 6.0,
            h: bh,
            rx: 2.0,
            class: cclass,
            tip: None,
        },
        Item::Text {
            x: cx + cw / 2.0 - 3.0,
            y: py + 24.0,
            text: "consumer".into(),
            class: "bold",
            anchor: Anchor::Middle,
        },
    ];
    citems.extend(status_lines(
        cstatus,
        status_chars,
        cx + cw / 2.0 - 3.0,
        py,
        "small muted",
    ));
    if cclass == "s-run" {
        citems.push(Item::Circle {
            cx: cx + 12.0,
            cy: py + 8.0,
            r,
            class: "s-run",
            tip: None,
        });
    }
    out.push(Item::Group {
        class: "consumer",
        label: Some(format!("consumer: {cstatus}")),
        key: None,
        items: citems,
    });
    // --- accounting row ---
    let mut ay = py + bh + 40.0;
    let (acc, ok) = accounting(d, t);
    let acc_class = if ok {
        "bold accounting"
    } else {
        "bold s-danger accounting"
    };
    // 12-unit bold ≈ 6.8 units a character: too long for the panel -> two lines.
    match acc.find(" + dropped") {
        Some(k) if acc.chars().count() as f32 * 6.8 > w => {
            out.push(Item::Text {
                x: x0,
                y: ay,
                text: acc[..k].to_string(),
                class: acc_class,
                anchor: Anchor::Start,
            });
            ay += 16.0;
            out.push(Item::Text {
                x: x0 + 12.0,
                y: ay,
                text: acc[k + 1..].to_string(),
                class: acc_class,
                anchor: Anchor::Start,
            });
        }
        _ => out.push(Item::Text {
            x: x0,
            y: ay,
            text: acc,
            class: acc_class,
            anchor: Anchor::Start,
        }),
    }
    let mem_kb = d.memory.at(t) * d.mem_unit_kb;
    let mem = match d.limit_kb {
        Some(l) => format!("memory {} of {}", fmt_kb(mem_kb), fmt_kb(l)),
        None => format!("memory {}", fmt_kb(mem_kb)),
    };
    let narrow = o.cols == 1;
    out.push(Item::Text {
        x: if narrow { x0 } else { x0 + w },
        y: if narrow { ay + 16.0 } else { ay },
        text: mem,
        class: "small muted",
        anchor: if narrow { Anchor::Start } else { Anchor::End },
    });
    let mut y = ay + if narrow { 16.0 } else { 8.0 };
    let oom_lines = oom_banner(d.oom.unwrap_or(t), w);
    if d.oom.is_some_and(|o| o <= t) {
        out.push(Item::Rect {
            x: x0,
            y: y + 2.0,
            w,
            h: 8.0 + 15.0 * oom_lines.len() as f32,
            rx: 4.0,
            class: "s-danger faint",
            tip: None,
        });
        for (i, l) in oom_lines.iter().enumerate() {
            out.push(Item::Text {
                x: x0 + w / 2.0,
                y: y + 17.0 + 15.0 * i as f32,
                text: l.clone(),
                class: "bold",
                anchor: Anchor::Middle,
            });
        }
    }
    y += o.banner_room.unwrap_or_else(|| banner_room(d, w));
    // --- charts ---
    let cols = o.cols.max(1);
    let gap = 60.0;
    let cwid = (w - 40.0 - (cols as f32 - 1.0) * gap) / cols as f32;
    let ch = if cols == 1 && w > 400.0 { 50.0 } else { 64.0 };
    let row_h = ch + 44.0;
    // Each chart: where and how, and its lines (series, colour class, legend label).
    type Lines<'a> = Vec<(&'a Series, &'static str, &'a str)>;
    let mut specs: Vec<(ChartSpec, Lines)> = Vec::new();
    let spec = |title: String, y_max: f64, threshold: Option<(f64, String)>| ChartSpec {
        x: 0.0,
        y: 0.0,
        w: cwid,
        h: ch,
        title,
        end: o.end.unwrap_or(d.end),
        y_max,
        threshold,
        marker: o.marker.clone(),
        y_label: short_num,
    };
    specs.push((
        spec(
            format!("queue depth: {}", crate::decimal::short(d.depth.at(t), 2)),
            d.depth.max(),
            d.capacity.map(|c| (c as f64, format!("capacity {c}"))),
        ),
        vec![(&d.depth, "chart s-queue", "")],
    ));
    specs.push((
        spec(
            format!("memory: {}", fmt_kb(d.memory.at(t) * d.mem_unit_kb)),
            d.memory.max(),
            d.limit_kb
                .map(|l| (l / d.mem_unit_kb, "out-of-memory limit".to_string())),
        ),
        vec![(&d.memory, "chart s-danger", "")],
    ));
    specs.push((
        spec(
            "throughput (items/s)".into(),
            d.in_rate.max().max(d.out_rate.max()),
            None,
        ),
        vec![
            (&d.in_rate, "chart s-queue", "in"),
            (&d.out_rate, "chart s-run", "out"),
        ],
    ));
    specs.push((
        spec(
            format!(
                "end-to-end latency: {} s",
                crate::decimal::fixed(d.latency.at(t), 2)
            ),
            d.latency.max(),
            None,
        ),
        vec![(&d.latency, "chart s-wait", "")],
    ));
    specs.push((
        spec(
            format!("dropped: {}", crate::decimal::short(d.dropped.at(t), 2)),
            d.dropped.max(),
            None,
        ),
        vec![(&d.dropped, "chart s-danger", "")],
    ));
    // The memory axis in the chart's unit ("2.5 MB", not 2.5k KB).
    specs[1].0.y_label = if d.mem_unit_kb > 1.0 {
        axis_mb
    } else {
        axis_kb
    };
    let n = specs.len() as u32;
    for (i, (mut sp, series)) in specs.into_iter().enumerate() {
        let (col, row) = (i as u32 % cols, i as u32 / cols);
        sp.x = x0 + 36.0 + col as f32 * (cwid + gap);
        sp.y = y + row as f32 * row_h;
        out.push(Item::Group {
            class: "chart-box",
            label: Some(sp.title.clone()),
            key: None,
            items: chart(&sp, &series, t),
        });
    }
    let rows = n.div_ceil(cols);
    (out, y + rows as f32 * row_h - o.y)
}

/// Width of the narrow (phone) lab and fork pictures.
pub const NARROW_W: f32 = 340.0;

/// Below this width (user units ≈ CSS px of the column) the lab's charts go in one column and
/// the fork's panels one above the other.
pub const ONE_COLUMN_BELOW: f32 = 560.0;

/// Width of the demand picture's left-to-right layout.
pub const DEMAND_W: f32 = 720.0;

fn axis_mb(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{} MB", short_num(v))
    }
}

fn axis_kb(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{} KB", short_num(v))
    }
}

/// Memory in KB as the lab shows it: "512 KB", "4.0 MB", "1.5 GB", "1.0 TB".
pub fn fmt_kb(kb: f64) -> String {
    const MB: f64 = 1024.0;
    const GB: f64 = 1024.0 * MB;
    const TB: f64 = 1024.0 * GB;
    if kb >= TB {
        format!("{} TB", crate::decimal::fixed(kb / TB, 1))
    } else if kb >= GB {
        format!("{} GB", crate::decimal::fixed(kb / GB, 1))
    } else if kb >= MB {
        format!("{} MB", crate::decimal::fixed(kb / MB, 1))
    } else {
        format!("{} KB", crate::decimal::fixed(kb, 0))
    }
}

/// The lab: one run, one wide panel.
pub fn lab_scene(d: &LabData, t: Time, heading: &str) -> Scene {
    lab_scene_for(d, t, heading, 720.0)
}

/// The lab drawn for a column `width` wide (clamped to [`NARROW_W`]..=720, so its 10-unit
/// labels stay about 10 px): charts in two columns, or one below [`ONE_COLUMN_BELOW`].
pub fn lab_scene_for(d: &LabData, t: Time, heading: &str, width: f32) -> Scene {
    let w = width.clamp(NARROW_W, 720.0).floor();
    let narrow = w < ONE_COLUMN_BELOW;
    let (items, h) = lab_panel(
        d,
        t,
        &PanelOpts {
            heading: heading.into(),
            x: 10.0,
            y: 4.0,
            w: w - 20.0,
            cols: if narrow { 1 } else { 2 },
            marker: None,
            end: None,
            banner_room: None,
        },
    );
    let mut sc = Scene::new(w, h + 10.0, format!("{heading} at {}", fmt_secs(t)));
    sc.items = items;
    sc
}

/// The fork: the same prefix, two continuations side by side (left: unchanged; right: switched
/// at `switch`).
pub fn fork_scene(
    a: &LabData,
    b: &LabData,
    t: Time,
    headings: (&str, &str),
    switch: Time,
) -> Scene {
    fork_scene_for(a, b, t, headings, switch, 980.0)
}

/// The fork drawn for a column `width` wide (clamped to [`NARROW_W`]..=980): side by side, or
/// one continuation above the other below [`ONE_COLUMN_BELOW`] (phones).
pub fn fork_scene_for(
    a: &LabData,
    b: &LabData,
    t: Time,
    headings: (&str, &str),
    switch: Time,
    width: f32,
) -> Scene {
    let width = width.clamp(NARROW_W, 980.0).floor();
    let narrow = width < ONE_COLUMN_BELOW;
    let title = format!(
        "Fork at {}: {} vs {}",
        fmt_secs(switch),
        headings.0,
        headings.1
    );
    let marker = Some((switch, "switch".to_string()));
    // One time axis for both continuations (a run that crashed ends early).
    let end = Some(a.end.max(b.end));
    if narrow {
        let w = width;
        let opts = |heading: &str, y: f32| PanelOpts {
            heading: heading.into(),
            x: 10.0,
            y,
            w: w - 20.0,
            cols: 1,
            marker: marker.clone(),
            end,
            banner_room: None,
        };
        let (ia, ha) = lab_panel(a, t, &opts(headings.0, 4.0));
        let yb = 4.0 + ha + 24.0;
        let (ib, hb) = lab_panel(b, t, &opts(headings.1, yb));
        let mut sc = Scene::new(w, yb + hb + 10.0, title);
        sc.items.extend(ia);
        sc.items.push(Item::Line {
            x1: 10.0,
            y1: yb - 12.0,
            x2: w - 10.0,
            y2: yb - 12.0,
            class: "grid",
        });
        sc.items.extend(ib);
        return sc;
    }
    let w = width;
    let pw = (w - 40.0) / 2.0;
    // Side by side, the charts start at the same height.
    let banner_room = Some(banner_room(a, pw).max(banner_room(b, pw)));
    let (ia, ha) = lab_panel(
        a,
        t,
        &PanelOpts {
            heading: headings.0.into(),
            x: 10.0,
            y: 4.0,
            w: pw,
            cols: 1,
            marker: marker.clone(),
            end,
            banner_room,
        },
    );
    let (ib, hb) = lab_panel(
        b,
        t,
        &PanelOpts {
            heading: headings.1.into(),
            x: 30.0 + pw,
            y: 4.0,
            w: pw,
            cols: 1,
            marker,
            end,
            banner_room,
        },
    );
    let mut sc = Scene::new(w, ha.max(hb) + 10.0, title);
    sc.items.push(Item::Line {
        x1: w / 2.0,
        y1: 4.0,
        x2: w / 2.0,
        y2: ha.max(hb),
        class: "grid",
    });
    sc.items.extend(ia);
    sc.items.extend(ib);
    sc
}

// ------------------------------------------------------------------------------------------------
// Demand: request(n) credits.

/// Precomputed series of a demand (credits) run.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandData {
    /// Calls in flight.
    pub inflight: Series,
    /// Calls completed per second.
    pub throughput: Series,
    /// Service queue depth.
    pub queue: Series,
    /// Times of `request(1)` grants (credits travelling upstream).
    pub grants: Vec<Time>,
    /// Times calls started (items travelling downstream).
    pub starts: Vec<Time>,
    /// Items in the list.
    pub items: u32,
    /// Concurrency.
    pub n: u32,
    /// Workers downstream.
    pub workers: u32,
    /// Run end.
    pub end: Time,
    /// The flatMap task's states.
    pub flatmap: TaskTrack,
    /// Credits available after each credit event.
    pub credits: Series,
}

impl DemandData {
    /// Precompute from a credits trace (see `scenario::programs::credits`).
    pub fn new(tr: &Trace, items: u32, workers: u32) -> DemandData {
        let mut inflight = Series::step();
        let mut queue = Series::step();
        inflight.push(0, 0.0);
        queue.push(0, 0.0);
        let mut credits = Series::step();
        let (mut k, mut grants, mut starts, mut done) = (0i64, Vec::new(), Vec::new(), Vec::new());
        let n = tr
            .resources
            .iter()
            .find(|r| r.kind == ResourceKind::Credits)
            .map_or(0, |r| r.capacity);
        for e in &tr.events {
            match e.kind {
                EventKind::CallStart { .. } => {
                    k += 1;
                    starts.push(e.t);
                    inflight.push(e.t, k as f64);
                }
                EventKind::CallOk { .. } => {
                    k -= 1;
                    done.push(e.t);
                    inflight.push(e.t, k as f64);
                }
                EventKind::CreditGrant { available, .. } => {
                    grants.push(e.t);
                    credits.push(e.t, available as f64);
                }
                EventKind::CreditTake { available, .. } => credits.push(e.t, available as f64),
                EventKind::QueuePut { depth, .. } | EventKind::QueueGet { depth, .. } => {
                    queue.push(e.t, depth as f64)
                }
                _ => {}
            }
        }
        let end = tr.end.max(1);
        inflight.push(end, k as f64);
        let bucket = (end / 30).clamp(100 * MS, SEC);
        DemandData {
            // Completions over the last second: four workers finishing together would read as
            // a burst far above their capacity in a bucket of a tenth of a second.
            throughput: Series::moving_rate(&done, SEC, bucket, end),
            inflight,
            queue,
            grants,
            starts,
            items,
            n,
            workers,
            end,
            flatmap: TaskTrack::new(tr, task_named(tr, "flatMap")),
            credits,
        }
    }
}

/// The line of flux_flatmap.java to mark: 19 while flatMap waits for a credit, 20 when all is
/// done, else 14 (calls running).
pub fn demand_line(d: &DemandData, t: Time) -> Option<u32> {
    match d.flatmap.at(t)? {
        TaskState::Waiting(Wait::Credits(_)) => Some(19),
        TaskState::Done => Some(20),
        TaskState::Created => Some(11),
        _ => Some(14),
    }
}

/// The demand picture: source → (credits, tokens moving upstream) → flatMap with N slots →
/// service (workers + queue), and charts of calls in flight, throughput and the service queue.
pub fn demand_scene(d: &DemandData, t: Time) -> Scene {
    demand_scene_for(d, t, DEMAND_W)
}

/// The demand picture for a column `width` wide: left to right ([`DEMAND_W`] wide) where that
/// fits at 1:1, else top to bottom ([`NARROW_W`]..560 wide: source, flatMap and service stacked,
/// credits travelling up, items down, the charts one under the other).
pub fn demand_scene_for(d: &DemandData, t: Time, width: f32) -> Scene {
    let narrow = width < DEMAND_W;
    let w = if narrow {
        width.clamp(NARROW_W, ONE_COLUMN_BELOW).floor()
    } else {
        DEMAND_W
    };
    let mut sc = Scene::new(
        w,
        380.0,
        format!("request(n) with n = {} at {}", d.n, fmt_secs(t)),
    );
    let it = &mut sc.items;
    // Boxes: (x, y, w, h) of the source, flatMap and service.
    let bh = 70.0;
    let (src, fm, svc) = if narrow {
        let bw = w - 20.0;
        (
            (10.0, 10.0, bw, bh),
            (10.0, 160.0, bw, bh),
            (10.0, 270.0, bw, 62.0),
        )
    } else {
        (
            (10.0, 30.0, 150.0, bh),
            (250.0, 30.0, 220.0, bh),
            (560.0, 30.0, 150.0, bh),
        )
    };
    let py = src.1;
    let (sx, sw) = (src.0, src.2);
    let (fx, fw) = (fm.0, fm.2);
    let emitted = d.starts.partition_point(|&x| x <= t) as u32;
    let inflight = d.inflight.at(t) as u32;
    let available = if d.credits.cut(t) == 0 {
        d.n
    } else {
        d.credits.at(t) as u32
    };
    let waiting_credit = matches!(d.flatmap.at(t), Some(TaskState::Waiting(Wait::Credits(_))));
    // Source.
    it.extend(card(
        sx,
        py,
        sw,
        bh,
        "Flux.fromIterable".into(),
        format!("{} of {} items sent", emitted, d.items),
    ));
    it.push(Item::Text {
        x: sx + sw / 2.0,
        y: py + 60.0,
        text: if waiting_credit {
            "waiting for demand".into()
        } else if emitted >= d.items {
            "all sent".into()
        } else {
            "may send".into()
        },
        class: if waiting_credit {
            "small bold s-wait"
        } else {
            "small muted"
        },
        anchor: Anchor::Middle,
    });
    // Credits held by the source.
    for i in 0..available.min(16) {
        it.push(Item::Circle {
            cx: sx + 10.0 + i as f32 * 9.0,
            cy: py + bh + 12.0,
            r: 4.0,
            class: "s-accent",
            tip: Some("credit".into()),
        });
    }
    it.push(Item::Text {
        x: sx,
        y: py + bh + 32.0,
        text: format!("credits available: {available}"),
        class: "small",
        anchor: Anchor::Start,
    });
    // Lanes between source (a) and flatMap (b): demand upstream, items downstream.
    // Each lane runs from its source end to its flatMap end.
    let (up_a, up_b, down_a, down_b) = if narrow {
        let (ux, dx) = (w - 120.0, w - 50.0);
        let (ya, yb) = (src.1 + src.3 + 4.0, fm.1 - 4.0);
        ((ux, ya), (ux, yb), (dx, ya), (dx, yb))
    } else {
        let (ax, bx) = (sx + sw + 4.0, fx - 4.0);
        let (uy, dy) = (py + 20.0, py + bh - 20.0);
        ((ax, uy), (bx, uy), (ax, dy), (bx, dy))
    };
    it.push(Item::Line {
        x1: up_a.0,
        y1: up_a.1,
        x2: up_b.0,
        y2: up_b.1,
        class: "grid dashed",
    });
    it.push(if narrow {
        Item::Text {
            x: up_a.0 - 6.0,
            y: (up_a.1 + up_b.1) / 2.0 + 4.0,
            text: "request(1) ↑".into(),
            class: "small",
            anchor: Anchor::End,
        }
    } else {
        Item::Text {
            x: (up_a.0 + up_b.0) / 2.0,
            y: up_a.1 - 6.0,
            text: "request(1) ←".into(),
            class: "small",
            anchor: Anchor::Middle,
        }
    });
    it.push(Item::Line {
        x1: down_a.0,
        y1: down_a.1,
        x2: down_b.0,
        y2: down_b.1,
        class: "grid",
    });
    it.push(if narrow {
        Item::Text {
            x: down_a.0 + 6.0,
            y: (down_a.1 + down_b.1) / 2.0 + 4.0,
            text: "item ↓".into(),
            class: "small",
            anchor: Anchor::Start,
        }
    } else {
        Item::Text {
            x: (down_a.0 + down_b.0) / 2.0,
            y: down_a.1 + 14.0,
            text: "→ item".into(),
            class: "small",
            anchor: Anchor::Middle,
        }
    });
    let lerp =
        |a: (f32, f32), b: (f32, f32), f: f32| (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
    let travel = 250 * MS;
    let lo = d.grants.partition_point(|&g| g + travel <= t);
    let hi = d.grants.partition_point(|&g| g <= t);
    for &g in &d.grants[lo..hi] {
        let f = (t - g) as f32 / travel as f32;
        let (cx, cy) = lerp(up_b, up_a, f);
        it.push(Item::Circle {
            cx,
            cy,
            r: 4.0,
            class: "s-accent token",
            tip: None,
        });
    }
    let lo = d.starts.partition_point(|&g| g + travel <= t);
    let hi = d.starts.partition_point(|&g| g <= t);
    for &g in &d.starts[lo..hi] {
        let f = (t - g) as f32 / travel as f32;
        let (cx, cy) = lerp(down_a, down_b, f);
        it.push(Item::Circle {
            cx,
            cy,
            r: 4.0,
            class: "s-queue",
            tip: None,
        });
    }
    // flatMap with N slots.
    let fy = fm.1;
    it.push(Item::Rect {
        x: fx,
        y: fy,
        w: fw,
        h: bh,
        rx: 6.0,
        class: "box",
        tip: None,
    });
    it.push(Item::Text {
        x: fx + fw / 2.0,
        y: fy + 18.0,
        text: format!("flatMap(call, {}): {} in flight", d.n, inflight),
        class: "bold",
        anchor: Anchor::Middle,
    });
    let slots = d.n.min(32);
    let per_row = 16u32;
    for i in 0..slots {
        let (col, row) = (i % per_row, i / per_row);
        it.push(Item::Rect {
            x: fx + 10.0 + col as f32 * 12.5,
            y: fy + 28.0 + row as f32 * 16.0,
            w: 10.0,
            h: 12.0,
            rx: 2.0,
            class: if i < inflight {
                "s-run"
            } else {
                "outline faint"
            },
            tip: None,
        });
    }
    // Service.
    let q = d.queue.at(t) as u32;
    let busy = inflight.min(d.workers);
    let (vx, vy, vw, vh) = svc;
    it.push(if narrow {
        Item::Line {
            x1: fx + fw / 2.0,
            y1: fy + bh + 4.0,
            x2: vx + vw / 2.0,
            y2: vy - 4.0,
            class: "axis",
        }
    } else {
        Item::Line {
            x1: fx + fw + 4.0,
            y1: fy + bh / 2.0,
            x2: vx - 4.0,
            y2: vy + bh / 2.0,
            class: "axis",
        }
    });
    it.push(Item::Rect {
        x: vx,
        y: vy,
        w: vw,
        h: vh,
        rx: 6.0,
        class: "box",
        tip: None,
    });
    it.push(Item::Text {
        x: vx + vw / 2.0,
        y: vy + 18.0,
        text: "service".into(),
        class: "bold",
        anchor: Anchor::Middle,
    });
    it.push(Item::Text {
        x: vx + vw / 2.0,
        y: vy + 36.0,
        text: format!("workers busy {busy} / {}", d.workers),
        class: "small muted",
        anchor: Anchor::Middle,
    });
    it.push(Item::Text {
        x: vx + vw / 2.0,
        y: vy + 52.0,
        text: format!("waiting in its queue: {q}"),
        class: if q > 0 {
            "small bold s-wait"
        } else {
            "small muted"
        },
        anchor: Anchor::Middle,
    });
    // Charts.
    let y = if narrow {
        vy + vh + 40.0
    } else {
        py + bh + 70.0
    };
    let cw = if narrow { w - 60.0 } else { 190.0 };
    // Chart i's top-left: three columns, or one under the other.
    let at = |i: usize| {
        if narrow {
            (44.0, y + i as f32 * 120.0)
        } else {
            (40.0 + i as f32 * 240.0, y)
        }
    };
    let spec = |i: usize, title: String, y_max: f64, threshold: Option<(f64, String)>| ChartSpec {
        x: at(i).0,
        y: at(i).1,
        w: cw,
        h: 80.0,
        title,
        end: d.end,
        y_max,
        threshold,
        marker: None,
        y_label: short_num,
    };
    let specs = [
        (
            spec(
                0,
                format!("calls in flight: {inflight}"),
                d.n as f64,
                Some((d.n as f64, format!("n = {}", d.n))),
            ),
            &d.inflight,
            "chart s-run",
        ),
        (
            spec(
                1,
                format!("throughput: {} calls/s", short_num(d.throughput.at(t))),
                d.throughput.max(),
                None,
            ),
            &d.throughput,
            "chart s-queue",
        ),
        (
            spec(2, format!("service queue: {q}"), d.queue.max(), None),
            &d.queue,
            "chart s-wait",
        ),
    ];
    for (sp, s, c) in specs.iter() {
        it.push(Item::Group {
            class: "chart-box",
            label: Some(sp.title.clone()),
            key: None,
            items: chart(sp, &[(*s, *c, "")], t),
        });
    }
    sc.height = at(2).1 + 110.0;
    sc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::programs::credits::{credits_pipeline, CreditsParams};
    use crate::scenario::programs::flow::{
        drop_and_regulate as run, producer_consumer, ProducerConsumerParams, Strategy,
        StrategyParams as LabParams, Switch,
    };
    use crate::sim::Replay;

    #[test]
    fn memory_is_written_in_the_largest_unit_it_fills() {
        assert_eq!(fmt_kb(512.0), "512 KB");
        assert_eq!(fmt_kb(4096.0), "4.0 MB");
        assert_eq!(fmt_kb(1.5 * 1024.0 * 1024.0), "1.5 GB");
        // A scenario's 1 TiB limit read "1048576.0 MB".
        assert_eq!(fmt_kb(1024.0 * 1024.0 * 1024.0), "1.0 TB");
    }

    fn lab(s: Strategy) -> (Trace, LabData) {
        let tr = run(&LabParams {
            strategy: s,
            ..LabParams::default()
        });
        let d = LabData::new(&tr);
        (tr, d)
    }

    /// Every circle and text of a scene, flattened: (circles (cx, cy, r), texts (x, y, text)).
    fn dots_and_texts(
        items: &[Item],
        c: &mut Vec<(f32, f32, f32)>,
        t: &mut Vec<(f32, f32, String)>,
    ) {
        for it in items {
            match it {
                Item::Circle { cx, cy, r, .. } => c.push((*cx, *cy, *r)),
                Item::Text { x, y, text, .. } => t.push((*x, *y, text.clone())),
                Item::Group { items, .. } => dots_and_texts(items, c, t),
                _ => {}
            }
        }
    }

    #[test]
    fn the_more_count_sits_below_the_dots_not_on_them() {
        let (tr, d) = lab(Strategy::Buffer);
        for width in [343.0, 760.0] {
            let mut seen = false;
            for k in 1..=20 {
                let sc = lab_scene_for(&d, tr.end * k / 20, "buffer", width);
                let (mut c, mut t) = (Vec::new(), Vec::new());
                dots_and_texts(&sc.items, &mut c, &mut t);
                for (x, y, text) in t.iter().filter(|(_, _, s)| s.ends_with(" more")) {
                    seen = true;
                    // A 10 px label: its cap height above the baseline.
                    let top = y - 7.2;
                    for &(cx, cy, r) in &c {
                        let clear = cy + r <= top || cy - r >= y + 2.0 || cx + r < *x;
                        assert!(
                            clear,
                            "{text:?} at ({x}, {y}) on a dot at ({cx}, {cy}), width {width}"
                        );
                    }
                }
            }
            assert!(seen, "the buffer fills past the dots at width {width}");
        }
    }

    #[test]
    fn books_match_the_replay_counters_and_balance() {
        for s in Strategy::ALL {
            let (tr, d) = lab(s);
            let r = Replay::new(&tr);
            for k in 0..=40 {
                let t = tr.end * k / 40;
                let c = r.state_at(t).counters;
                let b = d.books_at(t);
                assert_eq!(
                    (b.produced, b.consumed, b.dropped, b.queued),
                    (c.produced, c.consumed, c.dropped, c.queued),
                    "{s:?} at {t}"
                );
                assert!(accounting(&d, t).1);
                let sc = lab_scene(&d, t, "lab");
                assert!(sc.texts().iter().any(|x| x.starts_with("produced ")));
            }
            for tk in [0, 1] {
                for k in 0..=20 {
                    let t = tr.end * k / 20;
                    let snap = r.state_at(t);
                    let id = if tk == 0 { d.producer } else { d.consumer }.unwrap();
                    let v = snap.tasks.iter().find(|v| v.id == id).map(|v| v.state);
                    assert_eq!(d.tracks[tk].at(t), v, "{s:?} task {tk} at {t}");
                }
            }
        }
    }

    #[test]
    fn block_shows_the_producer_waiting_and_depth_within_capacity() {
        let (_, d) = lab(Strategy::Block);
        assert!(d.depth.max() <= 10.0);
        let t = 5 * SEC;
        assert!(producer_waiting_in_put(&d, t) || producer_waiting_in_put(&d, t + 10 * MS));
        let waiting = (0..200)
            .map(|k| k * 100 * MS)
            .find(|&t| producer_waiting_in_put(&d, t))
            .unwrap();
        let sc = lab_scene(&d, waiting, "block");
        assert!(
            sc.texts().contains(&"waiting in put(): full"),
            "{:?}",
            sc.texts()
        );
        assert!(sc.texts().contains(&"queue: 10 / 10"), "{:?}", sc.texts());
    }

    #[test]
    fn buffer_crashes_out_of_memory_and_drops_count() {
        let (tr, d) = lab(Strategy::Buffer);
        let oom = d.oom.expect("out of memory");
        assert!(tr.end == oom);
        let sc = lab_scene(&d, oom, "buffer");
        assert!(sc.texts().iter().any(|x| x.starts_with("Out of memory at")));
        // Neither task is drawn as still working after the crash.
        assert!(
            sc.texts()
                .iter()
                .all(|x| *x != "producing" && *x != "handling an item"),
            "{:?}",
            sc.texts()
        );
        assert_eq!(sc.texts().iter().filter(|x| **x == "crashed").count(), 2);
        // No item is still on its way into the queue (the put that crashed it is in it).
        let (mut dots, mut texts) = (Vec::new(), Vec::new());
        dots_and_texts(&sc.items, &mut dots, &mut texts);
        let queue_left = 10.0 + (700.0f32 * 0.2).max(80.0) + 24.0;
        assert!(
            dots.iter().all(|d| d.0 > queue_left),
            "a dot left of the queue after the crash: {dots:?}"
        );
        let before = lab_scene(&d, oom - SEC, "buffer");
        assert!(!before
            .texts()
            .iter()
            .any(|x| x.starts_with("Out of memory at")));
        for s in [Strategy::DropNewest, Strategy::DropOldest] {
            let (_, d) = lab(s);
            assert!(d.dropped.max() > 100.0, "{s:?}");
            assert!(d.depth.max() <= 10.0);
        }
    }

    #[test]
    fn preset_marks_line_11_while_the_producer_waits() {
        let tr = producer_consumer(&ProducerConsumerParams::default());
        let d = LabData::new(&tr);
        let t = SEC;
        assert!(producer_waiting_in_put(&d, t));
        assert_eq!(preset_line(&d, t), Some(11));
        assert_eq!(preset_line(&d, tr.end), Some(25));
        assert!(d.depth.max() <= 10.0);
    }

    #[test]
    fn fork_draws_two_panels() {
        let a = run(&LabParams::default());
        let b = run(&LabParams {
            switch: Some(Switch {
                at_s: 5.0,
                to: Strategy::DropNewest,
            }),
            ..LabParams::default()
        });
        let (da, db) = (LabData::new(&a), LabData::new(&b));
        // Same prefix.
        assert_eq!(da.books_at(5 * SEC - 1), db.books_at(5 * SEC - 1));
        let sc = fork_scene(&da, &db, 10 * SEC, ("keep", "switch"), 5 * SEC);
        assert_eq!(
            sc.texts()
                .iter()
                .filter(|x| x.starts_with("produced "))
                .count(),
            2
        );
        assert!(db.dropped.at(10 * SEC) > 0.0 && da.dropped.at(10 * SEC) == 0.0);
    }

    #[test]
    fn after_a_switch_the_new_queue_and_its_bound_are_drawn_and_the_old_one_said() {
        use crate::figure::load::assert_texts_fit;
        let params = |switch| LabParams {
            strategy: Strategy::Buffer,
            switch,
            ..LabParams::default()
        };
        let keep = LabData::new(&run(&params(None)));
        let d = LabData::new(&run(&params(Some(Switch {
            at_s: 5.0,
            to: Strategy::DropNewest,
        }))));
        assert_eq!(d.queues.len(), 2);
        assert_eq!(
            (d.queues[0].capacity, d.queues[1].capacity),
            (None, Some(10))
        );
        let number = |texts: &[&str], prefix: &str| -> Option<u32> {
            texts.iter().find_map(|x| {
                let rest = x.strip_prefix(prefix)?;
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse()
                    .ok()
            })
        };
        let mut seen_both = false;
        for width in [343.0, 980.0] {
            for k in 0..=40 {
                let t = k * SEC / 2;
                let sc = fork_scene_for(&keep, &d, t, ("keep", "switch"), 5 * SEC, width);
                assert_texts_fit(&sc);
                let texts = sc.texts();
                let total = d.depth.at(t) as u32;
                if t < 5 * SEC {
                    assert!(
                        !texts.iter().any(|x| x.starts_with("new queue")),
                        "{t}: {texts:?}"
                    );
                    continue;
                }
                // Right panel: the new queue against its bound; the old queue's rest said.
                let new = number(&texts, "new queue: ").unwrap_or_else(|| panic!("{t}: {texts:?}"));
                assert!(new <= 10, "{t}: {texts:?}");
                assert!(
                    texts.iter().any(|x| *x == format!("new queue: {new} / 10")),
                    "{t}: {texts:?}"
                );
                let old = number(&texts, "old queue: ").unwrap_or(0);
                assert_eq!(new + old, total, "{t}: {texts:?}");
                seen_both |= new > 0 && old > 0;
            }
        }
        assert!(seen_both, "some moment has items in both queues");
        // The kept run crashes out of memory early; both continuations still share one time
        // axis (to the later end) and their charts start at the same height.
        assert!(keep.oom.is_some() && keep.end < d.end);
        let sc = fork_scene_for(&keep, &d, 8 * SEC, ("keep", "switch"), 5 * SEC, 980.0);
        let mut dots = Vec::new();
        let mut texts = Vec::new();
        dots_and_texts(&sc.items, &mut dots, &mut texts);
        let last_tick = fmt_secs(d.end);
        let ticks = texts.iter().filter(|x| x.2 == last_tick).count();
        assert_eq!(
            ticks, 10,
            "five charts a panel end at {last_tick}: {texts:?}"
        );
        let heads: Vec<f32> = texts
            .iter()
            .filter(|x| x.2.starts_with("queue depth:"))
            .map(|x| x.1)
            .collect();
        assert_eq!(heads.len(), 2);
        assert_eq!(heads[0], heads[1], "charts start at the same height");
    }

    #[test]
    fn in_rate_counts_items_dropped_on_arrival() {
        // Producer 50/s: with drop-newest most items never enter the queue, yet "in" is every
        // produced item, not only the queued ones.
        let (_, d) = lab(Strategy::DropNewest);
        let (_, blocked) = lab(Strategy::Block);
        let late = 10 * SEC;
        assert!(d.in_rate.at(late) > 40.0, "{}", d.in_rate.at(late));
        assert!(blocked.in_rate.at(late) < 30.0);
    }

    #[test]
    fn narrow_lab_and_fork_fit_a_phone() {
        use crate::figure::load::assert_texts_fit;
        let (_, d) = lab(Strategy::Block);
        let waiting = (0..200)
            .map(|i| i * 100 * MS)
            .find(|&t| producer_waiting_in_put(&d, t))
            .expect("waits");
        let heading = "block the producer · producer 50/s · consumer 20/s";
        for narrow in [false, true] {
            let sc = lab_scene_for(&d, waiting, heading, if narrow { 343.0 } else { 720.0 });
            assert_texts_fit(&sc);
            let texts = sc.texts();
            if narrow {
                assert_eq!(sc.width, 343.0);
                // The producer's status wraps inside its box; the accounting row in two lines.
                assert!(texts.contains(&"waiting in"), "{texts:?}");
                assert!(
                    texts.iter().any(|x| x.starts_with("+ dropped 0 + queued")),
                    "{texts:?}"
                );
            } else {
                assert!(texts.contains(&"waiting in put(): full"), "{texts:?}");
            }
        }
        let (_, buf) = lab(Strategy::Buffer);
        let oom = buf.oom.expect("oom");
        for w in [343.0, 600.0, 720.0] {
            assert_texts_fit(&lab_scene_for(&buf, oom, "buffer", w));
        }
        let b = run(&LabParams {
            switch: Some(Switch {
                at_s: 5.0,
                to: Strategy::DropNewest,
            }),
            ..LabParams::default()
        });
        let db = LabData::new(&b);
        for width in [343.0, 560.0, 640.0, 980.0] {
            let sc = fork_scene_for(
                &d,
                &db,
                10 * SEC,
                ("keep block the producer", "switch to drop newest at 5 s"),
                5 * SEC,
                width,
            );
            assert_texts_fit(&sc);
        }
    }

    /// The demand picture's data for a run at concurrency `n` (60 items, 4 workers).
    fn demand(n: u32) -> DemandData {
        let tr = credits_pipeline(&CreditsParams {
            concurrency: n,
            ..CreditsParams::default()
        });
        DemandData::new(&tr, 60, 4)
    }

    #[test]
    fn narrow_demand_fits_a_phone() {
        let tr = credits_pipeline(&CreditsParams::default());
        let d = DemandData::new(&tr, 60, 4);
        for w in [343.0, 720.0] {
            for t in [0, SEC, 3 * SEC] {
                let sc = demand_scene_for(&d, t, w);
                crate::figure::load::assert_texts_fit(&sc);
            }
        }
        let sc = demand_scene_for(&d, SEC, 343.0);
        assert_eq!(sc.width, 343.0);
        assert!(sc.texts().contains(&"request(1) ↑"));
    }

    #[test]
    fn a_bound_at_the_top_of_its_chart_keeps_its_label_off_the_title() {
        // n = 1: the bound is the in-flight chart's top value.
        let d = demand(1);
        for w in [343.0, 720.0] {
            let sc = demand_scene_for(&d, SEC, w);
            assert!(sc.texts().contains(&"n = 1"), "{:?}", sc.texts());
            crate::figure::overlap::assert_no_overlaps("demand, n = 1", &sc);
        }
    }

    #[test]
    fn demand_throughput_stays_near_what_four_workers_can_do() {
        // 4 workers, 200 ms a call on average: 20 calls a second. Jitter lets a second hold a
        // few more, but never the 37 a second that 0.1 s buckets showed.
        for n in [4, 8, 16] {
            let max = demand(n).throughput.max();
            assert!((15.0..=22.0).contains(&max), "n = {n}: {max} calls/s");
        }
    }

    #[test]
    fn demand_bounds_in_flight() {
        let tr = credits_pipeline(&CreditsParams::default());
        let d = DemandData::new(&tr, 60, 4);
        assert_eq!(d.n, 8);
        assert!(d.inflight.max() <= 8.0);
        assert!(d.queue.max() >= 3.0);
        let sc = demand_scene(&d, SEC);
        assert!(sc.texts().iter().any(|x| x.starts_with("flatMap(call, 8)")));
        assert_eq!(demand_line(&d, tr.end), Some(20));
    }
}
