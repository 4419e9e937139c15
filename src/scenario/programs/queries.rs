//! (c) `queries_sync.py` and (d) `queries_gather.py` (scenario programs `sequential_queries` /
//! `gather_queries`, chapters 4–7), plus the coroutine demos of chapter 6 (`say_hello.py`,
//! `wait_and_print.py`, `tasks_gather.py`). Each is a real run of the engine whose `Line` events
//! use the line numbers of content/CODE_LINES.md.
//!
//! * [`sequential_queries`]: every query is a `db_query(...)` coroutine awaited in turn that
//!   holds the thread (`time.sleep`); the total is printed at the end.
//! * [`gather_queries`]: the queries as tasks under `asyncio.gather`; a query may be switched to
//!   a blocking `time.sleep` inside its `async def` (it then freezes the loop).
//! * [`tasks_gather`]: `tasks_gather.py` (same shape as (d), different line numbers).
//! * [`say_hello`], [`wait_and_print`]: the coroutine lifecycle demos.
//!
//! Every query is its own coroutine, so a picture gets one lane per query.

use serde::{Deserialize, Serialize};

use crate::scenario::{bad, check_f, check_u, secs, Limits, ScenarioError};
use crate::sim::{Config, Time, Trace, MS, SEC};

use super::run_sim;

/// Longest query the page's inputs accept, in seconds.
pub const MAX_SECS: f64 = 20.0;
/// Longest query a scenario file accepts, in seconds.
pub const MAX_SCENARIO_SECS: f64 = 3600.0;
/// Shortest query, in seconds.
pub const MIN_SECS: f64 = 0.1;
/// Most queries the page shows.
pub const MAX_QUERIES: usize = 3;
/// Most queries in a scenario file.
pub const MAX_SCENARIO_QUERIES: usize = 8;
/// What [`parse_secs`] accepts, for messages.
pub const SECS_ACCEPTED: &str = "a number of seconds from 0.1 to 20 (e.g. 2 or 2.5)";

/// One query of the two-queries programs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// "A", "B", "C" (1 to 40 characters).
    pub name: String,
    /// How long it waits, seconds (0.1 ..= 3600).
    pub seconds: f64,
    /// (d) only: `time.sleep` (blocking) instead of `await asyncio.sleep` inside `async def`.
    #[serde(default)]
    pub blocking: bool,
}

impl Query {
    /// A non-blocking query of `secs` seconds.
    pub fn new(name: &str, secs: f64) -> Self {
        Query {
            name: name.to_string(),
            seconds: secs,
            blocking: false,
        }
    }

    /// A non-blocking query lasting `dur` (µs).
    pub fn with_dur(name: &str, dur: Time) -> Self {
        Query::new(name, dur as f64 / SEC as f64)
    }

    /// How long it waits, µs.
    pub fn dur(&self) -> Time {
        secs(self.seconds)
    }
}

/// The notes' queries: A 2 s, B 3 s.
pub fn default_queries() -> Vec<Query> {
    vec![Query::new("A", 2.0), Query::new("B", 3.0)]
}

/// Parameters of (c) and (d).
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
            queries: default_queries(),
            limits: Limits::default(),
        }
    }
}

impl QueriesParams {
    /// These queries with the default caps.
    pub fn of(qs: &[Query]) -> Self {
        QueriesParams {
            queries: qs.to_vec(),
            limits: Limits::default(),
        }
    }

    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check_u(
            "queries (count)",
            self.queries.len() as u64,
            1,
            MAX_SCENARIO_QUERIES as u64,
        )?;
        for (i, q) in self.queries.iter().enumerate() {
            check_f(
                &format!("queries[{i}].seconds"),
                q.seconds,
                MIN_SECS,
                MAX_SCENARIO_SECS,
            )?;
            if q.name.is_empty() || q.name.chars().count() > 40 {
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

/// Parse a duration typed by the learner ("2", "2.5", "2.5s"); errors say what was wrong.
pub fn parse_secs(s: &str) -> Result<Time, String> {
    let t = s.trim().trim_end_matches('s').trim();
    if t.is_empty() {
        return Err("empty: type a number of seconds".into());
    }
    let v = crate::decimal::parse(t).ok_or_else(|| format!("\"{}\" is not a number", s.trim()))?;
    if !v.is_finite() {
        return Err(format!("\"{}\" is not a number", s.trim()));
    }
    if v < 0.0 {
        return Err(format!("{t} s is negative"));
    }
    if v == 0.0 {
        return Err(format!(
            "0 s is not allowed: the shortest time is {} s",
            crate::decimal::short(MIN_SECS, 3)
        ));
    }
    if v < MIN_SECS {
        return Err(format!(
            "{t} s is too short: at least {} s",
            crate::decimal::short(MIN_SECS, 3)
        ));
    }
    if v > MAX_SECS {
        return Err(format!(
            "{t} s is beyond the cap of {} s",
            crate::decimal::short(MAX_SECS, 3)
        ));
    }
    // Whole milliseconds keep the labels exact.
    Ok(((v * 1000.0).round() as Time) * MS)
}

fn secs_label(t: Time) -> String {
    crate::decimal::fixed(t as f64 / SEC as f64, 1)
}

/// (c) `queries_sync.py` (valid parameters): each query is called in turn and holds the thread
/// with `time.sleep`. Lines: 9/10 (the call; 9 for the first, 10 for the others), 4, 5, 6, 11.
pub fn sequential_queries(p: &QueriesParams) -> Trace {
    let qs = p.queries.clone();
    run_sim(p.limits.config(), |cx| {
        let cx = cx.clone();
        cx.clone().spawn("main", async move {
            for (i, q) in qs.into_iter().enumerate() {
                cx.line(if i == 0 { 9 } else { 10 });
                let c2 = cx.clone();
                let name = q.name.clone();
                let dur = q.dur();
                let coro = cx.coroutine(&format!("db_query(\"{name}\")"), async move {
                    c2.line(4);
                    c2.print(&format!("Query {name} started"));
                    c2.line(5);
                    c2.block_for(dur).await;
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
    })
}

/// (d) `queries_gather.py` (valid parameters): the queries as tasks under `asyncio.gather`. A
/// query with `blocking` calls `time.sleep` inside its `async def` (line 6 then holds the loop
/// thread). Lines: 18, 12, then per task 5, 6, 7, and 16.
pub fn gather_queries(p: &QueriesParams) -> Trace {
    gather_program(
        p.limits.config(),
        &p.queries,
        [18, 12, 5, 6, 7, 16],
        "Query ",
    )
}

/// The page's (c): validate (the message says what is accepted), then [`sequential_queries`].
pub fn sequential(qs: &[Query]) -> Result<Trace, String> {
    let p = QueriesParams::of(qs);
    p.validate().map_err(|e| e.to_string())?;
    Ok(sequential_queries(&p))
}

/// The page's (d): validate (the message says what is accepted), then [`gather_queries`].
pub fn gather(qs: &[Query]) -> Result<Trace, String> {
    let p = QueriesParams::of(qs);
    p.validate().map_err(|e| e.to_string())?;
    Ok(gather_queries(&p))
}

/// `tasks_gather.py`: the same shape as (d) without the database. Lines 14, 9, 4, 5, 6.
pub fn tasks_gather(qs: &[Query]) -> Result<Trace, String> {
    let p = QueriesParams::of(qs);
    p.validate().map_err(|e| e.to_string())?;
    Ok(gather_program(
        p.limits.config(),
        &p.queries,
        [14, 9, 4, 5, 6, 0],
        "",
    ))
}

fn gather_program(cfg: Config, qs: &[Query], l: [u32; 6], prefix: &'static str) -> Trace {
    let qs = qs.to_vec();
    run_sim(cfg, |cx| {
        let cx = cx.clone();
        cx.clone().spawn("main", async move {
            cx.line(l[0]);
            cx.line(l[1]);
            let coros = qs
                .into_iter()
                .map(|q| {
                    let c2 = cx.clone();
                    let name = q.name.clone();
                    let (dur, blocking) = (q.dur(), q.blocking);
                    let label = if prefix.is_empty() {
                        format!("task(\"{name}\")")
                    } else {
                        format!("db_query(\"{name}\")")
                    };
                    cx.coroutine(&label, async move {
                        c2.line(l[2]);
                        c2.print(&format!("{prefix}{name} started"));
                        c2.line(l[3]);
                        if blocking {
                            c2.block_for(dur).await;
                        } else {
                            c2.sleep(dur).await;
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
    })
}

/// `say_hello.py`. With `run = false` the program stops after line 7 (the coroutine is created,
/// printed, never awaited: the run ends with `NeverAwaited`). With `run = true`, line 8 runs it.
pub fn say_hello(run: bool) -> Trace {
    run_sim(Config::default(), |cx| {
        let cx = cx.clone();
        cx.clone().spawn("main", async move {
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
    })
}

/// `wait_and_print.py`: lines 8, 4, 5 (suspended 2 s), 6.
pub fn wait_and_print() -> Trace {
    run_sim(Config::default(), |cx| {
        let cx = cx.clone();
        cx.clone().spawn("main", async move {
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
    })
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
        // The page's wrapper and the scenario program are one run.
        assert_eq!(tr.hash(), gather_queries(&QueriesParams::default()).hash());
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
        assert_eq!(parse_secs("-1").unwrap_err(), "-1 s is negative");
        assert!(parse_secs("0").unwrap_err().contains("not allowed"));
        assert!(parse_secs("21").unwrap_err().contains("cap"));
        assert!(parse_secs("abc").unwrap_err().contains("not a number"));
        assert!(parse_secs("NaN").unwrap_err().contains("not a number"));
        assert_eq!(parse_secs("2.5").unwrap(), 2_500 * MS);
        assert_eq!(parse_secs(" 3s ").unwrap(), 3 * SEC);
        assert_eq!(
            sequential(&[]).unwrap_err(),
            "field `queries (count)`: 0 is not accepted; accepted: an integer from 1 to 8"
        );
        assert!(gather(&[Query::new("A", 0.0)])
            .unwrap_err()
            .contains("queries[0].seconds"));
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
