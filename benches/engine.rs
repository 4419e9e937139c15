//! Engine benchmark (`cargo bench --bench engine`), not a test.
//!
//! The same workload runs on our engine and on tokio's current-thread runtime with paused time
//! (`start_paused(true)`: tokio's clock also jumps to the next timer when idle), one after the
//! other: 10,000 tasks each doing 100 sleeps of seeded random length (1..=1000 us). Throughput is
//! reported as events per second, where "events" is the number of trace events our engine
//! records for the workload; tokio does the same logical work (same tasks, same sleeps) without
//! recording anything, so its events/s is our event count divided by its wall time. The ratio is
//! therefore the ratio of wall times. Then the 100,000-request load scenario is timed.

use std::time::Instant;

use await_and_see::scenario::{self, LoadParams, Program, Scenario};
use await_and_see::sim::{Config, Rng, Sim};

const TASKS: u64 = 10_000;
const SLEEPS: u64 = 100;

fn durations(task: u64) -> Vec<u64> {
    let mut rng = Rng::new(0x5eed ^ task);
    (0..SLEEPS).map(|_| rng.range(1, 1000)).collect()
}

fn ours() -> (u64, f64) {
    let plan: Vec<Vec<u64>> = (0..TASKS).map(durations).collect();
    let start = Instant::now();
    let mut sim = Sim::new(Config { max_events: u32::MAX, ..Config::default() });
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
    let n = sim.event_count() as u64;
    let secs = start.elapsed().as_secs_f64();
    drop(sim);
    (n, secs)
}

fn tokio_paused() -> f64 {
    let plan: Vec<Vec<u64>> = (0..TASKS).map(durations).collect();
    let start = Instant::now();
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().expect("runtime");
    rt.block_on(async move {
        let mut hs = Vec::with_capacity(TASKS as usize);
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
    start.elapsed().as_secs_f64()
}

fn main() {
    // Warm up both once, then take the best of three runs each.
    let _ = ours();
    let _ = tokio_paused();
    let mut best_ours = (0, f64::MAX);
    let mut best_tokio = f64::MAX;
    for _ in 0..3 {
        let o = ours();
        if o.1 < best_ours.1 {
            best_ours = o;
        }
        best_tokio = best_tokio.min(tokio_paused());
    }
    let (events, t_ours) = best_ours;
    let ours_eps = events as f64 / t_ours;
    let tokio_eps = events as f64 / best_tokio;
    println!("workload: {TASKS} tasks x {SLEEPS} sleeps (seeded 1..=1000 us), {events} trace events");
    println!("await-and-see engine: {:>8.1} ms  {:>7.2} M events/s", t_ours * 1e3, ours_eps / 1e6);
    println!("tokio (paused time):  {:>8.1} ms  {:>7.2} M events/s (same logical work)", best_tokio * 1e3, tokio_eps / 1e6);
    println!("ratio (ours / tokio): {:.2}x", ours_eps / tokio_eps);

    let s = Scenario::from(Program::ThreadPerRequest(LoadParams { duration_s: 200.0, ..LoadParams::default() }));
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let tr = scenario::run(&s).expect("valid");
        best = best.min(start.elapsed().as_secs_f64());
        n = tr.events.len();
    }
    println!("thread_per_request, 100,000 requests: {:.1} ms, {} events", best * 1e3, n);
    let s = Scenario::from(Program::EventLoopServer(LoadParams { duration_s: 200.0, ..LoadParams::default() }));
    let start = Instant::now();
    let tr = scenario::run(&s).expect("valid");
    println!("event_loop_server, 100,000 requests: {:.1} ms, {} events", start.elapsed().as_secs_f64() * 1e3, tr.events.len());
}
