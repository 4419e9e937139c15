//! (k) `request(n)` / flatMap bounded concurrency.
//!
//! PLACEHOLDER (engineer B replaces it with the lessons' implementation): still runs the
//! pre-consolidation program.

use crate::scenario::CreditsParams;
use crate::scenario::{check_f, check_u, ScenarioError};
use crate::sim::Trace;

use super::{legacy, run_sim};

impl CreditsParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("items", self.items as u64, 0, 1_000_000)?;
        check_u("concurrency", self.concurrency as u64, 1, 100_000)?;
        check_f("post_s", self.post_s, 0.0, 60.0)?;
        Ok(())
    }
}

/// Run `credits_pipeline` with valid parameters.
pub fn credits_pipeline(p: &CreditsParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::credits_pipeline(cx, p))
}
