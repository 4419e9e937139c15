//! Engine benchmark (`cargo bench --bench engine`), not a test.
//!
//! The same workload runs on our engine and on tokio's current-thread runtime with paused time
//! (`start_paused(true)`: tokio's clock also jumps to the next timer when idle), alternating, in
//! one process: 10,000 tasks each doing 100 sleeps of seeded random length. Both timings include
//! building the runtime and spawning the tasks. Throughput is reported as events per second,
//! where "events" is the number of trace events our engine records for the workload (our engine
//! records every one of them); tokio does the same logical work (same tasks, same sleeps)
//! without recording anything, so its events/s is our event count divided by its wall time, and
//! the ratio is the ratio of wall times. Every time is the median of `BENCH_RUNS` runs
//! (default 5) after one warm-up run; the ratio is the median of the ratios of the back-to-back
//! pairs (ours, then tokio), printed with their range, and the process's first (cold) run is
//! printed once.
//!
//! **Same work, checked.** tokio's timers have a resolution of 1 ms: a sleep ends at the first
//! millisecond tick at or after its deadline. So the headline draws whole-millisecond sleeps
//! (1..=1000 ms), which both engines represent exactly; each run prints the virtual time its
//! clock ended at, and the two must agree. The same workload with 1..=1000 *microsecond* sleeps
//! is printed after it for comparison with earlier figures, but it is not the same work: tokio
//! rounds every one of those sleeps up to exactly 1 ms, so its run is 100 ms of virtual time in
//! which all 10,000 tasks wake together every millisecond, in the same order every time (a
//! sequential sweep over its task memory), while ours honours each microsecond deadline (about
//! 61 ms of virtual time, tasks woken in deadline order).
//!
//! Each workload runs twice: with each task's sleeps in a precomputed plan vector (the headline;
//! the plan's memory is read as the tasks run) and drawn inline from each task's seeded `Rng`
//! (the same stream, so the same trace). Then the headline's memory floor (no executor: only the
//! trace's events written to a fresh buffer and the plan read in the order our executor polls the
//! tasks, what any engine that records this trace and reads this plan must at least do), and the
//! 100,000-request load scenarios.
//!
//! Knobs for profilers (callgrind, perf): `BENCH_ONLY=ours|inline|tokio|load|floor`,
//! `BENCH_UNIT_US=n` (the sleep unit for `ours`/`inline`/`tokio`/`floor`; default 1000),
//! `BENCH_TASKS=n`, `BENCH_RUNS=n`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use await_and_see::scenario::{self, LoadParams, Program, Scenario};
use await_and_see::sim::{Config, Event, EventKind, Rng, Sim};

const SLEEPS: u64 = 100;
const OURS: &str = "await-and-see engine:";
const TOKIO: &str = "tokio (paused time):";
/// Sleep units (microseconds per unit of the drawn 1..=1000): the headline's, then the other.
const MS: u64 = 1000;
const US: u64 = 1;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Task `task`'s sleeps, one draw at a time: 1..=1000 units of `unit` us, seeded per task. The
/// plan vectors and the inline variants of both engines all draw this one stream.
struct Sleeps {
    rng: Rng,
    unit: u64,
}

impl Sleeps {
    fn of(task: u64, unit: u64) -> Sleeps {
        Sleeps {
            rng: Rng::new(0x5eed ^ task),
            unit,
        }
    }

    fn next_us(&mut self) -> u64 {
        self.rng.range(1, 1000) * self.unit
    }
}

/// Every task's sleeps, precomputed.
fn plans(tasks: u64, unit: u64) -> Vec<Vec<u64>> {
    (0..tasks)
        .map(|task| {
            let mut s = Sleeps::of(task, unit);
            (0..SLEEPS).map(|_| s.next_us()).collect()
        })
        .collect()
}

/// Our engine without its event cap (the workload records 5.1 M events).
fn uncapped_sim() -> Sim {
    Sim::new(Config {
        max_events: u32::MAX,
        ..Config::default()
    })
}

/// The plan workload on our engine, run to the end: one task per plan, sleeping each of its
/// durations in turn.
fn headline_sim(plan: Vec<Vec<u64>>) -> Sim {
    let mut sim = uncapped_sim();
    let cx = sim.ctx();
    for (i, ds) in plan.into_iter().enumerate() {
        let c = cx.clone();
        sim.spawn(&format!("t{i}"), async move {
            for d in ds {
                c.sleep(d).await;
            }
        });
    }
    sim.run();
    sim
}

/// One timed run: wall seconds, trace events (ours; 0 for tokio), virtual time at the end (us).
struct Run {
    secs: f64,
    events: u64,
    end_us: u64,
}

/// The workload on our engine: sleeps from a plan vector (`plan`) or drawn inline.
fn ours(tasks: u64, unit: u64, plan: bool) -> Run {
    let plans = if plan { plans(tasks, unit) } else { Vec::new() };
    let start = Instant::now();
    let sim = if plan {
        headline_sim(plans)
    } else {
        let mut sim = uncapped_sim();
        let cx = sim.ctx();
        for i in 0..tasks {
            let c = cx.clone();
            sim.spawn(&format!("t{i}"), async move {
                let mut s = Sleeps::of(i, unit);
                for _ in 0..SLEEPS {
                    c.sleep(s.next_us()).await;
                }
            });
        }
        sim.run();
        sim
    };
    let (events, end_us) = (sim.event_count() as u64, sim.now());
    let secs = start.elapsed().as_secs_f64();
    drop(sim);
    Run {
        secs,
        events,
        end_us,
    }
}

/// The same workload on tokio's current-thread runtime with paused time.
fn tokio(tasks: u64, unit: u64, plan: bool) -> Run {
    let plans = if plan { plans(tasks, unit) } else { Vec::new() };
    let start = Instant::now();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime");
    let end_us = rt.block_on(async move {
        let t0 = tokio::time::Instant::now();
        let mut hs = Vec::with_capacity(tasks as usize);
        if plan {
            for ds in plans {
                hs.push(tokio::spawn(async move {
                    for d in ds {
                        tokio::time::sleep(std::time::Duration::from_micros(d)).await;
                    }
                }));
            }
        } else {
            for i in 0..tasks {
                hs.push(tokio::spawn(async move {
                    let mut s = Sleeps::of(i, unit);
                    for _ in 0..SLEEPS {
                        let d = s.next_us();
                        tokio::time::sleep(std::time::Duration::from_micros(d)).await;
                    }
                }));
            }
        }
        for h in hs {
            let _ = h.await;
        }
        t0.elapsed().as_micros() as u64
    });
    let secs = start.elapsed().as_secs_f64();
    drop(rt);
    Run {
        secs,
        events: 0,
        end_us,
    }
}

/// What the executor's run of the headline workload looks like from memory's point of view: the
/// task of each poll, in order, and how many events were recorded from that poll up to the next.
fn poll_order(tasks: u64, unit: u64) -> (Vec<u32>, Vec<u8>, usize) {
    let sim = headline_sim(plans(tasks, unit));
    let trace = sim.into_trace();
    let (mut order, mut counts) = (Vec::new(), Vec::new());
    let mut first = 0;
    for e in &trace.events {
        if matches!(e.kind, EventKind::PollStart) {
            order.push(e.task);
            counts.push(1u8);
        } else if let Some(c) = counts.last_mut() {
            *c = c.saturating_add(1);
        } else {
            first += 1;
        }
    }
    (order, counts, first)
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(v: &mut Vec<Event>) {
    extern "C" {
        fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
    }
    let start = v.as_mut_ptr() as usize & !4095;
    let end = (v.as_mut_ptr() as usize + v.capacity() * std::mem::size_of::<Event>())
        .next_multiple_of(4096);
    // SAFETY: advice only (MADV_HUGEPAGE = 14); contents and access are unchanged.
    unsafe {
        madvise(start as *mut std::ffi::c_void, end - start, 14);
    }
}
#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_v: &mut Vec<Event>) {}

/// The memory floor of the headline workload, without any executor: write as many events as the
/// trace has into a fresh buffer (huge pages, as the engine does) and, if `plan`, read each task's
/// plan in the order the executor polls the tasks. Any engine that records this trace and reads
/// this plan does at least this. Returns seconds.
fn floor(order: &[u32], counts: &[u8], first: usize, tasks: u64, unit: u64, plan: bool) -> f64 {
    let plans = plans(tasks, unit);
    let total = first + counts.iter().map(|&c| c as usize).sum::<usize>();
    let start = Instant::now();
    let mut next = vec![0u32; tasks as usize];
    let mut ev: Vec<Event> = Vec::with_capacity(total);
    advise_huge_pages(&mut ev);
    let mut sum = 0u64;
    for _ in 0..first {
        ev.push(Event {
            t: 0,
            task: 0,
            kind: EventKind::Done,
        });
    }
    for (&task, &c) in order.iter().zip(counts) {
        if plan {
            let k = &mut next[task as usize];
            if let Some(&d) = plans[task as usize].get(*k as usize) {
                sum = sum.wrapping_add(d);
            }
            *k += 1;
        }
        for j in 0..c {
            ev.push(Event {
                t: sum,
                task,
                kind: EventKind::TimerSet {
                    timer: task,
                    delay: j as u32,
                },
            });
        }
    }
    std::hint::black_box(&ev);
    let secs = start.elapsed().as_secs_f64();
    drop(ev);
    secs
}

/// One engine's line: median time, and events/s for the trace's `events` (`note` in brackets).
fn print_engine(label: &str, t: f64, events: u64, note: &str) {
    println!(
        "{label:<22}{:>8.1} ms  {:>7.2} M events/s ({note})",
        t * 1e3,
        events as f64 / t / 1e6
    );
}

/// Whether the process's first (cold) run has been reported.
static COLD_SHOWN: AtomicBool = AtomicBool::new(false);

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Run one workload on both engines (`tokio_too`), alternating, and print the comparison.
fn compare(tasks: u64, runs: usize, unit: u64, plan: bool, tokio_too: bool) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut first = None;
    for i in 0..=runs {
        // Run 0 warms up both; then alternate so both see the same machine load.
        let r = ours(tasks, unit, plan);
        let t = tokio_too.then(|| tokio(tasks, unit, plan));
        if i > 0 {
            a.push(r);
            b.extend(t);
        } else {
            first = Some((r.secs, t.map(|t| t.secs)));
        }
    }
    let events = a[0].events;
    let end = |v: &[Run]| v[0].end_us as f64 / 1e3;
    let t = median(a.iter().map(|r| r.secs).collect());
    print_engine(
        OURS,
        t,
        events,
        &format!("{events} trace events; clock ends at {:.3} ms", end(&a)),
    );
    if tokio_too {
        let tt = median(b.iter().map(|r| r.secs).collect());
        let same = if a[0].end_us == b[0].end_us {
            "the same virtual time: same work"
        } else {
            "NOT the same virtual time: tokio rounded the sleeps to its 1 ms tick"
        };
        print_engine(
            TOKIO,
            tt,
            events,
            &format!("clock ends at {:.3} ms, {same}", end(&b)),
        );
        // Each pair ran back to back, so its ratio saw one machine load; the median of the
        // pairs' ratios resists load that changes during the bench (the medians above do not).
        let mut pairs: Vec<f64> = a.iter().zip(&b).map(|(o, t)| t.secs / o.secs).collect();
        pairs.sort_by(f64::total_cmp);
        println!(
            "ratio (ours / tokio throughput): {:.2}x (median of {} back-to-back pairs; the pairs ranged {:.2}x..{:.2}x)",
            pairs[pairs.len() / 2],
            pairs.len(),
            pairs[0],
            pairs[pairs.len() - 1]
        );
    }
    // The process's very first run allocates everything afresh (later runs of ours reuse the
    // previous trace's event buffer, as the engine does for every run on a thread; tokio's
    // smaller blocks are recycled by malloc): shown once, for the record.
    if let Some((o, t)) = first.filter(|_| !COLD_SHOWN.swap(true, Ordering::Relaxed)) {
        let t = t.map_or(String::new(), |t| format!(", tokio {:.1} ms", t * 1e3));
        println!(
            "  (the warm-up run above, the process's first, in fresh memory: ours {:.1} ms{t})",
            o * 1e3
        );
    }
}

fn main() {
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let tasks = env_u64("BENCH_TASKS", 10_000);
    let runs = env_u64("BENCH_RUNS", 5).max(1) as usize;
    let unit = env_u64("BENCH_UNIT_US", MS).max(1);
    let all = only.is_empty();
    if all {
        for (unit, what) in [
            (
                MS,
                "1..=1000 ms (whole milliseconds: exact on both engines)",
            ),
            (
                US,
                "1..=1000 us (tokio rounds each sleep up to its 1 ms tick: not the same work)",
            ),
        ] {
            println!(
                "workload: {tasks} tasks x {SLEEPS} sleeps of seeded {what}, median of {runs} runs"
            );
            println!("sleeps from a per-task plan vector:");
            compare(tasks, runs, unit, true, true);
            println!("sleeps drawn inline from each task's seeded Rng (no plan vector):");
            compare(tasks, runs, unit, false, true);
        }
    }
    match only.as_str() {
        "ours" => compare(tasks, runs, unit, true, false),
        "inline" => compare(tasks, runs, unit, false, false),
        "tokio" => {
            let t = median((0..runs).map(|_| tokio(tasks, unit, true).secs).collect());
            println!("{TOKIO:<22}{:>8.1} ms", t * 1e3);
        }
        _ => {}
    }
    if all || only == "floor" {
        // The memory floor: the trace's bytes and the plan's reads, with no executor at all.
        let unit = if all { MS } else { unit };
        let (order, counts, first) = poll_order(tasks, unit);
        let (mut with_plan, mut events_only) = (Vec::new(), Vec::new());
        for i in 0..=runs {
            let a = floor(&order, &counts, first, tasks, unit, true);
            let b = floor(&order, &counts, first, tasks, unit, false);
            if i > 0 {
                with_plan.push(a);
                events_only.push(b);
            }
        }
        println!("memory floor of the plan workload ({unit} us units), no executor (the trace's events written to a fresh buffer, the plan read in the executor's poll order):");
        println!(
            "  events + plan reads: {:>8.1} ms    events only: {:>8.1} ms",
            median(with_plan) * 1e3,
            median(events_only) * 1e3
        );
    }
    if all || only == "load" {
        for (label, program) in [
            (
                "thread_per_request",
                Program::ThreadPerRequest(LoadParams {
                    duration_s: 200.0,
                    ..LoadParams::default()
                }),
            ),
            (
                "event_loop_server",
                Program::EventLoopServer(LoadParams {
                    duration_s: 200.0,
                    ..LoadParams::default()
                }),
            ),
        ] {
            let s = Scenario::from(program);
            let mut times = Vec::new();
            let mut n = 0;
            for i in 0..=runs {
                let start = Instant::now();
                let tr = scenario::run(&s).expect("valid");
                if i > 0 {
                    times.push(start.elapsed().as_secs_f64());
                }
                n = tr.events.len();
            }
            println!(
                "{label}, 100,000 requests: {:.1} ms (median), {n} events",
                median(times) * 1e3
            );
        }
    }
}
