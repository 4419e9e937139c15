//! The backpressure lab (chapters 9–10): a producer, a queue and a consumer, with a strategy for
//! the gap between their rates (block, buffer, drop newest, drop oldest, regulate), an optional
//! switch of strategy at a given instant (the lab's "fork"), and the notes' `Queue(maxsize=10)`
//! producer/consumer with `join` (`producer_consumer.py`) as a preset.
//!
//! Every queued item is charged `item_bytes` to memory, whatever the strategy, so the memory meter
//! means the same thing everywhere; only an unbounded buffer can reach `memory_limit`, which ends
//! the run with `OutOfMemory`. Each item carries its creation time; the consumer records its
//! end-to-end latency as a `RequestDone { req: item, latency }` event when it has handled it.
//!
//! With a switch at `ts`, the producer puts into a second queue (configured for the new strategy)
//! from `ts` on; the consumer drains the old queue first. Both queues count in the snapshot's
//! global counters, so `produced = consumed + dropped + queued` still holds.
use crate::sim::{
    Config, EventKind, Outcome, Policy, QueueConfig, Sim, Time, TokenBucket, Trace, SEC,
};

/// What to do with the gap between the producer's and the consumer's rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Bounded queue; `put` waits while it is full (backpressure).
    Block,
    /// Unbounded queue: never waits, memory grows.
    Buffer,
    /// Bounded queue; a full queue refuses the new item.
    DropNewest,
    /// Bounded queue; a full queue evicts its oldest item.
    DropOldest,
    /// A token bucket at the consumer's rate paces the producer.
    Regulate,
}

impl Strategy {
    /// Every strategy, in the lab's order.
    pub const ALL: [Strategy; 5] = [
        Strategy::Block,
        Strategy::Buffer,
        Strategy::DropNewest,
        Strategy::DropOldest,
        Strategy::Regulate,
    ];
    /// URL / form name.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Block => "block",
            Strategy::Buffer => "buffer",
            Strategy::DropNewest => "drop-newest",
            Strategy::DropOldest => "drop-oldest",
            Strategy::Regulate => "regulate",
        }
    }
    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            Strategy::Block => "block the producer",
            Strategy::Buffer => "buffer without bound",
            Strategy::DropNewest => "drop newest",
            Strategy::DropOldest => "drop oldest",
            Strategy::Regulate => "regulate (rate limit)",
        }
    }
    /// Parse a URL / form name.
    pub fn parse(s: &str) -> Result<Strategy, String> {
        Strategy::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| format!("\"{s}\" is not a strategy"))
    }
    /// Accepted names, for messages.
    pub fn accepted() -> String {
        Strategy::ALL.map(|s| s.name()).join(", ")
    }
    /// Does the queue have a bound under this strategy?
    pub fn bounded(self) -> bool {
        matches!(
            self,
            Strategy::Block | Strategy::DropNewest | Strategy::DropOldest
        )
    }
}

/// Lowest / highest accepted producer and consumer rate (items per second).
pub const RATE_RANGE: (u32, u32) = (1, 1000);
/// Lowest / highest accepted queue capacity.
pub const CAPACITY_RANGE: (u32, u32) = (1, 1000);

/// Parameters of one lab run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LabParams {
    /// Items the producer makes per second.
    pub producer_rate: u32,
    /// Items the consumer handles per second.
    pub consumer_rate: u32,
    /// Queue bound (ignored by `Buffer` and `Regulate`).
    pub capacity: u32,
    /// The strategy from the start.
    pub strategy: Strategy,
    /// Switch to another strategy at this instant (the fork).
    pub switch: Option<(Time, Strategy)>,
    /// Observation window.
    pub duration: Time,
    /// Bytes charged per queued item.
    pub item_bytes: u32,
    /// Memory limit (out of memory ends the run).
    pub memory_limit: u64,
}

impl Default for LabParams {
    fn default() -> Self {
        LabParams {
            producer_rate: 50,
            consumer_rate: 20,
            capacity: 10,
            strategy: Strategy::Block,
            switch: None,
            duration: 20 * SEC,
            item_bytes: 1024,
            memory_limit: 400 * 1024,
        }
    }
}

/// Check a rate; the message names the accepted range.
pub fn check_rate(what: &str, v: u32) -> Result<u32, String> {
    let (lo, hi) = RATE_RANGE;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{what} {v} is out of range: accepted {lo} to {hi} items per second"
        ))
    }
}

/// Check a capacity; the message names the accepted range.
pub fn check_capacity(v: u32) -> Result<u32, String> {
    let (lo, hi) = CAPACITY_RANGE;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "capacity {v} is out of range: accepted {lo} to {hi} items"
        ))
    }
}

impl LabParams {
    /// Every problem with these parameters, or `Ok`.
    pub fn validate(&self) -> Result<(), String> {
        check_rate("producer rate", self.producer_rate)?;
        check_rate("consumer rate", self.consumer_rate)?;
        check_capacity(self.capacity)?;
        if self.duration == 0 || self.duration > 120 * SEC {
            return Err("duration must be between 1 µs and 120 s".into());
        }
        Ok(())
    }
}

fn queue_config(name: &str, s: Strategy, cap: u32, bytes: u32) -> QueueConfig {
    let mut c = QueueConfig::unbounded(name, bytes);
    if s.bounded() {
        c.capacity = Some(cap);
        c.policy = match s {
            Strategy::DropNewest => Policy::DropNewest,
            Strategy::DropOldest => Policy::DropOldest,
            _ => Policy::Block,
        };
    }
    c
}

/// Run the lab. Invalid parameters are refused with the message of [`LabParams::validate`].
pub fn run(p: &LabParams) -> Result<Trace, String> {
    p.validate()?;
    let mut sim = Sim::new(Config {
        stop_at: Some(p.duration),
        memory_limit: Some(p.memory_limit),
        max_time: p.duration + SEC,
        ..Config::default()
    });
    let cx = sim.ctx();
    let a = cx.queue::<(u32, Time)>(queue_config("queue", p.strategy, p.capacity, p.item_bytes));
    let b = p.switch.map(|(_, s)| {
        cx.queue::<(u32, Time)>(queue_config(
            "queue after the switch",
            s,
            p.capacity,
            p.item_bytes,
        ))
    });
    let ts = p.switch.map(|(t, _)| t).unwrap_or(Time::MAX);
    let strat_at = {
        let (s0, sw) = (p.strategy, p.switch);
        move |t: Time| match sw {
            Some((ts, s)) if t >= ts => s,
            _ => s0,
        }
    };
    let bucket: TokenBucket = cx.token_bucket("rate limiter", p.consumer_rate, 1);
    let gap_p = (SEC / p.producer_rate as Time).max(1);
    let gap_c = (SEC / p.consumer_rate as Time).max(1);
    {
        let (cx, a, b, bucket) = (cx.clone(), a.clone(), b.clone(), bucket.clone());
        sim.spawn("producer", async move {
            let mut n = 0u32;
            loop {
                cx.sleep(gap_p).await;
                let born = cx.now();
                let s = strat_at(born);
                if s == Strategy::Regulate {
                    bucket.acquire().await;
                }
                let q = match (&b, cx.now() >= ts) {
                    (Some(b), true) => b,
                    _ => &a,
                };
                q.put((n, born)).await;
                n += 1;
            }
        });
    }
    {
        let cx2 = cx.clone();
        sim.spawn("consumer", async move {
            loop {
                let now = cx2.now();
                let (item, from_b) = match &b {
                    Some(bq) if now >= ts => {
                        if !a.is_empty() {
                            (a.get().await, false)
                        } else {
                            (bq.get().await, true)
                        }
                    }
                    _ if now < ts => match cx2.timeout(ts - now, a.get()).await {
                        Ok(it) => (it, false),
                        Err(_) => continue,
                    },
                    _ => (a.get().await, false),
                };
                cx2.sleep(gap_c).await;
                match (&b, from_b) {
                    (Some(bq), true) => bq.task_done(),
                    _ => a.task_done(),
                };
                let latency = (cx2.now() - item.1).min(u32::MAX as Time) as u32;
                cx2.record(EventKind::RequestDone {
                    req: item.0,
                    latency,
                });
            }
        });
    }
    let _ = sim.run();
    Ok(sim.into_trace())
}

/// The notes' preset (`producer_consumer.py`): `Queue(maxsize=10)`, a batch of `items`, a consumer
/// whose POST takes `post` µs, the endpoint awaiting the producer, then `join`, then `cancel`.
/// Code lines follow content/CODE_LINES.md (producer_consumer.py).
pub fn run_join_preset(items: u32, post: Time) -> Trace {
    let mut sim = Sim::new(Config {
        max_time: 600 * SEC,
        ..Config::default()
    });
    let cx = sim.ctx();
    let q = cx.queue::<(u32, Time)>(QueueConfig {
        item_bytes: 1024,
        ..QueueConfig::bounded("queue", 10)
    });
    let c2 = cx.clone();
    sim.spawn("produce", async move {
        let cx = c2;
        cx.line(22);
        let consumer = {
            let (cx, q) = (cx.clone(), q.clone());
            cx.clone().spawn("consumer", async move {
                loop {
                    cx.line(16);
                    let item = q.get().await;
                    cx.line(17);
                    cx.sleep(post).await;
                    cx.line(18);
                    q.task_done();
                    let latency = (cx.now() - item.1).min(u32::MAX as Time) as u32;
                    cx.record(EventKind::RequestDone {
                        req: item.0,
                        latency,
                    });
                }
            })
        };
        cx.line(23);
        let producer = {
            let (cx, q) = (cx.clone(), q.clone());
            cx.clone().coroutine("producer", async move {
                for n in 0..items {
                    cx.line(11);
                    q.put((n, cx.now())).await;
                }
            })
        };
        producer.await;
        cx.line(24);
        q.join().await;
        cx.line(25);
        consumer.cancel();
        cx.print("{\"status\": \"done\"}");
    });
    let _ = sim.run();
    sim.into_trace()
}

/// Did the run end out of memory?
pub fn out_of_memory(tr: &Trace) -> bool {
    tr.outcome == Outcome::OutOfMemory
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Replay, MS};

    #[test]
    fn block_keeps_depth_within_capacity_and_buffer_runs_out_of_memory() {
        let tr = run(&LabParams::default()).unwrap();
        let max = tr
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::QueuePut { depth, .. } => Some(depth),
                _ => None,
            })
            .max()
            .unwrap();
        assert_eq!(max, 10);
        let tr = run(&LabParams {
            strategy: Strategy::Buffer,
            ..LabParams::default()
        })
        .unwrap();
        assert!(out_of_memory(&tr));
        assert!(run(&LabParams {
            producer_rate: 0,
            ..LabParams::default()
        })
        .unwrap_err()
        .contains("accepted 1 to 1000"));
    }

    #[test]
    fn switch_keeps_the_books_balanced() {
        for s in Strategy::ALL {
            let tr = run(&LabParams {
                strategy: Strategy::Buffer,
                switch: Some((5 * SEC, s)),
                ..LabParams::default()
            })
            .unwrap();
            let r = Replay::new(&tr);
            for t in [SEC, 5 * SEC, 7 * SEC, tr.end] {
                let c = r.state_at(t).counters;
                assert_eq!(
                    c.produced,
                    c.consumed + c.dropped + c.queued,
                    "{s:?} at {t}"
                );
            }
        }
    }

    #[test]
    fn preset_waits_in_put_and_finishes() {
        let tr = run_join_preset(100, 50 * MS);
        assert_eq!(tr.outcome, Outcome::Finished);
        assert!(tr.end >= 5 * SEC && tr.end < 6 * SEC, "{}", tr.end);
    }
}
