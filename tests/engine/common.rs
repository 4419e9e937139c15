//! Helpers: render events as compact lines so tests can assert whole sequences.

use await_and_see::sim::{Event, EventKind, Trace, NO_TASK};

/// `"<t> <task name or -> <kind:?>"`, with interned strings resolved.
pub fn line(tr: &Trace, e: &Event) -> String {
    let who = if e.task == NO_TASK {
        "-".to_string()
    } else {
        tr.task_name(e.task).to_string()
    };
    let kind = match e.kind {
        EventKind::Print { text } => format!("Print {:?}", tr.str(text)),
        EventKind::Created { name, parent } => {
            let p = if parent == NO_TASK {
                "-".to_string()
            } else {
                tr.task_name(parent).to_string()
            };
            format!("Created {} by {}", tr.str(name), p)
        }
        k => format!("{k:?}"),
    };
    format!("{} {} {}", e.t, who, kind)
}

/// Every event rendered.
pub fn lines(tr: &Trace) -> Vec<String> {
    tr.events.iter().map(|e| line(tr, e)).collect()
}

/// Events rendered, keeping only those whose line contains one of `keep`.
pub fn filtered(tr: &Trace, keep: &[&str]) -> Vec<String> {
    lines(tr)
        .into_iter()
        .filter(|l| keep.iter().any(|k| l.contains(k)))
        .collect()
}

/// Assert a whole sequence, printing both sides on mismatch.
#[track_caller]
pub fn assert_seq(got: &[String], want: &[&str]) {
    let got_s: Vec<&str> = got.iter().map(String::as_str).collect();
    if got_s != want {
        panic!(
            "event sequence differs\n--- got ---\n{}\n--- want ---\n{}\n",
            got_s.join("\n"),
            want.join("\n")
        );
    }
}

/// Events whose subject is the task named `who`, rendered.
pub fn of(tr: &Trace, who: &str) -> Vec<String> {
    tr.events
        .iter()
        .filter(|e| e.task != NO_TASK && tr.task_name(e.task) == who)
        .map(|e| line(tr, e))
        .collect()
}
