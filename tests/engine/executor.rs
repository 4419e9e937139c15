//! Executor core: exact event sequences for spawn, sleep, block_for, coroutines, gather, print,
//! line, deadlock, caps, and `state_at`.

use std::cell::RefCell;
use std::rc::Rc;

use crate::common::*;
use await_and_see::sim::*;

fn sim() -> (Sim, Ctx) {
    let s = Sim::new(Config::default());
    let c = s.ctx();
    (s, c)
}

#[test]
fn sleep_exact_sequence() {
    let (mut s, cx) = sim();
    s.spawn("t", async move { cx.sleep(5 * MS).await });
    assert_eq!(s.run(), Outcome::Finished);
    let tr = s.into_trace();
    assert_seq(
        &lines(&tr),
        &[
            "0 t Created t by -",
            "0 t Scheduled { thread: 0 }",
            "0 t PollStart",
            "0 t TimerSet { timer: 0, delay: 5000 }",
            "0 t Suspended { wait: Timer(0) }",
            "5000 - Clock { dt: 5000 }",
            "5000 t TimerFired { timer: 0, late: 0 }",
            "5000 t Woken { by: 4294967295, front: false }",
            "5000 t PollStart",
            "5000 t Done",
            "5000 - Finished { pending: 0 }",
        ],
    );
}

#[test]
fn step_is_one_decision() {
    let (mut s, cx) = sim();
    s.spawn("t", async move { cx.sleep(SEC).await });
    assert_eq!(s.step(), Step::Polled(0));
    assert_eq!(s.now(), 0);
    assert_eq!(s.step(), Step::Advanced(SEC));
    assert_eq!(s.now(), SEC);
    assert_eq!(s.step(), Step::Polled(0));
    assert_eq!(s.step(), Step::Done(Outcome::Finished));
    assert_eq!(s.step(), Step::Done(Outcome::Finished));
}

#[test]
fn ready_queue_is_fifo_and_equal_deadlines_fire_in_arming_order() {
    let (mut s, cx) = sim();
    let order = Rc::new(RefCell::new(Vec::new()));
    for name in ["a", "b", "c"] {
        let (cx, order) = (cx.clone(), order.clone());
        s.spawn(name, async move {
            cx.sleep(10).await;
            order.borrow_mut().push(name);
        });
    }
    s.run();
    assert_eq!(*order.borrow(), vec!["a", "b", "c"]);
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["PollStart", "Clock"]),
        &[
            "0 a PollStart",
            "0 b PollStart",
            "0 c PollStart",
            "10 - Clock { dt: 10 }",
            "10 a PollStart",
            "10 b PollStart",
            "10 c PollStart",
        ],
    );
}

#[test]
fn sequential_blocking_queries_end_at_5s() {
    // db_query("A", 2); db_query("B", 3) with time.sleep: one thread, one after the other.
    let (mut s, cx) = sim();
    s.spawn("main", async move {
        for (n, d) in [("A", 2), ("B", 3)] {
            cx.print(&format!("Query {n} started"));
            cx.block_for(d * SEC).await;
            cx.print(&format!("Query {n} finished"));
        }
        cx.print("All queries done");
    });
    s.run();
    let tr = s.into_trace();
    assert_eq!(tr.end, 5 * SEC);
    let printed: Vec<_> = tr.printed().map(|(t, _, s)| format!("{t} {s}")).collect();
    assert_eq!(
        printed,
        [
            "0 Query A started",
            "2000000 Query A finished",
            "2000000 Query B started",
            "5000000 Query B finished",
            "5000000 All queries done"
        ]
    );
    assert_seq(
        &filtered(&tr, &["BlockStart", "BlockEnd", "Woken"]),
        &[
            "0 main BlockStart { thread: 0, dur: 2000000 }",
            "2000000 main BlockEnd { thread: 0 }",
            "2000000 main Woken { by: 4294967295, front: true }",
            "2000000 main BlockStart { thread: 0, dur: 3000000 }",
            "5000000 main BlockEnd { thread: 0 }",
            "5000000 main Woken { by: 4294967295, front: true }",
        ],
    );
}

fn query(cx: &Ctx, name: &'static str, secs: u64, blocking: bool) -> Coro<()> {
    let c = cx.clone();
    cx.coroutine(name, async move {
        c.print(&format!("Query {name} started"));
        if blocking {
            c.block_for(secs * SEC).await;
        } else {
            c.sleep(secs * SEC).await;
        }
        c.print(&format!("Query {name} finished"));
    })
}

#[test]
fn gather_ends_at_3s_both_start_at_0() {
    let (mut s, cx) = sim();
    s.spawn("main", async move {
        let g = cx.gather(vec![query(&cx, "A", 2, false), query(&cx, "B", 3, false)]);
        g.await;
        cx.print("All queries done");
    });
    assert_eq!(s.run(), Outcome::Finished);
    let tr = s.into_trace();
    assert_eq!(tr.end, 3 * SEC);
    let printed: Vec<_> = tr
        .printed()
        .map(|(t, w, s)| format!("{t} {} {s}", tr.task_name(w)))
        .collect();
    assert_eq!(
        printed,
        [
            "0 A Query A started",
            "0 B Query B started",
            "2000000 A Query A finished",
            "3000000 B Query B finished",
            "3000000 main All queries done"
        ]
    );
    assert_seq(
        &of(&tr, "main"),
        &[
            "0 main Created main by -",
            "0 main Scheduled { thread: 0 }",
            "0 main PollStart",
            "0 main Suspended { wait: Gather(2) }",
            "2000000 main Woken { by: 1, front: false }",
            "2000000 main PollStart",
            "2000000 main Suspended { wait: Gather(1) }",
            "3000000 main Woken { by: 2, front: false }",
            "3000000 main PollStart",
            "3000000 main Print \"All queries done\"",
            "3000000 main Done",
        ],
    );
}

#[test]
fn gather_with_a_blocking_call_inside_async_takes_the_sum() {
    // time.sleep inside async def blocks the event loop: gather takes 2 + 3 = 5 s.
    let (mut s, cx) = sim();
    s.spawn("main", async move {
        cx.gather(vec![query(&cx, "A", 2, true), query(&cx, "B", 3, false)])
            .await;
    });
    s.run();
    let tr = s.into_trace();
    // B's 3 s sleep was armed at 2 s (B could not even start while A blocked the loop).
    assert_eq!(tr.end, 5 * SEC);
    let starts: Vec<_> = tr.printed().map(|(t, _, s)| format!("{t} {s}")).collect();
    assert_eq!(
        starts[..2],
        [
            "0 Query A started".to_string(),
            "2000000 Query A finished".into()
        ]
    );
    assert_eq!(starts[2], "2000000 Query B started");
}

#[test]
fn timers_due_during_a_blocking_call_fire_late() {
    let (mut s, cx) = sim();
    let c2 = cx.clone();
    s.spawn("sleeper", async move { c2.sleep(SEC).await });
    s.spawn("blocker", async move { cx.block_for(3 * SEC).await });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Timer", "BlockStart", "BlockEnd", "Clock"]),
        &[
            "0 sleeper TimerSet { timer: 0, delay: 1000000 }",
            "0 sleeper Suspended { wait: Timer(0) }",
            "0 blocker BlockStart { thread: 0, dur: 3000000 }",
            "1000000 - Clock { dt: 1000000 }",
            "3000000 - Clock { dt: 2000000 }",
            "3000000 blocker BlockEnd { thread: 0 }",
            "3000000 sleeper TimerFired { timer: 0, late: 2000000 }",
        ],
    );
    // The blocked task continues first (front of the ready queue), then the late sleeper.
    assert_seq(
        &filtered(
            &tr,
            &["3000000 blocker PollStart", "3000000 sleeper PollStart"],
        ),
        &["3000000 blocker PollStart", "3000000 sleeper PollStart"],
    );
}

#[test]
fn blocking_on_another_thread_does_not_stop_the_loop() {
    let (mut s, cx) = sim();
    let worker = cx.new_thread("worker");
    let c2 = cx.clone();
    s.ctx().spawn_on(
        worker,
        "blocker",
        async move { c2.block_for(3 * SEC).await },
    );
    s.spawn("sleeper", async move { cx.sleep(SEC).await });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["TimerFired"]),
        &["1000000 sleeper TimerFired { timer: 1, late: 0 }"],
    );
    assert_eq!(tr.end, 3 * SEC);
}

#[test]
fn coroutine_lifecycle_inline_await_and_never_awaited() {
    let (mut s, cx) = sim();
    s.spawn("main", async move {
        let c = cx.clone();
        let hello = cx.coroutine("say_hello", async move {
            c.print("Hello");
            c.sleep(MS).await;
        });
        let _forgotten = cx.coroutine("forgotten", async {});
        cx.sleep(MS).await; // created, not started, for 1 ms
        hello.await;
    });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["say_hello", "forgotten", "main Suspended"]),
        &[
            "0 say_hello Created say_hello by main",
            "0 forgotten Created forgotten by main",
            "0 main Suspended { wait: Timer(0) }",
            "1000 say_hello Enter { parent: 0 }",
            "1000 say_hello Print \"Hello\"",
            "1000 say_hello TimerSet { timer: 1, delay: 1000 }",
            "1000 say_hello Suspended { wait: Timer(1) }",
            "1000 main Suspended { wait: Coroutine(1) }",
            "2000 say_hello TimerFired { timer: 1, late: 0 }",
            "2000 say_hello Enter { parent: 0 }",
            "2000 say_hello Done",
            "2000 forgotten NeverAwaited",
        ],
    );
    let r = Replay::new(&tr);
    let st = |t| {
        r.state_at(t)
            .tasks
            .iter()
            .find(|v| v.id == 1)
            .map(|v| v.state)
    };
    assert_eq!(st(0), Some(TaskState::Created));
    assert_eq!(st(1500), Some(TaskState::Waiting(Wait::Timer(1))));
    assert_eq!(st(2000), Some(TaskState::Done));
}

#[test]
fn join_handle_returns_value_and_records_join_wait() {
    let (mut s, cx) = sim();
    let out = Rc::new(RefCell::new(0));
    let o2 = out.clone();
    s.spawn("main", async move {
        let c = cx.clone();
        let h = cx.spawn("child", async move {
            c.sleep(7).await;
            42
        });
        *o2.borrow_mut() = h.await;
    });
    s.run();
    assert_eq!(*out.borrow(), 42);
    let tr = s.into_trace();
    assert!(lines(&tr).contains(&"0 main Suspended { wait: Join(1) }".to_string()));
}

#[test]
fn deadlock_is_an_event_listing_stuck_tasks() {
    let (mut s, cx) = sim();
    s.spawn("waits-forever", async move {
        let c = cx.clone();
        let other = cx.spawn("parked", std::future::pending::<()>());
        let _ = c;
        other.await;
    });
    assert_eq!(s.run(), Outcome::Deadlock);
    let tr = s.into_trace();
    assert_eq!(tr.outcome, Outcome::Deadlock);
    let tail: Vec<_> = lines(&tr)
        .into_iter()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert_seq(
        &tail,
        &[
            "0 waits-forever StillWaiting { wait: Join(1) }",
            "0 parked StillWaiting { wait: Other }",
            "0 - Deadlock { stuck: 2 }",
        ],
    );
}

#[test]
fn caps_end_runaway_runs() {
    let mut s = Sim::new(Config {
        max_events: 1000,
        ..Config::default()
    });
    let cx = s.ctx();
    s.spawn("spin", async move {
        loop {
            cx.yield_now().await;
        }
    });
    assert_eq!(s.run(), Outcome::Cap(CapKind::Events));
    let tr = s.into_trace();
    assert!(tr.events.len() <= 1010);
    assert_eq!(
        tr.events.last().map(|e| e.kind),
        Some(EventKind::Cap {
            what: CapKind::Events
        })
    );

    let mut s = Sim::new(Config {
        max_time: 10 * SEC,
        ..Config::default()
    });
    let cx = s.ctx();
    s.spawn("ticker", async move {
        loop {
            cx.sleep(SEC).await;
        }
    });
    assert_eq!(s.run(), Outcome::Cap(CapKind::Time));
    assert_eq!(s.now(), 10 * SEC);
}

#[test]
fn stop_at_ends_an_observation_window_as_finished() {
    let mut s = Sim::new(Config {
        stop_at: Some(5 * SEC),
        ..Config::default()
    });
    let cx = s.ctx();
    s.spawn("server", std::future::pending::<()>());
    s.spawn("ticker", async move {
        loop {
            cx.sleep(2 * SEC).await;
        }
    });
    assert_eq!(s.run(), Outcome::Finished);
    let tr = s.into_trace();
    assert_eq!(tr.end, 5 * SEC);
    assert_eq!(
        tr.events.last().map(|e| e.kind),
        Some(EventKind::Finished { pending: 2 })
    );
}

#[test]
fn line_markers_and_state_at() {
    let (mut s, cx) = sim();
    s.spawn("main", async move {
        cx.line(1);
        cx.sleep(SEC).await;
        cx.line(2);
        cx.print("done");
    });
    s.run();
    let tr = s.into_trace();
    let r = Replay::new(&tr);
    let a = r.state_at(SEC / 2);
    assert_eq!(a.tasks[0].line, Some(1));
    assert_eq!(a.tasks[0].state, TaskState::Waiting(Wait::Timer(0)));
    assert_eq!(
        a.timers,
        vec![TimerView {
            id: 0,
            deadline: SEC,
            task: 0
        }]
    );
    assert!(a.printed.is_empty());
    let b = r.state_at(SEC);
    assert_eq!(b.tasks[0].line, Some(2));
    assert_eq!(b.tasks[0].state, TaskState::Done);
    assert!(b.timers.is_empty());
    assert_eq!(b.printed.len(), 1);
    assert_eq!(b.ended, Some(Outcome::Finished));
    assert_eq!(tr.next_event_time(0), Some(SEC));
    assert_eq!(tr.prev_event_time(SEC), Some(0));
}

#[test]
fn state_at_matches_a_naive_replay_across_checkpoints() {
    // Enough events to cross several checkpoints; compare the ready queue and timers computed
    // from a checkpoint with a from-scratch computation.
    let (mut s, cx) = sim();
    for i in 0..300u64 {
        let c = cx.clone();
        s.spawn(&format!("t{i}"), async move {
            for k in 0..5 {
                c.sleep(1 + (i * 7 + k * 13) % 50).await;
            }
        });
    }
    s.run();
    let tr = s.into_trace();
    assert!(tr.events.len() > 3 * Replay::K as usize);
    let r = Replay::new(&tr);
    for n in (0..tr.events.len() as u32).step_by(331) {
        let snap = r.state_after(n);
        let mut ready = std::collections::VecDeque::new();
        let mut timers = std::collections::BTreeMap::new();
        let mut front = 0;
        for e in &tr.events[..n as usize] {
            match e.kind {
                EventKind::Scheduled { .. } | EventKind::Woken { front: false, .. } => {
                    ready.push_back(e.task)
                }
                EventKind::Woken { front: true, .. } => {
                    ready.insert(front, e.task);
                    front += 1;
                }
                EventKind::PollStart => {
                    front = 0;
                    let p = ready.iter().position(|&x| x == e.task).unwrap();
                    ready.remove(p);
                }
                EventKind::TimerSet { timer, delay } => {
                    timers.insert(timer, e.t + delay as u64);
                }
                EventKind::TimerFired { timer, .. } | EventKind::TimerCancelled { timer } => {
                    timers.remove(&timer);
                }
                _ => {}
            }
        }
        assert_eq!(
            snap.ready,
            ready.into_iter().collect::<Vec<_>>(),
            "ready at {n}"
        );
        let mut want: Vec<_> = timers.into_iter().map(|(id, d)| (d, id)).collect();
        want.sort();
        let got: Vec<_> = snap.timers.iter().map(|t| (t.deadline, t.id)).collect();
        assert_eq!(got, want, "timers at {n}");
    }
}

#[test]
fn identical_runs_give_identical_hashes() {
    let run = || {
        let (mut s, cx) = sim();
        let mut rng = Rng::new(7);
        for i in 0..50 {
            let c = cx.clone();
            let d: Vec<u64> = (0..10).map(|_| rng.range(1, 1000)).collect();
            s.spawn(&format!("t{i}"), async move {
                for x in d {
                    c.sleep(x).await;
                }
            });
        }
        s.run();
        s.into_trace().hash()
    };
    assert_eq!(run(), run());
}

#[test]
fn run_for_slices_record_the_same_trace() {
    let build = || {
        let (s, cx) = sim();
        let mut rng = Rng::new(11);
        for i in 0..30 {
            let c = cx.clone();
            let d: Vec<u64> = (0..8).map(|_| rng.range(1, 9_000)).collect();
            s.spawn(&format!("t{i}"), async move {
                for x in d {
                    c.sleep(x).await;
                }
            });
        }
        s
    };
    let mut whole = build();
    let o = whole.run();
    let mut sliced = build();
    let mut slices = 0;
    let o2 = loop {
        slices += 1;
        if let Some(o) = sliced.run_for(7) {
            break o;
        }
    };
    assert_eq!(o, o2);
    assert!(slices > 10, "{slices}");
    assert_eq!(sliced.run_for(7), Some(o));
    assert_eq!(whole.into_trace().hash(), sliced.into_trace().hash());
}

/// A waker called from another OS thread takes the mutex path and still wakes the task.
#[test]
fn waker_from_another_thread() {
    struct WakeFromThread(bool);
    impl std::future::Future for WakeFromThread {
        type Output = ();
        fn poll(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            if self.0 {
                return std::task::Poll::Ready(());
            }
            self.0 = true;
            let w = cx.waker().clone();
            std::thread::spawn(move || w.wake()).join().expect("thread");
            std::task::Poll::Pending
        }
    }
    let (mut s, cx) = sim();
    s.spawn("t", async move {
        WakeFromThread(false).await;
        cx.sleep(MS).await;
    });
    assert_eq!(s.run(), Outcome::Finished);
    let tr = s.into_trace();
    assert_eq!(tr.end, MS);
    assert!(lines(&tr).iter().any(|l| l.contains("Woken")));
}
