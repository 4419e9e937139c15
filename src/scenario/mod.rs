//! Scenarios as data: which built-in program to run and with which parameters.
//!
//! A [`Scenario`] is a [`Program`] (one variant per example of the course notes, each with a
//! parameter struct whose defaults are the notes' numbers) plus [`Limits`]. Course authors write
//! it as TOML or JSON (`program = "select_ports"` and the parameters at top level; see
//! `docs/scenarios.md`); the UI builds the same types from URL and form values. Both go through
//! [`Scenario::validate`], which never panics and names the field, the bad value and what is
//! accepted. [`run`] validates, builds a [`Sim`](crate::sim::Sim), installs the program
//! ([`programs`]) and returns the [`Trace`].

pub mod lessons;
pub mod programs;

use serde::{Deserialize, Serialize};

use crate::sim::{Config, Time, Trace, SEC};

/// Run-time limits (caps) of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Stop after this many events (1,000 ..= 20,000,000).
    pub max_events: u32,
    /// Stop before virtual time passes this many seconds (0.001 ..= 3600).
    pub max_time_s: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_events: 5_000_000,
            max_time_s: 3600.0,
        }
    }
}

/// Where clients of the two-port servers come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalPreset {
    /// The notes' picture: a 9002 client arrives while the server waits on 9001.
    Notes,
    /// Every client connects to 9002 (the blocking server never serves one).
    All9002,
    /// Bursts on both ports at once.
    Burst,
    /// `random_clients` clients at seeded random times and ports.
    Random,
}

/// Parameters of the two-port servers (a) and (b).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortsParams {
    /// Arrival preset, used when `clients` is empty.
    pub preset: ArrivalPreset,
    /// Explicit arrivals: `[[seconds, port], ...]`; ports must be 9001 or 9002.
    pub clients: Vec<(f64, u32)>,
    /// Clients for the `random` preset (1 ..= 1000).
    pub random_clients: u32,
    /// Seed for the `random` preset.
    pub seed: u64,
    /// Observation window in seconds (0.1 ..= 3600).
    pub duration_s: f64,
    /// `select` timeout in seconds, (b) only (0.001 ..= 60; 0 would busy-poll in virtual time).
    pub select_timeout_s: f64,
    /// Time to handle one client (send + close) in milliseconds (0 ..= 10000).
    pub handle_ms: f64,
    /// Caps.
    pub limits: Limits,
}

impl Default for PortsParams {
    fn default() -> Self {
        PortsParams {
            preset: ArrivalPreset::Notes,
            clients: Vec::new(),
            random_clients: 10,
            seed: 1,
            duration_s: 10.0,
            select_timeout_s: 1.0,
            handle_ms: 0.0,
            limits: Limits::default(),
        }
    }
}

/// One database query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Name printed by the program ("A").
    pub name: String,
    /// Duration in seconds (0 ..= 3600).
    pub seconds: f64,
    /// (d) only: this query calls blocking `time.sleep` inside `async def`.
    #[serde(default)]
    pub blocking: bool,
}

/// Parameters of the query programs (c) and (d).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueriesParams {
    /// The queries, in order (1 ..= 8). Defaults: A 2 s, B 3 s.
    pub queries: Vec<Query>,
    /// Caps.
    pub limits: Limits,
}

impl Default for QueriesParams {
    fn default() -> Self {
        QueriesParams {
            queries: vec![
                Query {
                    name: "A".into(),
                    seconds: 2.0,
                    blocking: false,
                },
                Query {
                    name: "B".into(),
                    seconds: 3.0,
                    blocking: false,
                },
            ],
            limits: Limits::default(),
        }
    }
}

/// Parameters of the servers under load (e) and (f).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoadParams {
    /// Pool threads, (e) only (1 ..= 10000).
    pub threads: u32,
    /// Requests per second (1 ..= 100000).
    pub rate_per_s: u32,
    /// Blocking (e) or awaited (f) work per request, seconds (0 ..= 60).
    pub work_s: f64,
    /// Requests keep arriving for this many seconds (0.001 ..= 3600).
    pub duration_s: f64,
    /// Bound of the pool's work queue, (e) only; absent = unbounded (0 ..= 10000000).
    pub max_waiting: Option<u32>,
    /// Memory per pool thread in bytes (e), default 1 MiB (0 ..= 1 GiB).
    pub thread_bytes: u32,
    /// Memory per in-flight request in bytes (f), default 2 KiB (0 ..= 1 GiB).
    pub request_bytes: u32,
    /// Seeded jitter on arrival gaps (false = exactly evenly spaced).
    pub jitter: bool,
    /// Seed for the jitter.
    pub seed: u64,
    /// Record every poll of every request (true) or only request events (false, default; for big loads).
    pub detailed: bool,
    /// Caps.
    pub limits: Limits,
}

impl Default for LoadParams {
    fn default() -> Self {
        LoadParams {
            threads: 200,
            rate_per_s: 500,
            work_s: 2.0,
            duration_s: 10.0,
            max_waiting: None,
            thread_bytes: 1 << 20,
            request_bytes: 2 << 10,
            jitter: false,
            seed: 1,
            detailed: false,
            limits: Limits::default(),
        }
    }
}

/// Parameters of the producer/consumer through `Queue(maxsize)` with `join` (g).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProducerConsumerParams {
    /// `Queue(maxsize=...)` (1 ..= 100000).
    pub maxsize: u32,
    /// Items the producer puts (0 ..= 1000000).
    pub items: u32,
    /// Seconds the consumer's `client.post` takes (0 ..= 60).
    pub post_s: f64,
    /// Seconds between items produced (0 = as fast as possible) (0 ..= 60).
    pub produce_every_s: f64,
    /// Caps.
    pub limits: Limits,
}

impl Default for ProducerConsumerParams {
    fn default() -> Self {
        ProducerConsumerParams {
            maxsize: 10,
            items: 30,
            post_s: 0.2,
            produce_every_s: 0.0,
            limits: Limits::default(),
        }
    }
}

/// Parameters of the unbounded buffer filling memory (h).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BufferParams {
    /// Items produced per second (1 ..= 1000000).
    pub produce_per_s: u32,
    /// Items consumed per second (1 ..= 1000000).
    pub consume_per_s: u32,
    /// Bytes per buffered item (1 ..= 1 GiB).
    pub item_bytes: u32,
    /// Memory limit in MiB (1 ..= 1048576).
    pub memory_limit_mib: u32,
    /// The producer stops after this many seconds (0.001 ..= 3600).
    pub duration_s: f64,
    /// Caps.
    pub limits: Limits,
}

impl Default for BufferParams {
    fn default() -> Self {
        BufferParams {
            produce_per_s: 100,
            consume_per_s: 60,
            item_bytes: 64 << 10,
            memory_limit_mib: 64,
            duration_s: 60.0,
            limits: Limits::default(),
        }
    }
}

/// Backpressure strategies of (i).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Slow down: `put` waits when full.
    Block,
    /// Drop the newest item when full.
    DropNewest,
    /// Drop the oldest item when full.
    DropOldest,
    /// Regulate the producer with a token bucket.
    Regulate,
}

/// Parameters of drop/regulate strategies (i).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrategyParams {
    /// Which strategy.
    pub strategy: Strategy,
    /// Queue capacity (1 ..= 100000).
    pub capacity: u32,
    /// Producer items per second (1 ..= 1000000).
    pub produce_per_s: u32,
    /// Consumer items per second (1 ..= 1000000).
    pub consume_per_s: u32,
    /// Items produced (0 ..= 1000000).
    pub items: u32,
    /// Token bucket rate for `regulate` (1 ..= 1000000).
    pub regulate_per_s: u32,
    /// Token bucket burst for `regulate` (1 ..= 100000).
    pub burst: u32,
    /// Caps.
    pub limits: Limits,
}

impl Default for StrategyParams {
    fn default() -> Self {
        StrategyParams {
            strategy: Strategy::DropNewest,
            capacity: 10,
            produce_per_s: 50,
            consume_per_s: 20,
            items: 100,
            regulate_per_s: 20,
            burst: 5,
            limits: Limits::default(),
        }
    }
}

/// How (j) is fixed, if at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryFix {
    /// No fix: immediate retries, unbounded queue at B. The storm.
    None,
    /// Retries allowed only while retries <= `retry_budget_pct` % of calls.
    RetryBudget,
    /// Exponential backoff with seeded jitter between attempts.
    Backoff,
    /// B rejects at once when its queue holds `b_queue_limit` requests.
    BoundedQueue,
}

/// Parameters of the retry storm between A and B (j).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryParams {
    /// A's calls per second outside the spike (1 ..= 100000).
    pub rate_per_s: u32,
    /// A's calls per second during the spike (1 ..= 100000).
    pub spike_rate_per_s: u32,
    /// Spike start, seconds.
    pub spike_from_s: f64,
    /// Spike end, seconds (>= spike_from_s).
    pub spike_to_s: f64,
    /// Calls keep coming for this many seconds (0.001 ..= 3600).
    pub duration_s: f64,
    /// B's workers (1 ..= 10000).
    pub b_workers: u32,
    /// B's service time per request, ms (0.001 ..= 60000).
    pub b_service_ms: f64,
    /// B slows down by this factor while its queue is longer than `b_slow_queue` (1 ..= 100).
    pub b_slowdown: f64,
    /// Queue length above which B slows down (0 ..= 10000000).
    pub b_slow_queue: u32,
    /// A's timeout per attempt, ms (0.001 ..= 600000).
    pub timeout_ms: f64,
    /// Retries after the first attempt (0 ..= 20).
    pub max_retries: u32,
    /// The fix.
    pub fix: RetryFix,
    /// `retry_budget`: retries at most this percent of calls (0 ..= 100).
    pub retry_budget_pct: u32,
    /// `backoff`: first backoff, ms (0 ..= 600000).
    pub backoff_ms: f64,
    /// `bounded_queue`: B's queue limit (1 ..= 10000000).
    pub b_queue_limit: u32,
    /// Seed (backoff jitter).
    pub seed: u64,
    /// Record every poll (true) or only call/queue events (false, default).
    pub detailed: bool,
    /// Caps.
    pub limits: Limits,
}

impl Default for RetryParams {
    fn default() -> Self {
        RetryParams {
            rate_per_s: 80,
            spike_rate_per_s: 150,
            spike_from_s: 10.0,
            spike_to_s: 20.0,
            duration_s: 60.0,
            b_workers: 10,
            b_service_ms: 100.0,
            b_slowdown: 2.0,
            b_slow_queue: 200,
            timeout_ms: 1000.0,
            max_retries: 3,
            fix: RetryFix::None,
            retry_budget_pct: 10,
            backoff_ms: 200.0,
            b_queue_limit: 50,
            seed: 1,
            detailed: false,
            limits: Limits::default(),
        }
    }
}

/// Parameters of the `request(n)` / `flatMap` bounded-concurrency pipeline (k).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreditsParams {
    /// Items in `Flux.fromIterable(items)` (0 ..= 1000000).
    pub items: u32,
    /// `request(n)` / flatMap concurrency (1 ..= 100000).
    pub concurrency: u32,
    /// Seconds one `webClient.post` takes (0 ..= 60).
    pub post_s: f64,
    /// Caps.
    pub limits: Limits,
}

impl Default for CreditsParams {
    fn default() -> Self {
        CreditsParams {
            items: 20,
            concurrency: 4,
            post_s: 1.0,
            limits: Limits::default(),
        }
    }
}

/// The built-in programs, one per example of the course notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "program", rename_all = "snake_case")]
pub enum Program {
    /// (a) Blocking accept loop: port 9001, then 9002, forever.
    BlockingPorts(PortsParams),
    /// (b) `select` loop on both ports with a timeout.
    SelectPorts(PortsParams),
    /// (c) Blocking queries one after the other.
    SequentialQueries(QueriesParams),
    /// (d) The same queries with `asyncio.gather`.
    GatherQueries(QueriesParams),
    /// (e) Thread-per-request server under load.
    ThreadPerRequest(LoadParams),
    /// (f) Event-loop server under the same load.
    EventLoopServer(LoadParams),
    /// (g) Producer/consumer through `Queue(maxsize=10)` with `join`.
    ProducerConsumer(ProducerConsumerParams),
    /// (h) An unbounded buffer filling memory.
    UnboundedBuffer(BufferParams),
    /// (i) Drop-newest / drop-oldest / block / regulate.
    DropAndRegulate(StrategyParams),
    /// (j) Retry storm between services A and B.
    RetryStorm(RetryParams),
    /// (k) `request(n)` / flatMap bounded concurrency.
    CreditsPipeline(CreditsParams),
}

/// A scenario: a program and its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scenario {
    /// The program.
    pub program: Program,
}

impl From<Program> for Scenario {
    fn from(program: Program) -> Self {
        Scenario { program }
    }
}

/// Why a scenario could not be read or run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The text is not valid TOML/JSON for a scenario (the message names line and field).
    Parse(String),
    /// A value is out of range.
    Invalid {
        /// Field path, e.g. `queries[1].seconds`.
        field: String,
        /// The value given.
        value: String,
        /// What is accepted.
        accepted: String,
    },
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioError::Parse(m) => write!(f, "{m}"),
            ScenarioError::Invalid {
                field,
                value,
                accepted,
            } => {
                write!(
                    f,
                    "field `{field}`: {value} is not accepted; accepted: {accepted}"
                )
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

pub(crate) fn bad(field: &str, value: impl std::fmt::Display, accepted: &str) -> ScenarioError {
    ScenarioError::Invalid {
        field: field.into(),
        value: value.to_string(),
        accepted: accepted.into(),
    }
}

pub(crate) fn check_u(field: &str, v: u64, lo: u64, hi: u64) -> Result<(), ScenarioError> {
    if v < lo || v > hi {
        return Err(bad(field, v, &format!("an integer from {lo} to {hi}")));
    }
    Ok(())
}

pub(crate) fn check_f(field: &str, v: f64, lo: f64, hi: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || v < lo || v > hi {
        return Err(bad(field, v, &format!("a number from {lo} to {hi}")));
    }
    Ok(())
}

/// Seconds (already validated) to microseconds.
pub(crate) fn secs(s: f64) -> Time {
    (s * SEC as f64).round() as Time
}

/// Milliseconds (already validated) to microseconds.
pub(crate) fn millis(ms: f64) -> Time {
    (ms * 1000.0).round() as Time
}

impl Limits {
    fn validate(&self) -> Result<(), ScenarioError> {
        check_u(
            "limits.max_events",
            self.max_events as u64,
            1_000,
            20_000_000,
        )?;
        check_f("limits.max_time_s", self.max_time_s, 0.001, 3600.0)
    }

    /// The engine configuration for these limits.
    pub fn config(&self) -> Config {
        Config {
            max_events: self.max_events,
            max_time: secs(self.max_time_s),
            stop_at: None,
            memory_limit: None,
        }
    }
}

/// Build a scenario from a program name and an expression parsing its parameter struct
/// (the struct type is inferred from the variant).
#[cfg(not(target_arch = "wasm32"))]
macro_rules! by_name {
    ($name:expr, |$ty:ident| $parse:expr) => {{
        use Program::*;
        let program = match $name {
            "blocking_ports" => {
                let $ty = "blocking_ports";
                BlockingPorts($parse?)
            }
            "select_ports" => {
                let $ty = "select_ports";
                SelectPorts($parse?)
            }
            "sequential_queries" => {
                let $ty = "sequential_queries";
                SequentialQueries($parse?)
            }
            "gather_queries" => {
                let $ty = "gather_queries";
                GatherQueries($parse?)
            }
            "thread_per_request" => {
                let $ty = "thread_per_request";
                ThreadPerRequest($parse?)
            }
            "event_loop_server" => {
                let $ty = "event_loop_server";
                EventLoopServer($parse?)
            }
            "producer_consumer" => {
                let $ty = "producer_consumer";
                ProducerConsumer($parse?)
            }
            "unbounded_buffer" => {
                let $ty = "unbounded_buffer";
                UnboundedBuffer($parse?)
            }
            "drop_and_regulate" => {
                let $ty = "drop_and_regulate";
                DropAndRegulate($parse?)
            }
            "retry_storm" => {
                let $ty = "retry_storm";
                RetryStorm($parse?)
            }
            "credits_pipeline" => {
                let $ty = "credits_pipeline";
                CreditsPipeline($parse?)
            }
            other => {
                return Err(bad(
                    "program",
                    format!("{other:?}"),
                    &format!("one of {}", PROGRAMS.join(", ")),
                ))
            }
        };
        Scenario { program }
    }};
}

#[cfg(not(target_arch = "wasm32"))]
fn program_field(v: Option<Option<&str>>) -> Result<&str, ScenarioError> {
    match v {
        Some(Some(s)) => Ok(s),
        Some(None) => Err(bad(
            "program",
            "a non-string value",
            &format!("a string, one of {}", PROGRAMS.join(", ")),
        )),
        None => Err(bad(
            "program",
            "nothing (the field is missing)",
            &format!("one of {}", PROGRAMS.join(", ")),
        )),
    }
}

impl Scenario {
    /// Parse a TOML scenario (native only). Errors name the line, the field and what is accepted.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ScenarioError::Parse(e.to_string()))?;
        let name = program_field(table.get("program").map(|v| v.as_str()))?;
        // Parse the parameters as the program's own struct, so errors keep their line and field;
        // the `program` line is blanked (not removed) to keep line numbers.
        let rest: String = text
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if t.starts_with("program") && t["program".len()..].trim_start().starts_with('=') {
                    ""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let s = by_name!(name, |ty| toml::from_str(&rest).map_err(
            |e: toml::de::Error| ScenarioError::Parse(format!("program `{ty}`: {e}"))
        ));
        s.validate()?;
        Ok(s)
    }

    /// Parse a JSON scenario (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let mut v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        let name = program_field(v.get("program").map(|p| p.as_str()))?.to_string();
        if let Some(m) = v.as_object_mut() {
            m.remove("program");
        }
        let s = by_name!(name.as_str(), |ty| serde_json::from_value(v.clone())
            .map_err(|e| ScenarioError::Parse(format!("program `{ty}`: {e}"))));
        s.validate()?;
        Ok(s)
    }

    /// The caps that apply.
    pub fn limits(&self) -> &Limits {
        use Program::*;
        match &self.program {
            BlockingPorts(p) | SelectPorts(p) => &p.limits,
            SequentialQueries(p) | GatherQueries(p) => &p.limits,
            ThreadPerRequest(p) | EventLoopServer(p) => &p.limits,
            ProducerConsumer(p) => &p.limits,
            UnboundedBuffer(p) => &p.limits,
            DropAndRegulate(p) => &p.limits,
            RetryStorm(p) => &p.limits,
            CreditsPipeline(p) => &p.limits,
        }
    }

    /// The program's name as written in files (`blocking_ports`, ...).
    pub fn program_name(&self) -> &'static str {
        use Program::*;
        match &self.program {
            BlockingPorts(_) => "blocking_ports",
            SelectPorts(_) => "select_ports",
            SequentialQueries(_) => "sequential_queries",
            GatherQueries(_) => "gather_queries",
            ThreadPerRequest(_) => "thread_per_request",
            EventLoopServer(_) => "event_loop_server",
            ProducerConsumer(_) => "producer_consumer",
            UnboundedBuffer(_) => "unbounded_buffer",
            DropAndRegulate(_) => "drop_and_regulate",
            RetryStorm(_) => "retry_storm",
            CreditsPipeline(_) => "credits_pipeline",
        }
    }

    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.limits().validate()?;
        programs::validate_program(&self.program)
    }
}

/// The names accepted in `program = "..."`.
pub const PROGRAMS: &[&str] = &[
    "blocking_ports",
    "select_ports",
    "sequential_queries",
    "gather_queries",
    "thread_per_request",
    "event_loop_server",
    "producer_consumer",
    "unbounded_buffer",
    "drop_and_regulate",
    "retry_storm",
    "credits_pipeline",
];

/// Validate, run and return the trace.
pub fn run(s: &Scenario) -> Result<Trace, ScenarioError> {
    s.validate()?;
    Ok(programs::run_program(s))
}
