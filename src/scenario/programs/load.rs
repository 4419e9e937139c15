//! (e) `thread_per_request` and (f) `event_loop_server` (chapters 4 and 8): the same steady
//! traffic against a thread-per-request server (a pool of N threads, each request holding its
//! thread in a blocking call) and against an event-loop server (each request a small task that
//! awaits a timer), plus the trap: an event-loop handler that calls a *blocking* sleep and
//! freezes the loop (`blocking_handler`, [`Model::EventLoopBlocking`]).
//!
//! Arrivals are evenly spaced (`rate_per_s`; optionally with seeded jitter inside each gap) for
//! the whole observation window `duration_s`; the run stops at the end of the window with
//! whatever is still waiting. By default every handler runs as a quiet task, so the trace holds
//! the request events (`RequestArrive` / `RequestStart` / `RequestDone` / `RequestReject`), memory
//! changes and clock jumps: about 4 events per request, which keeps a 100,000-request run small
//! (`detailed = true` records every poll, for small loads).
//!
//! Clients run on their own thread ("clients"), so arrivals keep coming even while the event loop
//! is frozen by a blocking handler; an event-loop request is recorded as started when the loop
//! first polls it, so requests stuck in the loop's ready queue count as waiting.

use serde::{Deserialize, Serialize};

use crate::scenario::{bad, check_f, check_u, secs, Limits, ScenarioError};
use crate::sim::{EventKind, Rng, Sim, Time, Trace, MS, SEC};

/// Which server handles the traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    /// (e) A pool of `threads` threads; the handler blocks its thread (`time.sleep`, JDBC, ...).
    ThreadPerRequest,
    /// (f) One event-loop thread; the handler awaits a timer (`await asyncio.sleep`).
    EventLoop,
    /// (f) with `blocking_handler`: the handler wrongly calls a blocking sleep in `async def`.
    EventLoopBlocking,
}

/// The knobs of a load run (all validated by [`LoadParams::validate`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoadParams {
    /// Pool threads, (e) only (1 ..= 5000).
    pub threads: u32,
    /// Requests per second (1 ..= 5000).
    pub rate_per_s: u32,
    /// Time each request waits on its slow call, milliseconds (10 ..= 10000).
    pub work_ms: u32,
    /// Observation window, seconds (0.1 ..= 3600; `rate_per_s × duration_s` at most 2,000,000
    /// requests).
    pub duration_s: f64,
    /// Bound of the pool's waiting queue, (e) only (`None` = unbounded; 0 ..= 10,000,000); a full
    /// queue rejects the request.
    pub max_waiting: Option<u32>,
    /// Memory per pool thread (its stack), KiB, (e) (64 ..= 16384).
    pub stack_kib: u32,
    /// Memory per in-flight event-loop task (its state), KiB, (f) (1 ..= 1024).
    pub task_kib: u32,
    /// (f) only: the handler calls a blocking sleep inside `async def` (the loop freezes).
    pub blocking_handler: bool,
    /// Seeded random offset of each arrival within its gap (false = exactly evenly spaced).
    pub jitter: bool,
    /// Seed of the jitter.
    pub seed: u64,
    /// Record every poll of every request (true; small loads) or only request events (false).
    pub detailed: bool,
    /// Caps.
    pub limits: Limits,
}

/// Accepted ranges (shown to the learner when a value is refused).
pub const THREADS: (u32, u32) = (1, 5_000);
/// Requests per second.
pub const RATE: (u32, u32) = (1, 5_000);
/// Blocking time, ms.
pub const BLOCK_MS: (u32, u32) = (10, 10_000);
/// Window, s.
pub const SECS: (f64, f64) = (0.1, 3600.0);
/// Stack per thread, KiB.
pub const STACK_KIB: (u32, u32) = (64, 16_384);
/// State per task, KiB.
pub const TASK_KIB: (u32, u32) = (1, 1_024);
/// Bound of the pool's queue.
pub const MAX_WAITING: (u32, u32) = (0, 10_000_000);
/// The most requests one run may simulate (rate × window); the page's sliders stay far below.
pub const MAX_REQUESTS: u64 = 2_000_000;

impl Default for LoadParams {
    /// The notes' numbers: 200 threads, 500 req/s, 2 s blocking call, 20 s of traffic.
    fn default() -> Self {
        LoadParams {
            threads: 200,
            rate_per_s: 500,
            work_ms: 2_000,
            duration_s: 20.0,
            max_waiting: None,
            stack_kib: 1_024,
            task_kib: 4,
            blocking_handler: false,
            jitter: false,
            seed: 1,
            detailed: false,
            limits: Limits::default(),
        }
    }
}

fn check(field: &str, v: u32, (lo, hi): (u32, u32)) -> Result<(), ScenarioError> {
    check_u(field, v as u64, lo as u64, hi as u64)
}

impl LoadParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check("threads", self.threads, THREADS)?;
        check("rate_per_s", self.rate_per_s, RATE)?;
        check("work_ms", self.work_ms, BLOCK_MS)?;
        check_f("duration_s", self.duration_s, SECS.0, SECS.1)?;
        if let Some(m) = self.max_waiting {
            check("max_waiting", m, MAX_WAITING)?;
        }
        check("stack_kib", self.stack_kib, STACK_KIB)?;
        check("task_kib", self.task_kib, TASK_KIB)?;
        if self.requests() > MAX_REQUESTS {
            return Err(bad(
                "duration_s",
                format!(
                    "{} (at {} req/s: {} requests)",
                    crate::decimal::short(self.duration_s, 3),
                    self.rate_per_s,
                    self.requests()
                ),
                &format!("rate_per_s × duration_s at most {MAX_REQUESTS} requests"),
            ));
        }
        Ok(())
    }

    /// Requests that arrive in the window.
    pub fn requests(&self) -> u64 {
        (self.rate_per_s as u128 * self.window() as u128 / SEC as u128) as u64
    }

    /// The observation window, µs.
    pub fn window(&self) -> Time {
        secs(self.duration_s)
    }

    /// Little's law: threads needed = arrival rate × time per request.
    pub fn threads_needed(&self) -> f64 {
        self.rate_per_s as f64 * self.work_ms as f64 / 1000.0
    }

    /// Most requests per second the pool can finish: threads ÷ time per request.
    pub fn pool_capacity(&self) -> f64 {
        self.threads as f64 * 1000.0 / self.work_ms as f64
    }
}

/// Arrival time of request `i` (evenly spaced).
pub fn arrival(i: u64, rate: u32) -> u64 {
    i * SEC / rate as u64
}

/// Arrival times of the window's requests: evenly spaced, or with seeded jitter inside each gap
/// (still sorted).
pub fn arrival_times(p: &LoadParams) -> Vec<Time> {
    let n = p.requests();
    let gap = (SEC / p.rate_per_s as u64).max(1);
    let mut rng = Rng::new(p.seed);
    let mut v: Vec<Time> = (0..n)
        .map(|i| {
            let t = arrival(i, p.rate_per_s);
            if p.jitter {
                t + rng.below(gap)
            } else {
                t
            }
        })
        .collect();
    v.sort_unstable();
    v
}

/// (e) with valid parameters.
pub fn thread_per_request(p: &LoadParams) -> Trace {
    run(Model::ThreadPerRequest, p)
}

/// (f) with valid parameters (the blocking-handler variant when `blocking_handler` is set).
pub fn event_loop_server(p: &LoadParams) -> Trace {
    run(
        if p.blocking_handler {
            Model::EventLoopBlocking
        } else {
            Model::EventLoop
        },
        p,
    )
}

/// Run the traffic against one server. Invalid parameters are clamped (validate first to tell
/// the learner). [`Model::EventLoopBlocking`] is (f) with `blocking_handler` set.
pub fn run(model: Model, p: &LoadParams) -> Trace {
    let mut sim = start(model, p);
    sim.run();
    sim.into_trace()
}

/// The same run, installed but not started: the caller steps it ([`Sim::step`]) at its own pace
/// (the page spreads a 100,000-request run over several frames) and ends with
/// [`Sim::into_trace`]. The trace is the one [`run`] returns. Progress: `sim.now()` against
/// [`LoadParams::window`].
pub fn start(model: Model, p: &LoadParams) -> Sim {
    let mut p = *p;
    p.threads = p.threads.clamp(THREADS.0, THREADS.1);
    p.rate_per_s = p.rate_per_s.clamp(RATE.0, RATE.1);
    p.work_ms = p.work_ms.clamp(BLOCK_MS.0, BLOCK_MS.1);
    p.duration_s = if p.duration_s.is_finite() {
        p.duration_s.clamp(SECS.0, SECS.1)
    } else {
        SECS.0
    };
    p.duration_s = p.duration_s.min(MAX_REQUESTS as f64 / p.rate_per_s as f64);
    let mut cfg = p.limits.config();
    cfg.stop_at = Some(p.window());
    let times = arrival_times(&p);
    let d = p.work_ms as u64 * MS;
    let quiet = !p.detailed;
    let sim = Sim::new(cfg);
    let cx = &sim.ctx();
    {
        let clients = cx.new_thread("clients");
        // The clients' loop: wait for each arrival time, then hand the request over.
        let spawn_clients = |submit: Box<dyn Fn(u32)>| {
            let c = cx.clone();
            let body = async move {
                for (i, at) in times.into_iter().enumerate() {
                    if at > c.now() {
                        c.sleep(at - c.now()).await;
                    }
                    submit(i as u32);
                }
            };
            if quiet {
                cx.spawn_quiet(Some(clients), "clients", body);
            } else {
                cx.spawn_on(clients, "clients", body);
            }
        };
        match model {
            Model::ThreadPerRequest => {
                let pool = cx.thread_pool(
                    "thread pool",
                    p.threads,
                    p.max_waiting,
                    p.stack_kib * 1024,
                    quiet,
                );
                spawn_clients(Box::new(move |req| {
                    pool.submit(req, move |h| async move {
                        h.block_for(d).await;
                    });
                }));
            }
            Model::EventLoop | Model::EventLoopBlocking => {
                let blocking = model == Model::EventLoopBlocking;
                let server = cx.server("event loop", p.task_kib * 1024, true);
                let rid = server.rid();
                let bytes = p.task_kib as i64 * 1024;
                let c = cx.clone();
                spawn_clients(Box::new(move |req| {
                    let arrived = c.now();
                    c.record_global(EventKind::RequestArrive { req, rid });
                    c.add_memory(bytes);
                    let h = c.clone();
                    let body = async move {
                        h.record(EventKind::RequestStart { req, thread: 0 });
                        if blocking {
                            h.block_for(d).await;
                        } else {
                            h.sleep(d).await;
                        }
                        let latency = (h.now() - arrived).min(u32::MAX as u64) as u32;
                        h.record(EventKind::RequestDone { req, latency });
                        h.add_memory(-bytes);
                    };
                    if quiet {
                        c.spawn_quiet(Some(0), "request", body);
                    } else {
                        c.spawn_on(0, &format!("request {req}"), body);
                    }
                }));
            }
        }
    }
    sim
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
        assert_eq!(tr.hash(), thread_per_request(&LoadParams::default()).hash());
    }

    #[test]
    fn event_loop_has_no_backlog_and_blocking_collapses_it() {
        let tr = run(Model::EventLoop, &LoadParams::default());
        let t = 10 * SEC;
        let arrived = count(&tr, |k| matches!(k, EventKind::RequestArrive { .. }), t);
        let started = count(&tr, |k| matches!(k, EventKind::RequestStart { .. }), t);
        assert_eq!(arrived, 5_001);
        assert_eq!(arrived, started);
        let blocking = LoadParams {
            blocking_handler: true,
            ..LoadParams::default()
        };
        let tr = event_loop_server(&blocking);
        assert_eq!(tr.hash(), run(Model::EventLoopBlocking, &blocking).hash());
        let started = count(&tr, |k| matches!(k, EventKind::RequestStart { .. }), t);
        // One 2 s blocking call at a time: 5 or 6 requests started in 10 s.
        assert!(started <= 6, "started {started}");
    }

    #[test]
    fn jitter_is_seeded_and_stays_in_each_gap() {
        let p = LoadParams {
            rate_per_s: 10,
            duration_s: 2.0,
            jitter: true,
            seed: 3,
            ..LoadParams::default()
        };
        let a = arrival_times(&p);
        assert_eq!(a, arrival_times(&p));
        assert_ne!(a, arrival_times(&LoadParams { seed: 4, ..p }));
        assert_eq!(a.len(), 20);
        for (i, t) in a.iter().enumerate() {
            assert!(*t >= arrival(i as u64, 10) && *t < arrival(i as u64 + 1, 10));
        }
        let even = LoadParams { jitter: false, ..p };
        assert_eq!(arrival_times(&even)[3], 300 * MS);
    }

    #[test]
    fn bad_params_are_named() {
        let p = LoadParams {
            threads: 0,
            ..LoadParams::default()
        };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "field `threads`: 0 is not accepted; accepted: an integer from 1 to 5000"
        );
        let p = LoadParams {
            rate_per_s: 5_000,
            duration_s: 401.0,
            ..LoadParams::default()
        };
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("duration_s") && e.contains("2000000"), "{e}");
        let p = LoadParams {
            work_ms: 5,
            ..LoadParams::default()
        };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "field `work_ms`: 5 is not accepted; accepted: an integer from 10 to 10000"
        );
    }

    #[test]
    #[ignore]
    fn hundred_k_timing() {
        let p = LoadParams {
            rate_per_s: 5_000,
            ..LoadParams::default()
        };
        for m in [Model::ThreadPerRequest, Model::EventLoop] {
            let t0 = std::time::Instant::now();
            let tr = run(m, &p);
            eprintln!("{m:?}: {} events in {:?}", tr.events.len(), t0.elapsed());
        }
    }
}
