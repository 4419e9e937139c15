//! Load lessons (chapters 4 and 8): the same steady traffic against a thread-per-request server
//! (a pool of N threads, each request holding its thread in a blocking call) and against an
//! event-loop server (each request a small task that awaits a timer), plus the trap: an event-loop
//! handler that calls a *blocking* sleep and freezes the loop.
//!
//! Arrivals are evenly spaced (`rate` per second) for the whole observation window `secs`; the run
//! stops at the end of the window with whatever is still waiting. Every handler runs as a quiet
//! task, so the trace holds the request events (`RequestArrive` / `RequestStart` / `RequestDone`
//! / `RequestReject`), memory changes and clock jumps: about 4 events per request, which keeps a
//! 100,000-request run small.
//!
//! Clients run on their own thread ("clients"), so arrivals keep coming even while the event loop
//! is frozen by a blocking handler; an event-loop request is recorded as started when the loop
//! first polls it, so requests stuck in the loop's ready queue count as waiting.
use crate::sim::{Config, EventKind, Sim, Trace, MS, SEC};

/// Which server handles the traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    /// A pool of `threads` threads; the handler blocks its thread (`time.sleep`, JDBC, ...).
    ThreadPerRequest,
    /// One event-loop thread; the handler awaits a timer (`await asyncio.sleep`).
    EventLoop,
    /// One event-loop thread; the handler wrongly calls a blocking sleep inside `async def`.
    EventLoopBlocking,
}

/// The knobs of a load run (all validated by [`LoadParams::validate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LoadParams {
    /// Pool threads (thread-per-request only).
    pub threads: u32,
    /// Requests per second.
    pub rate: u32,
    /// Time each request waits on its slow call, milliseconds.
    pub block_ms: u32,
    /// Observation window, seconds.
    pub secs: u32,
    /// Bound of the pool's waiting queue (`None` = unbounded); full queue = rejected request.
    pub max_waiting: Option<u32>,
    /// Memory per pool thread (its stack), KiB.
    pub stack_kib: u32,
    /// Memory per in-flight event-loop task (its state), KiB.
    pub task_kib: u32,
}

/// Accepted ranges (shown to the learner when a value is refused).
pub const THREADS: (u32, u32) = (1, 5_000);
/// Requests per second.
pub const RATE: (u32, u32) = (1, 5_000);
/// Blocking time, ms.
pub const BLOCK_MS: (u32, u32) = (10, 10_000);
/// Window, s.
pub const SECS: (u32, u32) = (1, 60);
/// Stack per thread, KiB.
pub const STACK_KIB: (u32, u32) = (64, 16_384);
/// State per task, KiB.
pub const TASK_KIB: (u32, u32) = (1, 1_024);
/// The most requests one run may simulate (rate × window).
pub const MAX_REQUESTS: u64 = 100_000;

impl Default for LoadParams {
    /// The notes' numbers: 200 threads, 500 req/s, 2 s blocking call, 20 s of traffic.
    fn default() -> Self {
        LoadParams {
            threads: 200,
            rate: 500,
            block_ms: 2_000,
            secs: 20,
            max_waiting: None,
            stack_kib: 1_024,
            task_kib: 4,
        }
    }
}

fn check(name: &str, v: u32, (lo, hi): (u32, u32), unit: &str) -> Result<(), String> {
    if v < lo || v > hi {
        Err(format!(
            "{name} {v}{unit} is out of range: accepted {lo}..={hi}{unit}"
        ))
    } else {
        Ok(())
    }
}

impl LoadParams {
    /// `Ok` or a sentence naming the bad value and the accepted range.
    pub fn validate(&self) -> Result<(), String> {
        check("threads", self.threads, THREADS, "")?;
        check("rate", self.rate, RATE, " req/s")?;
        check("blocking time", self.block_ms, BLOCK_MS, " ms")?;
        check("window", self.secs, SECS, " s")?;
        check("stack per thread", self.stack_kib, STACK_KIB, " KiB")?;
        check("state per task", self.task_kib, TASK_KIB, " KiB")?;
        if self.requests() > MAX_REQUESTS {
            return Err(format!(
                "{} req/s for {} s is {} requests: accepted at most {MAX_REQUESTS}",
                self.rate,
                self.secs,
                self.requests()
            ));
        }
        Ok(())
    }

    /// Requests that arrive in the window.
    pub fn requests(&self) -> u64 {
        self.rate as u64 * self.secs as u64
    }

    /// Little's law: threads needed = arrival rate × time per request.
    pub fn threads_needed(&self) -> f64 {
        self.rate as f64 * self.block_ms as f64 / 1000.0
    }

    /// Most requests per second the pool can finish: threads ÷ time per request.
    pub fn pool_capacity(&self) -> f64 {
        self.threads as f64 * 1000.0 / self.block_ms as f64
    }
}

/// Arrival time of request `i` (evenly spaced).
pub fn arrival(i: u64, rate: u32) -> u64 {
    i * SEC / rate as u64
}

/// Run the traffic against one server. Invalid parameters are clamped (validate first to tell
/// the learner).
pub fn run(model: Model, p: &LoadParams) -> Trace {
    let mut p = *p;
    p.threads = p.threads.clamp(THREADS.0, THREADS.1);
    p.rate = p.rate.clamp(RATE.0, RATE.1);
    p.block_ms = p.block_ms.clamp(BLOCK_MS.0, BLOCK_MS.1);
    p.secs = p.secs.clamp(SECS.0, SECS.1);
    p.secs = p.secs.min((MAX_REQUESTS / p.rate as u64).max(1) as u32);
    let window = p.secs as u64 * SEC;
    let mut sim = Sim::new(Config {
        stop_at: Some(window),
        ..Config::default()
    });
    let cx = sim.ctx();
    let n = p.requests();
    let d = p.block_ms as u64 * MS;
    let clients = cx.new_thread("clients");
    match model {
        Model::ThreadPerRequest => {
            let pool = cx.thread_pool(
                "thread pool",
                p.threads,
                p.max_waiting,
                p.stack_kib * 1024,
                true,
            );
            let c = cx.clone();
            cx.spawn_quiet(Some(clients), "clients", async move {
                for i in 0..n {
                    let at = arrival(i, p.rate);
                    if at > c.now() {
                        c.sleep(at - c.now()).await;
                    }
                    pool.submit(i as u32, move |h| async move {
                        h.block_for(d).await;
                    });
                }
            });
        }
        Model::EventLoop | Model::EventLoopBlocking => {
            let blocking = model == Model::EventLoopBlocking;
            let server = cx.server("event loop", p.task_kib * 1024, true);
            let rid = server.rid();
            let bytes = p.task_kib as i64 * 1024;
            let c = cx.clone();
            cx.spawn_quiet(Some(clients), "clients", async move {
                for i in 0..n {
                    let at = arrival(i, p.rate);
                    if at > c.now() {
                        c.sleep(at - c.now()).await;
                    }
                    let req = i as u32;
                    let arrived = c.now();
                    c.record_global(EventKind::RequestArrive { req, rid });
                    c.add_memory(bytes);
                    let h = c.clone();
                    c.spawn_quiet(Some(0), "request", async move {
                        h.record(EventKind::RequestStart { req, thread: 0 });
                        if blocking {
                            h.block_for(d).await;
                        } else {
                            h.sleep(d).await;
                        }
                        let latency = (h.now() - arrived).min(u32::MAX as u64) as u32;
                        h.record(EventKind::RequestDone { req, latency });
                        h.add_memory(-bytes);
                    });
                }
            });
        }
    }
    sim.run();
    sim.into_trace()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{EventKind, Outcome};

    fn count(tr: &Trace, f: impl Fn(&EventKind) -> bool, until: u64) -> usize {
        tr.events
            .iter()
            .filter(|e| e.t <= until && f(&e.kind))
            .count()
    }

    #[test]
    fn pool_backlog_grows_by_400_per_second() {
        let tr = run(Model::ThreadPerRequest, &LoadParams::default());
        assert_eq!(tr.outcome, Outcome::Finished);
        let t = 10 * SEC;
        let arrived = count(&tr, |k| matches!(k, EventKind::RequestArrive { .. }), t);
        let started = count(&tr, |k| matches!(k, EventKind::RequestStart { .. }), t);
        let backlog = arrived - started;
        assert!((3_600..=4_400).contains(&backlog), "backlog {backlog}");
    }

    #[test]
    fn event_loop_has_no_backlog_and_blocking_collapses_it() {
        let tr = run(Model::EventLoop, &LoadParams::default());
        let t = 10 * SEC;
        let arrived = count(&tr, |k| matches!(k, EventKind::RequestArrive { .. }), t);
        let started = count(&tr, |k| matches!(k, EventKind::RequestStart { .. }), t);
        assert_eq!(arrived, 5_001);
        assert_eq!(arrived, started);
        let tr = run(Model::EventLoopBlocking, &LoadParams::default());
        let started = count(&tr, |k| matches!(k, EventKind::RequestStart { .. }), t);
        // One 2 s blocking call at a time: 5 or 6 requests started in 10 s.
        assert!(started <= 6, "started {started}");
    }

    #[test]
    fn bad_params_are_named() {
        let p = LoadParams {
            threads: 0,
            ..LoadParams::default()
        };
        let e = p.validate().unwrap_err();
        assert!(e.contains("threads 0") && e.contains("1..=5000"), "{e}");
        let p = LoadParams {
            rate: 5_000,
            secs: 60,
            ..LoadParams::default()
        };
        assert!(p.validate().unwrap_err().contains("100000"));
    }

    #[test]
    #[ignore]
    fn hundred_k_timing() {
        let p = LoadParams {
            rate: 5_000,
            ..LoadParams::default()
        };
        for m in [Model::ThreadPerRequest, Model::EventLoop] {
            let t0 = std::time::Instant::now();
            let tr = run(m, &p);
            eprintln!("{m:?}: {} events in {:?}", tr.events.len(), t0.elapsed());
        }
    }
}
