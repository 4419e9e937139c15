//! The retry storm (chapter 9): service A calls service B with a timeout and retries; B serves
//! 100 requests per second from a FIFO queue. A surge of original traffic (120/s) overloads B,
//! then the original load drops back (80/s, under B's capacity). With naive retries (retry at once,
//! forever) the system never recovers: goodput stays near zero. The fix (a retry budget of 3,
//! exponential backoff with jitter, and a bounded queue in B that refuses excess work at once)
//! runs on the same traffic.
//!
//! Events: every attempt is `CallStart { call, attempt }`; a timed-out attempt is
//! `CallTimeout`; success is `CallOk { call, latency }`; a call given up is `CallFail`. B's queue
//! is the resource "B queue" (`QueuePut`/`QueueGet`/`QueueDrop` carry its depth); B records
//! `RequestDone { req: call, latency }` for every request it serves, useful or not.
use crate::sim::{Config, EventKind, Policy, QueueConfig, Rng, Sim, Time, Trace, MS, SEC};

/// Parameters of the storm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StormParams {
    /// Use the fix (retry budget + backoff + bounded queue in B).
    pub fix: bool,
    /// B's capacity, requests per second.
    pub b_rate: u32,
    /// Original load during the surge, calls per second.
    pub surge_rate: u32,
    /// The surge lasts from 0 to this time.
    pub surge_until: Time,
    /// Original load after the surge.
    pub base_rate: u32,
    /// A's timeout per attempt.
    pub timeout: Time,
    /// Observation window.
    pub duration: Time,
    /// Seed of the arrival jitter and backoff.
    pub seed: u64,
}

impl Default for StormParams {
    fn default() -> Self {
        StormParams {
            fix: false,
            b_rate: 100,
            surge_rate: 120,
            surge_until: 12 * SEC,
            base_rate: 80,
            timeout: SEC,
            duration: 30 * SEC,
            seed: 7,
        }
    }
}

/// Attempts allowed by the fix's retry budget.
pub const BUDGET: u32 = 3;
/// B's queue bound in the fix.
pub const FIX_QUEUE: u32 = 50;

type Req = (u32, Time, crate::sim::Oneshot<()>);

/// Run the storm.
pub fn run(p: &StormParams) -> Trace {
    let mut sim = Sim::new(Config {
        stop_at: Some(p.duration),
        max_time: p.duration + SEC,
        ..Config::default()
    });
    let cx = sim.ctx();
    let mut qc = QueueConfig::unbounded("B queue", 0);
    if p.fix {
        qc.capacity = Some(FIX_QUEUE);
        qc.policy = Policy::DropNewest;
    }
    let bq = cx.queue::<Req>(qc);
    let service = SEC / p.b_rate.max(1) as Time;
    {
        let (cx, bq) = (cx.clone(), bq.clone());
        sim.spawn("B", async move {
            loop {
                let (call, at, tx) = bq.get().await;
                cx.sleep(service).await;
                bq.task_done();
                let _useful = tx.send(());
                let latency = (cx.now() - at).min(u32::MAX as Time) as u32;
                cx.record(EventKind::RequestDone { req: call, latency });
            }
        });
    }
    let p2 = p.clone();
    {
        let cx = cx.clone();
        sim.spawn("traffic", async move {
            let p = p2;
            let mut rng = Rng::new(p.seed);
            let mut call = 0u32;
            loop {
                let now = cx.now();
                let rate = if now < p.surge_until {
                    p.surge_rate
                } else {
                    p.base_rate
                };
                let gap = rng.jitter_gap(SEC / rate.max(1) as Time).max(1);
                cx.sleep(gap).await;
                let id = call;
                call += 1;
                let (cx2, bq2, fix, timeout) = (cx.clone(), bq.clone(), p.fix, p.timeout);
                let mut r2 = Rng::new(p.seed ^ (id as u64).wrapping_mul(0x9e37_79b9));
                cx.spawn_quiet(None, "call", async move {
                    let start = cx2.now();
                    let mut attempt = 0u32;
                    loop {
                        cx2.record(EventKind::CallStart { call: id, attempt });
                        let (tx, rx) = cx2.oneshot::<()>();
                        let queued = bq2.put((id, cx2.now(), tx)).await;
                        let ok = queued && cx2.timeout(timeout, rx).await.is_ok();
                        if ok {
                            let latency = (cx2.now() - start).min(u32::MAX as Time) as u32;
                            cx2.record(EventKind::CallOk { call: id, latency });
                            return;
                        }
                        if queued {
                            cx2.record(EventKind::CallTimeout { call: id, attempt });
                        }
                        attempt += 1;
                        if fix {
                            if attempt >= BUDGET {
                                cx2.record(EventKind::CallFail {
                                    call: id,
                                    attempts: attempt,
                                });
                                return;
                            }
                            let cap = 100 * MS << (attempt - 1);
                            cx2.sleep(r2.below(cap).max(1)).await;
                        }
                    }
                });
            }
        });
    }
    let _ = sim.run();
    sim.into_trace()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_between(tr: &Trace, a: Time, b: Time) -> usize {
        tr.events
            .iter()
            .filter(|e| e.t >= a && e.t < b && matches!(e.kind, EventKind::CallOk { .. }))
            .count()
    }

    #[test]
    fn naive_collapses_and_stays_down_fix_recovers() {
        let naive = run(&StormParams::default());
        let fixed = run(&StormParams {
            fix: true,
            ..StormParams::default()
        });
        // Before the collapse goodput is near B's capacity; long after the surge it stays near 0.
        assert!(ok_between(&naive, 0, 4 * SEC) > 300);
        assert!(
            ok_between(&naive, 25 * SEC, 30 * SEC) < 50,
            "{}",
            ok_between(&naive, 25 * SEC, 30 * SEC)
        );
        // The fix serves the base load after the surge.
        assert!(ok_between(&fixed, 25 * SEC, 30 * SEC) > 350);
        assert!(naive.events.len() < 1_000_000, "{}", naive.events.len());
    }
}
