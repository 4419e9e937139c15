//! Engine benchmark (`cargo bench --bench engine`), not a test.
//!
//! The same workload runs on our engine and on tokio's current-thread runtime with paused time
//! (`start_paused(true)`: tokio's clock also jumps to the next timer when idle), alternating, in
//! one process: 10,000 tasks each doing 100 sleeps of seeded random length (1..=1000 us). Both
//! timings include building the runtime and spawning the tasks. Throughput is reported as events
//! per second, where "events" is the number of trace events our engine records for the workload
//! (our engine records every one of them); tokio does the same logical work (same tasks, same
//! sleeps) without recording anything, so its events/s is our event count divided by its wall
//! time, and the ratio is the ratio of wall times. Then the 100,000-request load scenarios are
//! timed. Every figure is the median of `BENCH_RUNS` runs (default 5) after one warm-up run.
//!
//! A secondary figure runs the same sleeps drawn inline from each task's seeded `Rng` (the same
//! stream, so the same trace) instead of a precomputed per-task plan vector, for both engines:
//! the difference between the two figures is the cost of the plan's memory traffic.
//!
//! Then the headline workload's memory floor: no executor, only the trace's events written to a
//! fresh buffer and the plan read in the order our executor polls the tasks (what any engine that
//! records this trace and reads this plan must at least do).
//!
//! Knobs for profilers (callgrind, perf): `BENCH_ONLY=ours|inline|tokio|load|floor`, `BENCH_TASKS=n`,
//! `BENCH_RUNS=n`.

use std::time::Instant;

use await_and_see::scenario::{self, LoadParams, Program, Scenario};
use await_and_see::sim::{Config, Event, EventKind, Rng, Sim};

const SLEEPS: u64 = 100;
const OURS: &str = "await-and-see engine:";
const TOKIO: &str = "tokio (paused time):";

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn durations(task: u64) -> Vec<u64> {
    let mut rng = Rng::new(0x5eed ^ task);
    (0..SLEEPS).map(|_| rng.range(1, 1000)).collect()
}

/// Our engine without its event cap (the workload records 5.1 M events).
fn uncapped_sim() -> Sim {
    Sim::new(Config {
        max_events: u32::MAX,
        ..Config::default()
    })
}

/// The headline workload on our engine, run to the end: one task per plan, sleeping each of its
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

fn ours(tasks: u64) -> (u64, f64) {
    let plan: Vec<Vec<u64>> = (0..tasks).map(durations).collect();
    let start = Instant::now();
    let sim = headline_sim(plan);
    let n = sim.event_count() as u64;
    let secs = start.elapsed().as_secs_f64();
    drop(sim);
    (n, secs)
}

/// The same workload with each task drawing its sleeps from its own seeded `Rng` as it goes (the
/// same stream `durations` collects, so the same sleeps and the same trace) instead of reading a
/// precomputed plan: it shows how much of each engine's time is the plan's memory traffic.
fn ours_inline(tasks: u64) -> (u64, f64) {
    let start = Instant::now();
    let mut sim = uncapped_sim();
    let cx = sim.ctx();
    for i in 0..tasks {
        let c = cx.clone();
        sim.spawn(&format!("t{i}"), async move {
            let mut rng = Rng::new(0x5eed ^ i);
            for _ in 0..SLEEPS {
                c.sleep(rng.range(1, 1000)).await;
            }
        });
    }
    sim.run();
    let n = sim.event_count() as u64;
    let secs = start.elapsed().as_secs_f64();
    drop(sim);
    (n, secs)
}

/// tokio's current-thread runtime with paused time (its clock jumps to the next timer when idle).
fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime")
}

fn tokio_inline(tasks: u64) -> f64 {
    let start = Instant::now();
    let rt = paused_runtime();
    rt.block_on(async move {
        let mut hs = Vec::with_capacity(tasks as usize);
        for i in 0..tasks {
            hs.push(tokio::spawn(async move {
                let mut rng = Rng::new(0x5eed ^ i);
                for _ in 0..SLEEPS {
                    tokio::time::sleep(std::time::Duration::from_micros(rng.range(1, 1000))).await;
                }
            }));
        }
        for h in hs {
            let _ = h.await;
        }
    });
    let secs = start.elapsed().as_secs_f64();
    drop(rt);
    secs
}

fn tokio_paused(tasks: u64) -> f64 {
    let plan: Vec<Vec<u64>> = (0..tasks).map(durations).collect();
    let start = Instant::now();
    let rt = paused_runtime();
    rt.block_on(async move {
        let mut hs = Vec::with_capacity(tasks as usize);
        for ds in plan {
            hs.push(tokio::spawn(async move {
                for d in ds {
                    tokio::time::sleep(std::time::Duration::from_micros(d)).await;
                }
            }));
        }
        for h in hs {
            let _ = h.await;
        }
    });
    let secs = start.elapsed().as_secs_f64();
    drop(rt);
    secs
}

/// What the executor's run of the headline workload looks like from memory's point of view: the
/// task of each poll, in order, and how many events were recorded from that poll up to the next.
fn poll_order(tasks: u64) -> (Vec<u32>, Vec<u8>, usize) {
    let sim = headline_sim((0..tasks).map(durations).collect());
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
fn floor(order: &[u32], counts: &[u8], first: usize, tasks: u64, plan: bool) -> f64 {
    let plans: Vec<Vec<u64>> = (0..tasks).map(durations).collect();
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let tasks = env_u64("BENCH_TASKS", 10_000);
    let runs = env_u64("BENCH_RUNS", 5).max(1) as usize;
    let (do_ours, do_tokio, do_load) = match only.as_str() {
        "ours" => (true, false, false),
        "tokio" => (false, true, false),
        "load" => (false, false, true),
        "floor" => (false, false, false),
        "inline" => (false, false, false),
        _ => (true, true, true),
    };
    let do_floor = only.is_empty() || only == "floor";
    if do_ours || do_tokio {
        let (mut t_ours, mut t_tokio, mut events) = (Vec::new(), Vec::new(), 0);
        for i in 0..=runs {
            // Run 0 warms up both; then alternate so both see the same machine load.
            if do_ours {
                let (n, t) = ours(tasks);
                events = n;
                if i > 0 {
                    t_ours.push(t);
                }
            }
            if do_tokio {
                let t = tokio_paused(tasks);
                if i > 0 {
                    t_tokio.push(t);
                }
            }
        }
        println!(
            "workload: {tasks} tasks x {SLEEPS} sleeps (seeded 1..=1000 us), median of {runs} runs"
        );
        if do_ours {
            let t = median(t_ours);
            print_engine(OURS, t, events, &format!("{events} trace events"));
            if do_tokio {
                let tt = median(t_tokio);
                print_engine(TOKIO, tt, events, "same logical work");
                println!("ratio (ours / tokio throughput): {:.2}x", tt / t);
            }
        } else {
            println!("{TOKIO:<22}{:>8.1} ms", median(t_tokio) * 1e3);
        }
    }
    // Secondary figure: the same sleeps drawn inline (no plan vector), alternating likewise
    // (`BENCH_ONLY=inline`: ours only, for profilers).
    let inline_tokio = do_ours && do_tokio;
    if inline_tokio || only == "inline" {
        let (mut t_ours, mut t_tokio, mut events) = (Vec::new(), Vec::new(), 0);
        for i in 0..=runs {
            let (n, t) = ours_inline(tasks);
            events = n;
            let tt = if inline_tokio {
                tokio_inline(tasks)
            } else {
                0.0
            };
            if i > 0 {
                t_ours.push(t);
                t_tokio.push(tt);
            }
        }
        let t = median(t_ours);
        println!("same sleeps drawn inline from each task's seeded Rng (no plan vector):");
        print_engine(OURS, t, events, &format!("{events} trace events"));
        if inline_tokio {
            let tt = median(t_tokio);
            print_engine(TOKIO, tt, events, "same logical work");
            println!("ratio (ours / tokio throughput): {:.2}x", tt / t);
        }
    }
    if do_floor {
        // The memory floor: the trace's bytes and the plan's reads, with no executor at all.
        let (order, counts, first) = poll_order(tasks);
        let (mut with_plan, mut events_only) = (Vec::new(), Vec::new());
        for i in 0..=runs {
            let a = floor(&order, &counts, first, tasks, true);
            let b = floor(&order, &counts, first, tasks, false);
            if i > 0 {
                with_plan.push(a);
                events_only.push(b);
            }
        }
        println!("memory floor, no executor (the trace's events written to a fresh buffer, the plan read in the executor's poll order):");
        println!(
            "  events + plan reads: {:>8.1} ms    events only: {:>8.1} ms",
            median(with_plan) * 1e3,
            median(events_only) * 1e3
        );
    }
    if do_load {
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
