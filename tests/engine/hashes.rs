//! Golden trace hashes: every built-in program at its defaults, the two 100,000-request loads,
//! and engine-level workloads that stress timer order (equal deadlines armed far apart, blocking
//! calls that defer timers, cancellations). The same cases and constants are used by the browser
//! test (tests/web/engine.rs includes this file), so native and wasm must agree with each other
//! *and* with the constants below.
//!
//! If an engine change alters a trace, `golden_hashes` fails and prints the new table; update
//! [`EXPECTED`] only for a deliberate, documented change of event order.

use await_and_see::scenario::{self, LoadParams, Program, Scenario};
use await_and_see::sim::{Config, Rng, Sim, Trace};

/// `(case name, trace hash)`, in the order [`run_case`] knows them.
pub const EXPECTED: &[(&str, u64)] = &[
    ("blocking_ports", 0x22ac54af99ad4137),
    ("select_ports", 0x0e2a3e5d540bcd9f),
    ("sequential_queries", 0x476e368b7d4826d4),
    ("gather_queries", 0xbbe3e39d92ec2ed4),
    ("thread_per_request", 0x612fb5d4e98173d5),
    ("event_loop_server", 0x5d1a017fc9f6a3b4),
    ("producer_consumer", 0xeb45d58953330f6c),
    ("unbounded_buffer", 0x6c512d99ac6e18fc),
    ("drop_and_regulate", 0x48cf591e58f1cabc),
    ("retry_storm", 0x492221221bd7ef97),
    ("credits_pipeline", 0xab2cd4b0ad8a2b7c),
    ("thread_per_request_100k", 0xb88b05e01edaef33),
    ("event_loop_server_100k", 0x9aaf09945b72c152),
    ("sleeps_1000x20", 0x386236b55c93ce4d),
    ("mixed_timers", 0x03b003be3cb3eddb),
];

/// The 100,000-request load (500 req/s for 200 s), as in the benchmark.
pub fn load_100k(pool: bool) -> Scenario {
    let p = LoadParams {
        duration_s: 200.0,
        ..LoadParams::default()
    };
    Scenario::from(if pool {
        Program::ThreadPerRequest(p)
    } else {
        Program::EventLoopServer(p)
    })
}

fn program(name: &str) -> Option<Scenario> {
    let p = match name {
        "blocking_ports" => Program::BlockingPorts(Default::default()),
        "select_ports" => Program::SelectPorts(Default::default()),
        "sequential_queries" => Program::SequentialQueries(Default::default()),
        "gather_queries" => Program::GatherQueries(Default::default()),
        "thread_per_request" => Program::ThreadPerRequest(Default::default()),
        "event_loop_server" => Program::EventLoopServer(Default::default()),
        "producer_consumer" => Program::ProducerConsumer(Default::default()),
        "unbounded_buffer" => Program::UnboundedBuffer(Default::default()),
        "drop_and_regulate" => Program::DropAndRegulate(Default::default()),
        "retry_storm" => Program::RetryStorm(Default::default()),
        "credits_pipeline" => Program::CreditsPipeline(Default::default()),
        "thread_per_request_100k" => return Some(load_100k(true)),
        "event_loop_server_100k" => return Some(load_100k(false)),
        _ => return None,
    };
    Some(Scenario::from(p))
}

/// `tasks` tasks each sleeping `sleeps` times for a seeded 1..=1000 us (the benchmark's shape).
pub fn sleeps(tasks: u64, sleeps: u64) -> Trace {
    let mut sim = Sim::new(Config::default());
    let cx = sim.ctx();
    for i in 0..tasks {
        let mut rng = Rng::new(0x5eed ^ i);
        let ds: Vec<u64> = (0..sleeps).map(|_| rng.range(1, 1000)).collect();
        let c = cx.clone();
        sim.spawn(&format!("t{i}"), async move {
            for d in ds {
                c.sleep(d).await;
            }
        });
    }
    sim.run();
    sim.into_trace()
}

/// Timers with equal deadlines armed at very different times (short and long delays, powers
/// of two around typical wheel sizes), timeouts that are cancelled, blocking calls that defer
/// timers, yields and a thread of its own.
pub fn mixed_timers() -> Trace {
    let mut sim = Sim::new(Config::default());
    let cx = sim.ctx();
    let other = cx.new_thread("worker");
    for i in 0..40u64 {
        let mut rng = Rng::new(0xabc ^ i);
        let c = cx.clone();
        let body = async move {
            for _ in 0..30 {
                let d = match rng.below(8) {
                    0 => rng.range(1, 10),
                    1 => rng.range(60, 70),
                    2 => rng.range(4_090, 4_100),
                    3 => rng.range(65_530, 65_540),
                    4 => rng.range(1, 300_000),
                    5 => 0,
                    6 => {
                        c.block_for(rng.range(1, 5_000)).await;
                        continue;
                    }
                    _ => {
                        let t = rng.range(1, 5_000);
                        let _ = c.timeout(t, c.sleep(rng.range(1, 10_000))).await;
                        continue;
                    }
                };
                // Align to a coarse grid now and then so far- and near-armed timers coincide.
                let d = if d > 100 && i % 2 == 0 {
                    d - (c.now() + d) % 64
                } else {
                    d
                };
                c.sleep(d).await;
            }
        };
        if i % 5 == 0 {
            cx.spawn_on(other, &format!("w{i}"), body);
        } else {
            cx.spawn(&format!("m{i}"), body);
        }
    }
    sim.run();
    sim.into_trace()
}

/// Every case, by name, in the order of [`EXPECTED`].
pub fn run_case(name: &str) -> Trace {
    if let Some(s) = program(name) {
        return scenario::run(&s).expect("valid scenario");
    }
    match name {
        "sleeps_1000x20" => sleeps(1000, 20),
        "mixed_timers" => mixed_timers(),
        _ => panic!("unknown case {name}"),
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn golden_hashes() {
    let got: Vec<(&str, u64)> = EXPECTED
        .iter()
        .map(|&(name, _)| (name, run_case(name).hash()))
        .collect();
    if got != EXPECTED {
        let table: String = got
            .iter()
            .map(|(n, h)| format!("    (\"{n}\", {h:#018x}),\n"))
            .collect();
        panic!("trace hashes changed; if deliberate, set EXPECTED in tests/engine/hashes.rs to:\n{table}");
    }
}
