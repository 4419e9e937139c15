//! TEMPORARY: the pre-consolidation programs, still called by the placeholders in this directory
//! until each example file owns its program. Deleted when the consolidation is done.
//!
//! The built-in programs: the course notes' examples written against the engine's primitives.
//!
//! Each function installs tasks into a fresh [`Sim`] and marks the lines of the code sample the
//! UI shows next to it with [`Ctx::line`] (line numbers are listed in `docs/scenarios.md`).
//! Randomness comes only from [`Rng`] seeded by the scenario.

use std::cell::Cell;
use std::rc::Rc;

use crate::scenario::*;
use crate::sim::{Ctx, EventKind, Oneshot, Policy, QueueConfig, Rng, Time, MS, SEC};

/// The client arrival script of (a)/(b): `(time, port)` sorted by time.
pub fn arrivals(p: &PortsParams) -> Vec<(Time, u32)> {
    let mut v: Vec<(Time, u32)> = if !p.clients.is_empty() {
        p.clients.iter().map(|&(t, port)| (secs(t), port)).collect()
    } else {
        match p.preset {
            ArrivalPreset::Notes => [
                (1.0, 9002),
                (3.0, 9001),
                (4.0, 9002),
                (5.5, 9002),
                (7.0, 9001),
            ]
            .iter()
            .map(|&(t, port)| (secs(t), port))
            .collect(),
            ArrivalPreset::All9002 => (1..=5).map(|i| (i * 1_500 * MS, 9002)).collect(),
            ArrivalPreset::Burst => {
                let mut v = Vec::new();
                for base in [2 * SEC, 6 * SEC] {
                    for i in 0..4u64 {
                        v.push((base + i * 50 * MS, 9001));
                        v.push((base + i * 50 * MS + 20 * MS, 9002));
                    }
                }
                v
            }
            ArrivalPreset::Random => {
                let mut rng = Rng::new(p.seed);
                let span = secs(p.duration_s).max(1);
                (0..p.random_clients)
                    .map(|_| (rng.below(span), 9001 + rng.below(2) as u32))
                    .collect()
            }
        }
    };
    v.sort();
    v
}

pub(crate) fn open_ports(cx: &Ctx, p: &PortsParams) -> (crate::sim::Socket, crate::sim::Socket) {
    let s1 = cx.listen(9001);
    let s2 = cx.listen(9002);
    let arr = arrivals(p);
    let on = |port| {
        arr.iter()
            .filter(|a| a.1 == port)
            .map(|a| a.0)
            .collect::<Vec<_>>()
    };
    cx.script_arrivals(s1, &on(9001));
    cx.script_arrivals(s2, &on(9002));
    (s1, s2)
}

pub(crate) fn blocking_ports(cx: &Ctx, p: &PortsParams) {
    let (s1, s2) = open_ports(cx, p);
    let handle = millis(p.handle_ms);
    let c = cx.clone();
    cx.spawn("server", async move {
        c.line(1);
        c.print("Server listening on ports 9001 and 9002...");
        loop {
            for (sock, base) in [(s1, 5), (s2, 12)] {
                c.line(base);
                c.print(&format!("Waiting for client on port {}...", sock.port));
                c.line(base + 1);
                let cl = c.accept(sock).await;
                c.line(base + 2);
                c.print(&format!(
                    "Connection from ('127.0.0.1', {}) on port {}",
                    50_000 + cl.id,
                    sock.port
                ));
                c.line(base + 3);
                c.block_for(handle).await;
                c.line(base + 4);
            }
        }
    });
}

pub(crate) fn select_ports(cx: &Ctx, p: &PortsParams) {
    let (s1, s2) = open_ports(cx, p);
    let handle = millis(p.handle_ms);
    let timeout = secs(p.select_timeout_s);
    let c = cx.clone();
    cx.spawn("server", async move {
        c.line(1);
        c.print("Server listening on ports 9001 and 9002...");
        loop {
            c.line(6);
            let ready = c.select(&[s1, s2], Some(timeout)).await;
            for s in ready {
                c.line(9);
                c.line(10);
                let cl = c.accept(s).await;
                c.line(11);
                c.print(&format!(
                    "Connection from ('127.0.0.1', {}) on port {}",
                    50_000 + cl.id,
                    s.port
                ));
                c.line(12);
                c.block_for(handle).await;
                c.line(13);
            }
        }
    });
}

pub(crate) fn sequential_queries(cx: &Ctx, p: &QueriesParams) {
    let qs = p.queries.clone();
    let c = cx.clone();
    cx.spawn("main", async move {
        for (i, q) in qs.iter().enumerate() {
            c.line(9 + i as u32);
            c.line(4);
            c.print(&format!("Query {} started", q.name));
            c.line(5);
            c.block_for(secs(q.seconds)).await;
            c.line(6);
            c.print(&format!("Query {} finished", q.name));
        }
        c.line(9 + qs.len() as u32);
        c.print("All queries done");
    });
}

pub(crate) fn gather_queries(cx: &Ctx, p: &QueriesParams) {
    let qs = p.queries.clone();
    let c = cx.clone();
    cx.spawn("main", async move {
        c.line(10);
        let coros = qs
            .iter()
            .map(|q| {
                let (c2, name, d, blocking) =
                    (c.clone(), q.name.clone(), secs(q.seconds), q.blocking);
                c.coroutine(&format!("db_query({})", q.name), async move {
                    c2.line(4);
                    c2.print(&format!("Query {name} started"));
                    c2.line(5);
                    if blocking {
                        c2.block_for(d).await;
                    } else {
                        c2.sleep(d).await;
                    }
                    c2.line(6);
                    c2.print(&format!("Query {name} finished"));
                })
            })
            .collect();
        c.gather(coros).await;
        c.line(12 + qs.len() as u32);
        c.print("All queries done");
    });
}

/// Arrival times of `n` requests at `rate` per second, optionally with seeded jitter.
pub(crate) fn request_times(rate: u32, duration: Time, jitter: bool, seed: u64) -> Vec<Time> {
    let n = (rate as u128 * duration as u128 / SEC as u128) as u64;
    let mut rng = Rng::new(seed);
    let gap = SEC / rate as u64;
    let mut v: Vec<Time> = (0..n)
        .map(|i| {
            let t = (i as u128 * SEC as u128 / rate as u128) as Time;
            if jitter {
                t + rng.below(gap.max(1))
            } else {
                t
            }
        })
        .collect();
    v.sort_unstable();
    v
}

pub(crate) fn load(cx: &Ctx, p: &LoadParams, pool: bool) {
    let work = secs(p.work_s);
    let quiet = !p.detailed;
    let submit: Rc<dyn Fn(u32)> = if pool {
        let pl = cx.thread_pool("pool", p.threads, p.max_waiting, p.thread_bytes, quiet);
        Rc::new(move |req| {
            pl.submit(req, move |c: Ctx| async move { c.block_for(work).await });
        })
    } else {
        let sv = cx.server("event loop", p.request_bytes, quiet);
        Rc::new(move |req| sv.submit(req, move |c: Ctx| async move { c.sleep(work).await }))
    };
    let times = request_times(p.rate_per_s, secs(p.duration_s), p.jitter, p.seed);
    let c = cx.clone();
    let body = async move {
        for (req, t) in times.into_iter().enumerate() {
            let now = c.now();
            if t > now {
                c.sleep(t - now).await;
            }
            submit(req as u32);
        }
    };
    if quiet {
        cx.spawn_quiet(None, "clients", body);
    } else {
        cx.spawn("clients", body);
    }
}

pub(crate) fn producer_consumer(cx: &Ctx, p: &ProducerConsumerParams) {
    let q = cx.queue::<u32>(QueueConfig::bounded("queue", p.maxsize));
    let (items, post, every) = (p.items, secs(p.post_s), secs(p.produce_every_s));
    let c = cx.clone();
    cx.spawn("produce_endpoint", async move {
        c.line(17);
        let (c2, q2) = (c.clone(), q.clone());
        let consumer = c.spawn("consumer", async move {
            c2.line(8);
            loop {
                c2.line(9);
                c2.line(10);
                let _item = q2.get().await;
                c2.line(11);
                c2.sleep(post).await;
                c2.line(12);
                q2.task_done();
            }
        });
        c.line(18);
        let (c3, q3) = (c.clone(), q.clone());
        let producer = c.coroutine("producer", async move {
            for item in 0..items {
                c3.line(4);
                c3.line(5);
                q3.put(item).await;
                if every > 0 {
                    c3.sleep(every).await;
                }
            }
        });
        producer.await;
        c.line(19);
        q.join().await;
        c.line(20);
        consumer.cancel();
        c.line(21);
        c.print("{\"status\": \"done\"}");
    });
}

pub(crate) fn unbounded_buffer(cx: &Ctx, p: &BufferParams) {
    let q = cx.queue::<()>(QueueConfig::unbounded("buffer", p.item_bytes));
    let (pg, cg) = (SEC / p.produce_per_s as u64, SEC / p.consume_per_s as u64);
    let stop = secs(p.duration_s);
    let (c, q1) = (cx.clone(), q.clone());
    let producer = cx.spawn("producer", async move {
        while c.now() < stop {
            q1.put(()).await;
            c.sleep(pg.max(1)).await;
        }
    });
    let c = cx.clone();
    let consumer = cx.spawn("consumer", async move {
        loop {
            q.get().await;
            c.sleep(cg.max(1)).await;
            q.task_done();
        }
    });
    let c = cx.clone();
    cx.spawn("main", async move {
        producer.await;
        c.print("producer finished");
        while c.memory() > 0 {
            c.sleep(cg.max(1)).await;
        }
        consumer.cancel();
    });
}

pub(crate) fn drop_and_regulate(cx: &Ctx, p: &StrategyParams) {
    let policy = match p.strategy {
        Strategy::DropNewest => Policy::DropNewest,
        Strategy::DropOldest => Policy::DropOldest,
        Strategy::Block | Strategy::Regulate => Policy::Block,
    };
    let q = cx.queue::<u32>(QueueConfig {
        name: "queue".into(),
        capacity: Some(p.capacity),
        policy,
        item_bytes: 0,
    });
    let bucket = (p.strategy == Strategy::Regulate)
        .then(|| cx.token_bucket("regulate", p.regulate_per_s, p.burst));
    let (pg, cg, items) = (
        SEC / p.produce_per_s as u64,
        SEC / p.consume_per_s as u64,
        p.items,
    );
    let (c, q2) = (cx.clone(), q.clone());
    let consumer = cx.spawn("consumer", async move {
        loop {
            q2.get().await;
            c.sleep(cg.max(1)).await;
            q2.task_done();
        }
    });
    let c = cx.clone();
    cx.spawn("producer", async move {
        for i in 0..items {
            if let Some(b) = &bucket {
                b.acquire().await;
            }
            q.put(i).await;
            c.sleep(pg.max(1)).await;
        }
        q.join().await;
        consumer.cancel();
        c.print("all items handled or dropped");
    });
}

struct Job {
    reply: Oneshot<()>,
}

pub(crate) fn retry_storm(cx: &Ctx, p: &RetryParams) {
    let bounded = p.fix == RetryFix::BoundedQueue;
    let bq = cx.queue::<Job>(QueueConfig {
        name: "B queue".into(),
        capacity: bounded.then_some(p.b_queue_limit),
        policy: if bounded {
            Policy::DropNewest
        } else {
            Policy::Block
        },
        item_bytes: 0,
    });
    let quiet = !p.detailed;
    let service = millis(p.b_service_ms);
    let slow_service = (service as f64 * p.b_slowdown).round() as Time;
    let mut workers = Vec::new();
    for w in 0..p.b_workers {
        let (c, q) = (cx.clone(), bq.clone());
        let slow_q = p.b_slow_queue;
        let body = async move {
            loop {
                let job = q.get().await;
                let d = if q.len() > slow_q {
                    slow_service
                } else {
                    service
                };
                c.sleep(d.max(1)).await;
                job.reply.send(());
            }
        };
        let name = format!("B worker {w}");
        workers.push(if quiet {
            cx.spawn_quiet(None, &name, body)
        } else {
            cx.spawn(&name, body)
        });
    }
    let calls = Rc::new(Cell::new(0u64));
    let retries = Rc::new(Cell::new(0u64));
    let params = p.clone();
    let c = cx.clone();
    let spawn_call = move |call: u32, rng_seed: u64| {
        let (c2, q, calls, retries, p) = (
            c.clone(),
            bq.clone(),
            calls.clone(),
            retries.clone(),
            params.clone(),
        );
        calls.set(calls.get() + 1);
        let body = async move {
            let start = c2.now();
            let mut rng = Rng::new(rng_seed);
            let timeout = millis(p.timeout_ms);
            let mut attempts = 0;
            for attempt in 0..=p.max_retries {
                if attempt > 0 {
                    let allowed = match p.fix {
                        RetryFix::RetryBudget => {
                            retries.get() * 100 < p.retry_budget_pct as u64 * calls.get()
                        }
                        _ => true,
                    };
                    if !allowed {
                        break;
                    }
                    retries.set(retries.get() + 1);
                    if p.fix == RetryFix::Backoff {
                        let base = millis(p.backoff_ms) << (attempt - 1).min(20);
                        c2.sleep(base / 2 + rng.below(base.max(1))).await;
                    }
                }
                attempts += 1;
                c2.record(EventKind::CallStart { call, attempt });
                let (tx, rx) = c2.oneshot::<()>();
                if !q.put(Job { reply: tx }).await {
                    c2.record(EventKind::RequestReject {
                        req: call,
                        rid: q.rid(),
                    });
                    continue;
                }
                match c2.timeout(timeout, rx).await {
                    Ok(()) => {
                        c2.record(EventKind::CallOk {
                            call,
                            latency: (c2.now() - start).min(u32::MAX as u64) as u32,
                        });
                        return;
                    }
                    Err(_) => c2.record(EventKind::CallTimeout { call, attempt }),
                }
            }
            c2.record(EventKind::CallFail { call, attempts });
        };
        if quiet {
            c.spawn_quiet(None, "call", body)
        } else {
            c.spawn(&format!("call {call}"), body)
        }
    };
    // A's offered load: `rate_per_s`, `spike_rate_per_s` inside the spike window.
    let (from, to, end) = (secs(p.spike_from_s), secs(p.spike_to_s), secs(p.duration_s));
    let (base, spike, seed) = (p.rate_per_s as Time, p.spike_rate_per_s as Time, p.seed);
    let c = cx.clone();
    let body = async move {
        let mut t: Time = 0;
        let mut call = 0u32;
        let mut rng = Rng::new(seed);
        let mut handles = Vec::new();
        while t < end {
            let now = c.now();
            if t > now {
                c.sleep(t - now).await;
            }
            handles.push(spawn_call(call, rng.next_u64()));
            call += 1;
            let rate = if t >= from && t < to { spike } else { base };
            t += SEC / rate;
        }
        // Every call has finished (succeeded or given up): B's leftover work is abandoned.
        c.join_all(handles).await;
        for w in &workers {
            w.cancel();
        }
    };
    if quiet {
        cx.spawn_quiet(None, "A", body);
    } else {
        cx.spawn("A", body);
    }
}

pub(crate) fn credits_pipeline(cx: &Ctx, p: &CreditsParams) {
    let (items, n, post) = (p.items, p.concurrency, secs(p.post_s));
    let c = cx.clone();
    cx.spawn("flatMap", async move {
        let credits = c.credits("request(n)", n);
        c.line(1);
        c.print(&format!("request({n})"));
        let mut handles = Vec::new();
        for item in 0..items {
            c.line(2);
            credits.acquire().await;
            let (c2, cr) = (c.clone(), credits.clone());
            handles.push(c.spawn(&format!("post item {item}"), async move {
                c2.line(3);
                c2.sleep(post).await;
                c2.line(6);
                cr.grant(1);
            }));
        }
        c.join_all(handles).await;
        c.print("onComplete");
    });
}
