//! (k) Demand (chapter 10): a Reactor-style `Flux.fromIterable(items).flatMap(call, n)`. The source
//! emits an item only when it holds a credit (`request(n)` at subscription, `request(1)` each time
//! a call completes), so at most `n` calls are in flight. The calls go to a downstream service with
//! `workers` workers and a FIFO queue: with `n` above `workers` the extra calls wait in that queue.
//! One implementation for the scenario files / CLI and for the `demand` page.
//!
//! Events: credits are the resource "demand" (`CreditTake`/`CreditGrant` with `available`); each
//! call is `CallStart { call, 0 }` … `CallOk { call, latency }`; the service queue is "service
//! queue". Tasks: `worker 1..` (cancelled at the end), `flatMap`, `call 1..`. Code lines follow content/CODE_LINES.md
//! (flux_flatmap.java): 11 source emits, 14 a call starts, 19 waiting for a credit, 20 all done.
use serde::{Deserialize, Serialize};

use super::run_sim;
use crate::scenario::{check_f, check_u, millis, Limits, ScenarioError};
use crate::sim::{Ctx, EventKind, Oneshot, QueueConfig, Rng, Time, Trace};

/// Accepted `concurrency` in scenario files.
pub const CONCURRENCY_RANGE: (u32, u32) = (1, 1000);
/// What the `demand` page's slider and link (`demand.n`) offer.
pub const SLIDER_RANGE: (u32, u32) = (1, 32);

/// Parameters of the credits pipeline: `program = "credits_pipeline"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreditsParams {
    /// Items in `Flux.fromIterable(items)` (0 ..= 100000).
    pub items: u32,
    /// flatMap concurrency: `request(n)` credits (1 ..= 1000).
    pub concurrency: u32,
    /// Workers of the downstream service (1 ..= 1000).
    pub workers: u32,
    /// Mean service time per call, ms (0 ..= 60000).
    pub service_ms: f64,
    /// Seeded jitter on service times (uniform in half to one and a half times the mean).
    pub jitter: bool,
    /// Seed of the jitter.
    pub seed: u64,
    /// Caps.
    pub limits: Limits,
}

impl Default for CreditsParams {
    fn default() -> Self {
        CreditsParams {
            items: 60,
            concurrency: 8,
            workers: 4,
            service_ms: 200.0,
            jitter: true,
            seed: 3,
            limits: Limits::default(),
        }
    }
}

impl CreditsParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("items", self.items as u64, 0, 100_000)?;
        let (lo, hi) = CONCURRENCY_RANGE;
        check_u("concurrency", self.concurrency as u64, lo as u64, hi as u64)?;
        check_u("workers", self.workers as u64, 1, 1000)?;
        check_f("service_ms", self.service_ms, 0.0, 60_000.0)?;
        Ok(())
    }
}

/// Check the page's concurrency; the message names the slider's range.
pub fn check_concurrency(n: u32) -> Result<u32, String> {
    let (lo, hi) = SLIDER_RANGE;
    if (lo..=hi).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "concurrency {n} is out of range: accepted {lo} to {hi} calls in flight"
        ))
    }
}

/// Parse the page's concurrency (`demand.n=8`, the slider, the number box).
pub fn parse_n(v: &str) -> Result<u32, String> {
    let n = crate::decimal::parse_whole(v)?;
    check_concurrency(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Run the pipeline with valid parameters.
pub fn credits_pipeline(p: &CreditsParams) -> Trace {
    run_sim(p.limits.config(), |cx| install(cx, p))
}

fn install(cx: &Ctx, p: &CreditsParams) {
    let sq = cx.queue::<(u32, Oneshot<()>)>(QueueConfig::unbounded("service queue", 0));
    let mean = millis(p.service_ms);
    let mut workers = Vec::new();
    for w in 0..p.workers {
        let (c, sq) = (cx.clone(), sq.clone());
        let mut rng = Rng::new(p.seed.wrapping_mul(31).wrapping_add(w as u64));
        let jitter = p.jitter;
        workers.push(cx.spawn(&format!("worker {}", w + 1), async move {
            loop {
                let (_, tx) = sq.get().await;
                let d = if jitter {
                    mean / 2 + rng.below(mean.max(1))
                } else {
                    mean
                };
                c.sleep(d).await;
                sq.task_done();
                tx.send(());
            }
        }));
    }
    let (items, n) = (p.items, p.concurrency);
    let c = cx.clone();
    cx.spawn("flatMap", async move {
        let credits = c.credits("demand", n);
        let mut calls = Vec::new();
        for i in 0..items {
            c.line(19);
            credits.acquire().await;
            c.line(11);
            let (c2, sq2, cr2) = (c.clone(), sq.clone(), credits.clone());
            calls.push(c.spawn(&format!("call {}", i + 1), async move {
                c2.line(14);
                let start = c2.now();
                c2.record(EventKind::CallStart {
                    call: i,
                    attempt: 0,
                });
                let (tx, rx) = c2.oneshot::<()>();
                sq2.put((i, tx)).await;
                rx.await;
                let latency = (c2.now() - start).min(u32::MAX as Time) as u32;
                c2.record(EventKind::CallOk { call: i, latency });
                cr2.grant(1);
            }));
        }
        c.join_all(calls).await;
        c.line(20);
        // Every item sent: the service's workers are stopped, so the run ends `Finished`.
        for w in &workers {
            w.cancel();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Replay, SEC};

    #[test]
    fn never_more_than_n_in_flight() {
        for n in [1, 4, 8] {
            let tr = credits_pipeline(&CreditsParams {
                concurrency: n,
                ..CreditsParams::default()
            });
            let mut inflight = 0i64;
            for e in &tr.events {
                match e.kind {
                    EventKind::CallStart { .. } => inflight += 1,
                    EventKind::CallOk { .. } => inflight -= 1,
                    _ => {}
                }
                assert!(inflight <= n as i64);
            }
            let _ = Replay::new(&tr).state_at(tr.end);
        }
        assert!(parse_n("0").is_err());
        assert_eq!(
            parse_n("99").unwrap_err(),
            "concurrency 99 is out of range: accepted 1 to 32 calls in flight"
        );
        assert_eq!(parse_n(" 3"), Ok(3));
    }

    #[test]
    fn without_jitter_twenty_items_four_at_a_time_take_five_seconds() {
        let tr = credits_pipeline(&CreditsParams {
            items: 20,
            concurrency: 4,
            workers: 4,
            service_ms: 1000.0,
            jitter: false,
            ..CreditsParams::default()
        });
        assert_eq!(tr.end, 5 * SEC);
        assert_eq!(tr.outcome, crate::sim::Outcome::Finished);
    }
}
