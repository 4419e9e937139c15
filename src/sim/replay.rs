//! Rebuilding the picture at any moment of a trace: [`Replay::state_at`].
//!
//! The UI scrubs back and forth and asks for the full state every animation frame, on traces of
//! half a million events. Three structures make that cheap, each suited to one kind of state:
//!
//! * **Checkpoints of small aggregate state.** Every [`Replay::K`] events we store an [`Agg`]:
//!   memory, per-resource counters, per-thread occupation, global counters, the ready queue
//!   (in order) and the set of armed timers. A query clones the nearest checkpoint at or before the
//!   target and replays at most `K - 1` events forward.
//! * **Spans with binary search for per-entity history.** Each task's state changes and code-line
//!   markers are a sorted `Vec<(event index, value)>`; the state at index `i` is one
//!   `partition_point`. Nothing per task is cloned into checkpoints.
//! * **FIFO ranges.** Socket backlogs and pool waiting lines are first-in first-out, so the
//!   clients waiting at index `i` are a contiguous range of that socket's arrival-ordered list:
//!   `[left by i .. arrived by i]`, two binary searches, returned as a borrowed slice.
//!
//! Convention: [`Replay::state_after`]`(n)` is the state after the first `n` events;
//! [`Replay::state_at`]`(t)` is the state after every event with time `<= t`.

use std::collections::{HashSet, VecDeque};

use super::trace::*;
use super::Time;

/// A task's state at some instant (the coroutine lifecycle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskState {
    /// Created, not started (a coroutine object nobody awaited yet).
    Created,
    /// In the ready queue.
    Ready,
    /// Being polled (or, for an inline coroutine, running inside its parent's poll).
    Running,
    /// Suspended at an await, waiting for this.
    Waiting(Wait),
    /// Returned.
    Done,
    /// Cancelled before it returned.
    Cancelled,
}

/// One task in a [`Snapshot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskView {
    /// Id.
    pub id: TaskId,
    /// State at the snapshot.
    pub state: TaskState,
    /// Last code-line marker, if any.
    pub line: Option<u32>,
    /// Thread it runs on.
    pub thread: ThreadId,
    /// Has it run at least once (distinguishes "scheduled" from "resumed")?
    pub started: bool,
}

/// An armed timer in a [`Snapshot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerView {
    /// Timer id.
    pub id: u32,
    /// Absolute deadline.
    pub deadline: Time,
    /// Owning task.
    pub task: TaskId,
}

/// Someone waiting in a FIFO line (a client in a socket backlog, a request waiting for a thread).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiter {
    /// Client id or request id.
    pub id: u32,
    /// When it arrived.
    pub arrived: Time,
}

/// Per-resource aggregate state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResState {
    /// Queue depth, or socket backlog length, or requests waiting for a pool thread.
    pub depth: u32,
    /// Items put into a queue (accepted or dropped), clients or requests that arrived.
    pub produced: u64,
    /// Items taken from a queue, clients accepted, requests started.
    pub consumed: u64,
    /// Items dropped by a full queue.
    pub dropped: u64,
    /// Queue items put but not yet marked `task_done`.
    pub unfinished: u32,
    /// Pool threads in use / requests in flight on a server.
    pub busy: u32,
    /// Requests completed.
    pub served: u64,
    /// Requests rejected.
    pub rejected: u64,
    /// Whole tokens left (rate limiter) or credits available.
    pub tokens: u32,
}

/// Whole-run counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Items produced into queues (sum over queues).
    pub produced: u64,
    /// Items consumed from queues.
    pub consumed: u64,
    /// Items dropped.
    pub dropped: u64,
    /// Items currently queued.
    pub queued: u64,
    /// Requests arrived.
    pub requests: u64,
    /// Requests served.
    pub served: u64,
    /// Requests rejected.
    pub rejected: u64,
    /// Clients that connected.
    pub clients: u64,
    /// Clients accepted.
    pub accepted: u64,
    /// Call attempts started (retry storm).
    pub attempts: u64,
    /// Call attempts that timed out.
    pub timeouts: u64,
    /// Calls that succeeded (goodput).
    pub calls_ok: u64,
    /// Calls that failed for good.
    pub calls_failed: u64,
    /// Timers that fired late.
    pub late_timers: u64,
    /// Prints so far.
    pub prints: u64,
}

/// A thread in a [`Snapshot`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadView {
    /// The task sitting in a blocking call on it, if any.
    pub blocked_by: Option<TaskId>,
    /// The request it is serving (pool threads), if any.
    pub request: Option<u32>,
}

/// A resource in a [`Snapshot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResView<'a> {
    /// Resource id.
    pub rid: Rid,
    /// Counters.
    pub state: ResState,
    /// Socket backlog (clients, oldest first) or pool waiting line (requests, oldest first).
    pub waiting: &'a [Waiter],
}

/// A printed line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrintLine {
    /// Index of its event.
    pub index: u32,
    /// When.
    pub t: Time,
    /// Who printed it (or [`NO_TASK`]).
    pub task: TaskId,
    /// Interned text.
    pub text: Sym,
}

/// The full picture at one instant, borrowed from a [`Replay`].
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot<'a> {
    /// Events applied.
    pub index: u32,
    /// Time of the last applied event (0 before any).
    pub t: Time,
    /// Every non-quiet task created so far.
    pub tasks: Vec<TaskView>,
    /// The ready queue, front first.
    pub ready: Vec<TaskId>,
    /// Armed timers ordered by deadline (then id).
    pub timers: Vec<TimerView>,
    /// Per resource, by [`Rid`].
    pub resources: Vec<ResView<'a>>,
    /// Per thread, by [`ThreadId`].
    pub threads: Vec<ThreadView>,
    /// Memory in use, bytes.
    pub memory: u64,
    /// Whole-run counters.
    pub counters: Counters,
    /// Lines printed so far, oldest first.
    pub printed: &'a [PrintLine],
    /// The outcome, once the last event is applied.
    pub ended: Option<Outcome>,
}

#[derive(Clone, Debug, Default)]
struct Agg {
    memory: u64,
    res: Vec<ResState>,
    threads: Vec<ThreadView>,
    counters: Counters,
    ready: VecDeque<TaskId>,
    front_run: u32,
    timers: Vec<u32>,
}

#[derive(Clone, Copy)]
struct TimerInfo {
    deadline: Time,
    task: TaskId,
}

#[derive(Clone, Copy, Default)]
struct ReqInfo {
    rid: Rid,
    thread: ThreadId,
}

struct Line {
    members: Vec<Waiter>,
    arrive_idx: Vec<u32>,
    leave_idx: Vec<u32>,
}

/// Index over a [`Trace`] answering "what did everything look like at time t?".
pub struct Replay<'a> {
    trace: &'a Trace,
    checkpoints: Vec<Agg>,
    task_spans: Vec<Vec<(u32, TaskState)>>,
    line_spans: Vec<Vec<(u32, u32)>>,
    timers: Vec<TimerInfo>,
    lines: Vec<Line>,
    prints: Vec<PrintLine>,
    reqs: Vec<ReqInfo>,
    client_sock: Vec<u32>,
}

impl<'a> Replay<'a> {
    /// Checkpoint interval in events.
    pub const K: u32 = 1024;

    /// Index a trace: one pass, O(events).
    pub fn new(trace: &'a Trace) -> Replay<'a> {
        let n_tasks = trace.tasks.len();
        let mut task_spans = vec![Vec::new(); n_tasks];
        let mut line_spans = vec![Vec::new(); n_tasks];
        let mut timers = vec![
            TimerInfo {
                deadline: 0,
                task: NO_TASK
            };
            trace.timers as usize
        ];
        let mut timer_pos = vec![u32::MAX; trace.timers as usize];
        let mut client_sock = vec![0u32; trace.clients as usize];
        let mut reqs: Vec<ReqInfo> = Vec::new();
        // Per resource FIFO line: (member, arrive idx, leave idx or MAX, rejected)
        let mut raw_lines: Vec<Vec<(Waiter, u32, u32, bool)>> =
            vec![Vec::new(); trace.resources.len()];
        let mut client_slot = vec![0u32; trace.clients as usize];
        let mut req_slot: Vec<u32> = Vec::new();
        let mut prints = Vec::new();
        let mut agg = Agg {
            res: vec![ResState::default(); trace.resources.len()],
            threads: vec![ThreadView::default(); trace.threads.len()],
            ..Agg::default()
        };
        for (ri, r) in trace.resources.iter().enumerate() {
            if matches!(r.kind, ResourceKind::RateLimiter | ResourceKind::Credits) {
                agg.res[ri].tokens = r.capacity;
            }
        }
        let mut checkpoints = Vec::with_capacity(trace.events.len() / Self::K as usize + 1);
        for (i, e) in trace.events.iter().enumerate() {
            let i = i as u32;
            if i % Self::K == 0 {
                checkpoints.push(agg.clone());
            }
            let task = e.task;
            let span = |s: &mut Vec<Vec<(u32, TaskState)>>, st| {
                if let Some(v) = s.get_mut(task as usize) {
                    v.push((i + 1, st));
                }
            };
            match e.kind {
                EventKind::Created { .. } => span(&mut task_spans, TaskState::Created),
                EventKind::Scheduled { .. } | EventKind::Woken { .. } => {
                    span(&mut task_spans, TaskState::Ready)
                }
                EventKind::PollStart | EventKind::Enter { .. } => {
                    span(&mut task_spans, TaskState::Running)
                }
                EventKind::Suspended { wait } => span(&mut task_spans, TaskState::Waiting(wait)),
                EventKind::Done => span(&mut task_spans, TaskState::Done),
                EventKind::Cancelled => span(&mut task_spans, TaskState::Cancelled),
                EventKind::Line { line } => {
                    if let Some(v) = line_spans.get_mut(task as usize) {
                        v.push((i + 1, line));
                    }
                }
                EventKind::Print { text } => prints.push(PrintLine {
                    index: i,
                    t: e.t,
                    task,
                    text,
                }),
                EventKind::TimerSet { timer, delay } => {
                    if let Some(ti) = timers.get_mut(timer as usize) {
                        *ti = TimerInfo {
                            deadline: e.t + delay as Time,
                            task,
                        };
                    }
                }
                EventKind::ClientArrive { sock, client } => {
                    if let Some(c) = client_sock.get_mut(client as usize) {
                        *c = sock;
                    }
                    if let Some(l) = raw_lines.get_mut(sock as usize) {
                        if let Some(cs) = client_slot.get_mut(client as usize) {
                            *cs = l.len() as u32;
                        }
                        l.push((
                            Waiter {
                                id: client,
                                arrived: e.t,
                            },
                            i + 1,
                            u32::MAX,
                            false,
                        ));
                    }
                }
                EventKind::Accepted { client, .. } => {
                    let sock = client_sock.get(client as usize).copied().unwrap_or(0);
                    let slot = client_slot.get(client as usize).copied().unwrap_or(0);
                    if let Some(m) = raw_lines
                        .get_mut(sock as usize)
                        .and_then(|l| l.get_mut(slot as usize))
                    {
                        m.2 = i + 1;
                    }
                }
                EventKind::RequestArrive { req, rid } => {
                    if reqs.len() <= req as usize {
                        reqs.resize(req as usize + 1, ReqInfo::default());
                        req_slot.resize(req as usize + 1, u32::MAX);
                    }
                    reqs[req as usize] = ReqInfo {
                        rid,
                        thread: u32::MAX,
                    };
                    if let Some(l) = raw_lines.get_mut(rid as usize) {
                        req_slot[req as usize] = l.len() as u32;
                        l.push((
                            Waiter {
                                id: req,
                                arrived: e.t,
                            },
                            i + 1,
                            u32::MAX,
                            false,
                        ));
                    }
                }
                EventKind::RequestStart { req, .. } | EventKind::RequestReject { req, .. } => {
                    let rej = matches!(e.kind, EventKind::RequestReject { .. });
                    if let (EventKind::RequestStart { thread, .. }, Some(r)) =
                        (e.kind, reqs.get_mut(req as usize))
                    {
                        r.thread = thread;
                    }
                    if let Some(r) = reqs.get(req as usize) {
                        let slot = req_slot[req as usize];
                        if let Some(m) = raw_lines
                            .get_mut(r.rid as usize)
                            .and_then(|l| l.get_mut(slot as usize))
                        {
                            m.2 = i + 1;
                            m.3 = rej;
                        }
                    }
                }
                _ => {}
            }
            apply(
                &mut agg,
                e,
                trace,
                &reqs,
                &client_sock,
                Some(&mut timer_pos),
            );
        }
        let lines = raw_lines
            .into_iter()
            .map(|l| {
                let kept: Vec<_> = l.into_iter().filter(|m| !m.3).collect();
                Line {
                    members: kept.iter().map(|m| m.0).collect(),
                    arrive_idx: kept.iter().map(|m| m.1).collect(),
                    leave_idx: kept.iter().map(|m| m.2).collect(),
                }
            })
            .collect();
        Replay {
            trace,
            checkpoints,
            task_spans,
            line_spans,
            timers,
            lines,
            prints,
            reqs,
            client_sock,
        }
    }

    /// The trace this replays.
    pub fn trace(&self) -> &'a Trace {
        self.trace
    }

    /// The state after every event with time `<= t`.
    pub fn state_at(&self, t: Time) -> Snapshot<'_> {
        self.state_after(self.trace.index_at(t))
    }

    /// The state after the first `n` events (clamped to the trace length).
    pub fn state_after(&self, n: u32) -> Snapshot<'_> {
        let tr = self.trace;
        let n = n.min(tr.events.len() as u32);
        // The nearest checkpoint at or before n (when n is the trace length and a multiple of
        // K, no checkpoint was taken at n itself).
        let base = ((n / Self::K) as usize).min(self.checkpoints.len().saturating_sub(1));
        let mut agg = match self.checkpoints.get(base) {
            Some(c) => c.clone(),
            None => Agg {
                res: vec![ResState::default(); tr.resources.len()],
                threads: vec![ThreadView::default(); tr.threads.len()],
                ..Agg::default()
            },
        };
        let from = (base as u32 * Self::K).min(n);
        // Forward replay; timer removals collected in a set instead of searching the vector.
        let mut removed: HashSet<u32> = HashSet::new();
        for e in &tr.events[from as usize..n as usize] {
            match e.kind {
                EventKind::TimerFired { timer, .. } | EventKind::TimerCancelled { timer } => {
                    removed.insert(timer);
                }
                EventKind::TimerSet { timer, .. } => {
                    removed.remove(&timer);
                }
                _ => {}
            }
            apply(&mut agg, e, tr, &self.reqs, &self.client_sock, None);
        }
        let mut timers: Vec<TimerView> = agg
            .timers
            .iter()
            .filter(|id| !removed.contains(id))
            .map(|&id| {
                let ti = self.timers[id as usize];
                TimerView {
                    id,
                    deadline: ti.deadline,
                    task: ti.task,
                }
            })
            .collect();
        timers.sort_unstable_by_key(|t| (t.deadline, t.id));
        timers.dedup_by_key(|t| t.id);

        let mut tasks = Vec::new();
        for (id, spans) in self.task_spans.iter().enumerate() {
            let k = spans.partition_point(|s| s.0 <= n);
            if k == 0 {
                continue;
            }
            let state = spans[k - 1].1;
            let started = spans[..k].iter().any(|s| s.1 == TaskState::Running);
            let ls = &self.line_spans[id];
            let lk = ls.partition_point(|s| s.0 <= n);
            let line = (lk > 0).then(|| ls[lk - 1].1);
            tasks.push(TaskView {
                id: id as TaskId,
                state,
                line,
                thread: tr.tasks[id].thread,
                started,
            });
        }

        let resources = (0..tr.resources.len())
            .map(|ri| {
                let l = &self.lines[ri];
                let arrived = l.arrive_idx.partition_point(|&x| x <= n);
                let left = l.leave_idx.partition_point(|&x| x <= n).min(arrived);
                ResView {
                    rid: ri as Rid,
                    state: agg.res[ri],
                    waiting: &l.members[left..arrived],
                }
            })
            .collect();
        let np = self.prints.partition_point(|p| p.index < n);
        Snapshot {
            index: n,
            t: if n == 0 {
                0
            } else {
                tr.events[n as usize - 1].t
            },
            tasks,
            ready: agg.ready.iter().copied().collect(),
            timers,
            resources,
            threads: agg.threads,
            memory: agg.memory,
            counters: agg.counters,
            printed: &self.prints[..np],
            ended: (n as usize == tr.events.len()).then_some(tr.outcome),
        }
    }
}

fn apply(
    agg: &mut Agg,
    e: &Event,
    tr: &Trace,
    reqs: &[ReqInfo],
    client_sock: &[u32],
    timer_pos: Option<&mut Vec<u32>>,
) {
    let c = &mut agg.counters;
    match e.kind {
        EventKind::Scheduled { .. } | EventKind::Woken { front: false, .. } => {
            agg.ready.push_back(e.task)
        }
        EventKind::Woken { front: true, .. } => {
            let at = (agg.front_run as usize).min(agg.ready.len());
            agg.ready.insert(at, e.task);
            agg.front_run += 1;
        }
        EventKind::Cancelled => {
            if let Some(p) = agg.ready.iter().position(|&x| x == e.task) {
                agg.ready.remove(p);
            }
        }
        EventKind::PollStart => {
            agg.front_run = 0;
            if agg.ready.front() == Some(&e.task) {
                agg.ready.pop_front();
            } else if let Some(p) = agg.ready.iter().position(|&x| x == e.task) {
                agg.ready.remove(p);
            }
        }
        EventKind::TimerSet { timer, .. } => {
            if let Some(tp) = timer_pos {
                if let Some(p) = tp.get_mut(timer as usize) {
                    *p = agg.timers.len() as u32;
                }
            }
            agg.timers.push(timer);
        }
        EventKind::TimerFired { timer, late } => {
            if late > 0 {
                c.late_timers += 1;
            }
            remove_timer(agg, timer, timer_pos);
        }
        EventKind::TimerCancelled { timer } => remove_timer(agg, timer, timer_pos),
        EventKind::BlockStart { thread, .. } => {
            if let Some(th) = agg.threads.get_mut(thread as usize) {
                th.blocked_by = Some(e.task);
            }
        }
        EventKind::BlockEnd { thread } => {
            if let Some(th) = agg.threads.get_mut(thread as usize) {
                th.blocked_by = None;
            }
        }
        EventKind::ClientArrive { sock, .. } => {
            c.clients += 1;
            if let Some(r) = agg.res.get_mut(sock as usize) {
                r.depth += 1;
                r.produced += 1;
            }
        }
        EventKind::Accepted { client, .. } => {
            c.accepted += 1;
            if let Some(r) = client_sock
                .get(client as usize)
                .and_then(|&s| agg.res.get_mut(s as usize))
            {
                r.depth = r.depth.saturating_sub(1);
                r.consumed += 1;
            }
        }
        EventKind::QueuePut { q, depth } => {
            c.produced += 1;
            c.queued += 1;
            if let Some(r) = agg.res.get_mut(q as usize) {
                r.depth = depth;
                r.produced += 1;
                r.unfinished += 1;
            }
        }
        EventKind::QueueGet { q, depth } => {
            c.consumed += 1;
            c.queued = c.queued.saturating_sub(1);
            if let Some(r) = agg.res.get_mut(q as usize) {
                r.depth = depth;
                r.consumed += 1;
            }
        }
        EventKind::QueueDrop { q, depth } => {
            c.dropped += 1;
            let newest = tr
                .resources
                .get(q as usize)
                .is_some_and(|r| r.policy == Policy::DropNewest);
            if newest {
                c.produced += 1;
            } else {
                c.queued = c.queued.saturating_sub(1);
            }
            if let Some(r) = agg.res.get_mut(q as usize) {
                r.depth = depth;
                r.dropped += 1;
                if newest {
                    r.produced += 1;
                } else {
                    r.unfinished = r.unfinished.saturating_sub(1);
                }
            }
        }
        EventKind::TaskDone { q, unfinished } => {
            if let Some(r) = agg.res.get_mut(q as usize) {
                r.unfinished = unfinished;
            }
        }
        EventKind::Memory { lo, hi } | EventKind::OutOfMemory { lo, hi } => {
            agg.memory = join_bytes(lo, hi)
        }
        EventKind::TokenTake { rid, left } => {
            if let Some(r) = agg.res.get_mut(rid as usize) {
                r.tokens = left;
                r.consumed += 1;
            }
        }
        EventKind::CreditTake { rid, available } | EventKind::CreditGrant { rid, available } => {
            if let Some(r) = agg.res.get_mut(rid as usize) {
                r.tokens = available;
                if matches!(e.kind, EventKind::CreditTake { .. }) {
                    r.consumed += 1;
                }
            }
        }
        EventKind::RequestArrive { rid, .. } => {
            c.requests += 1;
            if let Some(r) = agg.res.get_mut(rid as usize) {
                r.produced += 1;
                r.depth += 1;
            }
        }
        EventKind::RequestStart { req, thread } => {
            if let Some(ri) = reqs.get(req as usize) {
                if let Some(r) = agg.res.get_mut(ri.rid as usize) {
                    r.depth = r.depth.saturating_sub(1);
                    r.consumed += 1;
                    r.busy += 1;
                }
            }
            if let Some(th) = agg.threads.get_mut(thread as usize) {
                th.request = Some(req);
            }
        }
        EventKind::RequestDone { req, .. } => {
            c.served += 1;
            if let Some(ri) = reqs.get(req as usize) {
                if let Some(r) = agg.res.get_mut(ri.rid as usize) {
                    r.busy = r.busy.saturating_sub(1);
                    r.served += 1;
                }
                if let Some(th) = agg.threads.get_mut(ri.thread as usize) {
                    if th.request == Some(req) {
                        th.request = None;
                    }
                }
            }
        }
        EventKind::RequestReject { rid, .. } => {
            c.rejected += 1;
            if let Some(r) = agg.res.get_mut(rid as usize) {
                r.depth = r.depth.saturating_sub(1);
                r.rejected += 1;
            }
        }
        EventKind::CallStart { .. } => c.attempts += 1,
        EventKind::CallTimeout { .. } => c.timeouts += 1,
        EventKind::CallOk { .. } => c.calls_ok += 1,
        EventKind::CallFail { .. } => c.calls_failed += 1,
        EventKind::Print { .. } => c.prints += 1,
        _ => {}
    }
}

fn remove_timer(agg: &mut Agg, timer: u32, timer_pos: Option<&mut Vec<u32>>) {
    // While building (timer_pos given) remove in O(1) by swap_remove; during a query the
    // removal is recorded by the caller and filtered out at the end.
    if let Some(tp) = timer_pos {
        let Some(&p) = tp.get(timer as usize) else {
            return;
        };
        if p == u32::MAX || p as usize >= agg.timers.len() {
            return;
        }
        let last = *agg.timers.last().unwrap_or(&timer);
        agg.timers.swap_remove(p as usize);
        if last != timer {
            tp[last as usize] = p;
        }
        tp[timer as usize] = u32::MAX;
    }
}
