//! Exact event sequences for each primitive: accept, select, queues (bounded, drop policies,
//! join/task_done, memory/OOM), rate limiter, credits, thread pool, timeout and retry.

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
fn accept_waits_for_a_scripted_client() {
    let (mut s, cx) = sim();
    let sock = cx.listen(9001);
    cx.script_arrivals(sock, &[3 * SEC]);
    s.spawn("server", async move {
        let c = cx.accept(sock).await;
        cx.print(&format!(
            "Connection from client {} on port {}",
            c.id, c.port
        ));
    });
    assert_eq!(s.run(), Outcome::Finished);
    let tr = s.into_trace();
    assert_seq(
        &lines(&tr)[2..],
        &[
            "0 server PollStart",
            "0 server Suspended { wait: Accept(0) }",
            "3000000 - Clock { dt: 3000000 }",
            "3000000 - ClientArrive { sock: 0, client: 0 }",
            "3000000 server Woken { by: 4294967295, front: false }",
            "3000000 server PollStart",
            "3000000 server Accepted { client: 0, wait: 0 }",
            "3000000 server Print \"Connection from client 0 on port 9001\"",
            "3000000 server Done",
            "3000000 - Finished { pending: 0 }",
        ],
    );
}

#[test]
fn accept_reports_how_long_a_client_waited() {
    let (mut s, cx) = sim();
    let sock = cx.listen(9002);
    cx.script_arrivals(sock, &[SEC]);
    s.spawn("server", async move {
        cx.sleep(4 * SEC).await;
        cx.accept(sock).await;
    });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Accepted"]),
        &["4000000 server Accepted { client: 0, wait: 3000000 }"],
    );
    let r = Replay::new(&tr);
    let snap = r.state_at(2 * SEC);
    assert_eq!(
        snap.resources[0].waiting,
        &[Waiter {
            id: 0,
            arrived: SEC
        }]
    );
    assert!(r.state_at(4 * SEC).resources[0].waiting.is_empty());
}

#[test]
fn select_returns_ready_set_or_empty_on_timeout() {
    let (mut s, cx) = sim();
    let a = cx.listen(9001);
    let b = cx.listen(9002);
    cx.script_arrivals(b, &[1_500 * MS]);
    let got = Rc::new(RefCell::new(Vec::new()));
    let g = got.clone();
    s.spawn("server", async move {
        for _ in 0..2 {
            let ready = cx.select(&[a, b], Some(SEC)).await;
            g.borrow_mut()
                .push((cx.now(), ready.iter().map(|s| s.port).collect::<Vec<_>>()));
        }
    });
    s.run();
    assert_eq!(*got.borrow(), vec![(SEC, vec![]), (1_500 * MS, vec![9002])]);
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Select", "Timer", "ClientArrive"]),
        &[
            "0 server SelectStart { mask: 3, timeout: 1000000 }",
            "0 server TimerSet { timer: 1, delay: 1000000 }",
            "0 server Suspended { wait: Select(3) }",
            "1000000 server TimerFired { timer: 1, late: 0 }",
            "1000000 server SelectReturn { ready: 0 }",
            "1000000 server SelectStart { mask: 3, timeout: 1000000 }",
            "1000000 server TimerSet { timer: 2, delay: 1000000 }",
            "1000000 server Suspended { wait: Select(3) }",
            "1500000 - ClientArrive { sock: 1, client: 0 }",
            "1500000 server TimerCancelled { timer: 2 }",
            "1500000 server SelectReturn { ready: 2 }",
        ],
    );
}

#[test]
fn bounded_queue_put_waits_when_full_and_join_waits_for_task_done() {
    let (mut s, cx) = sim();
    let q: Queue<u32> = cx.queue(QueueConfig::bounded("q", 2));
    let (q1, c1) = (q.clone(), cx.clone());
    s.spawn("producer", async move {
        for i in 0..3 {
            q1.put(i).await;
        }
        q1.join().await;
        c1.print("all processed");
    });
    let (q2, c2) = (q.clone(), cx.clone());
    s.spawn("consumer", async move {
        loop {
            let _ = q2.get().await;
            c2.sleep(SEC).await;
            q2.task_done();
        }
    });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Queue", "TaskDone", "Print"]),
        &[
            "0 producer QueuePut { q: 0, depth: 1 }",
            "0 producer QueuePut { q: 0, depth: 2 }",
            "0 producer Suspended { wait: QueuePut(0) }",
            "0 consumer QueueGet { q: 0, depth: 1 }",
            "0 producer QueuePut { q: 0, depth: 2 }",
            "0 producer Suspended { wait: QueueJoin(0) }",
            "1000000 consumer TaskDone { q: 0, unfinished: 2 }",
            "1000000 consumer QueueGet { q: 0, depth: 1 }",
            "2000000 consumer TaskDone { q: 0, unfinished: 1 }",
            "2000000 consumer QueueGet { q: 0, depth: 0 }",
            "3000000 consumer TaskDone { q: 0, unfinished: 0 }",
            "3000000 consumer Suspended { wait: QueueGet(0) }",
            "3000000 producer Print \"all processed\"",
            "3000000 consumer StillWaiting { wait: QueueGet(0) }",
        ],
    );
    // The consumer loops forever: the run ends as a deadlock with the consumer still waiting.
    assert_eq!(tr.outcome, Outcome::Deadlock);
}

fn drop_run(policy: Policy) -> (Trace, Vec<u32>) {
    let (mut s, cx) = sim();
    let q: Queue<u32> = cx.queue(QueueConfig {
        name: "q".into(),
        capacity: Some(2),
        policy,
        item_bytes: 0,
    });
    let q1 = q.clone();
    let kept = Rc::new(RefCell::new(Vec::new()));
    let k = kept.clone();
    s.spawn("producer", async move {
        for i in 0..4 {
            q1.put(i).await;
        }
        while !q1.is_empty() {
            let v = q1.get().await;
            k.borrow_mut().push(v);
        }
    });
    s.run();
    let v = kept.borrow().clone();
    (s.into_trace(), v)
}

#[test]
fn drop_newest_and_drop_oldest() {
    let (tr, kept) = drop_run(Policy::DropNewest);
    assert_eq!(kept, vec![0, 1]);
    assert_seq(
        &filtered(&tr, &["QueuePut", "QueueDrop"]),
        &[
            "0 producer QueuePut { q: 0, depth: 1 }",
            "0 producer QueuePut { q: 0, depth: 2 }",
            "0 producer QueueDrop { q: 0, depth: 2 }",
            "0 producer QueueDrop { q: 0, depth: 2 }",
        ],
    );
    let (tr, kept) = drop_run(Policy::DropOldest);
    assert_eq!(kept, vec![2, 3]);
    assert_seq(
        &filtered(&tr, &["QueuePut", "QueueDrop"]),
        &[
            "0 producer QueuePut { q: 0, depth: 1 }",
            "0 producer QueuePut { q: 0, depth: 2 }",
            "0 producer QueueDrop { q: 0, depth: 1 }",
            "0 producer QueuePut { q: 0, depth: 2 }",
            "0 producer QueueDrop { q: 0, depth: 1 }",
            "0 producer QueuePut { q: 0, depth: 2 }",
        ],
    );
    let r = Replay::new(&tr);
    let c = r.state_after(tr.events.len() as u32).counters;
    assert_eq!((c.produced, c.consumed, c.dropped, c.queued), (4, 2, 2, 0));
}

#[test]
fn unbounded_queue_runs_out_of_memory() {
    let mut s = Sim::new(Config {
        memory_limit: Some(10_000),
        ..Config::default()
    });
    let cx = s.ctx();
    let q: Queue<()> = cx.queue(QueueConfig::unbounded("buffer", 3_000));
    s.spawn("producer", async move {
        loop {
            q.put(()).await;
            cx.sleep(MS).await;
        }
    });
    assert_eq!(s.run(), Outcome::OutOfMemory);
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Memory", "OutOfMemory"]),
        &[
            "0 - Memory { lo: 3000, hi: 0 }",
            "1000 - Memory { lo: 6000, hi: 0 }",
            "2000 - Memory { lo: 9000, hi: 0 }",
            "3000 - Memory { lo: 12000, hi: 0 }",
            "3000 - OutOfMemory { lo: 12000, hi: 0 }",
        ],
    );
    let r = Replay::new(&tr);
    assert_eq!(r.state_at(2500).memory, 9000);
}

#[test]
fn token_bucket_spaces_out_takes() {
    let (mut s, cx) = sim();
    let tb = cx.token_bucket("regulate", 2, 1); // 2 per second, burst 1
    s.spawn("producer", async move {
        for _ in 0..3 {
            tb.acquire().await;
        }
    });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["TokenTake", "Suspended"]),
        &[
            "0 producer TokenTake { rid: 0, left: 0 }",
            "0 producer Suspended { wait: RateLimit(0) }",
            "500000 producer TokenTake { rid: 0, left: 0 }",
            "500000 producer Suspended { wait: RateLimit(0) }",
            "1000000 producer TokenTake { rid: 0, left: 0 }",
        ],
    );
}

#[test]
fn credits_bound_items_in_flight() {
    let (mut s, cx) = sim();
    let cr = cx.credits("demand", 2);
    let (c1, cr1) = (cx.clone(), cr.clone());
    s.spawn("publisher", async move {
        for _ in 0..3 {
            cr1.acquire().await;
        }
        c1.print("emitted 3");
    });
    s.spawn("subscriber", async move {
        cx.sleep(SEC).await;
        cr.grant(1); // request(1)
    });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Credit", "Print"]),
        &[
            "0 publisher CreditTake { rid: 0, available: 1 }",
            "0 publisher CreditTake { rid: 0, available: 0 }",
            "0 publisher Suspended { wait: Credits(0) }",
            "1000000 subscriber CreditGrant { rid: 0, available: 1 }",
            "1000000 publisher CreditTake { rid: 0, available: 0 }",
            "1000000 publisher Print \"emitted 3\"",
        ],
    );
}

#[test]
fn thread_pool_requests_wait_for_a_free_thread() {
    let (mut s, cx) = sim();
    let pool = cx.thread_pool("pool", 2, Some(1), 1_000, false);
    s.spawn("acceptor", async move {
        for req in 0..4 {
            pool.submit(req, |c: Ctx| async move { c.block_for(SEC).await });
        }
    });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Request", "Memory"]),
        &[
            "0 - RequestArrive { req: 0, rid: 0 }",
            "0 - Memory { lo: 1000, hi: 0 }",
            "0 request 0 RequestStart { req: 0, thread: 1 }",
            "0 - RequestArrive { req: 1, rid: 0 }",
            "0 - Memory { lo: 2000, hi: 0 }",
            "0 request 1 RequestStart { req: 1, thread: 2 }",
            "0 - RequestArrive { req: 2, rid: 0 }",
            "0 - RequestArrive { req: 3, rid: 0 }",
            "0 - RequestReject { req: 3, rid: 0 }",
            "1000000 request 0 RequestDone { req: 0, latency: 1000000 }",
            "1000000 request 2 RequestStart { req: 2, thread: 1 }",
            "1000000 request 1 RequestDone { req: 1, latency: 1000000 }",
            "2000000 request 2 RequestDone { req: 2, latency: 2000000 }",
        ],
    );
    let r = Replay::new(&tr);
    let snap = r.state_at(SEC / 2);
    let p = snap.resources[0];
    assert_eq!((p.state.busy, p.state.depth, p.state.rejected), (2, 1, 1));
    assert_eq!(p.waiting, &[Waiter { id: 2, arrived: 0 }]);
    assert_eq!(snap.threads[1].request, Some(0));
    assert_eq!(
        snap.threads[1]
            .blocked_by
            .map(|t| tr.task_name(t).to_string()),
        Some("request 0".into())
    );
}

#[test]
fn timeout_gives_up_and_retry_succeeds() {
    let (mut s, cx) = sim();
    let slow = Rc::new(RefCell::new(true));
    s.spawn("client", async move {
        for attempt in 0..3 {
            cx.record(EventKind::CallStart { call: 0, attempt });
            let d = if attempt == 0 { 3 * SEC } else { SEC / 2 };
            match cx.timeout(SEC, cx.sleep(d)).await {
                Ok(()) => {
                    cx.record(EventKind::CallOk {
                        call: 0,
                        latency: cx.now() as u32,
                    });
                    break;
                }
                Err(Elapsed) => cx.record(EventKind::CallTimeout { call: 0, attempt }),
            }
        }
        *slow.borrow_mut() = false;
    });
    s.run();
    let tr = s.into_trace();
    assert_seq(
        &filtered(&tr, &["Call", "Timer"]),
        &[
            "0 client CallStart { call: 0, attempt: 0 }",
            "0 client TimerSet { timer: 0, delay: 3000000 }",
            "0 client TimerSet { timer: 1, delay: 1000000 }",
            "0 client Suspended { wait: Timer(0) }",
            "1000000 client TimerFired { timer: 1, late: 0 }",
            "1000000 client TimerCancelled { timer: 0 }",
            "1000000 client CallTimeout { call: 0, attempt: 0 }",
            "1000000 client CallStart { call: 0, attempt: 1 }",
            "1000000 client TimerSet { timer: 2, delay: 500000 }",
            "1000000 client TimerSet { timer: 3, delay: 1000000 }",
            "1000000 client Suspended { wait: Timer(2) }",
            "1500000 client TimerFired { timer: 2, late: 0 }",
            "1500000 client TimerCancelled { timer: 3 }",
            "1500000 client CallOk { call: 0, latency: 1500000 }",
        ],
    );
}

#[test]
fn oneshot_reply_knows_when_the_caller_gave_up() {
    let (mut s, cx) = sim();
    let wasted = Rc::new(RefCell::new(None));
    let w = wasted.clone();
    let (tx, rx) = cx.oneshot::<u32>();
    let c2 = cx.clone();
    s.spawn("server", async move {
        c2.sleep(2 * SEC).await;
        *w.borrow_mut() = Some(!tx.send(1));
    });
    s.spawn("caller", async move {
        let r = cx.timeout(SEC, rx).await;
        assert!(r.is_err());
    });
    s.run();
    assert_eq!(*wasted.borrow(), Some(true));
}
