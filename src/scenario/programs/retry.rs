//! (j) The retry storm (chapter 9): service A calls service B with a timeout and retries; B serves
//! requests from a FIFO queue (by default one worker at 10 ms a request: 100 requests per second).
//! A surge of original traffic (120/s for the first 12 s) overloads B, then the original load drops
//! back (80/s, under B's capacity). With naive retries (retry at once, forever) the system never
//! recovers: goodput stays near zero. The fix of `retry_backoff.py` (a limit of 3 attempts per call,
//! exponential backoff with jitter) plus a bounded queue in B that refuses excess work at once
//! recovers on the same traffic; each part can also be switched on alone. One implementation for
//! the scenario files / CLI and for the `backpressure` page's storm part.
//!
//! Events: every attempt is `CallStart { call, attempt }`; a timed-out attempt is `CallTimeout`;
//! success is `CallOk { call, latency }`; a call given up is `CallFail`. B's queue is the resource
//! "B queue" (`QueuePut`/`QueueGet`/`QueueDrop` carry its depth; a drop is a refusal); B records
//! `RequestDone { req: call, latency }` for every request it serves, useful or not. Arrival gaps
//! are seeded-random around the rate (`jitter`), as are backoffs. The run is an observation window
//! of `duration_s`. Tasks: `B` (or `B 1`, `B 2`, ... with several workers), `traffic`, and one
//! quiet task per call (`detailed = true` records every poll of every call instead).
use serde::{Deserialize, Serialize};

use super::run_sim;
use crate::scenario::{bad, check_f, check_u, millis, secs, Limits, ScenarioError};
use crate::sim::{Ctx, EventKind, Oneshot, Policy, QueueConfig, Rng, Time, Trace, SEC};

/// How A's calls (and B) are fixed, if at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryFix {
    /// No fix: retry at once, forever; B's queue has no bound. The storm.
    None,
    /// The page's fix: attempt limit + backoff + bounded queue together.
    All,
    /// Give up after `attempts` attempts (fewer attempts, but B's backlog stays).
    RetryBudget,
    /// Exponential backoff with seeded jitter between attempts (no budget).
    Backoff,
    /// B refuses at once when its queue holds `b_queue_limit` requests (load shedding).
    BoundedQueue,
}

impl RetryFix {
    fn budget(self) -> bool {
        matches!(self, RetryFix::All | RetryFix::RetryBudget)
    }
    fn backoff(self) -> bool {
        matches!(self, RetryFix::All | RetryFix::Backoff)
    }
    fn bounded(self) -> bool {
        matches!(self, RetryFix::All | RetryFix::BoundedQueue)
    }
}

/// Parameters of the retry storm: `program = "retry_storm"`. Defaults: the notes' numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryParams {
    /// A's new calls per second outside the surge (1 ..= 100000).
    pub rate_per_s: u32,
    /// A's new calls per second during the surge (1 ..= 100000).
    pub surge_rate_per_s: u32,
    /// Surge start, seconds (0 ..= 3600).
    pub surge_from_s: f64,
    /// Surge end, seconds (`surge_from_s` ..= 3600).
    pub surge_to_s: f64,
    /// Observation window, seconds (0.001 ..= 3600).
    pub duration_s: f64,
    /// B's workers (1 ..= 1000).
    pub b_workers: u32,
    /// B's service time per request, ms (0.001 ..= 60000).
    pub b_service_ms: f64,
    /// A's timeout per attempt, ms (0.001 ..= 600000).
    pub timeout_ms: f64,
    /// The fix.
    pub fix: RetryFix,
    /// `retry_budget` / `all`: attempts per call in all, the first included (1 ..= 100).
    pub attempts: u32,
    /// `backoff` / `all`: the n-th retry waits uniformly in 0 .. `backoff_ms` * 2^(n-1) (0 ..= 600000).
    pub backoff_ms: f64,
    /// `bounded_queue` / `all`: B's queue bound (1 ..= 10000000).
    pub b_queue_limit: u32,
    /// `bounded_queue` / `all`: B's refusal reaches A after this round trip, ms (0.001 ..= 60000;
    /// never 0: an instant refusal retried at once would spin forever at one instant).
    pub reject_ms: f64,
    /// Seeded jitter on the gaps between new calls (false: evenly spaced).
    pub jitter: bool,
    /// Seed of the arrival jitter and the backoffs.
    pub seed: u64,
    /// Record every poll of every call (true) or only call/queue events (false).
    pub detailed: bool,
    /// Caps.
    pub limits: Limits,
}

impl Default for RetryParams {
    fn default() -> Self {
        RetryParams {
            rate_per_s: 80,
            surge_rate_per_s: 120,
            surge_from_s: 0.0,
            surge_to_s: 12.0,
            duration_s: 30.0,
            b_workers: 1,
            b_service_ms: 10.0,
            timeout_ms: 1000.0,
            fix: RetryFix::None,
            attempts: 3,
            backoff_ms: 100.0,
            b_queue_limit: 50,
            reject_ms: 20.0,
            jitter: true,
            seed: 7,
            detailed: false,
            limits: Limits::default(),
        }
    }
}

impl RetryParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("rate_per_s", self.rate_per_s as u64, 1, 100_000)?;
        check_u("surge_rate_per_s", self.surge_rate_per_s as u64, 1, 100_000)?;
        check_f("surge_from_s", self.surge_from_s, 0.0, 3600.0)?;
        check_f("surge_to_s", self.surge_to_s, self.surge_from_s, 3600.0)?;
        check_f("duration_s", self.duration_s, 0.001, 3600.0)?;
        check_u("b_workers", self.b_workers as u64, 1, 1000)?;
        check_f("b_service_ms", self.b_service_ms, 0.001, 60_000.0)?;
        check_f("timeout_ms", self.timeout_ms, 0.001, 600_000.0)?;
        check_u("attempts", self.attempts as u64, 1, 100)?;
        check_f("backoff_ms", self.backoff_ms, 0.0, 600_000.0)?;
        check_u("b_queue_limit", self.b_queue_limit as u64, 1, 10_000_000)?;
        check_f("reject_ms", self.reject_ms, 0.001, 60_000.0)?;
        let n = self.rate_per_s.max(self.surge_rate_per_s) as f64 * self.duration_s;
        if n > 2_000_000.0 {
            return Err(bad(
                "duration_s",
                crate::decimal::short(self.duration_s, 3),
                "new calls per second * duration_s at most 2,000,000",
            ));
        }
        Ok(())
    }
}

type Req = (u32, Time, Oneshot<()>);

/// Run the storm with valid parameters.
pub fn retry_storm(p: &RetryParams) -> Trace {
    let mut cfg = p.limits.config();
    cfg.stop_at = Some(secs(p.duration_s));
    run_sim(cfg, |cx| install(cx, p))
}

fn install(cx: &Ctx, p: &RetryParams) {
    let mut qc = QueueConfig::unbounded("B queue", 0);
    if p.fix.bounded() {
        qc.capacity = Some(p.b_queue_limit);
        qc.policy = Policy::DropNewest;
    }
    let bq = cx.queue::<Req>(qc);
    let service = millis(p.b_service_ms).max(1);
    for w in 0..p.b_workers {
        let (c, bq) = (cx.clone(), bq.clone());
        let name = if p.b_workers == 1 {
            "B".to_string()
        } else {
            format!("B {}", w + 1)
        };
        cx.spawn(&name, async move {
            loop {
                let (call, at, tx) = bq.get().await;
                c.sleep(service).await;
                bq.task_done();
                let _useful = tx.send(());
                let latency = (c.now() - at).min(u32::MAX as Time) as u32;
                c.record(EventKind::RequestDone { req: call, latency });
            }
        });
    }
    let p = p.clone();
    let c = cx.clone();
    cx.spawn("traffic", async move {
        let mut rng = Rng::new(p.seed);
        let (from, to) = (secs(p.surge_from_s), secs(p.surge_to_s));
        let mut call = 0u32;
        loop {
            let now = c.now();
            let rate = if now >= from && now < to {
                p.surge_rate_per_s
            } else {
                p.rate_per_s
            };
            let mean = SEC / rate as Time;
            let gap = if p.jitter { rng.jitter_gap(mean) } else { mean };
            c.sleep(gap.max(1)).await;
            let id = call;
            call += 1;
            let body = one_call(c.clone(), bq.clone(), &p, id);
            if p.detailed {
                c.spawn(&format!("call {id}"), body);
            } else {
                c.spawn_quiet(None, "call", body);
            }
        }
    });
}

/// One call of A: attempts until success, or until the budget is spent. Every attempt waits on a
/// timer (the timeout, or B's refusal round trip), so virtual time always advances.
fn one_call(
    c: Ctx,
    bq: crate::sim::Queue<Req>,
    p: &RetryParams,
    id: u32,
) -> impl std::future::Future<Output = ()> {
    let (fix, timeout, attempts) = (p.fix, millis(p.timeout_ms).max(1), p.attempts);
    let backoff = millis(p.backoff_ms);
    let reject = millis(p.reject_ms).max(1);
    let mut rng = Rng::new(p.seed ^ (id as u64).wrapping_mul(0x9e37_79b9));
    async move {
        let start = c.now();
        let mut attempt = 0u32;
        loop {
            c.record(EventKind::CallStart { call: id, attempt });
            let (tx, rx) = c.oneshot::<()>();
            let queued = bq.put((id, c.now(), tx)).await;
            let ok = queued && c.timeout(timeout, rx).await.is_ok();
            if ok {
                let latency = (c.now() - start).min(u32::MAX as Time) as u32;
                c.record(EventKind::CallOk { call: id, latency });
                return;
            }
            if queued {
                c.record(EventKind::CallTimeout { call: id, attempt });
            } else {
                // Refused by B's bounded queue: the answer takes a round trip.
                c.sleep(reject).await;
            }
            attempt += 1;
            if fix.budget() && attempt >= attempts {
                c.record(EventKind::CallFail {
                    call: id,
                    attempts: attempt,
                });
                return;
            }
            if fix.backoff() {
                let cap = backoff << (attempt - 1).min(20);
                c.sleep(rng.below(cap.max(1)).max(1)).await;
            }
        }
    }
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
        let naive = retry_storm(&RetryParams::default());
        let fixed = retry_storm(&RetryParams {
            fix: RetryFix::All,
            ..RetryParams::default()
        });
        // Before the collapse goodput is near B's capacity; long after the surge it stays near 0.
        assert!(ok_between(&naive, 0, 4 * SEC) > 300);
        let late = ok_between(&naive, 25 * SEC, 30 * SEC);
        assert!(late < 50, "{late}");
        // The fix serves the base load after the surge.
        assert!(ok_between(&fixed, 25 * SEC, 30 * SEC) > 350);
        assert!(naive.events.len() < 1_000_000, "{}", naive.events.len());
    }

    #[test]
    fn several_workers_share_the_work_and_detailed_names_the_calls() {
        let p = RetryParams {
            b_workers: 2,
            b_service_ms: 20.0,
            duration_s: 3.0,
            detailed: true,
            ..RetryParams::default()
        };
        let tr = retry_storm(&p);
        assert!((0..tr.tasks.len() as u32).any(|i| tr.task_name(i) == "B 2"));
        assert!((0..tr.tasks.len() as u32).any(|i| tr.task_name(i) == "call 0"));
        assert!(ok_between(&tr, 0, 3 * SEC) > 250);
    }
}
