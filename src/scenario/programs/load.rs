//! (e) thread-per-request server and (f) event-loop server under the same load.
//!
//! PLACEHOLDER (engineer A replaces it with the lessons' implementation): still runs the
//! pre-consolidation program.

use crate::scenario::{bad, LoadParams};
use crate::scenario::{check_f, check_u, ScenarioError};
use crate::sim::Trace;

use super::{legacy, run_sim};

impl LoadParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("threads", self.threads as u64, 1, 10_000)?;
        check_u("rate_per_s", self.rate_per_s as u64, 1, 100_000)?;
        check_f("work_s", self.work_s, 0.0, 60.0)?;
        check_f("duration_s", self.duration_s, 0.001, 3600.0)?;
        if let Some(m) = self.max_waiting {
            check_u("max_waiting", m as u64, 0, 10_000_000)?;
        }
        check_u("thread_bytes", self.thread_bytes as u64, 0, 1 << 30)?;
        check_u("request_bytes", self.request_bytes as u64, 0, 1 << 30)?;
        let n = (self.rate_per_s as f64 * self.duration_s).round();
        if n > 2_000_000.0 {
            return Err(bad(
                "duration_s",
                self.duration_s,
                "rate_per_s * duration_s at most 2,000,000 requests",
            ));
        }
        Ok(())
    }
}

/// Run `thread_per_request` with valid parameters.
pub fn thread_per_request(p: &LoadParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::load(cx, p, true))
}

/// Run `event_loop_server` with valid parameters.
pub fn event_loop_server(p: &LoadParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::load(cx, p, false))
}
