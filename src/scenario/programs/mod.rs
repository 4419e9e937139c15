//! The built-in programs, one file per example family of the course notes:
//!
//! | file | examples | programs |
//! |---|---|---|
//! | [`ports`] | (a), (b) | `blocking_ports`, `select_ports` (+ the readiness script) |
//! | [`queries`] | (c), (d) | `sequential_queries`, `gather_queries` (+ coroutine demos) |
//! | [`load`] | (e), (f) | `thread_per_request`, `event_loop_server` |
//! | [`flow`] | (g), (h), (i) | `producer_consumer`, `unbounded_buffer`, `drop_and_regulate` |
//! | [`retry`] | (j) | `retry_storm` |
//! | [`credits`] | (k) | `credits_pipeline` |
//!
//! Contract of every example file (so the CLI/scenario files and the UI run the *same* code and get
//! the same [`Trace::hash`] for the same parameters):
//! - it owns its params type(s) (`serde::Deserialize`, defaults = the notes' numbers) and
//!   `impl Params { pub fn validate(&self) -> Result<(), ScenarioError> }` (field + value + range);
//! - it exposes one `pub fn <program>(p: &Params) -> Trace` per program, which assumes `p` is
//!   valid, builds its own [`Sim`] (caps from `p.limits`, plus any `stop_at`/memory limit) and
//!   runs it. The UI calls these functions directly; [`run_program`] dispatches to them.
//!
//! Randomness comes only from [`crate::sim::Rng`] seeded by the parameters.

pub mod credits;
pub mod flow;
pub mod load;
pub mod ports;
pub mod queries;
pub mod retry;

pub use ports::arrivals;

use super::{Program, Scenario, ScenarioError};
use crate::sim::{Config, Ctx, Sim, Trace};

/// Build a [`Sim`] with `cfg`, let `install` spawn the program's tasks, run it, return the trace.
pub(crate) fn run_sim(cfg: Config, install: impl FnOnce(&Ctx)) -> Trace {
    let mut sim = Sim::new(cfg);
    let cx = sim.ctx();
    install(&cx);
    sim.run();
    sim.into_trace()
}

/// Check a program's parameters (the caps are checked by [`Scenario::validate`]).
pub fn validate_program(p: &Program) -> Result<(), ScenarioError> {
    use Program::*;
    match p {
        BlockingPorts(p) | SelectPorts(p) => p.validate(),
        SequentialQueries(p) | GatherQueries(p) => p.validate(),
        ThreadPerRequest(p) | EventLoopServer(p) => p.validate(),
        ProducerConsumer(p) => p.validate(),
        UnboundedBuffer(p) => p.validate(),
        DropAndRegulate(p) => p.validate(),
        RetryStorm(p) => p.validate(),
        CreditsPipeline(p) => p.validate(),
    }
}

/// Run a validated scenario to its end.
pub fn run_program(s: &Scenario) -> Trace {
    use Program::*;
    match &s.program {
        BlockingPorts(p) => ports::blocking_ports(p),
        SelectPorts(p) => ports::select_ports(p),
        SequentialQueries(p) => queries::sequential_queries(p),
        GatherQueries(p) => queries::gather_queries(p),
        ThreadPerRequest(p) => load::thread_per_request(p),
        EventLoopServer(p) => load::event_loop_server(p),
        ProducerConsumer(p) => flow::producer_consumer(p),
        UnboundedBuffer(p) => flow::unbounded_buffer(p),
        DropAndRegulate(p) => flow::drop_and_regulate(p),
        RetryStorm(p) => retry::retry_storm(p),
        CreditsPipeline(p) => credits::credits_pipeline(p),
    }
}
