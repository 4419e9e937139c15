//! The trace: the only thing the UI consumes.
//!
//! A [`Trace`] is a flat `Vec<Event>` plus a few side tables that never change once written
//! (interned strings, task names, resources, threads). Every [`Event`] is 24 bytes and `Copy`:
//! `t` (virtual microseconds), `task` (the subject task, or [`NO_TASK`]) and a small [`EventKind`]
//! whose payload is at most two `u32`. Strings are interned into [`Trace::strings`] and referred to
//! by [`Sym`]. Nothing in an event or in anything serialized is a `usize`, so a native run and a
//! wasm run of the same scenario produce byte-identical traces and the same [`Trace::hash`].
//!
//! Durations inside events (`delay`, `late`, `latency`, ...) are `u32` microseconds, which covers
//! 71 minutes; the engine caps virtual time at that (see [`crate::sim::Config::max_time`]).

use serde::{Deserialize, Serialize};

use super::Time;

/// A task (or coroutine) id: an index into [`Trace::tasks`].
pub type TaskId = u32;
/// An OS-thread id: 0 is the event-loop thread, pools add more. Index into [`Trace::threads`].
pub type ThreadId = u32;
/// A resource id (socket, queue, pool, rate limiter, credits): index into [`Trace::resources`].
pub type Rid = u32;

/// `Event::task` for events that belong to no task (clock jumps, client arrivals, run end).
pub const NO_TASK: TaskId = u32::MAX;
/// "No timeout" in [`EventKind::SelectStart`].
pub const NO_TIMEOUT: u32 = u32::MAX;

/// An interned string: index into [`Trace::strings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sym(pub u32);

/// What a suspended task is waiting for (the "with what it awaits" of the coroutine lifecycle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "on", content = "id")]
pub enum Wait {
    /// A timer (`sleep`, a `select` timeout, a `timeout` deadline): the timer id.
    Timer(u32),
    /// The task sits in a blocking call; its thread is busy. Payload: the thread.
    Blocking(ThreadId),
    /// `accept` on a socket: the socket's resource id.
    Accept(Rid),
    /// `select` over a set of sockets: bit `i` set = socket number `i` (see [`Resource::socket_no`]).
    Select(u32),
    /// `put` on a full bounded queue.
    QueuePut(Rid),
    /// `get` on an empty queue.
    QueueGet(Rid),
    /// `join` on a queue with unfinished items.
    QueueJoin(Rid),
    /// Awaiting another task's completion.
    Join(TaskId),
    /// `gather`: the number of children still running.
    Gather(u32),
    /// Awaiting a coroutine directly (it runs inside this task).
    Coroutine(TaskId),
    /// Waiting for a free thread of a pool.
    PoolThread(Rid),
    /// Waiting for a token of a rate limiter.
    RateLimit(Rid),
    /// Waiting for a credit (permit) of a credits/semaphore resource.
    Credits(Rid),
    /// Waiting for a reply (a one-shot channel, e.g. a call to another service).
    Reply(u32),
    /// A voluntary yield (`sleep(0)`): back to the end of the ready queue.
    Yield,
    /// A future the engine does not know about.
    Other,
}

/// Which cap ended a runaway run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CapKind {
    /// [`crate::sim::Config::max_events`] events were recorded.
    Events,
    /// The next thing to happen lies beyond [`crate::sim::Config::max_time`].
    Time,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Every task finished, or the scenario's observation window (`stop_at`) ended.
    Finished,
    /// Nothing runnable, nothing scheduled, tasks still pending (listed by `StillWaiting` events).
    Deadlock,
    /// A cap on events or virtual time stopped a runaway run.
    Cap(CapKind),
    /// Memory accounting went over the configured limit.
    OutOfMemory,
}

/// One state change. Every kind is small and `Copy`; see the module docs for units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum EventKind {
    // ----- task / coroutine lifecycle (event.task = the subject) -----
    /// A coroutine object or task was created (not started yet). `parent` may be [`NO_TASK`].
    Created {
        /// Interned name.
        name: Sym,
        /// The creating task.
        parent: TaskId,
    },
    /// The coroutine became a task on `thread` and was pushed onto the ready queue.
    Scheduled {
        /// Thread it runs on.
        thread: ThreadId,
    },
    /// The task was pushed onto the ready queue (back, or front when it resumes after a blocking call).
    Woken {
        /// The task whose poll caused the wake-up ([`NO_TASK`] for timers and arrivals).
        by: TaskId,
        /// Pushed at the front of the ready queue.
        front: bool,
    },
    /// The scheduler popped the task and polls it (state: running).
    PollStart,
    /// An inline coroutine (awaited directly) starts or resumes inside `parent`'s poll.
    Enter {
        /// The task whose poll runs it.
        parent: TaskId,
    },
    /// The poll (or inline coroutine) returned `Pending`: suspended at an await.
    Suspended {
        /// What it waits for.
        wait: Wait,
    },
    /// The task or coroutine returned.
    Done,
    /// End of run: a coroutine that was created and never awaited (Python's RuntimeWarning).
    NeverAwaited,
    /// The task was cancelled (`task.cancel()`): its future was dropped at its current await.
    Cancelled,

    // ----- time -----
    /// A timer was armed; it falls due at `t + delay`.
    TimerSet {
        /// Timer id.
        timer: u32,
        /// Microseconds from now.
        delay: u32,
    },
    /// A timer fired, `late` microseconds after its deadline (late when its thread was busy).
    TimerFired {
        /// Timer id.
        timer: u32,
        /// Lateness in microseconds.
        late: u32,
    },
    /// A timer was dropped before it fired.
    TimerCancelled {
        /// Timer id.
        timer: u32,
    },
    /// Nothing was runnable: the clock jumped forward by `dt` to `t`.
    Clock {
        /// Microseconds jumped.
        dt: u32,
    },
    /// A blocking call started: `thread` is busy for `dur`, nothing else on it runs.
    BlockStart {
        /// Busy thread.
        thread: ThreadId,
        /// Microseconds.
        dur: u32,
    },
    /// The blocking call returned; the thread is free.
    BlockEnd {
        /// Freed thread.
        thread: ThreadId,
    },

    // ----- sockets -----
    /// A client connected to a listening socket and waits in its backlog.
    ClientArrive {
        /// Socket resource.
        sock: Rid,
        /// Client id (global, in arrival order).
        client: u32,
    },
    /// `accept` took a client from the backlog after it waited `wait` microseconds.
    Accepted {
        /// Client id.
        client: u32,
        /// Microseconds the client waited in the backlog.
        wait: u32,
    },
    /// `select` registered interest in a set of sockets.
    SelectStart {
        /// Bit `i` = socket number `i`.
        mask: u32,
        /// Timeout in microseconds or [`NO_TIMEOUT`].
        timeout: u32,
    },
    /// `select` returned; an empty `ready` set means the timeout expired.
    SelectReturn {
        /// Bit `i` = socket number `i` is readable.
        ready: u32,
    },

    // ----- queues -----
    /// An item entered a queue; `depth` after.
    QueuePut {
        /// Queue.
        q: Rid,
        /// Items queued after the put.
        depth: u32,
    },
    /// An item left a queue; `depth` after.
    QueueGet {
        /// Queue.
        q: Rid,
        /// Items queued after the get.
        depth: u32,
    },
    /// A put found the queue full and an item was dropped (the new one or the oldest).
    QueueDrop {
        /// Queue.
        q: Rid,
        /// Items queued after the drop.
        depth: u32,
    },
    /// `task_done`: `unfinished` items remain (put but not yet marked done).
    TaskDone {
        /// Queue.
        q: Rid,
        /// Remaining unfinished items.
        unfinished: u32,
    },
    /// Memory accounting changed (queued items, threads in use). Bytes = `hi << 32 | lo`.
    Memory {
        /// Low 32 bits.
        lo: u32,
        /// High 32 bits.
        hi: u32,
    },

    // ----- rate limiting, credits -----
    /// A token was taken from a token bucket; `left` whole tokens remain.
    TokenTake {
        /// Rate limiter.
        rid: Rid,
        /// Whole tokens left.
        left: u32,
    },
    /// A credit/permit was acquired; `available` left.
    CreditTake {
        /// Credits resource.
        rid: Rid,
        /// Credits available after.
        available: u32,
    },
    /// Credits were granted back (`request(n)`); `available` after.
    CreditGrant {
        /// Credits resource.
        rid: Rid,
        /// Credits available after.
        available: u32,
    },

    // ----- servers, pools, requests -----
    /// A request reached a server or pool (`rid`) and waits for a thread/worker.
    RequestArrive {
        /// Request id.
        req: u32,
        /// Pool or server resource.
        rid: Rid,
    },
    /// A request got a thread (pool) or started being handled.
    RequestStart {
        /// Request id.
        req: u32,
        /// Thread it runs on.
        thread: ThreadId,
    },
    /// A request finished; `latency` from arrival.
    RequestDone {
        /// Request id.
        req: u32,
        /// Microseconds from arrival to completion.
        latency: u32,
    },
    /// A request was refused (queue full / budget exhausted).
    RequestReject {
        /// Request id.
        req: u32,
        /// Pool or server resource.
        rid: Rid,
    },
    /// A client call attempt started (retry storm). `attempt` counts from 0.
    CallStart {
        /// Logical call id.
        call: u32,
        /// Attempt number.
        attempt: u32,
    },
    /// A client call attempt gave up after its timeout.
    CallTimeout {
        /// Logical call id.
        call: u32,
        /// Attempt number.
        attempt: u32,
    },
    /// A call succeeded (goodput); `latency` from the first attempt.
    CallOk {
        /// Logical call id.
        call: u32,
        /// Microseconds since the first attempt.
        latency: u32,
    },
    /// A call failed for good (rejected or out of retries).
    CallFail {
        /// Logical call id.
        call: u32,
        /// Attempts made.
        attempts: u32,
    },

    // ----- program output -----
    /// The program printed a line (console pane).
    Print {
        /// Interned text.
        text: Sym,
    },
    /// The task is now executing line `line` of the displayed code (1-based).
    Line {
        /// 1-based code line.
        line: u32,
    },

    // ----- end of run -----
    /// Everything done, or the observation window ended with `pending` tasks still waiting.
    Finished {
        /// Tasks still pending (each listed by a `StillWaiting` event).
        pending: u32,
    },
    /// Nothing runnable and nothing scheduled while `stuck` tasks wait.
    Deadlock {
        /// Stuck tasks (each listed by a `StillWaiting` event).
        stuck: u32,
    },
    /// At the end of a run, this task was still waiting for `wait`.
    StillWaiting {
        /// What it waited for.
        wait: Wait,
    },
    /// A cap stopped the run.
    Cap {
        /// Which cap.
        what: CapKind,
    },
    /// Memory went over the limit; the run ends. Bytes = `hi << 32 | lo`.
    OutOfMemory {
        /// Low 32 bits of the memory in use.
        lo: u32,
        /// High 32 bits.
        hi: u32,
    },
}

/// One entry of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// Virtual time in microseconds.
    pub t: Time,
    /// Subject task, or [`NO_TASK`].
    pub task: TaskId,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// The subject task, if any.
    pub fn task(&self) -> Option<TaskId> {
        (self.task != NO_TASK).then_some(self.task)
    }
}

/// Is the subject a task scheduled on its own, or a coroutine awaited inline?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskKind {
    /// Spawned (`create_task`, `spawn`, `gather`): has its own place in the ready queue.
    Task,
    /// A coroutine object; becomes a `Task` when scheduled, or runs inline when awaited.
    Coroutine,
}

/// Static facts about a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMeta {
    /// Interned name.
    pub name: Sym,
    /// Creating task or [`NO_TASK`].
    pub parent: TaskId,
    /// Thread it runs on (for inline coroutines: the thread of the task running them).
    pub thread: ThreadId,
    /// Task or coroutine (a coroutine that got scheduled is recorded as `Task`).
    pub kind: TaskKind,
    /// A quiet task records only domain events (requests), not polls/timers: for big loads.
    pub quiet: bool,
    /// Creation time.
    pub created: Time,
}

/// What a resource is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResourceKind {
    /// A listening socket.
    Socket,
    /// A queue.
    Queue,
    /// A thread pool.
    Pool,
    /// A token-bucket rate limiter.
    RateLimiter,
    /// Credits (a semaphore; `request(n)`).
    Credits,
    /// A server modelled as a request counter (no threads), e.g. an event-loop server.
    Server,
}

/// What a full queue does with a new item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// `put` waits until there is room (backpressure).
    Block,
    /// The new item is dropped.
    DropNewest,
    /// The oldest queued item is dropped to make room.
    DropOldest,
}

/// Static facts about a resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Kind.
    pub kind: ResourceKind,
    /// Interned display name.
    pub name: Sym,
    /// Port for sockets, 0 otherwise.
    pub port: u32,
    /// For sockets: the bit used in select masks. 0 otherwise.
    pub socket_no: u32,
    /// Capacity: queue maxsize, pool threads, bucket burst, credits; `u32::MAX` = unbounded.
    pub capacity: u32,
    /// Queue drop policy (`Block` for everything else).
    pub policy: Policy,
    /// Bytes per queued item, or per busy pool thread.
    pub unit_bytes: u32,
    /// First thread id of a pool (its threads are `first_thread..first_thread+capacity`).
    pub first_thread: ThreadId,
    /// Creation time.
    pub created: Time,
}

/// Static facts about a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMeta {
    /// Interned name ("event loop", "pool-1 #3").
    pub name: Sym,
    /// Owning pool resource, or `u32::MAX` for the event-loop thread.
    pub pool: Rid,
}

/// A finished (or capped) run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// Every event in the order it happened (time never decreases).
    pub events: Vec<Event>,
    /// Interned strings ([`Sym`] indexes here).
    pub strings: Vec<String>,
    /// Per task, by [`TaskId`].
    pub tasks: Vec<TaskMeta>,
    /// Per resource, by [`Rid`].
    pub resources: Vec<Resource>,
    /// Per thread, by [`ThreadId`]. Thread 0 is the event loop.
    pub threads: Vec<ThreadMeta>,
    /// Number of timers ever armed (timer ids are `0..timers`).
    pub timers: u32,
    /// Number of clients that ever arrived (client ids are `0..clients`).
    pub clients: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// Virtual time at the end.
    pub end: Time,
    /// Memory limit in bytes that applied (`u64::MAX` = none).
    pub memory_limit: u64,
}

/// A dropped trace gives its event buffer (emptied) to the next run on the same thread.
impl Drop for Trace {
    fn drop(&mut self) {
        recycle_events(std::mem::take(&mut self.events));
    }
}

std::thread_local! {
    /// The emptied event buffer of the last trace (or run) dropped on this thread, if any.
    static SPARE_EVENTS: std::cell::Cell<Vec<Event>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The event buffer a new run starts with: the spare one of this thread (empty, with its
/// capacity and its pages already in memory), or a new one.
///
/// Why: a run of millions of events writes a buffer of over a hundred megabytes. Freed, a block
/// that big goes back to the operating system (glibc maps it on its own), and the next run's
/// fresh pages are zeroed by the kernel as they are first written: measured with `perf` on the
/// engine bench, a quarter of the run's time. Smaller blocks are recycled by the allocator
/// anyway; this keeps the big one too. At most one buffer is kept per thread (the larger), so
/// what stays allocated after a run is no more than its trace already took. Contents are never
/// carried over.
pub(crate) fn spare_events() -> Vec<Event> {
    SPARE_EVENTS.try_with(|c| c.take()).unwrap_or_default()
}

/// Keep `v`'s allocation (emptied) for the next run on this thread, if it is larger than the
/// one kept already; see [`spare_events`].
pub(crate) fn recycle_events(mut v: Vec<Event>) {
    if v.capacity() == 0 {
        return;
    }
    v.clear();
    let _ = SPARE_EVENTS.try_with(|c| {
        let kept = c.take();
        c.set(if kept.capacity() >= v.capacity() {
            kept
        } else {
            v
        });
    });
}

impl Trace {
    /// The text of an interned string ("" if out of range).
    pub fn str(&self, s: Sym) -> &str {
        self.strings
            .get(s.0 as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// A task's name.
    pub fn task_name(&self, t: TaskId) -> &str {
        self.tasks
            .get(t as usize)
            .map(|m| self.str(m.name))
            .unwrap_or("")
    }

    /// The resource id of the socket listening on `port`.
    pub fn socket(&self, port: u32) -> Option<Rid> {
        self.resources
            .iter()
            .position(|r| r.kind == ResourceKind::Socket && r.port == port)
            .map(|i| i as Rid)
    }

    /// The resource id of the first resource named `name`.
    pub fn resource(&self, name: &str) -> Option<Rid> {
        self.resources
            .iter()
            .position(|r| self.str(r.name) == name)
            .map(|i| i as Rid)
    }

    /// The time of every event (for "step to next/previous event" with [`Trace::index_at`]).
    pub fn event_times(&self) -> impl Iterator<Item = Time> + '_ {
        self.events.iter().map(|e| e.t)
    }

    /// Number of events with time `<= t` (the index of the first event after `t`).
    pub fn index_at(&self, t: Time) -> u32 {
        self.events.partition_point(|e| e.t <= t) as u32
    }

    /// The time of the first event strictly after `t`, if any.
    pub fn next_event_time(&self, t: Time) -> Option<Time> {
        self.events.get(self.index_at(t) as usize).map(|e| e.t)
    }

    /// The time of the last event strictly before `t`, if any.
    pub fn prev_event_time(&self, t: Time) -> Option<Time> {
        let i = self.events.partition_point(|e| e.t < t);
        i.checked_sub(1).map(|i| self.events[i].t)
    }

    /// Lines printed by the program, with their time.
    pub fn printed(&self) -> impl Iterator<Item = (Time, TaskId, &str)> + '_ {
        self.events.iter().filter_map(|e| match e.kind {
            EventKind::Print { text } => Some((e.t, e.task, self.str(text))),
            _ => None,
        })
    }

    /// A stable 64-bit FNV-1a hash over a canonical little-endian encoding of the whole trace
    /// (events, strings, tasks, resources, threads, outcome, end). Equal on native and wasm.
    pub fn hash(&self) -> u64 {
        let mut h = Fnv::new();
        h.u32(self.events.len() as u32);
        for e in &self.events {
            h.u64(e.t);
            h.u32(e.task);
            let (tag, a, b) = e.kind.words();
            h.u32(tag);
            h.u32(a);
            h.u32(b);
        }
        h.u32(self.strings.len() as u32);
        for s in &self.strings {
            h.u32(s.len() as u32);
            h.bytes(s.as_bytes());
        }
        for t in &self.tasks {
            h.u32(t.name.0);
            h.u32(t.parent);
            h.u32(t.thread);
            h.u32(t.kind as u32);
            h.u32(t.quiet as u32);
            h.u64(t.created);
        }
        for r in &self.resources {
            for w in [
                r.kind as u32,
                r.name.0,
                r.port,
                r.socket_no,
                r.capacity,
                r.policy as u32,
                r.unit_bytes,
                r.first_thread,
            ] {
                h.u32(w);
            }
            h.u64(r.created);
        }
        for th in &self.threads {
            h.u32(th.name.0);
            h.u32(th.pool);
        }
        let (o, c) = match self.outcome {
            Outcome::Finished => (0, 0),
            Outcome::Deadlock => (1, 0),
            Outcome::Cap(CapKind::Events) => (2, 0),
            Outcome::Cap(CapKind::Time) => (2, 1),
            Outcome::OutOfMemory => (3, 0),
        };
        h.u32(o);
        h.u32(c);
        h.u64(self.end);
        h.u64(self.memory_limit);
        h.0
    }
}

struct Fnv(u64);
impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= x as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn u32(&mut self, x: u32) {
        self.bytes(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.bytes(&x.to_le_bytes());
    }
}

impl Wait {
    /// `(tag, payload)`: a canonical encoding used by the trace hash.
    pub fn words(self) -> (u32, u32) {
        match self {
            Wait::Timer(x) => (0, x),
            Wait::Blocking(x) => (1, x),
            Wait::Accept(x) => (2, x),
            Wait::Select(x) => (3, x),
            Wait::QueuePut(x) => (4, x),
            Wait::QueueGet(x) => (5, x),
            Wait::QueueJoin(x) => (6, x),
            Wait::Join(x) => (7, x),
            Wait::Gather(x) => (8, x),
            Wait::Coroutine(x) => (9, x),
            Wait::PoolThread(x) => (10, x),
            Wait::RateLimit(x) => (11, x),
            Wait::Credits(x) => (12, x),
            Wait::Reply(x) => (13, x),
            Wait::Yield => (14, 0),
            Wait::Other => (15, 0),
        }
    }
}

impl EventKind {
    /// `(tag, a, b)`: a canonical encoding used by the trace hash.
    pub fn words(&self) -> (u32, u32, u32) {
        use EventKind::*;
        let w = |tag: u32, x: Wait| {
            let (a, b) = x.words();
            (tag, a, b)
        };
        match *self {
            Created { name, parent } => (0, name.0, parent),
            Scheduled { thread } => (1, thread, 0),
            Woken { by, front } => (2, by, front as u32),
            PollStart => (3, 0, 0),
            Enter { parent } => (4, parent, 0),
            Suspended { wait } => w(5, wait),
            Done => (6, 0, 0),
            NeverAwaited => (7, 0, 0),
            TimerSet { timer, delay } => (8, timer, delay),
            TimerFired { timer, late } => (9, timer, late),
            TimerCancelled { timer } => (10, timer, 0),
            Clock { dt } => (11, dt, 0),
            BlockStart { thread, dur } => (12, thread, dur),
            BlockEnd { thread } => (13, thread, 0),
            ClientArrive { sock, client } => (14, sock, client),
            Accepted { client, wait } => (15, client, wait),
            SelectStart { mask, timeout } => (16, mask, timeout),
            SelectReturn { ready } => (17, ready, 0),
            QueuePut { q, depth } => (18, q, depth),
            QueueGet { q, depth } => (19, q, depth),
            QueueDrop { q, depth } => (20, q, depth),
            TaskDone { q, unfinished } => (21, q, unfinished),
            Memory { lo, hi } => (22, lo, hi),
            TokenTake { rid, left } => (23, rid, left),
            CreditTake { rid, available } => (24, rid, available),
            CreditGrant { rid, available } => (25, rid, available),
            RequestArrive { req, rid } => (26, req, rid),
            RequestStart { req, thread } => (27, req, thread),
            RequestDone { req, latency } => (28, req, latency),
            RequestReject { req, rid } => (29, req, rid),
            CallStart { call, attempt } => (30, call, attempt),
            CallTimeout { call, attempt } => (31, call, attempt),
            CallOk { call, latency } => (32, call, latency),
            CallFail { call, attempts } => (33, call, attempts),
            Print { text } => (34, text.0, 0),
            Line { line } => (35, line, 0),
            Finished { pending } => (36, pending, 0),
            Deadlock { stuck } => (37, stuck, 0),
            StillWaiting { wait } => w(38, wait),
            Cap { what } => (39, what as u32, 0),
            OutOfMemory { lo, hi } => (40, lo, hi),
            Cancelled => (41, 0, 0),
        }
    }

    /// The variant's name, as written in the JSON Lines `kind` field.
    pub fn name(&self) -> &'static str {
        use EventKind::*;
        match self {
            Created { .. } => "Created",
            Scheduled { .. } => "Scheduled",
            Woken { .. } => "Woken",
            PollStart => "PollStart",
            Enter { .. } => "Enter",
            Suspended { .. } => "Suspended",
            Done => "Done",
            NeverAwaited => "NeverAwaited",
            TimerSet { .. } => "TimerSet",
            TimerFired { .. } => "TimerFired",
            TimerCancelled { .. } => "TimerCancelled",
            Clock { .. } => "Clock",
            BlockStart { .. } => "BlockStart",
            BlockEnd { .. } => "BlockEnd",
            ClientArrive { .. } => "ClientArrive",
            Accepted { .. } => "Accepted",
            SelectStart { .. } => "SelectStart",
            SelectReturn { .. } => "SelectReturn",
            QueuePut { .. } => "QueuePut",
            QueueGet { .. } => "QueueGet",
            QueueDrop { .. } => "QueueDrop",
            TaskDone { .. } => "TaskDone",
            Memory { .. } => "Memory",
            TokenTake { .. } => "TokenTake",
            CreditTake { .. } => "CreditTake",
            CreditGrant { .. } => "CreditGrant",
            RequestArrive { .. } => "RequestArrive",
            RequestStart { .. } => "RequestStart",
            RequestDone { .. } => "RequestDone",
            RequestReject { .. } => "RequestReject",
            CallStart { .. } => "CallStart",
            CallTimeout { .. } => "CallTimeout",
            CallOk { .. } => "CallOk",
            CallFail { .. } => "CallFail",
            Print { .. } => "Print",
            Line { .. } => "Line",
            Finished { .. } => "Finished",
            Deadlock { .. } => "Deadlock",
            StillWaiting { .. } => "StillWaiting",
            Cap { .. } => "Cap",
            OutOfMemory { .. } => "OutOfMemory",
            Cancelled => "Cancelled",
        }
    }
}

/// Split a byte count into the `(lo, hi)` words used by [`EventKind::Memory`].
pub fn split_bytes(b: u64) -> (u32, u32) {
    (b as u32, (b >> 32) as u32)
}

/// Join the `(lo, hi)` words of [`EventKind::Memory`].
pub fn join_bytes(lo: u32, hi: u32) -> u64 {
    (hi as u64) << 32 | lo as u64
}

// Keep events small: 8 (t) + 4 (task) + 12 (kind) = 24 bytes.
const _: () = assert!(std::mem::size_of::<Event>() == 24);
