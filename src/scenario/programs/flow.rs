//! (g) producer/consumer through `Queue(maxsize=10)` with `join`, (h) an unbounded buffer filling
//! memory, (i) the backpressure strategies (block, buffer, drop newest, drop oldest, regulate) with
//! the lab's "fork" (a switch of strategy at a given instant). One implementation for the
//! scenario files / CLI and for the pages (`strategies` and the buffer part of `backpressure`).
//!
//! **The lab** ([`drop_and_regulate`], and [`unbounded_buffer`] which is the lab with the `buffer`
//! strategy): a producer, a queue and a consumer. Every queued item is charged `item_bytes` to
//! memory, whatever the strategy, so the memory meter means the same thing everywhere; only an
//! unbounded buffer can reach the memory limit, which ends the run with `OutOfMemory`. The run is
//! an observation window of `duration_s`. Each item carries its creation time; the consumer records
//! its end-to-end latency as `RequestDone { req: item, latency }` when it has handled it. With a
//! switch at `ts`, the producer puts into a second queue ("queue after the switch", configured for
//! the new strategy) from `ts` on; the consumer drains the old queue first. Both queues count in
//! the snapshot's counters, so `produced = consumed + dropped + queued` still holds. Tasks:
//! `producer`, `consumer`; resources: `queue`, `rate limiter` (token bucket, used by `regulate`).
//!
//! **The notes' `producer_consumer.py`** ([`producer_consumer`]): the endpoint `produce` starts the
//! `consumer` task, awaits the `producer` coroutine, then `queue.join()`, then cancels the
//! consumer. Code lines follow content/CODE_LINES.md (producer_consumer.py): 22 create_task, 23
//! await producer, 11 put, 16 get, 17 post, 18 task_done, 24 join, 25 cancel.
use serde::{Deserialize, Serialize};

use super::run_sim;
use crate::scenario::{check_f, check_u, secs, Limits, ScenarioError};
use crate::sim::{Ctx, EventKind, Policy, QueueConfig, Time, Trace, SEC};

// ------------------------------------------------------------------------------------------------
// Strategies and the page's parsing helpers.

/// What to do with the gap between the producer's and the consumer's rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Bounded queue; `put` waits while it is full (backpressure).
    Block,
    /// Unbounded queue: never waits, memory grows.
    Buffer,
    /// Bounded queue; a full queue refuses the new item.
    DropNewest,
    /// Bounded queue; a full queue evicts its oldest item.
    DropOldest,
    /// A token bucket (at the consumer's rate unless `regulate_per_s` is set) paces the producer.
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
    /// URL / form name (`drop-newest`); scenario files write `drop_newest`.
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
    /// Parse a URL / form name (`drop_newest` is accepted too).
    pub fn parse(s: &str) -> Result<Strategy, String> {
        let k = s.trim().replace('_', "-");
        Strategy::ALL
            .into_iter()
            .find(|x| x.name() == k)
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

/// Lowest / highest accepted producer, consumer and regulate rate (items per second).
pub const RATE_RANGE: (u32, u32) = (1, 1000);
/// Lowest / highest accepted queue capacity (`capacity`, `maxsize`).
pub const CAPACITY_RANGE: (u32, u32) = (1, 1000);
/// Longest observation window of the lab, seconds.
pub const MAX_DURATION_S: f64 = 3600.0;

/// Check a rate (page message: names the accepted range).
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

/// Check a capacity (page message: names the accepted range).
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

/// A whole number (saturated to `u32::MAX`: the range checks then name the accepted range).
fn parse_u32(s: &str) -> Result<u32, String> {
    crate::decimal::parse_whole(s).map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// Parse a form/link rate (`strategies.p=50`): a message naming the accepted range on error.
pub fn parse_rate(what: &str, s: &str) -> Result<u32, String> {
    check_rate(what, parse_u32(s)?)
}

/// Parse a form/link capacity (`strategies.cap=10`).
pub fn parse_cap(s: &str) -> Result<u32, String> {
    check_capacity(parse_u32(s)?)
}

/// Parse the fork's switch time (`strategies.at=5`, seconds) for a run of `duration_s`: strictly
/// inside the run, rounded to whole microseconds.
pub fn parse_switch_at(s: &str, duration_s: f64) -> Result<Time, String> {
    let x = crate::decimal::parse(s).ok_or_else(|| format!("\"{}\" is not a number", s.trim()))?;
    if x.is_finite() && x > 0.0 && x < duration_s {
        Ok(secs(x))
    } else {
        Err(format!(
            "{} is outside the run (0 to {} s)",
            s.trim(),
            crate::decimal::short(duration_s, 3)
        ))
    }
}

// ------------------------------------------------------------------------------------------------
// Parameters.

/// The lab's fork: switch to `to` at `at_s` seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// When, seconds (0 ..= `duration_s`).
    pub at_s: f64,
    /// The strategy from then on.
    pub to: Strategy,
}

/// Parameters of the strategies lab (i): `program = "drop_and_regulate"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrategyParams {
    /// The strategy from the start.
    pub strategy: Strategy,
    /// Items the producer makes per second (1 ..= 1000).
    pub produce_per_s: u32,
    /// Items the consumer handles per second (1 ..= 1000).
    pub consume_per_s: u32,
    /// Queue bound for `block`, `drop_newest`, `drop_oldest` (1 ..= 1000).
    pub capacity: u32,
    /// The fork: switch strategy at an instant (`switch = { at_s = 5, to = "drop_newest" }`).
    pub switch: Option<Switch>,
    /// Observation window, seconds (0.001 ..= 3600).
    pub duration_s: f64,
    /// Bytes charged per queued item (0 ..= 2^30).
    pub item_bytes: u32,
    /// Memory limit in KiB; going over it ends the run out of memory (1 ..= 2^30).
    pub memory_limit_kib: u32,
    /// Stop producing after this many items (absent: produce for the whole window) (0 ..= 1000000).
    pub items: Option<u32>,
    /// Token-bucket rate of `regulate` (absent: the consumer's rate) (1 ..= 1000).
    pub regulate_per_s: Option<u32>,
    /// Token-bucket size of `regulate` (1 ..= 1000).
    pub burst: u32,
    /// Caps.
    pub limits: Limits,
}

impl Default for StrategyParams {
    fn default() -> Self {
        StrategyParams {
            strategy: Strategy::Block,
            produce_per_s: 50,
            consume_per_s: 20,
            capacity: 10,
            switch: None,
            duration_s: 20.0,
            item_bytes: 1024,
            memory_limit_kib: 400,
            items: None,
            regulate_per_s: None,
            burst: 1,
            limits: Limits::default(),
        }
    }
}

/// Parameters of the unbounded buffer (h): `program = "unbounded_buffer"`. Defaults are the notes'
/// `unbounded_queue.py` (about 1,000 items/s in, 100 out) with 1 KiB items and a 4 MiB limit, so
/// the crash comes within seconds (memory grows by ~900 KiB/s: out of memory at about 4.6 s).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BufferParams {
    /// Items produced per second (1 ..= 1000).
    pub produce_per_s: u32,
    /// Items consumed per second (1 ..= 1000).
    pub consume_per_s: u32,
    /// Bytes per buffered item (0 ..= 2^30).
    pub item_bytes: u32,
    /// Memory limit in KiB (1 ..= 2^30).
    pub memory_limit_kib: u32,
    /// Observation window, seconds (0.001 ..= 3600).
    pub duration_s: f64,
    /// Caps.
    pub limits: Limits,
}

impl Default for BufferParams {
    fn default() -> Self {
        BufferParams {
            produce_per_s: 1000,
            consume_per_s: 100,
            item_bytes: 1024,
            memory_limit_kib: 4096,
            duration_s: 20.0,
            limits: Limits::default(),
        }
    }
}

impl BufferParams {
    /// The same run as a lab configuration (strategy `buffer`).
    pub fn lab(&self) -> StrategyParams {
        StrategyParams {
            strategy: Strategy::Buffer,
            produce_per_s: self.produce_per_s,
            consume_per_s: self.consume_per_s,
            item_bytes: self.item_bytes,
            memory_limit_kib: self.memory_limit_kib,
            duration_s: self.duration_s,
            limits: self.limits,
            ..StrategyParams::default()
        }
    }
}

/// Parameters of the notes' producer/consumer (g): `program = "producer_consumer"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProducerConsumerParams {
    /// `asyncio.Queue(maxsize=...)` (1 ..= 1000).
    pub maxsize: u32,
    /// Items in the batch (0 ..= 1000000).
    pub items: u32,
    /// Seconds the consumer's `client.post` takes (0 ..= 60).
    pub post_s: f64,
    /// Seconds the producer pauses after each `put` (0 = none, as in the notes) (0 ..= 60).
    pub produce_every_s: f64,
    /// Bytes charged per queued item (0 ..= 2^30).
    pub item_bytes: u32,
    /// Caps.
    pub limits: Limits,
}

impl Default for ProducerConsumerParams {
    fn default() -> Self {
        ProducerConsumerParams {
            maxsize: 10,
            items: 100,
            post_s: 0.05,
            produce_every_s: 0.0,
            item_bytes: 1024,
            limits: Limits::default(),
        }
    }
}

fn check_range(field: &str, v: u32, (lo, hi): (u32, u32)) -> Result<(), ScenarioError> {
    check_u(field, v as u64, lo as u64, hi as u64)
}

impl StrategyParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_range("produce_per_s", self.produce_per_s, RATE_RANGE)?;
        check_range("consume_per_s", self.consume_per_s, RATE_RANGE)?;
        check_range("capacity", self.capacity, CAPACITY_RANGE)?;
        check_f("duration_s", self.duration_s, 0.001, MAX_DURATION_S)?;
        if let Some(s) = &self.switch {
            check_f("switch.at_s", s.at_s, 0.0, self.duration_s)?;
        }
        check_u("item_bytes", self.item_bytes as u64, 0, 1 << 30)?;
        check_u("memory_limit_kib", self.memory_limit_kib as u64, 1, 1 << 30)?;
        if let Some(n) = self.items {
            check_u("items", n as u64, 0, 1_000_000)?;
        }
        if let Some(r) = self.regulate_per_s {
            check_range("regulate_per_s", r, RATE_RANGE)?;
        }
        check_u("burst", self.burst as u64, 1, 1000)?;
        Ok(())
    }

    /// The page's form/link checks, with the page's messages (`producer rate 0 is out of range:
    /// accepted 1 to 1000 items per second`).
    pub fn check_page(&self) -> Result<(), String> {
        check_rate("producer rate", self.produce_per_s)?;
        check_rate("consumer rate", self.consume_per_s)?;
        check_capacity(self.capacity)?;
        self.validate().map_err(|e| e.to_string())
    }
}

impl BufferParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.lab().validate()
    }
}

impl ProducerConsumerParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_range("maxsize", self.maxsize, CAPACITY_RANGE)?;
        check_u("items", self.items as u64, 0, 1_000_000)?;
        check_f("post_s", self.post_s, 0.0, 60.0)?;
        check_f("produce_every_s", self.produce_every_s, 0.0, 60.0)?;
        check_u("item_bytes", self.item_bytes as u64, 0, 1 << 30)?;
        Ok(())
    }
}

// ------------------------------------------------------------------------------------------------
// Programs.

/// (i) Run the lab with valid parameters (see the module docs).
pub fn drop_and_regulate(p: &StrategyParams) -> Trace {
    let mut cfg = p.limits.config();
    cfg.stop_at = Some(secs(p.duration_s));
    cfg.memory_limit = Some(p.memory_limit_kib as u64 * 1024);
    run_sim(cfg, |cx| lab(cx, p))
}

/// (h) Run the unbounded buffer with valid parameters: the lab with the `buffer` strategy.
pub fn unbounded_buffer(p: &BufferParams) -> Trace {
    drop_and_regulate(&p.lab())
}

/// (g) Run the notes' producer/consumer with valid parameters (see the module docs).
pub fn producer_consumer(p: &ProducerConsumerParams) -> Trace {
    run_sim(p.limits.config(), |cx| join_endpoint(cx, p))
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

fn lab(cx: &Ctx, p: &StrategyParams) {
    let (cap, bytes) = (p.capacity, p.item_bytes);
    let switch = p.switch.as_ref().map(|s| (secs(s.at_s), s.to));
    let a = cx.queue::<(u32, Time)>(queue_config("queue", p.strategy, cap, bytes));
    let b = switch.map(|(_, s)| {
        cx.queue::<(u32, Time)>(queue_config("queue after the switch", s, cap, bytes))
    });
    let ts = switch.map(|(t, _)| t).unwrap_or(Time::MAX);
    let strat_at = {
        let s0 = p.strategy;
        move |t: Time| match switch {
            Some((ts, s)) if t >= ts => s,
            _ => s0,
        }
    };
    let bucket = cx.token_bucket(
        "rate limiter",
        p.regulate_per_s.unwrap_or(p.consume_per_s),
        p.burst,
    );
    let gap_p = (SEC / p.produce_per_s as Time).max(1);
    let gap_c = (SEC / p.consume_per_s as Time).max(1);
    let items = p.items;
    {
        let (c, a, b) = (cx.clone(), a.clone(), b.clone());
        cx.spawn("producer", async move {
            let mut n = 0u32;
            while items.is_none_or(|m| n < m) {
                c.sleep(gap_p).await;
                let born = c.now();
                if strat_at(born) == Strategy::Regulate {
                    bucket.acquire().await;
                }
                let q = match (&b, c.now() >= ts) {
                    (Some(b), true) => b,
                    _ => &a,
                };
                q.put((n, born)).await;
                n += 1;
            }
        });
    }
    let c = cx.clone();
    cx.spawn("consumer", async move {
        loop {
            let now = c.now();
            let (item, from_b) = match &b {
                Some(bq) if now >= ts => {
                    if !a.is_empty() {
                        (a.get().await, false)
                    } else {
                        (bq.get().await, true)
                    }
                }
                _ if now < ts => match c.timeout(ts - now, a.get()).await {
                    Ok(it) => (it, false),
                    Err(_) => continue,
                },
                _ => (a.get().await, false),
            };
            c.sleep(gap_c).await;
            match (&b, from_b) {
                (Some(bq), true) => bq.task_done(),
                _ => a.task_done(),
            };
            let latency = (c.now() - item.1).min(u32::MAX as Time) as u32;
            c.record(EventKind::RequestDone {
                req: item.0,
                latency,
            });
        }
    });
}

fn join_endpoint(cx: &Ctx, p: &ProducerConsumerParams) {
    let q = cx.queue::<(u32, Time)>(QueueConfig {
        item_bytes: p.item_bytes,
        ..QueueConfig::bounded("queue", p.maxsize)
    });
    let (items, post, every) = (p.items, secs(p.post_s), secs(p.produce_every_s));
    let c = cx.clone();
    cx.spawn("produce", async move {
        c.line(22);
        let consumer = {
            let (c2, q) = (c.clone(), q.clone());
            c.spawn("consumer", async move {
                loop {
                    c2.line(16);
                    let item = q.get().await;
                    c2.line(17);
                    c2.sleep(post).await;
                    c2.line(18);
                    q.task_done();
                    let latency = (c2.now() - item.1).min(u32::MAX as Time) as u32;
                    c2.record(EventKind::RequestDone {
                        req: item.0,
                        latency,
                    });
                }
            })
        };
        c.line(23);
        let producer = {
            let (c3, q) = (c.clone(), q.clone());
            c.coroutine("producer", async move {
                for n in 0..items {
                    c3.line(11);
                    q.put((n, c3.now())).await;
                    if every > 0 {
                        c3.sleep(every).await;
                    }
                }
            })
        };
        producer.await;
        c.line(24);
        q.join().await;
        c.line(25);
        consumer.cancel();
        c.print("{\"status\": \"done\"}");
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Outcome, Replay, MS};

    fn max_depth(tr: &Trace) -> u32 {
        tr.events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::QueuePut { depth, .. } => Some(depth),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn block_keeps_depth_within_capacity_and_buffer_runs_out_of_memory() {
        let tr = drop_and_regulate(&StrategyParams::default());
        assert_eq!(max_depth(&tr), 10);
        let tr = drop_and_regulate(&StrategyParams {
            strategy: Strategy::Buffer,
            ..StrategyParams::default()
        });
        assert_eq!(tr.outcome, Outcome::OutOfMemory);
        let e = StrategyParams {
            produce_per_s: 0,
            ..StrategyParams::default()
        };
        assert_eq!(
            e.check_page().unwrap_err(),
            "producer rate 0 is out of range: accepted 1 to 1000 items per second"
        );
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "field `produce_per_s`: 0 is not accepted; accepted: an integer from 1 to 1000"
        );
    }

    #[test]
    fn switch_keeps_the_books_balanced() {
        for s in Strategy::ALL {
            let tr = drop_and_regulate(&StrategyParams {
                strategy: Strategy::Buffer,
                switch: Some(Switch { at_s: 5.0, to: s }),
                ..StrategyParams::default()
            });
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
    fn items_stop_the_producer_and_regulate_paces_it() {
        let tr = drop_and_regulate(&StrategyParams {
            strategy: Strategy::Regulate,
            items: Some(30),
            ..StrategyParams::default()
        });
        let c = Replay::new(&tr)
            .state_after(tr.events.len() as u32)
            .counters;
        assert_eq!((c.produced, c.consumed, c.dropped), (30, 30, 0));
        // Paced at the consumer's 20/s: 30 items take about 1.5 s, not 0.6 s.
        let last_put = tr
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::QueuePut { .. }))
            .map(|e| e.t)
            .max()
            .unwrap();
        assert!(last_put >= 1_400 * MS, "{last_put}");
    }

    #[test]
    fn unbounded_buffer_is_the_lab_with_buffer() {
        let p = BufferParams::default();
        assert_eq!(
            unbounded_buffer(&p).hash(),
            drop_and_regulate(&p.lab()).hash()
        );
    }

    #[test]
    fn join_preset_waits_in_put_and_finishes() {
        let tr = producer_consumer(&ProducerConsumerParams::default());
        assert_eq!(tr.outcome, Outcome::Finished);
        // 100 items, one POST of 50 ms at a time: about 5 s.
        assert!(tr.end >= 5 * SEC && tr.end < 6 * SEC, "{}", tr.end);
        assert_eq!(max_depth(&tr), 10);
    }

    #[test]
    fn page_parsers_name_the_accepted_range() {
        assert_eq!(parse_rate("producer rate", " 50 "), Ok(50));
        assert_eq!(
            parse_cap("0").unwrap_err(),
            "capacity 0 is out of range: accepted 1 to 1000 items"
        );
        assert!(parse_cap("abc").unwrap_err().contains("not a whole number"));
        assert_eq!(
            parse_rate("producer rate", " -1 ").unwrap_err(),
            "-1 is negative"
        );
        assert!(parse_cap("-").unwrap_err().contains("not a whole number"));
        assert_eq!(parse_switch_at("5", 20.0), Ok(5 * SEC));
        assert!(parse_switch_at("20", 20.0).is_err());
        assert_eq!(Strategy::parse("drop_newest"), Ok(Strategy::DropNewest));
        assert_eq!(Strategy::parse("drop-oldest"), Ok(Strategy::DropOldest));
        assert!(Strategy::parse("nope").is_err());
    }
}
