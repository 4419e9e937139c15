//! (c) sequential blocking queries and (d) `asyncio.gather`.
//!
//! PLACEHOLDER (engineer A replaces it with the lessons' implementation): still runs the
//! pre-consolidation program.

use crate::scenario::{bad, QueriesParams};
use crate::scenario::{check_f, check_u, ScenarioError};
use crate::sim::Trace;

use super::{legacy, run_sim};

impl QueriesParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u("queries (count)", self.queries.len() as u64, 1, 8)?;
        for (i, q) in self.queries.iter().enumerate() {
            check_f(&format!("queries[{i}].seconds"), q.seconds, 0.0, 3600.0)?;
            if q.name.is_empty() || q.name.len() > 40 {
                return Err(bad(
                    &format!("queries[{i}].name"),
                    format!("{:?}", q.name),
                    "1 to 40 characters",
                ));
            }
        }
        Ok(())
    }
}

/// Run `sequential_queries` with valid parameters.
pub fn sequential_queries(p: &QueriesParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::sequential_queries(cx, p))
}

/// Run `gather_queries` with valid parameters.
pub fn gather_queries(p: &QueriesParams) -> Trace {
    run_sim(p.limits.config(), |cx| legacy::gather_queries(cx, p))
}
