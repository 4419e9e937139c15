//! Servers: a thread pool for thread-per-request, and an event-loop request log.
//!
//! A [`ThreadPool`] owns `n` threads (ids `first_thread..first_thread+n`, created lazily: a
//! thread's memory, `per_thread_bytes`, is charged the first time it is used and stays, as a
//! pool's threads do). [`ThreadPool::submit`] records `RequestArrive`; the request takes a free
//! thread at once (`RequestStart`), or waits in the pool's FIFO **work queue** (no task exists for
//! it yet: waiting requests hold no thread, just a place in line), or is rejected
//! (`RequestReject`) when that queue is at `max_waiting`. The handler runs as a task on its thread;
//! when it returns, `RequestDone { latency }` is recorded and the thread takes the next waiting
//! request. A handler that calls [`Ctx::block_for`] holds its thread for the whole call, which is
//! the thread-per-request model of the notes.
//!
//! A [`Server`] is the event-loop counterpart: no threads to wait for, every request becomes a
//! task on the event-loop thread at once; it only records arrivals, starts and completions so
//! both servers draw the same way.
//!
//! For loads of 100,000 requests, both can run handlers as *quiet* tasks (see
//! [`Ctx::spawn_quiet`]): the trace then holds the request events, not every poll.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::executor::{clamp32, Ctx};
use super::trace::*;
use super::Time;

type Handler = Box<dyn FnOnce(Ctx) -> Pin<Box<dyn Future<Output = ()>>>>;

struct PoolInner {
    first_thread: ThreadId,
    size: u32,
    free: VecDeque<ThreadId>,
    created: u32,
    waiting: VecDeque<(u32, Time, Handler)>,
    max_waiting: Option<u32>,
    per_thread_bytes: u32,
    quiet: bool,
}

/// A pool of OS-like threads serving one request each (clone the handle to share it).
#[derive(Clone)]
pub struct ThreadPool {
    ctx: Ctx,
    rid: Rid,
    p: Rc<RefCell<PoolInner>>,
}

impl ThreadPool {
    /// Resource id.
    pub fn rid(&self) -> Rid {
        self.rid
    }
    /// Threads serving a request now.
    pub fn busy(&self) -> u32 {
        let p = self.p.borrow();
        p.size - p.free.len() as u32
    }
    /// Requests waiting for a thread.
    pub fn waiting(&self) -> u32 {
        self.p.borrow().waiting.len() as u32
    }

    /// A request `req` arrives; `handler` runs on a pool thread once one is free.
    /// Returns `false` if it was rejected because the work queue is full.
    pub fn submit<F, Fut>(&self, req: u32, handler: F) -> bool
    where
        F: FnOnce(Ctx) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let now = self.ctx.now();
        self.ctx
            .record_global(EventKind::RequestArrive { req, rid: self.rid });
        let h: Handler = Box::new(move |c| Box::pin(handler(c)));
        let mut p = self.p.borrow_mut();
        if let Some(th) = p.free.pop_front() {
            drop(p);
            self.start(th, req, now, h);
            return true;
        }
        if p.max_waiting.is_some_and(|m| p.waiting.len() as u32 >= m) {
            drop(p);
            self.ctx
                .record_global(EventKind::RequestReject { req, rid: self.rid });
            return false;
        }
        p.waiting.push_back((req, now, h));
        true
    }

    fn start(&self, th: ThreadId, req: u32, arrived: Time, h: Handler) {
        let (charge, quiet) = {
            let mut p = self.p.borrow_mut();
            let idx = th - p.first_thread;
            let charge = if idx >= p.created {
                p.created = idx + 1;
                p.per_thread_bytes
            } else {
                0
            };
            (charge, p.quiet)
        };
        if charge > 0 {
            self.ctx.add_memory(charge as i64);
        }
        let pool = self.clone();
        let cx = self.ctx.clone();
        let fut = h(cx.clone());
        let body = async move {
            fut.await;
            pool.finish(th, req, arrived);
        };
        let name = if quiet {
            "request".to_string()
        } else {
            format!("request {req}")
        };
        let id = if quiet {
            cx.spawn_quiet(Some(th), &name, body).id()
        } else {
            cx.spawn_on(th, &name, body).id()
        };
        let mut st = cx.st();
        st.emit(id, EventKind::RequestStart { req, thread: th });
    }

    fn finish(&self, th: ThreadId, req: u32, arrived: Time) {
        let now = self.ctx.now();
        self.ctx.record(EventKind::RequestDone {
            req,
            latency: clamp32(now - arrived),
        });
        let next = {
            let mut p = self.p.borrow_mut();
            match p.waiting.pop_front() {
                Some(n) => Some(n),
                None => {
                    // Lowest free thread first keeps the picture stable.
                    let pos = p.free.partition_point(|&x| x < th);
                    p.free.insert(pos, th);
                    None
                }
            }
        };
        if let Some((r, a, h)) = next {
            self.start(th, r, a, h);
        }
    }
}

/// An event-loop server's request log: every request becomes a task on the loop at once.
#[derive(Clone)]
pub struct Server {
    ctx: Ctx,
    rid: Rid,
    quiet: bool,
    per_request_bytes: u32,
}

impl Server {
    /// Resource id.
    pub fn rid(&self) -> Rid {
        self.rid
    }

    /// A request `req` arrives and its handler starts as a task on the current thread.
    pub fn submit<F, Fut>(&self, req: u32, handler: F)
    where
        F: FnOnce(Ctx) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let now = self.ctx.now();
        self.ctx
            .record_global(EventKind::RequestArrive { req, rid: self.rid });
        let cx = self.ctx.clone();
        let fut = handler(cx.clone());
        let bytes = self.per_request_bytes as i64;
        if bytes > 0 {
            cx.add_memory(bytes);
        }
        let c2 = cx.clone();
        let body = async move {
            fut.await;
            c2.record(EventKind::RequestDone {
                req,
                latency: clamp32(c2.now() - now),
            });
            if bytes > 0 {
                c2.add_memory(-bytes);
            }
        };
        let th = cx.thread();
        let id = if self.quiet {
            cx.spawn_quiet(None, "request", body).id()
        } else {
            cx.spawn(&format!("request {req}"), body).id()
        };
        cx.st()
            .emit(id, EventKind::RequestStart { req, thread: th });
    }
}

impl Ctx {
    /// A pool of `threads` threads; `max_waiting` bounds its work queue (`None` = unbounded);
    /// `per_thread_bytes` is charged once per thread the first time it is used; `quiet` runs
    /// handlers as quiet tasks.
    pub fn thread_pool(
        &self,
        name: &str,
        threads: u32,
        max_waiting: Option<u32>,
        per_thread_bytes: u32,
        quiet: bool,
    ) -> ThreadPool {
        let mut st = self.st();
        let sym = st.intern(name);
        let now = st.now;
        let rid = st.resources.len() as Rid;
        let first = st.threads.len() as ThreadId;
        for i in 0..threads {
            st.add_thread(&format!("{name} #{}", i + 1), rid);
        }
        st.add_resource(Resource {
            kind: ResourceKind::Pool,
            name: sym,
            port: 0,
            socket_no: 0,
            capacity: threads,
            policy: Policy::Block,
            unit_bytes: per_thread_bytes,
            first_thread: first,
            created: now,
        });
        drop(st);
        ThreadPool {
            ctx: self.clone(),
            rid,
            p: Rc::new(RefCell::new(PoolInner {
                first_thread: first,
                size: threads,
                free: (first..first + threads).collect(),
                created: 0,
                waiting: VecDeque::new(),
                max_waiting,
                per_thread_bytes,
                quiet,
            })),
        }
    }

    /// An event-loop server's request log; `per_request_bytes` is charged while a request is in flight.
    pub fn server(&self, name: &str, per_request_bytes: u32, quiet: bool) -> Server {
        let mut st = self.st();
        let sym = st.intern(name);
        let now = st.now;
        let rid = st.add_resource(Resource {
            kind: ResourceKind::Server,
            name: sym,
            port: 0,
            socket_no: 0,
            capacity: u32::MAX,
            policy: Policy::Block,
            unit_bytes: per_request_bytes,
            first_thread: 0,
            created: now,
        });
        Server {
            ctx: self.clone(),
            rid,
            quiet,
            per_request_bytes,
        }
    }
}
