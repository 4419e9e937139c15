//! (j) retry storm between services A and B.
//!
//! PLACEHOLDER (engineer B replaces it with the lessons' implementation): still runs the
//! pre-consolidation program.

use crate::scenario::{bad, RetryParams};
use crate::scenario::{check_f, check_u, ScenarioError};
use crate::sim::Trace;

use super::{legacy, run_sim};

impl RetryParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("rate_per_s", self.rate_per_s as u64, 1, 100_000)?;
        check_u("spike_rate_per_s", self.spike_rate_per_s as u64, 1, 100_000)?;
        check_f("duration_s", self.duration_s, 0.001, 3600.0)?;
        check_f("spike_from_s", self.spike_from_s, 0.0, 3600.0)?;
        check_f("spike_to_s", self.spike_to_s, self.spike_from_s, 3600.0)?;
        check_u("b_workers", self.b_workers as u64, 1, 10_000)?;
        check_f("b_service_ms", self.b_service_ms, 0.001, 60_000.0)?;
        check_f("b_slowdown", self.b_slowdown, 1.0, 100.0)?;
        check_u("b_slow_queue", self.b_slow_queue as u64, 0, 10_000_000)?;
        check_f("timeout_ms", self.timeout_ms, 0.001, 600_000.0)?;
        check_u("max_retries", self.max_retries as u64, 0, 20)?;
        check_u("retry_budget_pct", self.retry_budget_pct as u64, 0, 100)?;
        check_f("backoff_ms", self.backoff_ms, 0.0, 600_000.0)?;
        check_u("b_queue_limit", self.b_queue_limit as u64, 1, 10_000_000)?;
        let n = self.rate_per_s.max(self.spike_rate_per_s) as f64 * self.duration_s;
        if n > 2_000_000.0 {
            return Err(bad(
                "duration_s",
                self.duration_s,
                "calls per second * duration_s at most 2,000,000",
            ));
        }
        Ok(())
    }
}

/// Run `retry_storm` with valid parameters.
pub fn retry_storm(p: &RetryParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::retry_storm(cx, p))
}
