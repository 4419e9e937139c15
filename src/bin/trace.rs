//! The course authors' CLI: a scenario file in, the trace out as JSON Lines, or one frame of the
//! page's picture of it as an SVG file.
//!
//! ```text
//! cargo run --release --bin trace -- scenarios/select_ports.toml [--summary-only] [--json]
//! cargo run --release --bin trace -- scenarios/select_ports.toml --svg 3s [--out fig.svg]
//! ```
//!
//! One JSON object per event on stdout (fields documented in `docs/scenarios.md`), a one-line
//! summary on stderr. A bad file exits with status 2 and a message naming the line or field and
//! what is accepted. JSON input is detected by the `.json` extension or forced with `--json`.
//!
//! `--svg AT` writes instead the figure the site draws for the scenario's program
//! ([`await_and_see::figure::export`]) at virtual time `AT` (`2.5s`, `2500ms`, `2500000us`, or
//! `end` for the last frame; a time past the end draws the last frame) as a self-contained SVG,
//! to `--out FILE` or, without it, to stdout (and no JSON Lines). A bad `AT` exits with status 2.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::Write;

    use await_and_see::figure::export::{parse_at, Figure};
    use await_and_see::scenario::{self, Scenario};
    use await_and_see::sim::{Event, EventKind, Outcome, Trace, NO_TASK};
    use serde_json::{json, Value};

    const USAGE: &str = "usage: trace <scenario.toml|scenario.json> [--summary-only] [--json]
       trace <scenario.toml|scenario.json> [--json] --svg <AT> [--out <FILE>]
  (no --svg)   the trace as JSON Lines on stdout, a summary on stderr
  --svg AT     the page's figure at virtual time AT as SVG (2.5s, 2500ms, 2500000us or end)
  --out FILE   write the SVG to FILE instead of stdout";

    pub fn main(args: Vec<String>) -> i32 {
        let mut path = None;
        let (mut summary_only, mut json_in) = (false, false);
        let (mut svg, mut out) = (None::<String>, None::<String>);
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            let (flag, inline) = match a.split_once('=') {
                Some((f, v)) if f == "--svg" || f == "--out" => {
                    (f.to_string(), Some(v.to_string()))
                }
                _ => (a.clone(), None),
            };
            match flag.as_str() {
                "--summary-only" => summary_only = true,
                "--json" => json_in = true,
                "--svg" | "--out" => {
                    let Some(v) = inline.or_else(|| args.next()) else {
                        eprintln!("{flag} needs a value\n{USAGE}");
                        return 2;
                    };
                    if flag == "--svg" {
                        svg = Some(v);
                    } else {
                        out = Some(v);
                    }
                }
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return 0;
                }
                s if s.starts_with('-') => {
                    eprintln!("unknown flag {s}\n{USAGE}");
                    return 2;
                }
                _ if path.is_some() => {
                    eprintln!(
                        "one scenario file at a time: got {} and {a}\n{USAGE}",
                        path.unwrap_or_default()
                    );
                    return 2;
                }
                _ => path = Some(a),
            }
        }
        let Some(path) = path else {
            eprintln!("{USAGE}");
            return 2;
        };
        if out.is_some() && svg.is_none() {
            eprintln!("--out needs --svg AT (the JSON Lines trace goes to stdout)\n{USAGE}");
            return 2;
        }
        // Check the frame time before doing any work.
        let at = match svg.as_deref().map(parse_at) {
            None => None,
            Some(Ok(at)) => Some(at),
            Some(Err(msg)) => {
                eprintln!("{msg}");
                return 2;
            }
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                return 2;
            }
        };
        let json_in = json_in || path.ends_with(".json");
        let parsed = if json_in {
            Scenario::from_json(&text)
        } else {
            Scenario::from_toml(&text)
        };
        let sc = match parsed {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{path}: {e}");
                return 2;
            }
        };
        if let Some(at) = at {
            return export(&path, &sc, at, out.as_deref());
        }
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

    /// Write the frame at `at` (`None`: the end) of the scenario's figure to `out` or stdout.
    fn export(path: &str, sc: &Scenario, at: Option<u64>, out: Option<&str>) -> i32 {
        let started = std::time::Instant::now();
        let fig = match Figure::new(sc) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{path}: {e}");
                return 2;
            }
        };
        let t = at.unwrap_or(u64::MAX).min(fig.end());
        let scene = fig.scene(t);
        let svg = scene.to_svg();
        let dest = match out {
            Some(file) => {
                if let Err(e) = std::fs::write(file, &svg) {
                    eprintln!("{file}: cannot write: {e}");
                    return 1;
                }
                file
            }
            None => {
                let mut w = std::io::stdout().lock();
                if w.write_all(svg.as_bytes())
                    .and_then(|()| w.flush())
                    .is_err()
                {
                    return 0; // stdout closed
                }
                "stdout"
            }
        };
        for why in fig.cut_short() {
            eprintln!("{path}: note: {why} The figure ends there; raise the limit to see more.");
        }
        let late = match at {
            Some(a) if a > fig.end() => " (asked for a later time: the last frame)",
            _ => "",
        };
        eprintln!(
            "{}: program={} figure=\"{}\" at={:.6}s of end={:.6}s{} -> {} ({} bytes, {} ms)",
            path,
            sc.program_name(),
            scene.title,
            t as f64 / 1e6,
            fig.end() as f64 / 1e6,
            late,
            dest,
            svg.len(),
            started.elapsed().as_millis()
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
            // "No task" (a root task's parent, a wake by a timer) is null, as for `task`.
            for k in ["parent", "by"] {
                if m.get(k).and_then(Value::as_u64) == Some(NO_TASK as u64) {
                    m.insert(k.into(), Value::Null);
                }
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
