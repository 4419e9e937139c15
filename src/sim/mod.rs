//! The engine: a deterministic, virtual-time, single-threaded cooperative executor of real Rust
//! futures, and the trace it records. It never names a web crate; the browser is an adapter.
//!
//! # Map
//!
//! | file | what lives there |
//! |------|------------------|
//! | [`executor`] | [`Sim`], [`Ctx`], the ready queue and wakers, threads, the timer heap, the clock, `step`/`run` |
//! | [`task`] | `spawn`/`create_task`, coroutine objects ([`Coro`]), [`JoinHandle`], `gather` |
//! | [`time`] | `sleep`, `block_for` (blocking call), `timeout`, `yield_now` |
//! | [`net`] | listening sockets with scripted client arrivals, `accept`, `select` |
//! | [`queue`] | bounded / unbounded queues, drop policies, `join`/`task_done`, memory accounting |
//! | [`limit`] | token-bucket rate limiter ("regulate"), credits (`request(n)`), one-shot replies |
//! | [`pool`] | a thread pool for thread-per-request servers |
//! | [`trace`] | [`Trace`], [`Event`], [`EventKind`], [`Wait`], the stable trace hash |
//! | [`replay`] | [`Replay::state_at`]: the full picture at any instant, for scrubbing |
//! | [`rng`] | SplitMix64, the only randomness |
//!
//! # API overview
//!
//! ```
//! use await_and_see::sim::{Sim, Config, Replay, SEC, Outcome};
//!
//! let mut sim = Sim::new(Config::default());
//! let cx = sim.ctx();
//! sim.spawn("main", async move {
//!     // asyncio.gather(db_query("A", 2), db_query("B", 3))
//!     let q = |name: &'static str, secs| {
//!         let cx2 = cx.clone();
//!         cx.coroutine(name, async move {
//!             cx2.print(&format!("Query {name} started"));
//!             cx2.sleep(secs * SEC).await;
//!             cx2.print(&format!("Query {name} finished"));
//!         })
//!     };
//!     cx.gather(vec![q("A", 2), q("B", 3)]).await;
//!     cx.print("All queries done");
//! });
//! assert_eq!(sim.run(), Outcome::Finished);
//! let trace = sim.into_trace();
//! assert_eq!(trace.end, 3 * SEC);
//!
//! let replay = Replay::new(&trace);
//! let s = replay.state_at(2 * SEC);          // everything with t <= 2 s applied
//! assert_eq!(s.printed.len(), 3);            // A started, B started, A finished
//! assert_eq!(trace.str(s.printed[2].text), "Query A finished");
//! ```
//!
//! * Time is [`Time`] = `u64` **microseconds** ([`MS`], [`SEC`]). The clock moves only when nothing
//!   is runnable, straight to the next deadline.
//! * [`Sim::step`] makes exactly one scheduling decision; [`Sim::run`] loops on it.
//! * [`Sim::run_for`]`(max_steps)` runs a bounded slice and returns `Some(outcome)` once the run
//!   is over: a component can simulate a 100,000-request scenario across several animation
//!   frames instead of in one long task. Slicing never changes the trace:
//!
//!   ```
//!   use await_and_see::sim::{Sim, Config, MS};
//!   let mut sim = Sim::new(Config::default());
//!   let cx = sim.ctx();
//!   for i in 0..100 {
//!       let c = cx.clone();
//!       sim.spawn(&format!("t{i}"), async move { c.sleep((i % 7 + 1) * MS).await });
//!   }
//!   let outcome = loop {
//!       // e.g. once per requestAnimationFrame
//!       if let Some(o) = sim.run_for(50) {
//!           break o;
//!       }
//!   };
//!   assert_eq!(outcome, await_and_see::sim::Outcome::Finished);
//!   ```
//! * Performance notes (see BENCHMARKS.md): wakes on the simulation's own thread take a
//!   lock-free path, a timer armed with the task's own waker wakes the task directly, timers
//!   less than 4,096 us ahead live in a hashed timing wheel (the rest in a heap), each task's
//!   future, waker and runtime facts share one cache line, a task's future is prefetched when
//!   its timer fires, and the event buffer asks for transparent huge pages on Linux; none of
//!   this changes the order of events.
//! * Runs end with an [`Outcome`]: `Finished`, `Deadlock` (recorded with the stuck tasks),
//!   `Cap` (events or time, see [`Config`]) or `OutOfMemory`.
//! * The [`Trace`] is everything the UI needs; [`Replay`] answers `state_at(t)`;
//!   [`Trace::index_at`] / [`Trace::next_event_time`] / [`Trace::prev_event_time`] step through it.

#![warn(missing_docs)]

pub mod executor;
pub mod limit;
pub mod net;
pub mod pool;
pub mod queue;
pub mod replay;
pub mod rng;
pub mod task;
pub mod time;
pub mod trace;

pub use executor::{Config, Ctx, Sim, Step};
pub use limit::{Credits, Oneshot, Reply, TokenBucket};
pub use net::{Client, Socket};
pub use pool::{Server, ThreadPool};
pub use queue::{Queue, QueueConfig};
pub use replay::{
    Counters, PrintLine, Replay, ResState, ResView, Snapshot, TaskState, TaskView, ThreadView,
    TimerView, Waiter,
};
pub use rng::Rng;
pub use task::{Coro, Gather, JoinHandle};
pub use time::{BlockFor, Elapsed, Sleep, Timeout};
pub use trace::{
    CapKind, Event, EventKind, Outcome, Policy, Resource, ResourceKind, Rid, Sym, TaskId, TaskKind,
    TaskMeta, ThreadId, ThreadMeta, Trace, Wait, NO_TASK, NO_TIMEOUT,
};

/// Virtual time in microseconds.
pub type Time = u64;
/// One microsecond.
pub const US: Time = 1;
/// One millisecond in [`Time`] units.
pub const MS: Time = 1_000;
/// One second in [`Time`] units.
pub const SEC: Time = 1_000_000;
