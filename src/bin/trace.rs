//! The course authors' CLI: a scenario file in, the trace out as JSON Lines.
//!
//! ```text
//! cargo run --release --bin trace -- scenarios/select_ports.toml [--summary-only] [--json]
//! ```
//!
//! One JSON object per event on stdout (fields documented in `docs/scenarios.md`), a one-line
//! summary on stderr. A bad file exits with status 2 and a message naming the line or field and
//! what is accepted. JSON input is detected by the `.json` extension or forced with `--json`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::Write;

    use await_and_see::scenario::{self, Scenario};
    use await_and_see::sim::{Event, EventKind, Outcome, Trace, NO_TASK};
    use serde_json::{json, Value};

    const USAGE: &str = "usage: trace <scenario.toml|scenario.json> [--summary-only] [--json]";

    pub fn main(args: Vec<String>) -> i32 {
        let mut path = None;
        let (mut summary_only, mut json_in) = (false, false);
        for a in args {
            match a.as_str() {
                "--summary-only" => summary_only = true,
                "--json" => json_in = true,
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return 0;
                }
                s if s.starts_with('-') => {
                    eprintln!("unknown flag {s}\n{USAGE}");
                    return 2;
                }
                _ => path = Some(a),
            }
        }
        let Some(path) = path else {
            eprintln!("{USAGE}");
            return 2;
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                return 2;
            }
        };
        let json_in = json_in || path.ends_with(".json");
        let parsed = if json_in { Scenario::from_json(&text) } else { Scenario::from_toml(&text) };
        let sc = match parsed {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{path}: {e}");
                return 2;
            }
        };
        let started = std::time::Instant::now();
        let tr = match scenario::run(&sc) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                return 2;
            }
        };
        let took = started.elapsed();
        if !summary_only {
            let out = std::io::stdout();
            let mut w = std::io::BufWriter::new(out.lock());
            for (i, e) in tr.events.iter().enumerate() {
                if writeln!(w, "{}", event_json(&tr, i as u32, e)).is_err() {
                    return 0; // stdout closed (e.g. piped into head)
                }
            }
            let _ = w.flush();
        }
        let outcome = match tr.outcome {
            Outcome::Finished => "finished".to_string(),
            Outcome::Deadlock => "deadlock".to_string(),
            Outcome::Cap(k) => format!("cap({k:?})").to_lowercase(),
            Outcome::OutOfMemory => "out_of_memory".to_string(),
        };
        eprintln!(
            "{}: program={} outcome={} events={} end={:.6}s tasks={} prints={} hash={:016x} ({} ms)",
            path,
            sc.program_name(),
            outcome,
            tr.events.len(),
            tr.end as f64 / 1e6,
            tr.tasks.len(),
            tr.printed().count(),
            tr.hash(),
            took.as_millis()
        );
        0
    }

    /// One event as a JSON object: `i`, `t`, `task`, `task_name`, `kind` and the kind's fields,
    /// with interned strings (`name`, `text`) resolved to text.
    pub fn event_json(tr: &Trace, i: u32, e: &Event) -> Value {
        let mut v = serde_json::to_value(e.kind).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            match e.kind {
                EventKind::Print { text } => {
                    m.insert("text".into(), json!(tr.str(text)));
                }
                EventKind::Created { name, .. } => {
                    m.insert("name".into(), json!(tr.str(name)));
                }
                _ => {}
            }
            m.insert("i".into(), json!(i));
            m.insert("t".into(), json!(e.t));
            if e.task == NO_TASK {
                m.insert("task".into(), Value::Null);
            } else {
                m.insert("task".into(), json!(e.task));
                m.insert("task_name".into(), json!(tr.task_name(e.task)));
            }
        }
        v
    }
}
