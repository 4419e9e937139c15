//! Property tests over random rates, capacities, policies and arrival scripts.

use proptest::prelude::*;

use await_and_see::scenario::{
    self, programs::arrivals, ArrivalPreset, Limits, LoadParams, PortsParams,
    ProducerConsumerParams, Program, Scenario, StrategyParams,
};
use await_and_see::sim::*;

fn check_invariants(tr: &Trace) -> Result<(), TestCaseError> {
    let mut last = 0;
    // Per queue: produced = consumed + dropped + queued at every event; depth <= capacity.
    let n = tr.resources.len();
    let (mut produced, mut consumed, mut dropped, mut depth) =
        (vec![0i64; n], vec![0i64; n], vec![0i64; n], vec![0i64; n]);
    for e in &tr.events {
        prop_assert!(e.t >= last, "time went backwards");
        last = e.t;
        let q = match e.kind {
            EventKind::QueuePut { q, depth: d } => {
                produced[q as usize] += 1;
                depth[q as usize] = d as i64;
                Some(q)
            }
            EventKind::QueueGet { q, depth: d } => {
                consumed[q as usize] += 1;
                depth[q as usize] = d as i64;
                Some(q)
            }
            EventKind::QueueDrop { q, depth: d } => {
                dropped[q as usize] += 1;
                if tr.resources[q as usize].policy == Policy::DropNewest {
                    produced[q as usize] += 1;
                }
                depth[q as usize] = d as i64;
                Some(q)
            }
            _ => None,
        };
        if let Some(q) = q {
            let q = q as usize;
            prop_assert!(
                depth[q] as u64 <= tr.resources[q].capacity as u64,
                "depth over capacity"
            );
            prop_assert_eq!(produced[q], consumed[q] + dropped[q] + depth[q]);
        }
    }
    prop_assert_eq!(tr.end, last.max(tr.end));
    prop_assert!(tr.events.len() as u64 <= 5_000_000 + 200_000);
    let ended = matches!(
        tr.events.last().map(|e| e.kind),
        Some(
            EventKind::Finished { .. }
                | EventKind::Deadlock { .. }
                | EventKind::Cap { .. }
                | EventKind::OutOfMemory { .. }
        )
    );
    prop_assert!(ended, "the run ends with an end event");
    Ok(())
}

fn strategy() -> impl Strategy<Value = Strategy_> {
    prop_oneof![
        Just(Strategy_::Block),
        Just(Strategy_::Buffer),
        Just(Strategy_::DropNewest),
        Just(Strategy_::DropOldest),
        Just(Strategy_::Regulate)
    ]
}
use await_and_see::scenario::Strategy as Strategy_;

fn small_limits() -> Limits {
    Limits {
        max_events: 200_000,
        max_time_s: 600.0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn queues_hold_their_invariants(
        strategy in strategy(), capacity in 1u32..20, produce in 1u32..200, consume in 1u32..200,
        items in 0u32..120, regulate in 1u32..100, burst in 1u32..10,
    ) {
        // A window long enough for every item to be produced and handled (at 1 item/s, 120 s).
        let s = Scenario::from(Program::DropAndRegulate(StrategyParams {
            strategy, capacity, produce_per_s: produce, consume_per_s: consume, items: Some(items),
            regulate_per_s: Some(regulate), burst, duration_s: 300.0, limits: small_limits(),
            ..StrategyParams::default()
        }));
        let tr = scenario::run(&s).unwrap();
        check_invariants(&tr)?;
        prop_assert_eq!(tr.outcome, Outcome::Finished);
        let r = Replay::new(&tr);
        let c = r.state_after(tr.events.len() as u32).counters;
        prop_assert_eq!(c.produced, items as u64);
        prop_assert_eq!(c.produced, c.consumed + c.dropped + c.queued);
    }

    #[test]
    fn producer_consumer_bounded(maxsize in 1u32..15, items in 0u32..60, post in 0u32..500, every in 0u32..300) {
        let s = Scenario::from(Program::ProducerConsumer(ProducerConsumerParams {
            maxsize, items, post_s: post as f64 / 1000.0, produce_every_s: every as f64 / 1000.0, limits: small_limits(),
            ..ProducerConsumerParams::default()
        }));
        let tr = scenario::run(&s).unwrap();
        check_invariants(&tr)?;
        prop_assert_eq!(tr.outcome, Outcome::Finished);
    }

    #[test]
    fn arrival_scripts_are_served(
        clients in proptest::collection::vec((0u32..8000, prop_oneof![Just(9001u32), Just(9002u32)]), 0..25),
        select in any::<bool>(), timeout_ms in 1u32..2000,
    ) {
        let p = PortsParams {
            clients: clients.iter().map(|&(ms, port)| (ms as f64 / 1000.0, port)).collect(),
            select_timeout_s: timeout_ms as f64 / 1000.0,
            limits: small_limits(),
            ..PortsParams::default()
        };
        let expected = arrivals(&p).len();
        let s = Scenario::from(if select { Program::SelectPorts(p) } else { Program::BlockingPorts(p) });
        let tr = scenario::run(&s).unwrap();
        check_invariants(&tr)?;
        let accepted = tr.events.iter().filter(|e| matches!(e.kind, EventKind::Accepted { .. })).count();
        prop_assert_eq!(tr.clients as usize, expected);
        if select {
            prop_assert_eq!(accepted, expected, "the select server serves everyone");
        }
        // A client is accepted at most once and never before it arrived.
        let r = Replay::new(&tr);
        let end = r.state_after(tr.events.len() as u32);
        let waiting: usize = end.resources.iter().map(|v| v.waiting.len()).sum();
        prop_assert_eq!(waiting + accepted, expected);
    }

    #[test]
    fn same_seed_same_trace(seed in any::<u64>(), n in 1u32..40) {
        let p = PortsParams { preset: ArrivalPreset::Random, random_clients: n, seed, limits: small_limits(), ..PortsParams::default() };
        let a = scenario::run(&Scenario::from(Program::SelectPorts(p.clone()))).unwrap();
        let b = scenario::run(&Scenario::from(Program::SelectPorts(p))).unwrap();
        prop_assert_eq!(a.hash(), b.hash());
        prop_assert_eq!(&a.events, &b.events);
    }

    #[test]
    fn load_scenarios_end_within_caps(threads in 1u32..50, rate in 1u32..400, work_ms in 10u32..3000, pool in any::<bool>(), max_waiting in proptest::option::of(0u32..100)) {
        let p = LoadParams { threads, rate_per_s: rate, work_ms, duration_s: 2.0, max_waiting, limits: small_limits(), ..LoadParams::default() };
        let tr = scenario::run(&Scenario::from(if pool { Program::ThreadPerRequest(p) } else { Program::EventLoopServer(p) })).unwrap();
        check_invariants(&tr)?;
        // The run is a 2 s observation window: every request of the window arrives, none is
        // finished twice, and the event loop has finished every request whose work fit.
        prop_assert_eq!(tr.outcome, Outcome::Finished);
        let arrived = tr.events.iter().filter(|e| matches!(e.kind, EventKind::RequestArrive { .. })).count();
        let done = tr.events.iter().filter(|e| matches!(e.kind, EventKind::RequestDone { .. } | EventKind::RequestReject { .. })).count();
        prop_assert_eq!(arrived as u64, 2 * rate as u64);
        prop_assert!(done <= arrived);
        if !pool {
            let fit = (0..arrived as u64).filter(|&i| i * SEC / rate as u64 + work_ms as u64 * 1000 < 2 * SEC).count();
            prop_assert!(done >= fit, "event loop finished {} of {} that fit", done, fit);
        }
    }

    #[test]
    fn random_sleep_workloads(seed in any::<u64>(), tasks in 1u32..30, cap in 100u32..3000) {
        let mut sim = Sim::new(Config { max_events: cap, ..Config::default() });
        let cx = sim.ctx();
        let mut rng = await_and_see::sim::Rng::new(seed);
        for i in 0..tasks {
            let c = cx.clone();
            let ds: Vec<u64> = (0..rng.range(1, 20)).map(|_| rng.range(0, 5000)).collect();
            let blocking = rng.below(4) == 0;
            sim.spawn(&format!("t{i}"), async move {
                for d in ds {
                    if blocking { c.block_for(d).await } else { c.sleep(d).await }
                }
            });
        }
        let o = sim.run();
        let tr = sim.into_trace();
        check_invariants(&tr)?;
        prop_assert!(matches!(o, Outcome::Finished | Outcome::Cap(CapKind::Events)));
        prop_assert!(tr.events.len() as u32 <= cap + 64);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Timers on every scale the timer queue has (the 1 us wheel, the coarse wheel up to 16.8 s,
    /// the heap beyond), some cancelled by a `timeout`, some on a shared grid so deadlines armed
    /// far apart coincide: every timer fires exactly at its deadline, in (deadline, arming)
    /// order, once, unless it was cancelled first; nothing is lost.
    #[test]
    fn timers_fire_at_their_deadline_in_arming_order(seed in any::<u64>(), tasks in 1u32..25) {
        let mut sim = Sim::new(Config { max_time: 100 * 3_600 * SEC, ..Config::default() });
        let cx = sim.ctx();
        let mut rng = await_and_see::sim::Rng::new(seed);
        for i in 0..tasks {
            let c = cx.clone();
            let plan: Vec<(u64, Option<u64>)> = (0..rng.range(1, 12))
                .map(|_| {
                    let scale = [10, 5_000, 2_000_000, 60_000_000][rng.below(4) as usize];
                    let d = rng.range(0, scale);
                    let cancel = (rng.below(4) == 0).then(|| rng.range(0, scale));
                    (d, cancel)
                })
                .collect();
            let grid = rng.below(2) == 0;
            sim.spawn(&format!("t{i}"), async move {
                for (d, cancel) in plan {
                    // On a 4,096 us grid (the coarse wheel's buckets) half the time.
                    let d = if grid { d.saturating_sub((c.now() + d) % 4_096) } else { d };
                    match cancel {
                        Some(t) => { let _ = c.timeout(t, c.sleep(d)).await; }
                        None => c.sleep(d).await,
                    }
                }
            });
        }
        prop_assert_eq!(sim.run(), Outcome::Finished);
        let tr = sim.into_trace();
        check_invariants(&tr)?;
        let mut armed = std::collections::HashMap::new();
        let mut last: Option<(u64, u32)> = None;
        for e in &tr.events {
            match e.kind {
                EventKind::TimerSet { timer, delay } => {
                    prop_assert!(armed.insert(timer, e.t + delay as u64).is_none());
                }
                EventKind::TimerCancelled { timer } => {
                    prop_assert!(armed.remove(&timer).is_some(), "cancelled twice or never set");
                }
                EventKind::TimerFired { timer, late } => {
                    let deadline = armed.remove(&timer);
                    prop_assert_eq!(deadline, Some(e.t), "timer {} fired off its deadline", timer);
                    prop_assert_eq!(late, 0);
                    let key = (e.t, timer);
                    prop_assert!(last.is_none_or(|l| l < key), "timer {} out of order", timer);
                    last = Some(key);
                }
                _ => {}
            }
        }
        prop_assert!(armed.is_empty(), "timers never fired nor cancelled: {:?}", armed);
    }
}
