//! The executor: tasks, the ready queue, wakers, threads, timers and the virtual clock.
//!
//! # Data structures
//!
//! * **Tasks.** `State::rt` holds, by [`TaskId`], one cache-line record per task: its boxed
//!   future (moved out for the poll), its one [`Waker`] (allocated once at spawn: an
//!   `Arc<TaskWaker>` holding the task id and the shared inbox; the poll's `Context` uses a
//!   non-owning copy, so no reference counting per poll) and its runtime facts (thread, done,
//!   last wait).
//! * **Ready queue.** A FIFO `VecDeque<TaskId>`. Wakers cannot touch it directly (a `Waker` must be
//!   `Send`, our state is `Rc`), so `wake()` appends the id to the *inbox*, once (a per-entity
//!   `queued` flag, cleared when the task is polled, de-duplicates). After every scheduling decision
//!   the executor drains the inbox into the ready queue in order, recording a
//!   [`EventKind::Woken`] for each: the trace shows the real ready queue.
//! * **Wake path (single-threaded invariant).** The inbox's wake list and `queued` flags sit in a
//!   plain `RefCell` that only the thread owning the simulation touches: a waker compares a
//!   process-unique thread number with the owner's and takes that lock-free path when they match
//!   (always, in practice: `Sim`/`Ctx` are `!Send`). A waker called from another thread falls back
//!   to a mutex-protected list, drained (and de-duplicated) after the local wakes of the step.
//!   A timer armed with the running task's *own* waker (`sleep`, `select` and `timeout` timers)
//!   stores just the task id and wakes it directly: same order, no waker clone or indirection.
//! * **Threads.** Thread 0 is the event loop; pools add more. A thread is *busy* while a task on it
//!   sits in a blocking call ([`crate::sim::Ctx::block_for`]). The scheduler never polls a task whose
//!   thread is busy: such tasks are parked on the thread, and timers owned by them that fall due are
//!   deferred and fire late (the lateness is recorded) when the blocking call returns.
//! * **Timers.** A slab of 32-byte timer slots (deadline, owner, action, generation; a foreign
//!   waker, rare, sits in a side table) indexed by
//!   [`Timers`]: a hashed timing wheel of 4,096 one-microsecond buckets for deadlines less than
//!   4,096 us ahead, a coarse wheel of 4,096 buckets of 4,096 us for those up to 16.8 s ahead
//!   (a coarse bucket cascades into the fine wheel when its time comes), and a binary min-heap of
//!   `(deadline, seq, slot, generation)` for the rare timers beyond that.
//!   Equal deadlines fire in the order they were armed (see [`Timers`] for why the three parts
//!   agree). Cancelling frees the slot at once (bumping its generation); the stale entry is skipped
//!   when reached (lazy deletion). A slot's action is: wake a task or a waker (sleep, select
//!   timeout), end a blocking call, or deliver a scripted client arrival to a socket.
//! * **Trace buffer.** Events go into one growing `Vec`. When a trace (or a run) is dropped its
//!   buffer, emptied, is kept for the next run on the same thread (see `trace::spare_events`):
//!   a freed multi-megabyte block otherwise goes back to the operating system, and the next run
//!   pays the kernel for zeroing every fresh page it writes.
//! * **Clock.** `State::now`, integer microseconds. [`Sim::step`] polls the first ready task; only
//!   when no task is runnable does it jump the clock to the earliest deadline and fire every timer
//!   due at that instant. Nothing runnable and nothing scheduled with tasks pending is a deadlock,
//!   recorded as events, never a panic.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use super::trace::*;
use super::Time;

type BoxFut = Pin<Box<dyn Future<Output = ()>>>;

/// Limits and options of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Stop with [`Outcome::Cap`] once this many events were recorded.
    pub max_events: u32,
    /// Stop with [`Outcome::Cap`] before the clock would pass this time (at most `u32::MAX` us).
    pub max_time: Time,
    /// The observation window: when nothing is runnable before this time, the run ends as
    /// [`Outcome::Finished`] at `stop_at`, listing tasks still waiting (e.g. a server in `accept`).
    pub stop_at: Option<Time>,
    /// Memory limit in bytes; going over it ends the run with [`Outcome::OutOfMemory`].
    pub memory_limit: Option<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_events: 5_000_000,
            max_time: 3_600 * super::SEC,
            stop_at: None,
            memory_limit: None,
        }
    }
}

/// What one call to [`Sim::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Polled this task once.
    Polled(TaskId),
    /// Nothing was runnable: advanced the clock to this time and fired the timers due then.
    Advanced(Time),
    /// The run is over (this and every later call).
    Done(Outcome),
}

/// Where wakes go. `local` is the fast path: a plain `RefCell`, touched only on the thread that
/// owns the simulation (checked with [`thread_no`]); `remote` takes wakes from any other thread.
pub(crate) struct Inbox {
    /// [`thread_no`] of the thread that created the simulation (and alone can run it: `Sim` is
    /// `!Send`).
    owner: u64,
    local: RefCell<Local>,
    remote: Mutex<Vec<TaskId>>,
    remote_pending: AtomicBool,
}

// SAFETY: `Inbox` is shared with `TaskWaker`s, which may travel to other threads. Its only
// non-`Sync` field, `local`, is accessed (a) by the executor through `State`/`Shared`, which live
// in an `Rc` and therefore never leave the owning thread, and (b) by `TaskWaker::wake_by_ref` only
// after checking `thread_no() == owner`. Thread numbers are unique for the life of the process
// and never reused, so every access to `local` happens on the owning thread.
unsafe impl Sync for Inbox {}

/// The owning thread's wake list and per-entity "queued" flags (de-duplicate wakes).
#[derive(Default)]
pub(crate) struct Local {
    woken: Vec<TaskId>,
    queued: Vec<bool>,
}

impl Local {
    /// Wake `id` unless it is already in the ready queue or already woken since its last poll.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    fn wake(&mut self, id: TaskId) {
        let q = &mut self.queued[id as usize];
        if !*q {
            *q = true;
            self.woken.push(id);
        }
    }
}

static NEXT_THREAD_NO: AtomicU64 = AtomicU64::new(1);
std::thread_local! {
    static THREAD_NO: Cell<u64> = const { Cell::new(0) };
}

/// A process-unique number for the current thread (never 0, never reused); 0 if thread-locals
/// are already torn down.
#[inline]
fn thread_no() -> u64 {
    THREAD_NO
        .try_with(|c| {
            let v = c.get();
            if v != 0 {
                return v;
            }
            let v = NEXT_THREAD_NO.fetch_add(1, Ordering::Relaxed);
            c.set(v);
            v
        })
        .unwrap_or(0)
}

pub(crate) struct TaskWaker {
    id: TaskId,
    inbox: Arc<Inbox>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }
    fn wake_by_ref(self: &Arc<Self>) {
        let inbox = &*self.inbox;
        if thread_no() == inbox.owner {
            if let Ok(mut l) = inbox.local.try_borrow_mut() {
                l.wake(self.id);
                return;
            }
        }
        // Another thread (or a re-entrant wake): de-duplicated when drained.
        inbox
            .remote
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(self.id);
        inbox.remote_pending.store(true, Ordering::Release);
    }
}

/// A task's runtime record: everything a poll, a timer firing and a wake touch, in one cache
/// line (the future's box is the only other per-task memory a poll reads).
#[repr(align(64))]
pub(crate) struct TaskRt {
    /// The task's future (`None` before it is spawned, once done, and while it is polled).
    pub fut: Option<BoxFut>,
    /// The task's own waker (`None` once done). Timers armed with it wake the task directly.
    pub waker: Option<Waker>,
    pub thread: ThreadId,
    pub done: bool,
    pub started: bool,
    pub scheduled: bool,
    pub quiet: bool,
    pub last_wait: Wait,
}

pub(crate) struct ThreadRt {
    pub busy: bool,
    pub parked: Vec<TaskId>,
    pub deferred: Vec<(u32, u32)>,
}

/// What a timer slot does when it fires (or did: `Fired`). `Copy` and 8 bytes, so a slot is 32.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Wake a foreign waker, kept in `State::timer_wakers[slot]`.
    Wake,
    /// Wake this task (the timer was armed with the task's own waker): no waker clone, no
    /// indirection, the same order as `Wake`.
    WakeTask(TaskId),
    /// End the blocking call of the slot's task on `thread`.
    Unblock {
        thread: ThreadId,
    },
    Arrival {
        sock: u32,
    },
    /// Fired; waiting to be released by its owner.
    Fired,
    Free,
}

pub(crate) struct TimerSlot {
    pub deadline: Time,
    pub id: u32,
    pub gen: u32,
    pub owner: TaskId,
    pub task: TaskId,
    pub action: Action,
}

const _: () = assert!(std::mem::size_of::<TimerSlot>() == 32);

/// A handle on an armed timer slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    pub slot: u32,
    pub gen: u32,
}

pub(crate) struct SocketRt {
    pub rid: Rid,
    pub backlog: VecDeque<(u32, Time)>,
    pub waiters: Vec<Waker>,
}

/// The engine's mutable state. Lives in a `RefCell` inside [`Shared`]; never borrowed across a poll.
pub(crate) struct State {
    pub now: Time,
    pub events: Vec<Event>,
    pub strings: Vec<String>,
    pub string_ix: HashMap<String, u32>,
    pub tasks: Vec<TaskMeta>,
    pub rt: Vec<TaskRt>,
    pub ready: VecDeque<TaskId>,
    pub threads: Vec<ThreadRt>,
    pub thread_meta: Vec<ThreadMeta>,
    pub resources: Vec<Resource>,
    pub sockets: Vec<SocketRt>,
    pub timers: Timers,
    pub slots: Vec<TimerSlot>,
    /// Foreign wakers of timer slots whose action is [`Action::Wake`], by slot (rare).
    pub timer_wakers: Vec<Option<Waker>>,
    pub free_slots: Vec<u32>,
    pub next_timer: u32,
    pub clients: u32,
    /// The innermost entity running now (a task, or an inline coroutine inside it).
    pub current: TaskId,
    /// The task the scheduler is polling now.
    pub cur_task: TaskId,
    /// Its thread.
    pub cur_thread: ThreadId,
    /// Set by a primitive just before it returns `Pending`: what the task now waits for.
    pub wait: Option<Wait>,
    pub live: u32,
    pub memory: u64,
    pub halt: Option<Outcome>,
    pub cfg: Config,
    pub scratch: Vec<TaskId>,
    pub oneshots: u32,
    /// Tasks put at the front of the ready queue since the last poll (kept in their own order).
    pub front_run: u32,
    pub inbox: Arc<Inbox>,
}

/// Everything a [`Ctx`] reaches: state (task futures included) and the wakers' inbox.
pub(crate) struct Shared {
    pub st: RefCell<State>,
    pub inbox: Arc<Inbox>,
}

/// The cheap, cloneable handle scenario code uses to reach the engine (an `Rc` inside).
///
/// All primitives hang off it: the clock, timers, `block_for`, spawning, coroutines, sockets,
/// queues, pools, rate limiters, `print` and `line`.
#[derive(Clone)]
pub struct Ctx {
    pub(crate) sh: Rc<Shared>,
}

/// The deterministic, virtual-time, single-threaded executor. See the module docs.
pub struct Sim {
    ctx: Ctx,
    outcome: Option<Outcome>,
}

impl State {
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    pub fn emit(&mut self, task: TaskId, kind: EventKind) {
        if self.events.len() == self.events.capacity() {
            grow_events(&mut self.events);
        }
        self.events.push(Event {
            t: self.now,
            task,
            kind,
        });
    }

    /// Emit unless `task` is quiet (quiet tasks record only domain events).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    pub fn emit_task(&mut self, task: TaskId, kind: EventKind) {
        if task == NO_TASK || !self.rt[task as usize].quiet {
            self.emit(task, kind);
        }
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&i) = self.string_ix.get(s) {
            return Sym(i);
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.to_owned());
        self.string_ix.insert(s.to_owned(), i);
        Sym(i)
    }

    pub fn set_wait(&mut self, w: Wait) {
        self.wait = Some(w);
    }

    pub fn add_resource(&mut self, r: Resource) -> Rid {
        self.resources.push(r);
        (self.resources.len() - 1) as Rid
    }

    pub fn add_thread(&mut self, name: &str, pool: Rid) -> ThreadId {
        let name = self.intern(name);
        self.thread_meta.push(ThreadMeta { name, pool });
        self.threads.push(ThreadRt {
            busy: false,
            parked: Vec::new(),
            deferred: Vec::new(),
        });
        (self.threads.len() - 1) as ThreadId
    }

    /// Change memory accounting by `delta` bytes; going over the limit halts the run.
    pub fn add_memory(&mut self, delta: i64) {
        self.memory = if delta < 0 {
            self.memory.saturating_sub(delta.unsigned_abs())
        } else {
            self.memory + delta as u64
        };
        let (lo, hi) = split_bytes(self.memory);
        self.emit(NO_TASK, EventKind::Memory { lo, hi });
        if let Some(limit) = self.cfg.memory_limit {
            if self.memory > limit && self.halt.is_none() {
                self.halt = Some(Outcome::OutOfMemory);
            }
        }
    }

    /// Register a new task or coroutine (not scheduled yet).
    pub fn new_entity(
        &mut self,
        name: &str,
        kind: TaskKind,
        quiet: bool,
        inbox: &Arc<Inbox>,
    ) -> TaskId {
        let id = self.tasks.len() as TaskId;
        let name = self.intern(name);
        let parent = self.current;
        let thread = self.cur_thread;
        self.tasks.push(TaskMeta {
            name,
            parent,
            thread,
            kind,
            quiet,
            created: self.now,
        });
        let waker = Waker::from(Arc::new(TaskWaker {
            id,
            inbox: inbox.clone(),
        }));
        self.inbox.local.borrow_mut().queued.push(false);
        self.rt.push(TaskRt {
            fut: None,
            waker: Some(waker),
            thread,
            done: false,
            started: false,
            scheduled: false,
            quiet,
            last_wait: Wait::Other,
        });
        self.emit_task(id, EventKind::Created { name, parent });
        id
    }

    /// Make entity `id` a task on `thread` and push it onto the ready queue.
    pub fn schedule(&mut self, id: TaskId, thread: ThreadId) {
        let r = &mut self.rt[id as usize];
        r.thread = thread;
        r.scheduled = true;
        r.started = true;
        if r.waker.is_some() {
            self.inbox.local.borrow_mut().queued[id as usize] = true;
        }
        self.tasks[id as usize].kind = TaskKind::Task;
        self.tasks[id as usize].thread = thread;
        self.live += 1;
        self.emit_task(id, EventKind::Scheduled { thread });
        self.ready.push_back(id);
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    pub fn arm(
        &mut self,
        delay: Time,
        owner: TaskId,
        task: TaskId,
        action: Action,
    ) -> (TimerKey, u32) {
        let deadline = self.now.saturating_add(delay);
        let id = self.next_timer;
        self.next_timer += 1;
        let slot = match self.free_slots.pop() {
            Some(s) => {
                let sl = &mut self.slots[s as usize];
                sl.id = id;
                sl.deadline = deadline;
                sl.owner = owner;
                sl.task = task;
                sl.action = action;
                s
            }
            None => {
                self.slots.push(TimerSlot {
                    id,
                    gen: 0,
                    deadline,
                    owner,
                    task,
                    action,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let gen = self.slots[slot as usize].gen;
        self.timers.insert(self.now, deadline, slot, gen);
        (TimerKey { slot, gen }, id)
    }

    /// Arm a timer that wakes the current task (records `TimerSet`).
    #[inline]
    pub fn arm_wake(&mut self, delay: Time, waker: &Waker) -> (TimerKey, u32) {
        let (owner, task) = (self.current, self.cur_task);
        let (action, foreign) = self.wake_action(waker);
        let r = self.arm(delay, owner, task, action);
        if foreign.is_some() {
            self.set_timer_waker(r.0.slot, foreign);
        }
        self.emit_task(
            owner,
            EventKind::TimerSet {
                timer: r.1,
                delay: clamp32(delay),
            },
        );
        r
    }

    pub fn timer_fired(&self, k: TimerKey) -> bool {
        let s = &self.slots[k.slot as usize];
        s.gen == k.gen && s.action == Action::Fired
    }

    /// If the timer fired, release it (recycle its slot) and say so; otherwise leave it armed.
    /// `timer_fired` then `release_timer` in one look at the slot.
    #[inline]
    pub fn take_fired(&mut self, k: TimerKey) -> bool {
        let s = &mut self.slots[k.slot as usize];
        if s.gen != k.gen || s.action != Action::Fired {
            return false;
        }
        s.gen = s.gen.wrapping_add(1);
        s.action = Action::Free;
        self.free_slots.push(k.slot);
        true
    }

    /// How a timer armed with `w` wakes: directly if `w` is the running task's own waker,
    /// otherwise through a clone of `w`.
    #[inline]
    fn wake_action(&self, w: &Waker) -> (Action, Option<Waker>) {
        let t = self.cur_task;
        match self.rt.get(t as usize).and_then(|r| r.waker.as_ref()) {
            Some(own) if own.will_wake(w) => (Action::WakeTask(t), None),
            _ => (Action::Wake, Some(w.clone())),
        }
    }

    /// Keep (or drop, with `None`) the foreign waker of timer slot `slot`.
    #[cold]
    fn set_timer_waker(&mut self, slot: u32, w: Option<Waker>) {
        let i = slot as usize;
        if self.timer_wakers.len() <= i {
            if w.is_none() {
                return;
            }
            self.timer_wakers.resize_with(i + 1, || None);
        }
        self.timer_wakers[i] = w;
    }

    /// Take the foreign waker of timer slot `slot`, if any.
    fn take_timer_waker(&mut self, slot: u32) -> Option<Waker> {
        self.timer_wakers
            .get_mut(slot as usize)
            .and_then(Option::take)
    }

    pub fn update_timer_waker(&mut self, k: TimerKey, w: &Waker) {
        let s = &self.slots[k.slot as usize];
        if s.gen == k.gen {
            match s.action {
                Action::Wake => {
                    let old = self
                        .timer_wakers
                        .get(k.slot as usize)
                        .and_then(Option::as_ref);
                    if old.is_some_and(|old| old.will_wake(w)) {
                        return;
                    }
                }
                Action::WakeTask(t) => {
                    if let Some(own) = &self.rt[t as usize].waker {
                        if own.will_wake(w) {
                            return;
                        }
                    }
                }
                _ => {}
            }
            if self.slots[k.slot as usize].action != Action::Fired {
                let (a, foreign) = self.wake_action(w);
                let old = std::mem::replace(&mut self.slots[k.slot as usize].action, a);
                if old == Action::Wake || foreign.is_some() {
                    self.set_timer_waker(k.slot, foreign);
                }
            }
        }
    }

    /// Release a timer: a fired one is recycled; a pending one is cancelled (recorded).
    pub fn release_timer(&mut self, k: TimerKey) {
        let s = &mut self.slots[k.slot as usize];
        if s.gen != k.gen {
            return;
        }
        let (action, id, owner) = (s.action, s.id, s.owner);
        s.gen = s.gen.wrapping_add(1);
        s.action = Action::Free;
        self.free_slots.push(k.slot);
        if action == Action::Wake {
            let w = self.take_timer_waker(k.slot);
            drop(w);
        }
        if action != Action::Fired {
            self.emit_task(owner, EventKind::TimerCancelled { timer: id });
        }
    }

    fn push_ready_front(&mut self, id: TaskId) {
        if self.rt[id as usize].waker.is_some() {
            self.inbox.local.borrow_mut().queued[id as usize] = true;
        }
        self.emit_task(
            id,
            EventKind::Woken {
                by: NO_TASK,
                front: true,
            },
        );
        let at = (self.front_run as usize).min(self.ready.len());
        self.ready.insert(at, id);
        self.front_run += 1;
    }

    /// Fire the timer in `slot` (generation `gen`) now, unless its task's thread is busy.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    fn fire(&mut self, slot: u32, gen: u32) {
        let s = &self.slots[slot as usize];
        if s.gen != gen {
            return;
        }
        match s.action {
            Action::WakeTask(direct) => {
                if !self.take_due_wake(slot, gen) {
                    return;
                }
                let r = &self.rt[direct as usize];
                if r.waker.is_some() {
                    // The task runs soon (this instant): start fetching its future now.
                    if let Some(f) = &r.fut {
                        prefetch_future(f);
                    }
                    // Exactly what the task's own waker would do, without going through it.
                    self.inbox.local.borrow_mut().wake(direct);
                }
            }
            _ => self.fire_other(slot, gen),
        }
    }

    /// The part of firing a wake timer (`WakeTask` or `Wake`) both share: while the owning
    /// task's thread is held by a blocking call the timer is deferred (fired late when the call
    /// returns) and `false` is returned; otherwise it is marked fired and `TimerFired` (with its
    /// lateness) is recorded.
    #[inline(always)]
    fn take_due_wake(&mut self, slot: u32, gen: u32) -> bool {
        let s = &self.slots[slot as usize];
        let (task, owner, id, deadline) = (s.task, s.owner, s.id, s.deadline);
        let th = self.rt[task as usize].thread;
        if self.threads[th as usize].busy {
            self.threads[th as usize].deferred.push((slot, gen));
            return false;
        }
        self.slots[slot as usize].action = Action::Fired;
        let late = clamp32(self.now - deadline);
        self.emit_task(owner, EventKind::TimerFired { timer: id, late });
        true
    }

    /// [`State::fire`] for every action but the common `WakeTask`.
    #[inline(never)]
    fn fire_other(&mut self, slot: u32, gen: u32) {
        let s = &self.slots[slot as usize];
        match s.action {
            Action::WakeTask(_) => self.fire(slot, gen),
            Action::Wake => {
                if !self.take_due_wake(slot, gen) {
                    return;
                }
                if let Some(w) = self.take_timer_waker(slot) {
                    w.wake();
                }
            }
            Action::Unblock { thread } => {
                let task = s.task;
                self.slots[slot as usize].action = Action::Fired;
                self.emit_task(task, EventKind::BlockEnd { thread });
                self.threads[thread as usize].busy = false;
                self.push_ready_front(task);
                let parked = std::mem::take(&mut self.threads[thread as usize].parked);
                self.ready.extend(parked);
                let deferred = std::mem::take(&mut self.threads[thread as usize].deferred);
                for (s, g) in deferred {
                    self.fire(s, g);
                }
            }
            Action::Arrival { sock } => {
                self.slots[slot as usize].action = Action::Fired;
                self.release_timer(TimerKey { slot, gen });
                let client = self.clients;
                self.clients += 1;
                let now = self.now;
                let so = &mut self.sockets[sock as usize];
                so.backlog.push_back((client, now));
                let rid = so.rid;
                let waiters = std::mem::take(&mut so.waiters);
                self.emit(NO_TASK, EventKind::ClientArrive { sock: rid, client });
                for w in waiters {
                    w.wake();
                }
            }
            Action::Fired | Action::Free => {}
        }
    }

    /// The earliest deadline of a live timer (dropping cancelled entries on the way).
    fn next_deadline(&mut self) -> Option<Time> {
        let slots = &self.slots;
        self.timers.next_deadline(self.now, |slot, gen| {
            let s = &slots[slot as usize];
            s.gen == gen && s.action != Action::Fired
        })
    }

    /// Fire every timer due at `d` (= now), in the order they were armed: the far heap's, then
    /// the near bucket's (see [`Timers`]).
    fn fire_due(&mut self, d: Time) {
        while let Some((slot, gen)) = self.timers.pop_far(d) {
            self.fire(slot, gen);
        }
        let mut due = self.timers.take_due(d);
        // In chunks: first prefetch every slot of the chunk, then (their loads now in flight
        // together) every owner's task record, then fire them in order. The misses of a chunk
        // overlap instead of coming one after another. Results are unaffected.
        const CHUNK: usize = 32;
        for chunk in due.chunks(CHUNK) {
            for &(s, _) in chunk {
                prefetch(self.slots.as_ptr().wrapping_add(s as usize));
            }
            for &(s, _) in chunk {
                if let Some(sl) = self.slots.get(s as usize) {
                    prefetch(self.rt.as_ptr().wrapping_add(sl.task as usize));
                }
            }
            for &(slot, gen) in chunk {
                self.fire(slot, gen);
            }
        }
        due.clear();
        self.timers.put_due(d, due);
    }
}

// Hot-path helpers are forced inline natively; the wasm bundle (built for size) only gets the
// `#[inline]` hint, so the many `emit` call sites do not grow it.

/// Prefetch the cache lines of a task's future (at most four: its hot part, typically all of it).
#[inline(always)]
fn prefetch_future(f: &BoxFut) {
    let p = &**f as *const dyn Future<Output = ()> as *const u8;
    let size = std::mem::size_of_val(&**f).min(256);
    // Every line from the one holding the first byte to the one holding the last.
    let lines = ((p as usize % 64) + size).div_ceil(64);
    let first = p.wrapping_sub(p as usize % 64);
    for i in 0..lines {
        prefetch(first.wrapping_add(i * 64));
    }
}

/// A hint to fetch the cache line at `p` (no effect on results; a no-op off x86-64).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Make room for more events: double the buffer (as `Vec` would), and on Linux ask for
/// transparent huge pages on it once it is big. A run of millions of events otherwise spends a
/// large share of its time in page faults, one per 4 KiB of trace (about 3 us each in our
/// container); with 2 MiB pages there is one fault per 2 MiB. Contents are unaffected.
#[cold]
#[inline(never)]
fn grow_events(events: &mut Vec<Event>) {
    let add = events.capacity().max(1024);
    events.reserve_exact(add);
    advise_huge_pages(
        events.as_mut_ptr() as *mut u8,
        events.capacity() * std::mem::size_of::<Event>(),
    );
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(p: *mut u8, bytes: usize) {
    const MADV_HUGEPAGE: i32 = 14;
    extern "C" {
        fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
        fn getpagesize() -> i32;
    }
    if bytes < 4 << 20 {
        return;
    }
    // SAFETY: `getpagesize` has no preconditions.
    let page = unsafe { getpagesize() } as usize;
    if !page.is_power_of_two() {
        return;
    }
    // The whole pages the buffer touches. Rounding *outward* matters: a big buffer is a
    // mapping of its own (glibc maps it with `mmap` and grows it with `mremap`), and advising
    // only part of a mapping splits it in two, after which `mremap` fails and every growth
    // becomes a fresh mapping plus a copy.
    let start = p as usize & !(page - 1);
    let end = (p as usize + bytes).next_multiple_of(page);
    // SAFETY: `madvise` takes any page-aligned range; on unmapped parts it fails (ENOMEM),
    // harmlessly. `MADV_HUGEPAGE` only tells the kernel it may back the range with 2 MiB pages:
    // it never changes the contents or the accessibility of any byte, so it cannot affect the
    // buffer, nor another allocation sharing its first or last page. Errors are ignored (THP
    // disabled, old kernel): the advice is an optimisation only.
    unsafe {
        madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_p: *mut u8, _bytes: usize) {}

/// Saturate a duration into the `u32` microseconds used in events.
#[inline]
pub(crate) fn clamp32(x: Time) -> u32 {
    x.min(u32::MAX as Time) as u32
}

impl Sim {
    /// A new simulation at time 0 with the event-loop thread (thread 0).
    pub fn new(cfg: Config) -> Sim {
        let inbox = Arc::new(Inbox {
            owner: thread_no(),
            local: RefCell::new(Local::default()),
            remote: Mutex::new(Vec::new()),
            remote_pending: AtomicBool::new(false),
        });
        let mut st = State {
            now: 0,
            events: super::trace::spare_events(),
            strings: Vec::new(),
            string_ix: HashMap::new(),
            tasks: Vec::new(),
            rt: Vec::new(),
            ready: VecDeque::new(),
            threads: Vec::new(),
            thread_meta: Vec::new(),
            resources: Vec::new(),
            sockets: Vec::new(),
            timers: Timers::default(),
            slots: Vec::new(),
            timer_wakers: Vec::new(),
            free_slots: Vec::new(),
            next_timer: 0,
            clients: 0,
            current: NO_TASK,
            cur_task: NO_TASK,
            cur_thread: 0,
            wait: None,
            live: 0,
            memory: 0,
            halt: None,
            cfg,
            scratch: Vec::new(),
            oneshots: 0,
            front_run: 0,
            inbox: inbox.clone(),
        };
        st.add_thread("event loop", u32::MAX);
        let sh = Rc::new(Shared {
            st: RefCell::new(st),
            inbox,
        });
        Sim {
            ctx: Ctx { sh },
            outcome: None,
        }
    }

    /// The handle scenario code uses (clock, timers, spawn, primitives).
    pub fn ctx(&self) -> Ctx {
        self.ctx.clone()
    }

    /// Spawn a top-level task on the event-loop thread (scheduled at once).
    pub fn spawn<F: Future + 'static>(&self, name: &str, f: F) -> super::JoinHandle<F::Output> {
        self.ctx.spawn(name, f)
    }

    /// Current virtual time.
    pub fn now(&self) -> Time {
        self.ctx.now()
    }

    /// Number of events recorded so far.
    pub fn event_count(&self) -> u32 {
        self.ctx.sh.st.borrow().events.len() as u32
    }

    /// A copy of the events recorded so far (for tests and step-by-step drivers).
    pub fn events(&self) -> Vec<Event> {
        self.ctx.sh.st.borrow().events.clone()
    }

    /// The outcome, once the run is over.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// Exactly one scheduling decision: poll the first runnable task once, or (nothing runnable)
    /// advance the clock to the next deadline and fire what falls due then, or end the run.
    pub fn step(&mut self) -> Step {
        if let Some(o) = self.outcome {
            return Step::Done(o);
        }
        let sh = &*self.ctx.sh;
        let mut st = sh.st.borrow_mut();
        if let Some(o) = st.halt {
            drop(st);
            return Step::Done(self.finish(o));
        }
        if st.events.len() as u64 >= st.cfg.max_events as u64 {
            drop(st);
            return Step::Done(self.finish(Outcome::Cap(CapKind::Events)));
        }
        // 1. Poll the first ready task whose thread is free.
        while let Some(id) = st.ready.pop_front() {
            let r = &st.rt[id as usize];
            if r.done {
                continue;
            }
            let th = r.thread;
            if st.threads[th as usize].busy {
                st.threads[th as usize].parked.push(id);
                continue;
            }
            st.emit_task(id, EventKind::PollStart);
            st.front_run = 0;
            st.current = id;
            st.cur_task = id;
            st.cur_thread = th;
            st.wait = None;
            let stm = &mut *st;
            let r = &mut stm.rt[id as usize];
            let Some(w) = &r.waker else {
                continue;
            };
            // A non-owning copy of the task's waker for the poll's `Context` (no reference
            // count traffic per poll).
            // SAFETY: `Waker` is a `RawWaker` (data pointer + vtable); a bitwise copy is a second
            // handle on the same `Arc<TaskWaker>`. It is wrapped in `ManuallyDrop`, so it never
            // releases the reference it does not own. The owned waker stays in `rt[id].waker`
            // for the whole poll: it is only taken when the task finishes or is cancelled, and
            // `cancel` refuses the running task; finishing is handled below, after the poll,
            // once the copy is no longer used. Clones made during the poll go through the
            // vtable and take their own reference, as with any borrowed waker.
            let waker = std::mem::ManuallyDrop::new(unsafe { std::ptr::read(w) });
            let fut = r.fut.take();
            sh.inbox.local.borrow_mut().queued[id as usize] = false;
            // Warm the caches for the next tasks in line while this one runs: the next task's
            // future, and the one after's record. Order and results are unaffected; 10,000
            // futures do not fit in the caches.
            if let Some(&n) = stm.ready.front() {
                if let Some(Some(f)) = stm.rt.get(n as usize).map(|r| &r.fut) {
                    prefetch_future(f);
                }
                if let Some(&n2) = stm.ready.get(1) {
                    prefetch(stm.rt.as_ptr().wrapping_add(n2 as usize));
                }
            }
            drop(st);
            let Some(mut fut) = fut else {
                continue_after_missing(sh, id);
                return Step::Polled(id);
            };
            let res = fut.as_mut().poll(&mut Context::from_waker(&waker));
            let mut st = sh.st.borrow_mut();
            st.current = NO_TASK;
            st.cur_task = NO_TASK;
            match res {
                Poll::Ready(()) => {
                    st.emit_task(id, EventKind::Done);
                    let r = &mut st.rt[id as usize];
                    r.done = true;
                    let own = r.waker.take();
                    st.live -= 1;
                    drop(st);
                    drop(fut);
                    drop(own);
                }
                Poll::Pending => {
                    let w = st.wait.take().unwrap_or(Wait::Other);
                    let r = &mut st.rt[id as usize];
                    r.last_wait = w;
                    r.fut = Some(fut);
                    st.emit_task(id, EventKind::Suspended { wait: w });
                    drop(st);
                }
            }
            drain(sh, id);
            return Step::Polled(id);
        }
        // 2. Nothing runnable: jump the clock.
        let next = st.next_deadline();
        let window = st.cfg.stop_at;
        let Some(d) = next.filter(|&d| window.is_none_or(|w| d <= w)) else {
            // Nothing will ever happen (or not within the observation window).
            let o = if st.live == 0 || window.is_some() {
                Outcome::Finished
            } else {
                Outcome::Deadlock
            };
            if let Some(w) = window {
                if st.live > 0 && w > st.now && w <= st.cfg.max_time {
                    let dt = clamp32(w - st.now);
                    st.now = w;
                    st.emit(NO_TASK, EventKind::Clock { dt });
                }
            }
            drop(st);
            return Step::Done(self.finish(o));
        };
        if d > st.cfg.max_time {
            drop(st);
            return Step::Done(self.finish(Outcome::Cap(CapKind::Time)));
        }
        if d > st.now {
            let dt = clamp32(d - st.now);
            st.now = d;
            st.emit(NO_TASK, EventKind::Clock { dt });
        }
        st.fire_due(d);
        drop(st);
        drain(sh, NO_TASK);
        Step::Advanced(d)
    }

    /// Run to the end: [`Sim::step`] until it reports [`Step::Done`].
    pub fn run(&mut self) -> Outcome {
        loop {
            if let Step::Done(o) = self.step() {
                return o;
            }
        }
    }

    /// Run at most `max_steps` scheduling decisions ([`Sim::step`]); `Some(outcome)` once the
    /// run is over, `None` if it is still going. For the UI: simulate a big scenario a slice at a
    /// time (say a few thousand steps per animation frame) so no single frame becomes a long task.
    /// Any sequence of slices records exactly the trace [`Sim::run`] records.
    pub fn run_for(&mut self, max_steps: u32) -> Option<Outcome> {
        for _ in 0..max_steps {
            if let Step::Done(o) = self.step() {
                return Some(o);
            }
        }
        self.outcome
    }

    /// Record the end of the run: never-awaited coroutines, still-waiting tasks, the final event.
    fn finish(&mut self, o: Outcome) -> Outcome {
        let mut st = self.ctx.sh.st.borrow_mut();
        for id in 0..st.rt.len() as u32 {
            let r = &st.rt[id as usize];
            if !r.started && st.tasks[id as usize].kind == TaskKind::Coroutine {
                st.emit(id, EventKind::NeverAwaited);
            }
        }
        let listed = matches!(o, Outcome::Finished | Outcome::Deadlock);
        let mut pending = 0;
        for id in 0..st.rt.len() as u32 {
            let r = &st.rt[id as usize];
            if r.scheduled && !r.done {
                pending += 1;
                if listed && !r.quiet {
                    let wait = r.last_wait;
                    st.emit(id, EventKind::StillWaiting { wait });
                }
            }
        }
        let kind = match o {
            Outcome::Finished => EventKind::Finished { pending },
            Outcome::Deadlock => EventKind::Deadlock { stuck: pending },
            Outcome::Cap(what) => EventKind::Cap { what },
            Outcome::OutOfMemory => {
                let (lo, hi) = split_bytes(st.memory);
                EventKind::OutOfMemory { lo, hi }
            }
        };
        st.emit(NO_TASK, kind);
        self.outcome = Some(o);
        o
    }

    /// Finish (if not yet) and return the trace.
    pub fn into_trace(mut self) -> Trace {
        if self.outcome.is_none() {
            self.run();
        }
        let outcome = self.outcome.unwrap_or(Outcome::Finished);
        let mut st = self.ctx.sh.st.borrow_mut();
        Trace {
            events: std::mem::take(&mut st.events),
            strings: std::mem::take(&mut st.strings),
            tasks: std::mem::take(&mut st.tasks),
            resources: std::mem::take(&mut st.resources),
            threads: std::mem::take(&mut st.thread_meta),
            timers: st.next_timer,
            clients: st.clients,
            outcome,
            end: st.now,
            memory_limit: st.cfg.memory_limit.unwrap_or(u64::MAX),
        }
    }
}

#[cold]
fn continue_after_missing(sh: &Shared, id: TaskId) {
    // A task without a future (cannot happen through the public API); mark it done.
    let mut st = sh.st.borrow_mut();
    if !st.rt[id as usize].done {
        st.rt[id as usize].done = true;
        st.live -= 1;
    }
}

/// Move woken task ids from the wakers' inbox to the ready queue, recording each.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[cfg_attr(target_arch = "wasm32", inline)]
fn drain(sh: &Shared, by: TaskId) {
    let inbox = &*sh.inbox;
    if inbox.remote_pending.load(Ordering::Acquire) {
        drain_remote(inbox);
    }
    let mut v = {
        let mut l = inbox.local.borrow_mut();
        if l.woken.is_empty() {
            return;
        }
        let mut st = sh.st.borrow_mut();
        let mut v = std::mem::take(&mut st.scratch);
        std::mem::swap(&mut l.woken, &mut v);
        v
    };
    let mut st = sh.st.borrow_mut();
    for &id in &v {
        if st.rt[id as usize].done {
            continue;
        }
        st.emit_task(id, EventKind::Woken { by, front: false });
        st.ready.push_back(id);
    }
    v.clear();
    st.scratch = v;
}

/// Wakes from other threads: appended after this step's local wakes, de-duplicated here.
#[cold]
fn drain_remote(inbox: &Inbox) {
    inbox.remote_pending.store(false, Ordering::Release);
    let v = std::mem::take(&mut *inbox.remote.lock().unwrap_or_else(|e| e.into_inner()));
    let mut l = inbox.local.borrow_mut();
    for id in v {
        if (id as usize) < l.queued.len() {
            l.wake(id);
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        // Break Rc cycles (futures hold Ctx clones) so a dropped simulation frees its memory.
        // The futures are dropped outside the borrow: their drops may reach the state.
        let futs: Vec<BoxFut> = {
            let mut st = self.ctx.sh.st.borrow_mut();
            st.rt.iter_mut().filter_map(|r| r.fut.take()).collect()
        };
        drop(futs);
        let mut st = self.ctx.sh.st.borrow_mut();
        let slots = std::mem::take(&mut st.timer_wakers);
        let socks = std::mem::take(&mut st.sockets);
        // A run dropped without `into_trace` gives its event buffer back too.
        super::trace::recycle_events(std::mem::take(&mut st.events));
        drop(st);
        drop(slots);
        drop(socks);
    }
}

impl Ctx {
    pub(crate) fn st(&self) -> std::cell::RefMut<'_, State> {
        self.sh.st.borrow_mut()
    }

    /// Current virtual time in microseconds.
    pub fn now(&self) -> Time {
        self.sh.st.borrow().now
    }

    /// The task (or inline coroutine) running now, if any.
    pub fn current(&self) -> Option<TaskId> {
        let c = self.sh.st.borrow().current;
        (c != NO_TASK).then_some(c)
    }

    /// The thread the running task is on (0 = event loop).
    pub fn thread(&self) -> ThreadId {
        self.sh.st.borrow().cur_thread
    }

    /// Print a line to the program's console (recorded as [`EventKind::Print`]).
    pub fn print(&self, text: &str) {
        let mut st = self.st();
        let text = st.intern(text);
        let cur = st.current;
        st.emit(cur, EventKind::Print { text });
    }

    /// Mark that the current task executes line `n` (1-based) of the displayed code.
    pub fn line(&self, n: u32) {
        let mut st = self.st();
        let cur = st.current;
        st.emit_task(cur, EventKind::Line { line: n });
    }

    /// Record a domain event for the current task (used by scenario programs for requests/calls).
    pub fn record(&self, kind: EventKind) {
        let mut st = self.st();
        let cur = st.current;
        st.emit(cur, kind);
    }

    /// Record a domain event that belongs to no task.
    pub fn record_global(&self, kind: EventKind) {
        self.st().emit(NO_TASK, kind);
    }

    /// Change memory accounting by `delta` bytes (recorded; may end the run out of memory).
    pub fn add_memory(&self, delta: i64) {
        self.st().add_memory(delta);
    }

    /// Memory in use, bytes.
    pub fn memory(&self) -> u64 {
        self.sh.st.borrow().memory
    }

    /// Intern a string into the trace's string table.
    pub fn intern(&self, s: &str) -> Sym {
        self.st().intern(s)
    }

    /// Add a thread that is not part of a pool (e.g. a second event loop); returns its id.
    pub fn new_thread(&self, name: &str) -> ThreadId {
        self.st().add_thread(name, u32::MAX)
    }

    pub(crate) fn push_future(&self, id: TaskId, f: BoxFut) {
        let mut st = self.st();
        let r = &mut st.rt[id as usize];
        if r.waker.is_some() {
            r.fut = Some(f);
        } else {
            // Done already: never runs. Dropped outside the borrow (its drop may reach the state).
            drop(st);
            drop(f);
        }
    }
}

/// Buckets in the timer wheel (a power of two): deadlines less than this many microseconds
/// ahead go to the wheel, later ones to the coarse wheel (or, beyond its reach, the `far` heap).
const WHEEL: usize = 4096;
const WHEEL_WORDS: usize = WHEEL / 64;
/// A coarse bucket spans `WHEEL` us: it holds the deadlines `d` with `d >> COARSE_SHIFT == k`.
const COARSE_SHIFT: u32 = WHEEL.trailing_zeros();
/// Coarse buckets (a power of two): the coarse wheel reaches `COARSE * WHEEL` us (16.8 s) ahead.
const COARSE: usize = 4096;

/// One bit per bucket of a 4,096-bucket circular wheel, plus one bit per non-zero word, so the
/// next occupied bucket is found in O(1) however far away it is.
struct Bitmap {
    words: [u64; WHEEL_WORDS],
    /// One bit per non-zero word of `words` (`WHEEL_WORDS` = 64).
    summary: u64,
}

const _: () = assert!(WHEEL == COARSE && WHEEL_WORDS == 64);

impl Bitmap {
    const EMPTY: Bitmap = Bitmap {
        words: [0; WHEEL_WORDS],
        summary: 0,
    };

    #[inline]
    fn mark(&mut self, b: usize) {
        self.words[b / 64] |= 1 << (b % 64);
        self.summary |= 1 << (b / 64);
    }

    #[inline]
    fn is_marked(&self, b: usize) -> bool {
        self.words[b / 64] & (1 << (b % 64)) != 0
    }

    #[inline]
    fn unmark(&mut self, b: usize) {
        let w = b / 64;
        self.words[w] &= !(1 << (b % 64));
        if self.words[w] == 0 {
            self.summary &= !(1 << w);
        }
    }

    /// The first marked bucket at or after `from` (circularly), as a distance from `from`.
    #[inline]
    fn next(&self, from: usize) -> Option<usize> {
        let (w0, b0) = (from / 64, from % 64);
        let first = self.words[w0] & (!0u64 << b0);
        if first != 0 {
            return Some(w0 * 64 + first.trailing_zeros() as usize - from);
        }
        let others = self.summary & !(1u64 << w0);
        if others != 0 {
            let k = others
                .rotate_right(((w0 + 1) % WHEEL_WORDS) as u32)
                .trailing_zeros() as usize;
            let w = (w0 + 1 + k) % WHEEL_WORDS;
            let b = w * 64 + self.words[w].trailing_zeros() as usize;
            return Some((b + WHEEL - from) % WHEEL);
        }
        let low = self.words[w0] & !(!0u64 << b0);
        if low != 0 {
            let b = w0 * 64 + low.trailing_zeros() as usize;
            return Some(b + WHEEL - from);
        }
        None
    }
}

impl Default for Bitmap {
    fn default() -> Self {
        Bitmap::EMPTY
    }
}

/// A far-heap timer: `(deadline, seq, slot, generation)`; `seq` numbers them in arming order.
type FarEntry = (Time, u64, u32, u32);

/// A wheel of `WHEEL` buckets of `(slot, generation)`, each holding the live timers of one
/// deadline in arming order (and perhaps cancelled ones), with a bitmap of the non-empty ones.
#[derive(Default)]
struct Buckets {
    /// Allocated on first use; emptied buckets keep their capacity.
    v: Vec<Vec<(u32, u32)>>,
    occupied: Bitmap,
}

impl Buckets {
    #[inline]
    fn push(&mut self, b: usize, e: (u32, u32)) {
        if self.v.is_empty() {
            self.v.resize_with(WHEEL, Vec::new);
        }
        self.v[b].push(e);
        self.occupied.mark(b);
    }

    /// The first bucket at or after index `from` (circularly) holding a live timer, as a
    /// distance from `from`, no further than `limit`; empties the buckets on the way that hold
    /// only cancelled timers.
    fn first_live(
        &mut self,
        from: usize,
        limit: Option<usize>,
        live: &impl Fn(u32, u32) -> bool,
    ) -> Option<usize> {
        while let Some(dist) = self.occupied.next(from) {
            if limit.is_some_and(|l| dist > l) {
                return None;
            }
            let b = (from + dist) & (WHEEL - 1);
            if self.v[b].iter().any(|&(s, g)| live(s, g)) {
                return Some(dist);
            }
            self.v[b].clear();
            self.occupied.unmark(b);
        }
        None
    }

    /// Take bucket `b` (empty if none); give it back with [`Buckets::put`].
    #[inline]
    fn take(&mut self, b: usize) -> Vec<(u32, u32)> {
        if self.v.is_empty() {
            return Vec::new();
        }
        self.occupied.unmark(b);
        std::mem::take(&mut self.v[b])
    }

    #[inline]
    fn put(&mut self, b: usize, v: Vec<(u32, u32)>) {
        if let Some(slot) = self.v.get_mut(b) {
            debug_assert!(slot.is_empty());
            *slot = v;
        }
    }
}

/// The timer queue, in three parts by how far ahead a deadline is when it is armed:
/// * less than [`WHEEL`] us: the `near` wheel of 1 us buckets, exact, indexed by deadline modulo
///   `WHEEL`;
/// * up to [`COARSE`] x [`WHEEL`] us (16.8 s): the `coarse` wheel of buckets spanning `WHEEL` us
///   each (bucket `k` holds the deadlines `k * WHEEL ..= k * WHEEL + WHEEL - 1`), unsorted, in
///   arming order;
/// * later: the `far` binary min-heap, ordered by `(deadline, seq)` (rare).
///
/// *Cascading.* When the earliest coarse bucket `k` starts at or before every deadline the other
/// parts hold, its timers move, in arming order, into the near wheel, ahead of any near
/// timer already there for the same deadline. Then no live timer is due before `k * WHEEL`, and
/// every deadline in the near wheel lies in `k * WHEEL .. k * WHEEL + WHEEL`, however far the clock
/// still is from it: the near wheel is read from `max(now, floor)` with `floor = k * WHEEL`, and
/// the clock next moves to one of those deadlines. Arming and firing a timer of any length up to
/// 16.8 s is O(1), no heap and no sort (before, every timer 4 ms or more ahead went through a
/// heap, most of the engine's time with thousands of pending sleeps of some milliseconds).
///
/// *Order.* Timers due at the same instant fire in the order they were armed:
/// * a near bucket holds the timers of one deadline (the live ones: all within `WHEEL` us of
///   each other, see above), in arming order;
/// * `far` is ordered by `(deadline, seq)`;
/// * for one deadline `d`, every far timer was armed before every coarse one (far when
///   `d >> COARSE_SHIFT` was at least `COARSE` buckets ahead, coarse when fewer), and every
///   coarse one before every near one (coarse when `d - now >= WHEEL`, near when less): coarse
///   timers go in front of their near bucket, and [`State::fire_due`] fires the heap's timers
///   for `d` first, then the bucket.
///
/// Cancelled timers stay in place (their slot's generation moved on) and are skipped.
///
/// *Deferred bucket insertion.* Arming a near timer appends `(bucket, slot, generation)` to
/// `pending` (a sequential write); the entries move to their buckets, in arming order, before
/// the wheel is next read ([`Timers::flush`], called by `next_deadline` and `take_due`). The
/// clock only moves after `next_deadline`, so every pending entry was armed at the current time
/// and the rules above hold unchanged. Why: a sleep's deadline comes from data the task just
/// loaded (often a cache miss), and a random bucket is another miss that had to wait for it; in
/// a batch, the bucket misses overlap instead.
#[derive(Default)]
pub(crate) struct Timers {
    /// Near entries armed since the last flush: `(bucket, slot, generation)`, in arming order.
    pending: Vec<(u32, u32, u32)>,
    near: Buckets,
    /// No live near timer is due before this (the start of the last coarse bucket cascaded).
    floor: Time,
    /// `COARSE` buckets of `(deadline, slot, generation)` in arming order, by
    /// `deadline >> COARSE_SHIFT`, allocated on first use.
    coarse: Vec<Vec<(Time, u32, u32)>>,
    coarse_occupied: Bitmap,
    /// Entries beyond the coarse wheel's reach when armed.
    far: BinaryHeap<Reverse<FarEntry>>,
    seq: u64,
    /// [`Timers::cascade`]'s `(near bucket, timers it held)` list, kept for its capacity.
    held: Vec<(usize, usize)>,
}

impl Timers {
    #[inline]
    fn insert(&mut self, now: Time, deadline: Time, slot: u32, gen: u32) {
        if deadline - now < WHEEL as Time {
            let b = deadline as usize & (WHEEL - 1);
            self.pending.push((b as u32, slot, gen));
            return;
        }
        let k = deadline >> COARSE_SHIFT;
        if k - (now >> COARSE_SHIFT) < COARSE as Time {
            if self.coarse.is_empty() {
                self.coarse.resize_with(COARSE, Vec::new);
            }
            let b = k as usize & (COARSE - 1);
            self.coarse[b].push((deadline, slot, gen));
            self.coarse_occupied.mark(b);
        } else {
            self.seq += 1;
            self.far.push(Reverse((deadline, self.seq, slot, gen)));
        }
    }

    /// Move the pending near entries into their buckets, in arming order.
    fn flush(&mut self) {
        for &(b, slot, gen) in &self.pending {
            self.near.push(b as usize, (slot, gen));
        }
        self.pending.clear();
    }

    /// The earliest deadline with a live timer; empties buckets holding only cancelled ones.
    fn next_deadline(&mut self, now: Time, live: impl Fn(u32, u32) -> bool) -> Option<Time> {
        self.flush();
        loop {
            while let Some(&Reverse((_, _, slot, gen))) = self.far.peek() {
                if live(slot, gen) {
                    break;
                }
                self.far.pop();
            }
            let mut best = self.far.peek().map(|r| r.0 .0);
            let from = now.max(self.floor);
            let limit = best.map(|b| b.saturating_sub(from) as usize);
            if let Some(dist) = self
                .near
                .first_live(from as usize & (WHEEL - 1), limit, &live)
            {
                let d = from + dist as Time;
                best = Some(best.map_or(d, |b| b.min(d)));
            }
            // The first coarse bucket: if it starts at or before `best`, its timers may come
            // first. Cascade it into the near wheel and look again.
            if self.coarse_occupied.summary == 0 {
                return best;
            }
            let coarse_from = now >> COARSE_SHIFT;
            let first = self
                .coarse_occupied
                .next(coarse_from as usize & (COARSE - 1))
                .map(|dist| coarse_from + dist as Time);
            match first {
                Some(k) if best.is_none_or(|b| k << COARSE_SHIFT <= b) => self.cascade(k),
                _ => return best,
            }
        }
    }

    /// Move coarse bucket `k`'s timers into the near wheel, in arming order, each in front
    /// of the near timers already there for its deadline (armed later: see the type's docs).
    fn cascade(&mut self, k: Time) {
        self.floor = self.floor.max(k << COARSE_SHIFT);
        let b = k as usize & (COARSE - 1);
        self.coarse_occupied.unmark(b);
        let mut v = std::mem::take(&mut self.coarse[b]);
        // Near buckets that already hold timers (near timers armed for these deadlines, or
        // cancelled ones) get the cascaded ones in front: note how many each holds (unmarking
        // it, so it is noted once), append every cascaded timer in arming order, then rotate
        // the old ones behind them. Cancelled timers move too (skipped when reached, as anywhere
        // in the wheel): checking each would read its slot here.
        let mut held = std::mem::take(&mut self.held);
        for e in &v {
            let nb = e.0 as usize & (WHEEL - 1);
            if self.near.occupied.is_marked(nb) {
                held.push((nb, self.near.v[nb].len()));
                self.near.occupied.unmark(nb);
            }
        }
        for &(d, slot, gen) in &v {
            self.near.push(d as usize & (WHEEL - 1), (slot, gen));
        }
        for &(nb, n) in &held {
            self.near.v[nb].rotate_left(n);
        }
        held.clear();
        self.held = held;
        v.clear();
        self.coarse[b] = v;
    }

    /// The far timers due at `d` (rare), in `(deadline, seq)` order, one at a time.
    #[inline]
    fn pop_far(&mut self, d: Time) -> Option<(u32, u32)> {
        match self.far.peek() {
            Some(Reverse(e)) if e.0 == d => self.far.pop().map(|Reverse(e)| (e.2, e.3)),
            _ => None,
        }
    }

    /// Take the near bucket of deadline `d` (empty if none); give it back with
    /// [`Timers::put_due`].
    #[inline]
    fn take_due(&mut self, d: Time) -> Vec<(u32, u32)> {
        self.flush();
        self.near.take(d as usize & (WHEEL - 1))
    }

    #[inline]
    fn put_due(&mut self, d: Time, v: Vec<(u32, u32)>) {
        self.near.put(d as usize & (WHEEL - 1), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Bitmap::next` agrees with a plain circular scan.
    #[test]
    fn wheel_next_occupied_matches_scan() {
        let mut rng = crate::sim::Rng::new(3);
        for _ in 0..300 {
            let mut m = Bitmap::EMPTY;
            let mut set = vec![false; WHEEL];
            let n = rng.below(6);
            for _ in 0..n {
                let b = rng.below(WHEEL as u64) as usize;
                set[b] = true;
                m.mark(b);
            }
            if rng.below(2) == 0 {
                let b = rng.below(WHEEL as u64) as usize;
                set[b] = false;
                m.unmark(b);
            }
            for _ in 0..20 {
                let from = rng.below(WHEEL as u64) as usize;
                let want = (0..WHEEL).find(|d| set[(from + d) % WHEEL]);
                assert_eq!(m.next(from), want, "from {from}");
            }
        }
    }

    /// The timer queue fires exactly what a sorted list of `(deadline, arming order)` would,
    /// in that order, over random delays on every scale (wheel, coarse wheel, far heap, and the
    /// boundaries between them), cancellations, and deadlines that coincide across the parts.
    #[test]
    fn timers_fire_in_deadline_then_arming_order() {
        for seed in 0..200 {
            let mut rng = crate::sim::Rng::new(seed);
            let mut t = Timers::default();
            // The model: every armed timer `(deadline, slot)` (slots are numbered in arming
            // order) and its liveness.
            let mut model: Vec<(Time, u32)> = Vec::new();
            let mut live = Vec::new();
            let mut now: Time = 0;
            let mut fired = 0;
            while fired < 400 {
                // Arm a few timers at the current time.
                for _ in 0..rng.below(4) {
                    let unit = [1, 64, 4_096, 1 << 20, 1 << 24][rng.below(5) as usize];
                    let mut d = now + rng.range(0, 3 * unit);
                    match rng.below(4) {
                        // On a grid, so timers armed far, coarse and near apart coincide.
                        0 => d = (d - d % 4_096).max(now),
                        1 => {
                            const G: Time = 1 << 22;
                            d = (now / G + rng.range(0, 6)) * G + rng.below(3);
                            d = d.max(now);
                        }
                        _ => {}
                    }
                    let slot = live.len() as u32;
                    live.push(true);
                    t.insert(now, d, slot, 0);
                    model.push((d, slot));
                }
                // Cancel one now and then.
                if rng.below(4) == 0 && !model.is_empty() {
                    let i = rng.below(model.len() as u64) as usize;
                    live[model[i].1 as usize] = false;
                    model.remove(i);
                }
                model.sort_unstable();
                let is_live = |s: u32, _g: u32| live[s as usize];
                let got = t.next_deadline(now, is_live);
                assert_eq!(got, model.first().map(|m| m.0), "seed {seed} at {now}");
                let Some(d) = got else { break };
                // Fire everything due at `d`, heap first, then the bucket (as `fire_due`).
                now = d;
                let mut order = Vec::new();
                while let Some((slot, _)) = t.pop_far(d) {
                    order.push(slot);
                }
                order.extend(t.take_due(d).iter().map(|&(s, _)| s));
                t.put_due(d, Vec::new());
                order.retain(|&s| live[s as usize]);
                let want: Vec<u32> = model.iter().take_while(|m| m.0 == d).map(|m| m.1).collect();
                assert_eq!(order, want, "seed {seed} at {d}");
                for &s in &order {
                    live[s as usize] = false;
                }
                model.drain(..want.len());
                fired += want.len();
            }
        }
    }

    /// A small run whose trace depends on `n` (its length grows with `n`).
    fn sleepers(n: u64) -> Trace {
        let sim = Sim::new(Config::default());
        let cx = sim.ctx();
        for i in 0..n {
            let c = cx.clone();
            sim.spawn(&format!("t{i}"), async move {
                for k in 0..3 {
                    c.sleep(1 + (i * 7 + k) % 5).await;
                }
            });
        }
        sim.into_trace()
    }

    /// A dropped trace's event buffer is the next run's (same allocation, emptied): the next
    /// trace is exactly what a fresh thread, which has no spare buffer, produces.
    #[test]
    fn a_dropped_traces_buffer_is_reused_empty() {
        // Tests may share a thread (`--test-threads=1`): start without a spare buffer.
        drop(super::super::trace::spare_events());
        let big = sleepers(200);
        let (ptr, cap) = (big.events.as_ptr(), big.events.capacity());
        assert!(big.events.len() > 1000);
        drop(big);
        let small = sleepers(3);
        assert_eq!(
            small.events.as_ptr(),
            ptr,
            "the spare buffer was not reused"
        );
        assert_eq!(small.events.capacity(), cap);
        let fresh = std::thread::spawn(|| sleepers(3)).join().expect("thread");
        assert_eq!(small, fresh);
        // A run dropped without producing a trace gives its buffer back too.
        drop(small);
        let mut sim = Sim::new(Config::default());
        assert_eq!(sim.event_count(), 0);
        sim.spawn("a", async {});
        sim.run();
        drop(sim);
        assert_eq!(sleepers(1).events.as_ptr(), ptr);
    }

    /// Of two dropped buffers the larger is kept.
    #[test]
    fn the_larger_spare_buffer_is_kept() {
        drop(super::super::trace::spare_events());
        let (big, small) = (sleepers(200), sleepers(2));
        assert!(big.events.capacity() > small.events.capacity());
        let ptr = big.events.as_ptr();
        drop(big);
        drop(small);
        assert_eq!(sleepers(1).events.as_ptr(), ptr);
    }
}
