//! Lesson programs for chapters 4–7: the two-queries programs (`queries_sync.py`,
//! `queries_gather.py`), the coroutine demos (`say_hello.py`, `wait_and_print.py`,
//! `tasks_gather.py`), each a real run of the engine whose `Line` events use the line numbers of
//! content/CODE_LINES.md.
//!
//! * [`sequential`]: `queries_sync.py`, every query holds the thread (`time.sleep`).
//! * [`gather`]: `queries_gather.py`, queries as tasks under `asyncio.gather`; a query may be
//!   switched to a blocking `time.sleep` inside its `async def` (it then freezes the loop).
//! * [`tasks_gather`]: `tasks_gather.py` (same shape, different line numbers).
//! * [`say_hello`], [`wait_and_print`]: the coroutine lifecycle demos of chapter 6.
//!
//! Durations are validated by [`parse_secs`] / [`validate`] (0.1 s ..= [`MAX_SECS`] s, at most
//! [`MAX_QUERIES`] queries).

use crate::sim::{Config, Sim, Time, Trace, MS, SEC};

/// Longest query the lessons accept, in seconds.
pub const MAX_SECS: f64 = 20.0;
/// Shortest query, in seconds.
pub const MIN_SECS: f64 = 0.1;
/// Most queries in one run.
pub const MAX_QUERIES: usize = 3;
/// What [`parse_secs`] accepts, for messages.
pub const SECS_ACCEPTED: &str = "a number of seconds from 0.1 to 20 (e.g. 2 or 2.5)";

/// One query of the two-queries programs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// "A", "B", "C".
    pub name: String,
    /// How long it waits, µs.
    pub dur: Time,
    /// `time.sleep` (blocking) instead of `await asyncio.sleep` (gather run only).
    pub blocking: bool,
}

impl Query {
    /// A non-blocking query of `secs` seconds.
    pub fn new(name: &str, secs: f64) -> Self {
        Query {
            name: name.to_string(),
            dur: (secs * SEC as f64).round() as Time,
            blocking: false,
        }
    }
}

/// The notes' queries: A 2 s, B 3 s.
pub fn default_queries() -> Vec<Query> {
    vec![Query::new("A", 2.0), Query::new("B", 3.0)]
}

/// Parse a duration typed by the learner ("2", "2.5", "2.5s"); errors say what was wrong.
pub fn parse_secs(s: &str) -> Result<Time, String> {
    let t = s.trim().trim_end_matches('s').trim();
    if t.is_empty() {
        return Err("empty: type a number of seconds".into());
    }
    let v: f64 = t
        .parse()
        .map_err(|_| format!("\"{}\" is not a number", s.trim()))?;
    if !v.is_finite() {
        return Err(format!("\"{}\" is not a number", s.trim()));
    }
    if v < 0.0 {
        return Err(format!("{v} s is negative; a query takes some time"));
    }
    if v == 0.0 {
        return Err("0 s is not allowed: a query takes at least 0.1 s".into());
    }
    if v < MIN_SECS {
        return Err(format!("{v} s is too short: at least {MIN_SECS} s"));
    }
    if v > MAX_SECS {
        return Err(format!("{v} s is beyond the cap of {MAX_SECS} s"));
    }
    // Whole milliseconds keep the labels exact.
    Ok(((v * 1000.0).round() as Time) * MS)
}

/// Check a list of queries: 1..=3 of them, each 0.1..=20 s.
pub fn validate(qs: &[Query]) -> Result<(), String> {
    if qs.is_empty() || qs.len() > MAX_QUERIES {
        return Err(format!(
            "between 1 and {MAX_QUERIES} queries, got {}",
            qs.len()
        ));
    }
    for q in qs {
        let s = q.dur as f64 / SEC as f64;
        if !(MIN_SECS - 1e-9..=MAX_SECS + 1e-9).contains(&s) {
            return Err(format!("query {}: {s} s is outside 0.1..=20 s", q.name));
        }
    }
    Ok(())
}

fn secs_label(t: Time) -> String {
    format!("{:.1}", t as f64 / SEC as f64)
}

/// `queries_sync.py`: each query is called in turn and holds the thread with `time.sleep`.
/// Lines: 9/10 (the call; 9 for the first, 10 for the others), 4, 5, 6, 11.
pub fn sequential(qs: &[Query]) -> Result<Trace, String> {
    validate(qs)?;
    let mut sim = Sim::new(Config::default());
    let cx = sim.ctx();
    let qs = qs.to_vec();
    sim.spawn("main", async move {
        for (i, q) in qs.into_iter().enumerate() {
            cx.line(if i == 0 { 9 } else { 10 });
            let c2 = cx.clone();
            let name = q.name.clone();
            let coro = cx.coroutine(&format!("db_query(\"{name}\")"), async move {
                c2.line(4);
                c2.print(&format!("Query {name} started"));
                c2.line(5);
                c2.block_for(q.dur).await;
                c2.line(6);
                c2.print(&format!("Query {name} finished"));
            });
            coro.await;
        }
        cx.line(11);
        cx.print(&format!(
            "All queries done after {} s",
            secs_label(cx.now())
        ));
    });
    sim.run();
    Ok(sim.into_trace())
}

/// `queries_gather.py`: the queries as tasks under `asyncio.gather`. A query with `blocking`
/// calls `time.sleep` inside its `async def` (line 6 then holds the loop thread).
/// Lines: 18, 12, then per task 5, 6, 7, and 16.
pub fn gather(qs: &[Query]) -> Result<Trace, String> {
    gather_program(qs, [18, 12, 5, 6, 7, 16], "Query ")
}

/// `tasks_gather.py`: the same shape without the database. Lines 14, 9, 4, 5, 6.
pub fn tasks_gather(qs: &[Query]) -> Result<Trace, String> {
    gather_program(qs, [14, 9, 4, 5, 6, 0], "")
}

fn gather_program(qs: &[Query], l: [u32; 6], prefix: &'static str) -> Result<Trace, String> {
    validate(qs)?;
    let mut sim = Sim::new(Config::default());
    let cx = sim.ctx();
    let qs = qs.to_vec();
    sim.spawn("main", async move {
        cx.line(l[0]);
        cx.line(l[1]);
        let coros = qs
            .into_iter()
            .map(|q| {
                let c2 = cx.clone();
                let name = q.name.clone();
                let label = if prefix.is_empty() {
                    format!("task(\"{name}\")")
                } else {
                    format!("db_query(\"{name}\")")
                };
                cx.coroutine(&label, async move {
                    c2.line(l[2]);
                    c2.print(&format!("{prefix}{name} started"));
                    c2.line(l[3]);
                    if q.blocking {
                        c2.block_for(q.dur).await;
                    } else {
                        c2.sleep(q.dur).await;
                    }
                    c2.line(l[4]);
                    c2.print(&format!("{prefix}{name} finished"));
                })
            })
            .collect();
        cx.gather(coros).await;
        if l[5] != 0 {
            cx.line(l[5]);
            cx.print(&format!(
                "All queries done after {} s",
                secs_label(cx.now())
            ));
        }
    });
    sim.run();
    Ok(sim.into_trace())
}

/// `say_hello.py`. With `run = false` the program stops after line 7 (the coroutine is created,
/// printed, never awaited: the run ends with `NeverAwaited`). With `run = true`, line 8 runs it.
pub fn say_hello(run: bool) -> Trace {
    let mut sim = Sim::new(Config::default());
    let cx = sim.ctx();
    sim.spawn("main", async move {
        cx.line(6);
        let c2 = cx.clone();
        let coro = cx.coroutine("say_hello()", async move {
            c2.line(4);
            c2.print("Hello");
        });
        cx.line(7);
        cx.print("<coroutine object say_hello at 0x7f3a2c1e4d40>");
        if run {
            cx.line(8);
            // asyncio.run(coro): a task wraps the coroutine and the loop drives it.
            cx.create_task(coro).await;
        } else {
            drop(coro);
        }
    });
    sim.run();
    sim.into_trace()
}

/// `wait_and_print.py`: lines 8, 4, 5 (suspended 2 s), 6.
pub fn wait_and_print() -> Trace {
    let mut sim = Sim::new(Config::default());
    let cx = sim.ctx();
    sim.spawn("main", async move {
        cx.line(8);
        let c2 = cx.clone();
        let coro = cx.coroutine("wait_and_print()", async move {
            c2.line(4);
            c2.print("Start waiting");
            c2.line(5);
            c2.sleep(2 * SEC).await;
            c2.line(6);
            c2.print("Done waiting");
        });
        cx.create_task(coro).await;
    });
    sim.run();
    sim.into_trace()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{EventKind, Outcome};

    fn qs(a: f64, b: f64) -> Vec<Query> {
        vec![Query::new("A", a), Query::new("B", b)]
    }

    #[test]
    fn sequential_is_the_sum_gather_the_max() {
        assert_eq!(sequential(&qs(2.0, 3.0)).unwrap().end, 5 * SEC);
        assert_eq!(gather(&qs(2.0, 3.0)).unwrap().end, 3 * SEC);
        assert_eq!(sequential(&qs(2.0, 4.0)).unwrap().end, 6 * SEC);
        assert_eq!(gather(&qs(2.0, 4.0)).unwrap().end, 4 * SEC);
        let tr = gather(&qs(2.0, 3.0)).unwrap();
        let lines: Vec<_> = tr.printed().map(|p| p.2.to_string()).collect();
        assert_eq!(
            lines,
            [
                "Query A started",
                "Query B started",
                "Query A finished",
                "Query B finished",
                "All queries done after 3.0 s"
            ]
        );
    }

    #[test]
    fn blocking_query_makes_gather_the_sum() {
        let mut q = qs(2.0, 3.0);
        q[0].blocking = true;
        assert_eq!(gather(&q).unwrap().end, 5 * SEC);
        // The chapter 5 exercise: 1, 2 (blocking), 4 -> 6 s.
        let mut q3 = vec![
            Query::new("A", 1.0),
            Query::new("B", 2.0),
            Query::new("C", 4.0),
        ];
        q3[1].blocking = true;
        assert_eq!(gather(&q3).unwrap().end, 6 * SEC);
    }

    #[test]
    fn bad_durations_are_refused_with_a_reason() {
        assert!(parse_secs("-1").unwrap_err().contains("negative"));
        assert!(parse_secs("0").unwrap_err().contains("not allowed"));
        assert!(parse_secs("21").unwrap_err().contains("cap"));
        assert!(parse_secs("abc").unwrap_err().contains("not a number"));
        assert!(parse_secs("NaN").unwrap_err().contains("not a number"));
        assert_eq!(parse_secs("2.5").unwrap(), 2_500 * MS);
        assert_eq!(parse_secs(" 3s ").unwrap(), 3 * SEC);
        assert!(sequential(&[]).is_err());
    }

    #[test]
    fn say_hello_never_awaited_is_reported() {
        let tr = say_hello(false);
        assert!(tr.events.iter().any(|e| e.kind == EventKind::NeverAwaited));
        assert_eq!(tr.printed().count(), 1);
        let tr = say_hello(true);
        assert!(!tr.events.iter().any(|e| e.kind == EventKind::NeverAwaited));
        assert_eq!(tr.printed().last().unwrap().2, "Hello");
        assert_eq!(tr.outcome, Outcome::Finished);
        assert_eq!(wait_and_print().end, 2 * SEC);
        assert_eq!(tasks_gather(&qs(2.0, 3.0)).unwrap().end, 3 * SEC);
    }
}
