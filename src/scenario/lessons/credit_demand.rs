//! Demand (chapter 10): a Reactor-style `flatMap(call, n)`. The source emits an item only when it
//! holds a credit (`request(n)` at subscription, `request(1)` each time a call completes), so at
//! most `n` calls are in flight. The calls go to a downstream service with `workers` workers and
//! a FIFO queue: with `n` above `workers` the extra calls wait in that queue.
//!
//! Events: credits are the resource "demand" (`CreditTake`/`CreditGrant` with `available`); each
//! call is `CallStart { call, 0 }` … `CallOk { call, latency }`; the service queue is "service
//! queue". Code lines follow content/CODE_LINES.md (flux_flatmap.java): 11 source emits, 14 a
//! call starts, 19 waiting for a credit, 20 all done.
use crate::sim::{Config, EventKind, QueueConfig, Rng, Sim, Time, Trace, MS, SEC};

/// Accepted concurrency range.
pub const CONCURRENCY_RANGE: (u32, u32) = (1, 32);

/// Parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DemandParams {
    /// flatMap concurrency (credits).
    pub concurrency: u32,
    /// Items in the list.
    pub items: u32,
    /// Workers of the downstream service.
    pub workers: u32,
    /// Mean service time per call.
    pub service: Time,
    /// Seed of the service-time jitter.
    pub seed: u64,
}

impl Default for DemandParams {
    fn default() -> Self {
        DemandParams {
            concurrency: 8,
            items: 60,
            workers: 4,
            service: 200 * MS,
            seed: 3,
        }
    }
}

/// Check a concurrency; the message names the accepted range.
pub fn check_concurrency(n: u32) -> Result<u32, String> {
    let (lo, hi) = CONCURRENCY_RANGE;
    if (lo..=hi).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "concurrency {n} is out of range: accepted {lo} to {hi} calls in flight"
        ))
    }
}

/// Run it; a bad concurrency is refused.
pub fn run(p: &DemandParams) -> Result<Trace, String> {
    check_concurrency(p.concurrency)?;
    let mut sim = Sim::new(Config {
        max_time: 600 * SEC,
        ..Config::default()
    });
    let cx = sim.ctx();
    let sq = cx.queue::<(u32, crate::sim::Oneshot<()>)>(QueueConfig::unbounded("service queue", 0));
    for w in 0..p.workers.max(1) {
        let (cx, sq) = (cx.clone(), sq.clone());
        let mut rng = Rng::new(p.seed * 31 + w as u64);
        let mean = p.service;
        sim.spawn(&format!("worker {}", w + 1), async move {
            loop {
                let (_, tx) = sq.get().await;
                let d = mean / 2 + rng.below(mean.max(1));
                cx.sleep(d).await;
                sq.task_done();
                tx.send(());
            }
        });
    }
    let p2 = p.clone();
    sim.spawn("flatMap", async move {
        let p = p2;
        let credits = cx.credits("demand", p.concurrency);
        let mut calls = Vec::new();
        for i in 0..p.items {
            cx.line(19);
            credits.acquire().await;
            cx.line(11);
            let (cx2, sq2, cr2) = (cx.clone(), sq.clone(), credits.clone());
            calls.push(cx.spawn(&format!("call {}", i + 1), async move {
                cx2.line(14);
                let start = cx2.now();
                cx2.record(EventKind::CallStart {
                    call: i,
                    attempt: 0,
                });
                let (tx, rx) = cx2.oneshot::<()>();
                sq2.put((i, tx)).await;
                rx.await;
                let latency = (cx2.now() - start).min(u32::MAX as Time) as u32;
                cx2.record(EventKind::CallOk { call: i, latency });
                cr2.grant(1);
            }));
        }
        cx.join_all(calls).await;
        cx.line(20);
    });
    let _ = sim.run();
    Ok(sim.into_trace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Replay;

    #[test]
    fn never_more_than_n_in_flight() {
        for n in [1, 4, 8] {
            let tr = run(&DemandParams {
                concurrency: n,
                ..DemandParams::default()
            })
            .unwrap();
            let mut inflight = 0i64;
            for e in &tr.events {
                match e.kind {
                    EventKind::CallStart { .. } => inflight += 1,
                    EventKind::CallOk { .. } => inflight -= 1,
                    _ => {}
                }
                assert!(inflight <= n as i64);
            }
            let r = Replay::new(&tr);
            let _ = r.state_at(tr.end);
        }
        assert!(run(&DemandParams {
            concurrency: 0,
            ..DemandParams::default()
        })
        .is_err());
    }
}
