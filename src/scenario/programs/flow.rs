//! (g) producer/consumer through `Queue(maxsize)`, (h) unbounded buffer, (i) drop/regulate strategies.
//!
//! PLACEHOLDER (engineer B replaces it with the lessons' implementation): still runs the
//! pre-consolidation program.

use crate::scenario::{check_f, check_u, ScenarioError};
use crate::scenario::{BufferParams, ProducerConsumerParams, StrategyParams};
use crate::sim::Trace;

use super::{legacy, run_sim};

impl ProducerConsumerParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("maxsize", self.maxsize as u64, 1, 100_000)?;
        check_u("items", self.items as u64, 0, 1_000_000)?;
        check_f("post_s", self.post_s, 0.0, 60.0)?;
        check_f("produce_every_s", self.produce_every_s, 0.0, 60.0)?;
        Ok(())
    }
}

impl BufferParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("produce_per_s", self.produce_per_s as u64, 1, 1_000_000)?;
        check_u("consume_per_s", self.consume_per_s as u64, 1, 1_000_000)?;
        check_u("item_bytes", self.item_bytes as u64, 1, 1 << 30)?;
        check_u("memory_limit_mib", self.memory_limit_mib as u64, 1, 1 << 20)?;
        check_f("duration_s", self.duration_s, 0.001, 3600.0)?;
        Ok(())
    }
}

impl StrategyParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("capacity", self.capacity as u64, 1, 100_000)?;
        check_u("produce_per_s", self.produce_per_s as u64, 1, 1_000_000)?;
        check_u("consume_per_s", self.consume_per_s as u64, 1, 1_000_000)?;
        check_u("items", self.items as u64, 0, 1_000_000)?;
        check_u("regulate_per_s", self.regulate_per_s as u64, 1, 1_000_000)?;
        check_u("burst", self.burst as u64, 1, 100_000)?;
        Ok(())
    }
}

/// Run `producer_consumer` with valid parameters.
pub fn producer_consumer(p: &ProducerConsumerParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::producer_consumer(cx, p))
}

/// Run `unbounded_buffer` with valid parameters.
pub fn unbounded_buffer(p: &BufferParams) -> Trace {
    let mut cfg = p.limits.config();
    cfg.memory_limit = Some(p.memory_limit_mib as u64 * (1 << 20));
    run_sim(cfg, |cx| legacy::unbounded_buffer(cx, p))
}

/// Run `drop_and_regulate` with valid parameters.
pub fn drop_and_regulate(p: &StrategyParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::drop_and_regulate(cx, p))
}
