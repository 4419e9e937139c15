//! Scenarios as data: which built-in program to run and with which parameters.
//!
//! A [`Scenario`] is a [`Program`] (one variant per example of the course notes, each with a
//! parameter struct whose defaults are the notes' numbers) plus [`Limits`]. Course authors write
//! it as TOML or JSON (`program = "select_ports"` and the parameters at top level; see
//! `docs/scenarios.md`); the UI builds the same types from URL and form values. Both go through
//! [`Scenario::validate`], which never panics and names the field, the bad value and what is
//! accepted. [`run`] validates, builds a [`Sim`](crate::sim::Sim), installs the program
//! ([`programs`]) and returns the [`Trace`].

pub mod programs;

use serde::{Deserialize, Serialize};

use crate::sim::{Config, Time, Trace, SEC};

/// Run-time limits (caps) of a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
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

pub use programs::credits::CreditsParams;
pub use programs::flow::{BufferParams, ProducerConsumerParams, Strategy, StrategyParams, Switch};
pub use programs::load::{LoadParams, Model};
pub use programs::ports::{PortsParams, Preset as ArrivalPreset};
pub use programs::queries::{QueriesParams, Query};
pub use programs::retry::{RetryFix, RetryParams};

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
        // decimal::short, not `{}` of f64: keeps the float formatter out of the wasm bundle.
        let short = |x: f64| match x {
            x if x.is_nan() => "nan".to_string(),
            x if x.is_infinite() => if x > 0.0 { "inf" } else { "-inf" }.to_string(),
            x => crate::decimal::short(x, 6),
        };
        return Err(bad(
            field,
            short(v),
            &format!("a number from {} to {}", short(lo), short(hi)),
        ));
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

/// `text` (a valid JSON object) with its top-level member `key` and the comma that separates it
/// replaced by spaces: every other byte, and so every line and column, stays where it was.
#[cfg(not(target_arch = "wasm32"))]
fn blank_json_member(text: &str, key: &str) -> String {
    let b = text.as_bytes();
    // The end (exclusive) of the string starting at `i` (a '"').
    let string_end = |mut i: usize| {
        i += 1;
        while i < b.len() && b[i] != b'"' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
        i + 1
    };
    let skip_ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let (mut i, mut depth, mut key_next) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = string_end(i);
                let is_key = depth == 1 && key_next;
                key_next = false;
                if is_key && serde_json::from_str::<String>(&text[i..end]).is_ok_and(|k| k == key) {
                    // key, ':', a value (any JSON value: skip it by nesting depth), then a comma.
                    let colon = skip_ws(end);
                    let mut j = skip_ws(colon + 1);
                    let mut d = 0;
                    while j < b.len() {
                        match b[j] {
                            b'"' => {
                                j = string_end(j);
                                if d == 0 {
                                    break;
                                }
                                continue;
                            }
                            b'{' | b'[' => d += 1,
                            b'}' | b']' if d == 0 => break,
                            b'}' | b']' => {
                                d -= 1;
                                if d == 0 {
                                    j += 1;
                                    break;
                                }
                            }
                            b',' if d == 0 => break,
                            _ => {}
                        }
                        j += 1;
                    }
                    let (mut from, mut to) = (i, j);
                    let after = skip_ws(to);
                    if b.get(after) == Some(&b',') {
                        to = after + 1;
                    } else if let Some(c) = text[..from].rfind(|c: char| !c.is_whitespace()) {
                        if b[c] == b',' {
                            from = c;
                        }
                    }
                    let mut out = String::with_capacity(text.len());
                    out.push_str(&text[..from]);
                    out.extend(
                        text[from..to]
                            .chars()
                            .map(|c| if c == '\n' { c } else { ' ' }),
                    );
                    out.push_str(&text[to..]);
                    return out;
                }
                i = end;
                continue;
            }
            b'{' => {
                depth += 1;
                key_next = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b',' => key_next = depth == 1,
            _ => {}
        }
        i += 1;
    }
    text.to_string()
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
        // A byte-order mark (Windows Notepad writes one) is not part of the text.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        let name = program_field(v.get("program").map(|p| p.as_str()))?.to_string();
        // As for TOML: parse the text itself as the program's struct, with the `program` member
        // blanked out, so errors keep their line and column.
        let rest = blank_json_member(text, "program");
        let s = by_name!(name.as_str(), |ty| serde_json::from_str(&rest)
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
