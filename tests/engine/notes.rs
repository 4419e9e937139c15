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
    assert_eq!(
        seq.printed().last().map(|p| (p.0, p.2.to_string())),
        Some((5 * SEC, "All queries done after 5.0 s".into()))
    );
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
        Some((3 * SEC, "All queries done after 3.0 s".into()))
    );
    // One coroutine per query (a lane each), in both programs.
    for tr in [&seq, &g] {
        let names: Vec<_> = tr
            .tasks
            .iter()
            .map(|t| tr.str(t.name).to_string())
            .collect();
        assert!(names.contains(&"db_query(\"A\")".to_string()), "{names:?}");
        assert!(names.contains(&"db_query(\"B\")".to_string()), "{names:?}");
    }
}

#[test]
fn gather_with_a_third_query_and_a_blocking_one() {
    let mut p = QueriesParams::default();
    p.queries.push(Query::new("C", 1.0));
    assert_eq!(run(Program::GatherQueries(p.clone())).end, 3 * SEC);
    p.queries[0].blocking = true; // A calls time.sleep(2) inside async def
    p.queries[1].blocking = true; // B calls time.sleep(3)
    assert_eq!(run(Program::GatherQueries(p)).end, 5 * SEC + SEC); // 2 + 3 blocking, then C's 1 s sleep starts at 5 s
}

#[test]
fn blocking_server_makes_9002_client_wait_for_a_9001_client() {
    // The notes' example: a 9002 client at 0 s, the first 9001 client at 10 s.
    let tr = run(Program::BlockingPorts(PortsParams::default()));
    let acc = filtered(&tr, &["Accepted"]);
    assert_eq!(
        acc,
        [
            "10000000 blocking server Accepted { client: 1, wait: 0 }", // the 9001 client
            "10100000 blocking server Accepted { client: 0, wait: 10100000 }", // 9002 waited 10.1 s
        ]
    );
    // While the server waits in accept(9001) (line 11), the 9002 client sits in the backlog.
    let r = Replay::new(&tr);
    let s = r.state_at(5 * SEC);
    let sock9002 = tr.socket(9002).unwrap();
    assert_eq!(
        s.resources[sock9002 as usize].waiting,
        &[Waiter { id: 0, arrived: 0 }]
    );
    assert_eq!(
        s.tasks[0].state,
        TaskState::Waiting(Wait::Accept(tr.socket(9001).unwrap()))
    );
    // All traffic on 9002: nobody is served until the one 9001 client comes at 8 s.
    let p = PortsParams {
        preset: ArrivalPreset::All9002,
        ..PortsParams::default()
    };
    let tr = run(Program::BlockingPorts(p));
    let first = tr
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Accepted { .. }))
        .map(|e| e.t);
    assert_eq!(first, Some(8 * SEC));
    assert_eq!(tr.outcome, Outcome::Finished);
    assert_eq!(tr.end, 10 * SEC); // window: last arrival + 2 s
}

#[test]
fn select_server_serves_each_client_at_its_arrival() {
    for preset in ArrivalPreset::ALL {
        // Greeting takes no time here, so nobody waits behind another client.
        let p = PortsParams {
            preset,
            handle_ms: 0.0,
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
    // The clients run on their own thread, not on a pool thread.
    assert!(tr.threads.iter().any(|t| tr.str(t.name) == "clients"));

    let ev = run(Program::EventLoopServer(LoadParams::default()));
    assert_eq!(ev.end, 20 * SEC); // the observation window
    for e in &ev.events {
        if let EventKind::RequestDone { latency, .. } = e.kind {
            assert_eq!(
                latency as Time,
                2 * SEC,
                "event-loop latency stays the work time"
            );
        }
    }
    // Everything that arrived by 18 s (500/s) is done by 20 s: no backlog.
    let done = count(&ev, ev.end, |k| matches!(k, EventKind::RequestDone { .. }));
    assert!((9_000..=9_001).contains(&done), "done {done}");
    let arrived = count(&ev, 10 * SEC, |k| {
        matches!(k, EventKind::RequestArrive { .. })
    });
    let started = count(&ev, 10 * SEC, |k| {
        matches!(k, EventKind::RequestStart { .. })
    });
    assert_eq!(arrived, started);

    // The trap: a blocking sleep inside the handler freezes the loop (one 2 s call at a time).
    let bl = run(Program::EventLoopServer(LoadParams {
        blocking_handler: true,
        ..LoadParams::default()
    }));
    let started = count(&bl, 10 * SEC, |k| {
        matches!(k, EventKind::RequestStart { .. })
    });
    assert!(started <= 6, "started {started}");
    let arrived = count(&bl, 10 * SEC, |k| {
        matches!(k, EventKind::RequestArrive { .. })
    });
    assert_eq!(
        arrived, 5_001,
        "clients keep arriving while the loop is frozen"
    );
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
    // As chapter 10 tells it: create_task only schedules the consumer, and a put into a queue
    // with room does not suspend, so the producer fills all 10 places before the consumer's
    // first poll.
    let consumer = tr
        .tasks
        .iter()
        .position(|t| tr.str(t.name) == "consumer")
        .expect("a consumer task") as u32;
    let first_poll = tr
        .events
        .iter()
        .position(|e| e.task == consumer && matches!(e.kind, EventKind::PollStart))
        .expect("the consumer runs");
    let puts_before = tr.events[..first_poll]
        .iter()
        .filter(|e| matches!(e.kind, EventKind::QueuePut { .. }))
        .count();
    assert_eq!(
        puts_before, 10,
        "the queue is full when the consumer first runs"
    );
    assert_eq!(tr.outcome, Outcome::Finished);
    // 100 items, one 50 ms POST at a time: the endpoint returns after about 5 s.
    assert!(
        (5 * SEC..5 * SEC + 100 * MS).contains(&tr.end),
        "end {}",
        tr.end
    );
    assert!(lines(&tr).iter().any(|l| l.contains("consumer Cancelled")));
    let r = Replay::new(&tr);
    let endpoint = tr
        .tasks
        .iter()
        .position(|t| tr.str(t.name) == "produce")
        .unwrap();
    // At 1 s the endpoint is in `await producer(items)` and the producer in `await queue.put`.
    let s = r.state_at(SEC);
    assert_eq!(
        s.tasks[endpoint].state,
        TaskState::Waiting(Wait::Coroutine(2))
    );
    assert!(matches!(
        s.tasks[2].state,
        TaskState::Waiting(Wait::QueuePut(_))
    ));
    assert_eq!(s.resources[0].state.depth, 10);
    // The code line markers follow content/CODE_LINES.md (producer_consumer.py).
    let marked: std::collections::BTreeSet<u32> = tr
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Line { line } => Some(line),
            _ => None,
        })
        .collect();
    assert_eq!(
        marked.into_iter().collect::<Vec<_>>(),
        vec![11, 16, 17, 18, 22, 23, 24, 25]
    );
}

#[test]
fn unbounded_buffer_runs_out_of_memory() {
    // The notes: ~1,000 items/s in, ~100 out, 1 KiB each: +900 KiB/s, so a 4 MiB limit is passed
    // after about 4.55 s.
    let tr = run(Program::UnboundedBuffer(BufferParams::default()));
    assert_eq!(tr.outcome, Outcome::OutOfMemory);
    assert!((4_400 * MS..4_700 * MS).contains(&tr.end), "end {}", tr.end);
    // 40 items/s net growth at 64 KiB: 64 MiB (1024 items) is passed after about 25.6 s.
    let tr = run(Program::UnboundedBuffer(BufferParams {
        produce_per_s: 100,
        consume_per_s: 60,
        item_bytes: 64 << 10,
        memory_limit_kib: 64 << 10,
        duration_s: 60.0,
        ..BufferParams::default()
    }));
    assert_eq!(tr.outcome, Outcome::OutOfMemory);
    assert!((25 * SEC..27 * SEC).contains(&tr.end), "end {}", tr.end);
}

#[test]
fn drop_policies_and_regulate() {
    for strategy in [
        Strategy::Block,
        Strategy::Buffer,
        Strategy::DropNewest,
        Strategy::DropOldest,
        Strategy::Regulate,
    ] {
        let tr = run(Program::DropAndRegulate(StrategyParams {
            strategy,
            items: Some(100),
            ..StrategyParams::default()
        }));
        assert_eq!(tr.outcome, Outcome::Finished, "{strategy:?}");
        let r = Replay::new(&tr);
        let c = r.state_after(tr.events.len() as u32).counters;
        assert_eq!(c.produced, 100, "{strategy:?}");
        assert_eq!(c.produced, c.consumed + c.dropped + c.queued);
        let dropping = matches!(strategy, Strategy::DropNewest | Strategy::DropOldest);
        assert_eq!(c.dropped > 0, dropping, "{strategy:?}");
        if strategy.bounded() {
            assert!(r.state_at(tr.end).resources[0].state.depth <= 10);
        }
    }
    // The fork: buffer until 5 s, then drop the newest. Nothing is dropped before the switch,
    // the new queue drops after it, and the books balance throughout.
    let tr = run(Program::DropAndRegulate(StrategyParams {
        strategy: Strategy::Buffer,
        switch: Some(Switch {
            at_s: 5.0,
            to: Strategy::DropNewest,
        }),
        ..StrategyParams::default()
    }));
    let r = Replay::new(&tr);
    assert_eq!(r.state_at(5 * SEC - 1).counters.dropped, 0);
    let c = r.state_at(10 * SEC).counters;
    assert!(c.dropped > 50, "dropped {}", c.dropped);
    assert_eq!(c.produced, c.consumed + c.dropped + c.queued);
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
    // The notes: B serves 100/s; A sends 120/s (until 12 s), then 80/s; timeout 1 s, retry at once.
    let storm = run(Program::RetryStorm(RetryParams::default()));
    let before = goodput(&storm, 0, 4 * SEC);
    let after = goodput(&storm, 20 * SEC, 30 * SEC);
    assert!(
        before > 90.0,
        "healthy goodput before the collapse: {before}"
    );
    assert!(
        after < 10.0,
        "goodput stays collapsed after the surge: {after}"
    );
    // The page's fix (3 attempts, backoff with jitter, B refuses beyond 50 queued) recovers.
    let fixed = run(Program::RetryStorm(RetryParams {
        fix: RetryFix::All,
        ..RetryParams::default()
    }));
    let g = goodput(&fixed, 20 * SEC, 30 * SEC);
    assert!(g > 70.0, "the fix recovers after the surge: {g}");
    // Shedding load at B alone (a bounded queue that refuses at once) recovers too.
    let t = run(Program::RetryStorm(RetryParams {
        fix: RetryFix::BoundedQueue,
        ..RetryParams::default()
    }));
    let g = goodput(&t, 20 * SEC, 30 * SEC);
    assert!(g > 70.0, "bounded queue recovers after the surge: {g}");
    // A retry budget alone cuts the amplification (far fewer attempts).
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

fn max_in_flight(tr: &Trace) -> (i64, Vec<(Time, i64)>) {
    let (mut k, mut max, mut at) = (0i64, 0i64, Vec::new());
    for e in &tr.events {
        match e.kind {
            EventKind::CallStart { .. } => k += 1,
            EventKind::CallOk { .. } => k -= 1,
            _ => continue,
        }
        max = max.max(k);
        at.push((e.t, k));
    }
    (max, at)
}

#[test]
fn credits_bound_concurrency() {
    // 20 items, 4 credits, 4 workers, 1 s per call without jitter: 5 rounds of 4, 5 s.
    let tr = run(Program::CreditsPipeline(CreditsParams {
        items: 20,
        concurrency: 4,
        workers: 4,
        service_ms: 1000.0,
        jitter: false,
        ..CreditsParams::default()
    }));
    assert_eq!(tr.end, 5 * SEC);
    let (max, at) = max_in_flight(&tr);
    assert_eq!(max, 4);
    for t in (0..5).map(|s| s * SEC + SEC / 2) {
        let k = at.iter().take_while(|x| x.0 <= t).last().map_or(0, |x| x.1);
        assert_eq!(k, 4, "calls in flight at {t}");
    }
    // The page's defaults: 60 items, request(8), 4 workers: never more than 8 in flight, and the
    // 4 calls beyond the workers wait in the service queue.
    let tr = run(Program::CreditsPipeline(CreditsParams::default()));
    assert_eq!(max_in_flight(&tr).0, 8);
    assert_eq!(
        tr.outcome,
        Outcome::Finished,
        "the workers are stopped at the end"
    );
    let r = Replay::new(&tr);
    for t in [SEC / 2 + 1, SEC + 1, 2 * SEC + 1] {
        assert_eq!(
            r.state_at(t).resources[0].state.depth,
            4,
            "service queue at {t}"
        );
    }
    assert_eq!(
        tr.events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::CallOk { .. }))
            .count(),
        60
    );
}

/// (g)-(k): a scenario file and the typed parameters the pages build give the same trace.
#[test]
fn toml_and_typed_params_give_the_same_trace_flow_retry_credits() {
    use await_and_see::scenario::programs::{credits, flow, retry};
    let same = |toml: &str, typed: Program, direct: Trace| {
        let s = Scenario::from_toml(toml).unwrap_or_else(|e| panic!("{toml}: {e}"));
        assert_eq!(s, Scenario::from(typed.clone()), "{toml}");
        let a = scenario::run(&s).unwrap();
        assert_eq!(
            a.hash(),
            scenario::run(&Scenario::from(typed)).unwrap().hash(),
            "{toml}"
        );
        assert_eq!(a.hash(), direct.hash(), "{toml}");
        a.hash()
    };
    let pc = ProducerConsumerParams {
        maxsize: 5,
        items: 40,
        post_s: 0.1,
        produce_every_s: 0.02,
        ..ProducerConsumerParams::default()
    };
    let h1 = same(
        "program = \"producer_consumer\"\nmaxsize = 5\nitems = 40\npost_s = 0.1\nproduce_every_s = 0.02\n",
        Program::ProducerConsumer(pc.clone()),
        flow::producer_consumer(&pc),
    );
    let bp = BufferParams {
        produce_per_s: 500,
        memory_limit_kib: 1024,
        ..BufferParams::default()
    };
    same(
        "program = \"unbounded_buffer\"\nproduce_per_s = 500\nmemory_limit_kib = 1024\n",
        Program::UnboundedBuffer(bp.clone()),
        flow::unbounded_buffer(&bp),
    );
    // What `#/strategies?strategies.p=80&strategies.s=drop-oldest&strategies.fork=regulate&strategies.at=4.5` runs.
    let sp = StrategyParams {
        produce_per_s: 80,
        strategy: Strategy::DropOldest,
        switch: Some(Switch {
            at_s: 4.5,
            to: Strategy::Regulate,
        }),
        ..StrategyParams::default()
    };
    let h2 = same(
        "program = \"drop_and_regulate\"\nproduce_per_s = 80\nstrategy = \"drop_oldest\"\nswitch = { at_s = 4.5, to = \"regulate\" }\n",
        Program::DropAndRegulate(sp.clone()),
        flow::drop_and_regulate(&sp),
    );
    let rp = RetryParams {
        fix: RetryFix::All,
        duration_s: 15.0,
        ..RetryParams::default()
    };
    same(
        "program = \"retry_storm\"\nfix = \"all\"\nduration_s = 15\n",
        Program::RetryStorm(rp.clone()),
        retry::retry_storm(&rp),
    );
    let cp = CreditsParams {
        concurrency: 3,
        ..CreditsParams::default()
    };
    same(
        "program = \"credits_pipeline\"\nconcurrency = 3\n",
        Program::CreditsPipeline(cp.clone()),
        credits::credits_pipeline(&cp),
    );
    // JSON goes the same way, and different parameters give a different trace.
    let j = Scenario::from_json("{\"program\": \"producer_consumer\", \"maxsize\": 5, \"items\": 40, \"post_s\": 0.1, \"produce_every_s\": 0.02}").unwrap();
    assert_eq!(scenario::run(&j).unwrap().hash(), h1);
    assert_ne!(h1, h2);
    assert_ne!(
        flow::producer_consumer(&ProducerConsumerParams::default()).hash(),
        h1
    );
}

#[test]
fn flow_retry_credits_refuse_bad_values_by_field() {
    let err = |toml: &str| Scenario::from_toml(toml).unwrap_err().to_string();
    assert_eq!(
        err("program = \"drop_and_regulate\"\ncapacity = 0\n"),
        "field `capacity`: 0 is not accepted; accepted: an integer from 1 to 1000"
    );
    assert_eq!(
        err("program = \"drop_and_regulate\"\nswitch = { at_s = 25, to = \"block\" }\n"),
        "field `switch.at_s`: 25 is not accepted; accepted: a number from 0 to 20"
    );
    let e = err("program = \"drop_and_regulate\"\nstrategy = \"drop-newest\"\n");
    assert!(e.contains("line 2") && e.contains("drop_newest"), "{e}");
    assert_eq!(
        err("program = \"unbounded_buffer\"\nproduce_per_s = 5000\n"),
        "field `produce_per_s`: 5000 is not accepted; accepted: an integer from 1 to 1000"
    );
    assert_eq!(
        err("program = \"producer_consumer\"\npost_s = -1\n"),
        "field `post_s`: -1 is not accepted; accepted: a number from 0 to 60"
    );
    assert_eq!(
        err("program = \"retry_storm\"\nsurge_from_s = 5\nsurge_to_s = 2\n"),
        "field `surge_to_s`: 2 is not accepted; accepted: a number from 5 to 3600"
    );
    let e = err("program = \"retry_storm\"\nfix = \"yes\"\n");
    assert!(e.contains("line 2") && e.contains("bounded_queue"), "{e}");
    assert_eq!(
        err("program = \"credits_pipeline\"\nconcurrency = 0\n"),
        "field `concurrency`: 0 is not accepted; accepted: an integer from 1 to 1000"
    );
    let e = err("program = \"credits_pipeline\"\npost_s = 1\n");
    assert!(e.contains("line 2") && e.contains("post_s"), "{e}");
}

#[test]
fn hundred_thousand_requests_are_aggregated() {
    let p = LoadParams {
        duration_s: 200.0,
        ..LoadParams::default()
    };
    let tr = run(Program::EventLoopServer(p));
    let arrived = count(&tr, tr.end, |k| {
        matches!(k, EventKind::RequestArrive { .. })
    });
    let done = count(&tr, tr.end, |k| matches!(k, EventKind::RequestDone { .. }));
    assert_eq!(arrived, 100_000);
    assert!((99_000..=99_001).contains(&done), "done {done}"); // all but the last 2 s
    assert!(tr.events.len() < 600_000, "{} events", tr.events.len());
}

#[test]
fn toml_and_typed_params_give_the_same_trace_ports_queries_load() {
    use await_and_see::scenario::programs::{load, ports, queries};
    let same = |toml: &str, typed: Trace| {
        let s = Scenario::from_toml(toml).unwrap_or_else(|e| panic!("{toml}: {e}"));
        let from_file = scenario::run(&s).unwrap();
        assert_eq!(from_file.hash(), typed.hash(), "{toml}");
        assert!(!from_file.events.is_empty());
    };
    // (a)/(b): the page's script (link form) and the file's `clients` list.
    let script = ports::Script::parse("9002:0,9001:2.5,9002:2.5,9001:4").unwrap();
    let clients = "clients = [[0, 9002], [2.5, 9001], [2.5, 9002], [4, 9001]]";
    same(
        &format!("program = \"blocking_ports\"\n{clients}\n"),
        ports::run_blocking(&script),
    );
    same(
        &format!("program = \"select_ports\"\n{clients}\n"),
        ports::run_select(&script),
    );
    let p = PortsParams {
        preset: ArrivalPreset::Random,
        seed: 9,
        random_clients: 30,
        handle_ms: 250.0,
        select_timeout_s: 0.5,
        duration_s: Some(15.0),
        ..PortsParams::default()
    };
    same(
        "program = \"select_ports\"\npreset = \"random\"\nseed = 9\nrandom_clients = 30\nhandle_ms = 250\nselect_timeout_s = 0.5\nduration_s = 15.0\n",
        ports::select_ports(&p),
    );
    same(
        "program = \"blocking_ports\"\npreset = \"all_9002\"\n",
        ports::run_blocking(&ports::Preset::All9002.script(0)),
    );
    // (c)/(d): the page's queries.
    let mut qs = vec![
        Query::new("A", 1.0),
        Query::new("B", 2.5),
        Query::new("C", 4.0),
    ];
    let toml_qs = "queries = [{ name = \"A\", seconds = 1 }, { name = \"B\", seconds = 2.5, blocking = true }, { name = \"C\", seconds = 4 }]";
    same(
        &format!("program = \"sequential_queries\"\n{toml_qs}\n"),
        queries::sequential(&qs).unwrap(),
    );
    qs[1].blocking = true;
    same(
        &format!("program = \"gather_queries\"\n{toml_qs}\n"),
        queries::gather(&qs).unwrap(),
    );
    // (e)/(f): the page's models and parameters.
    let p = LoadParams {
        threads: 50,
        rate_per_s: 120,
        work_ms: 700,
        duration_s: 6.0,
        max_waiting: Some(100),
        stack_kib: 512,
        task_kib: 8,
        ..LoadParams::default()
    };
    let knobs = "threads = 50\nrate_per_s = 120\nwork_ms = 700\nduration_s = 6.0\nmax_waiting = 100\nstack_kib = 512\ntask_kib = 8\n";
    same(
        &format!("program = \"thread_per_request\"\n{knobs}"),
        load::run(Model::ThreadPerRequest, &p),
    );
    same(
        &format!("program = \"event_loop_server\"\n{knobs}"),
        load::run(Model::EventLoop, &p),
    );
    same(
        &format!("program = \"event_loop_server\"\n{knobs}blocking_handler = true\n"),
        load::run(Model::EventLoopBlocking, &p),
    );
    let j = LoadParams {
        jitter: true,
        seed: 5,
        detailed: true,
        ..p
    };
    same(
        &format!(
            "program = \"thread_per_request\"\n{knobs}jitter = true\nseed = 5\ndetailed = true\n"
        ),
        load::thread_per_request(&j),
    );
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
        "field `rate_per_s`: 0 is not accepted; accepted: an integer from 1 to 5000"
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
