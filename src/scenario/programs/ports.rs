//! (a) blocking accept loop and (b) `select` loop on ports 9001/9002.
//!
//! PLACEHOLDER (engineer A replaces it with the lessons' implementation): still runs the
//! pre-consolidation program.

use crate::scenario::{bad, secs, PortsParams};
use crate::scenario::{check_f, check_u, ScenarioError};
use crate::sim::Trace;

pub use super::legacy::arrivals;
use super::{legacy, run_sim};

impl PortsParams {
    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_f("duration_s", self.duration_s, 0.1, 3600.0)?;
        // 0 would busy-poll: virtual time never advances while a task is always runnable.
        check_f("select_timeout_s", self.select_timeout_s, 0.001, 60.0)?;
        check_f("handle_ms", self.handle_ms, 0.0, 10_000.0)?;
        check_u("random_clients", self.random_clients as u64, 1, 1000)?;
        check_u("clients (count)", self.clients.len() as u64, 0, 10_000)?;
        for (i, &(t, port)) in self.clients.iter().enumerate() {
            check_f(&format!("clients[{i}] time"), t, 0.0, 3600.0)?;
            if port != 9001 && port != 9002 {
                return Err(bad(&format!("clients[{i}] port"), port, "9001 or 9002"));
            }
        }
        Ok(())
    }
}

/// Run `blocking_ports` with valid parameters.
pub fn blocking_ports(p: &PortsParams) -> Trace {
    let mut cfg = p.limits.config();
    cfg.stop_at = Some(secs(p.duration_s));
    run_sim(cfg, |cx| legacy::blocking_ports(cx, p))
}

/// Run `select_ports` with valid parameters.
pub fn select_ports(p: &PortsParams) -> Trace {
    let mut cfg = p.limits.config();
    cfg.stop_at = Some(secs(p.duration_s));
    run_sim(cfg, |cx| legacy::select_ports(cx, p))
}
