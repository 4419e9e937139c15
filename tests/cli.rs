//! The `trace` CLI's figure export (`--svg`), run as a built binary.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

fn trace(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trace"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the trace binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn svg_at_3s_goes_to_stdout_without_json_lines() {
    let o = trace(&["scenarios/select_ports.toml", "--svg", "3s"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{}",
        &out[..80.min(out.len())]
    );
    assert!(out.trim_end().ends_with("</svg>"));
    assert_eq!(
        out.matches("<svg").count(),
        1,
        "one document, no JSON Lines"
    );
    assert!(!out.contains("\"kind\""), "no JSON Lines on stdout");
    assert!(!out.contains("var("), "self-contained colours");
    assert!(
        out.contains("at 3 s</title>"),
        "the frame's time is in the title"
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("program=select_ports") && err.contains("at=3.000000s"),
        "{err}"
    );
}

#[test]
fn svg_end_with_out_writes_the_file() {
    let file = std::env::temp_dir().join(format!("await-and-see-cli-{}.svg", std::process::id()));
    let f = file.to_str().unwrap();
    let _ = std::fs::remove_file(&file);
    let o = trace(&["scenarios/gather_queries.toml", "--svg", "end", "--out", f]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "nothing on stdout with --out");
    let svg = std::fs::read_to_string(&file).expect("the file was written");
    assert!(svg.starts_with("<svg xmlns="));
    // The queries picture at the end shows both totals (A 2 s, B 3 s, C 1 s).
    assert!(svg.contains(">total 6 s</text>"), "sequential total");
    assert!(svg.contains(">total 3 s</text>"), "gather total");
    assert!(text(&o.stderr).contains(f));
    let _ = std::fs::remove_file(&file);
}

#[test]
fn svg_bad_time_exits_2_naming_what_is_accepted() {
    for bad in ["abc", "3", "-2s"] {
        let o = trace(&["scenarios/select_ports.toml", "--svg", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let err = text(&o.stderr);
        assert!(err.contains(bad), "{bad}: {err}");
        for want in ["2.5s", "2500ms", "2500000us", "end"] {
            assert!(err.contains(want), "{bad}: the message names {want}: {err}");
        }
        assert!(o.stdout.is_empty());
    }
    let o = trace(&["scenarios/select_ports.toml", "--svg"]);
    assert_eq!(o.status.code(), Some(2));
    let o = trace(&["scenarios/select_ports.toml", "--out", "/tmp/x.svg"]);
    assert_eq!(o.status.code(), Some(2), "--out without --svg is refused");
}

#[test]
fn the_existing_flags_still_work() {
    let o = trace(&["scenarios/sequential_queries.toml", "--summary-only"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert!(text(&o.stderr).contains("program=sequential_queries"));
    let o = trace(&["scenarios/sequential_queries.toml"]);
    assert_eq!(o.status.code(), Some(0));
    let first = text(&o.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        first.starts_with('{') && first.contains("\"kind\""),
        "{first}"
    );
    let help = trace(&["--help"]);
    assert!(text(&help.stdout).contains("--svg"));
}

/// A scenario file in the temp directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, body: &[u8]) -> TempFile {
        let p = std::env::temp_dir().join(format!("await-and-see-{}-{name}", std::process::id()));
        std::fs::write(&p, body).expect("write the temp file");
        TempFile(p)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn a_figure_cut_short_by_a_cap_says_so() {
    let f = TempFile::new(
        "capped.toml",
        b"program = \"retry_storm\"\n[limits]\nmax_events = 20000\n",
    );
    let o = trace(&[f.path(), "--svg", "end"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let (svg, err) = (text(&o.stdout), text(&o.stderr));
    assert!(err.contains("note: The storm run stopped at"), "{err}");
    assert!(err.contains("it reached limits.max_events."), "{err}");
    assert!(
        svg.contains("The storm run stopped at"),
        "drawn under the picture"
    );
    // Uncapped: no note.
    let o = trace(&["scenarios/retry_storm.toml", "--svg", "end"]);
    assert!(!text(&o.stderr).contains("note:") && !text(&o.stdout).contains("stopped at"));
}

#[test]
fn two_scenario_files_are_refused() {
    let o = trace(&[
        "scenarios/select_ports.toml",
        "scenarios/blocking_ports.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("one scenario file at a time"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn files_with_a_byte_order_mark_are_read() {
    let t = TempFile::new(
        "bom.toml",
        "\u{feff}program = \"sequential_queries\"\n".as_bytes(),
    );
    let j = TempFile::new(
        "bom.json",
        "\u{feff}{\"program\": \"sequential_queries\"}".as_bytes(),
    );
    for f in [&t, &j] {
        let o = trace(&[f.path(), "--summary-only"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
}

#[test]
fn json_errors_name_the_line() {
    let f = TempFile::new(
        "bad.json",
        b"{\n  \"program\": \"select_ports\",\n  \"select_timeout_s\": \"x\"\n}\n",
    );
    let o = trace(&[f.path(), "--summary-only"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("line 3"), "{err}");
    let f = TempFile::new(
        "unknown.json",
        b"{\"seed\": 2,\n \"foo\": 1,\n \"program\": \"select_ports\"}",
    );
    let err = text(&trace(&[f.path(), "--summary-only"]).stderr);
    assert!(err.contains("foo") && err.contains("line 2"), "{err}");
    // The program member may come anywhere, last included.
    let f = TempFile::new("last.json", b"{\"seed\": 2, \"program\": \"select_ports\"}");
    let o = trace(&[f.path(), "--summary-only"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn no_task_is_null_in_the_json_lines() {
    let o = trace(&["scenarios/gather_queries.toml"]);
    let out = text(&o.stdout);
    assert!(!out.contains("4294967295"), "no sentinel ids");
    assert!(out.contains("\"parent\":null"), "main's parent");
    assert!(out.contains("\"by\":null"), "a wake by a timer");
}

#[test]
fn a_client_at_the_last_accepted_second_does_not_end_the_run_on_the_cap() {
    // clients up to 3600 s are accepted; the default window (last arrival + 2 s) stops at the
    // 3600 s time cap instead of running into it.
    let f = TempFile::new(
        "late.toml",
        b"program = \"select_ports\"\nclients = [[3600.0, 9001]]\n",
    );
    let err = text(&trace(&[f.path(), "--summary-only"]).stderr);
    assert!(err.contains("outcome=finished"), "{err}");
}
