//! The course notes' numbers, checked on the built-in programs.

use await_and_see::scenario::{self, *};
use await_and_see::sim::*;

use crate::common::*;

fn run(p: Program) -> Trace {
    scenario::run(&Scenario::from(p)).expect("valid scenario")
}

#[test]
fn sequential_5s_gather_3s_both_start_at_0() {
    let seq = run(Program::SequentialQueries(QueriesParams::default()));
    assert_eq!(seq.end, 5 * SEC);
    let g = run(Program::GatherQueries(QueriesParams::default()));
    assert_eq!(g.end, 3 * SEC);
    let starts: Vec<_> = g
        .printed()
        .filter(|p| p.2.ends_with("started"))
        .map(|p| p.0)
        .collect();
    assert_eq!(starts, vec![0, 0]);
    assert_eq!(
        g.printed().last().map(|p| (p.0, p.2.to_string())),
        Some((3 * SEC, "All queries done".into()))
    );
}

#[test]
fn gather_with_a_third_query_and_a_blocking_one() {
    let mut p = QueriesParams::default();
    p.queries.push(Query {
        name: "C".into(),
        seconds: 1.0,
        blocking: false,
    });
    assert_eq!(run(Program::GatherQueries(p.clone())).end, 3 * SEC);
    p.queries[0].blocking = true; // A calls time.sleep(2) inside async def
    p.queries[1].blocking = true; // B calls time.sleep(3)
    assert_eq!(run(Program::GatherQueries(p)).end, 5 * SEC + SEC); // 2 + 3 blocking, then C's 1 s sleep starts at 5 s
}

#[test]
fn blocking_server_makes_9002_client_wait_for_a_9001_client() {
    let tr = run(Program::BlockingPorts(PortsParams::default()));
    // Notes preset: 9002 client at 1 s, 9001 client at 3 s.
    let acc = filtered(&tr, &["Accepted"]);
    assert_eq!(acc[0], "3000000 server Accepted { client: 1, wait: 0 }"); // the 9001 client
    assert_eq!(
        acc[1],
        "3000000 server Accepted { client: 0, wait: 2000000 }"
    ); // the 9002 client waited 2 s
       // While the server waits in accept(9001), the 9002 client sits in the backlog.
    let r = Replay::new(&tr);
    let s = r.state_at(2 * SEC);
    let sock9002 = tr.socket(9002).unwrap();
    assert_eq!(
        s.resources[sock9002 as usize].waiting,
        &[Waiter {
            id: 0,
            arrived: SEC
        }]
    );
    assert_eq!(
        s.tasks[0].state,
        TaskState::Waiting(Wait::Accept(tr.socket(9001).unwrap()))
    );
    // All on 9002: nobody is ever served.
    let p = PortsParams { preset: ArrivalPreset::All9002, ..PortsParams::default() };
    let tr = run(Program::BlockingPorts(p));
    assert!(filtered(&tr, &["Accepted"]).is_empty());
    assert_eq!(tr.outcome, Outcome::Finished);
}

#[test]
fn select_server_serves_each_client_at_its_arrival() {
    for preset in [
        ArrivalPreset::Notes,
        ArrivalPreset::All9002,
        ArrivalPreset::Burst,
        ArrivalPreset::Random,
    ] {
        let p = PortsParams {
            preset,
            ..PortsParams::default()
        };
        let tr = run(Program::SelectPorts(p));
        let mut accepted = 0;
        for e in &tr.events {
            if let EventKind::Accepted { wait, .. } = e.kind {
                assert_eq!(wait, 0, "{preset:?}: a client waited");
                accepted += 1;
            }
        }
        assert_eq!(accepted, tr.clients, "{preset:?}");
    }
}

fn count(tr: &Trace, t: Time, f: impl Fn(&EventKind) -> bool) -> u64 {
    tr.events
        .iter()
        .take_while(|e| e.t <= t)
        .filter(|e| f(&e.kind))
        .count() as u64
}

#[test]
fn pool_backlog_grows_about_400_per_second_event_loop_keeps_up() {
    let tr = run(Program::ThreadPerRequest(LoadParams::default()));
    let r = Replay::new(&tr);
    let waiting = |t| r.state_at(t).resources[0].state.depth as i64;
    // Steady state after the first 2 s: 200 threads finish 100 requests/s, 500 arrive.
    let growth = waiting(8 * SEC) - waiting(4 * SEC);
    assert!(
        (1560..=1640).contains(&growth),
        "backlog grew {growth} in 4 s"
    );
    let s = r.state_at(5 * SEC);
    assert_eq!(s.resources[0].state.busy, 200);
    // Served per second in steady state: 100.
    let served = count(&tr, 8 * SEC, |k| matches!(k, EventKind::RequestDone { .. }))
        - count(&tr, 4 * SEC, |k| matches!(k, EventKind::RequestDone { .. }));
    assert!((395..=405).contains(&served), "served {served} in 4 s");
    // Memory: 200 threads of 1 MiB.
    assert_eq!(s.memory, 200 << 20);

    let ev = run(Program::EventLoopServer(LoadParams::default()));
    for e in &ev.events {
        if let EventKind::RequestDone { latency, .. } = e.kind {
            assert_eq!(
                latency as Time,
                2 * SEC,
                "event-loop latency stays the work time"
            );
        }
    }
    assert_eq!(
        count(&ev, ev.end, |k| matches!(k, EventKind::RequestDone { .. })),
        5_000
    );
    assert_eq!(ev.end, 2 * SEC + 9_998 * MS);
}

#[test]
fn queue_maxsize_10_never_exceeds_and_producer_waits_in_put() {
    let tr = run(Program::ProducerConsumer(ProducerConsumerParams::default()));
    let mut saw_wait = false;
    for e in &tr.events {
        match e.kind {
            EventKind::QueuePut { depth, .. } => assert!(depth <= 10),
            EventKind::Suspended {
                wait: Wait::QueuePut(_),
            } => saw_wait = true,
            _ => {}
        }
    }
    assert!(saw_wait, "the producer is seen waiting in put");
    assert_eq!(tr.outcome, Outcome::Finished);
    assert!(lines(&tr).iter().any(|l| l.contains("consumer Cancelled")));
    let r = Replay::new(&tr);
    let producer = tr
        .tasks
        .iter()
        .position(|t| tr.str(t.name) == "produce_endpoint")
        .unwrap();
    assert_eq!(
        r.state_at(SEC).tasks[producer].state,
        TaskState::Waiting(Wait::Coroutine(2))
    );
}

#[test]
fn unbounded_buffer_runs_out_of_memory() {
    let tr = run(Program::UnboundedBuffer(BufferParams::default()));
    assert_eq!(tr.outcome, Outcome::OutOfMemory);
    // 40 items/s net growth at 64 KiB: 64 MiB (1024 items) is passed after about 25.6 s.
    assert!((25 * SEC..27 * SEC).contains(&tr.end), "end {}", tr.end);
}

#[test]
fn drop_policies_and_regulate() {
    for strategy in [
        Strategy::Block,
        Strategy::DropNewest,
        Strategy::DropOldest,
        Strategy::Regulate,
    ] {
        let tr = run(Program::DropAndRegulate(StrategyParams {
            strategy,
            ..StrategyParams::default()
        }));
        assert_eq!(tr.outcome, Outcome::Finished, "{strategy:?}");
        let r = Replay::new(&tr);
        let c = r.state_after(tr.events.len() as u32).counters;
        assert_eq!(c.produced, 100, "{strategy:?}");
        assert_eq!(c.produced, c.consumed + c.dropped + c.queued);
        let dropping = matches!(strategy, Strategy::DropNewest | Strategy::DropOldest);
        assert_eq!(c.dropped > 0, dropping, "{strategy:?}");
    }
}

fn goodput(tr: &Trace, from: Time, to: Time) -> f64 {
    let ok = tr
        .events
        .iter()
        .filter(|e| e.t >= from && e.t < to && matches!(e.kind, EventKind::CallOk { .. }))
        .count();
    ok as f64 / ((to - from) as f64 / SEC as f64)
}

#[test]
fn retry_storm_collapses_and_stays_collapsed_fixes_recover() {
    let storm = run(Program::RetryStorm(RetryParams::default()));
    let before = goodput(&storm, 2 * SEC, 10 * SEC);
    let after = goodput(&storm, 40 * SEC, 60 * SEC);
    assert!(before > 75.0, "healthy goodput before the spike: {before}");
    assert!(
        after < 10.0,
        "goodput stays collapsed after the spike: {after}"
    );
    // Shedding load at B (a bounded queue that rejects at once) recovers.
    let t = run(Program::RetryStorm(RetryParams {
        fix: RetryFix::BoundedQueue,
        ..RetryParams::default()
    }));
    let g = goodput(&t, 40 * SEC, 60 * SEC);
    assert!(g > 70.0, "bounded queue recovers after the spike: {g}");
    // A retry budget cuts the amplification (far fewer attempts) but cannot drain B's backlog.
    let attempts = |tr: &Trace| {
        tr.events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::CallStart { .. }))
            .count()
    };
    let b = run(Program::RetryStorm(RetryParams {
        fix: RetryFix::RetryBudget,
        ..RetryParams::default()
    }));
    assert!(
        attempts(&b) * 2 < attempts(&storm),
        "{} vs {}",
        attempts(&b),
        attempts(&storm)
    );
}

#[test]
fn credits_bound_concurrency() {
    let tr = run(Program::CreditsPipeline(CreditsParams::default()));
    assert_eq!(tr.end, 5 * SEC); // 20 items, 4 at a time, 1 s each
    let r = Replay::new(&tr);
    for t in (0..5).map(|s| s * SEC + SEC / 2) {
        let running = r
            .state_at(t)
            .tasks
            .iter()
            .filter(|v| matches!(v.state, TaskState::Waiting(Wait::Timer(_))))
            .count();
        assert_eq!(running, 4, "posts in flight at {t}");
    }
}

#[test]
fn hundred_thousand_requests_are_aggregated() {
    let p = LoadParams {
        duration_s: 200.0,
        ..LoadParams::default()
    };
    let tr = run(Program::ThreadPerRequest(p));
    let done = tr
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RequestDone { .. }))
        .count();
    assert_eq!(done, 100_000);
    assert!(tr.events.len() < 600_000, "{} events", tr.events.len());
}

#[test]
fn validation_names_field_value_and_range() {
    let p = LoadParams {
        rate_per_s: 0,
        ..LoadParams::default()
    };
    let e = Scenario::from(Program::ThreadPerRequest(p))
        .validate()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "field `rate_per_s`: 0 is not accepted; accepted: an integer from 1 to 100000"
    );
    let e = Scenario::from_toml(
        "program = \"gather_queries\"\nqueries = [{ name = \"A\", seconds = -2 }]\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("queries[0].seconds"), "{e}");
    let e = Scenario::from_toml("program = \"select_ports\"\n\nduration_s = \"x\"\n").unwrap_err();
    assert!(e.to_string().contains("line 3"), "{e}");
    let e = Scenario::from_toml("program = \"nope\"\n").unwrap_err();
    assert!(e.to_string().contains("blocking_ports"), "{e}");
    let e = Scenario::from_json("{\"program\": \"select_ports\", \"clients\": [[1.0, 80]]}")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "field `clients[0] port`: 80 is not accepted; accepted: 9001 or 9002"
    );
    let ok = Scenario::from_json("{\"program\": \"sequential_queries\"}").unwrap();
    assert_eq!(
        ok,
        Scenario::from(Program::SequentialQueries(QueriesParams::default()))
    );
}

#[test]
fn example_files_parse_and_run() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let s = Scenario::from_toml(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let tr = scenario::run(&s).unwrap();
            assert!(!matches!(tr.outcome, Outcome::Cap(_)), "{path:?} hit a cap");
            n += 1;
        }
    }
    assert!(n >= 11);
}
