//! Queues: bounded with backpressure, unbounded with memory accounting, and drop policies.
//!
//! A [`Queue`] is an `Rc<RefCell<..>>` holding the items (`VecDeque<T>`), the waiting getters and
//! putters (FIFO lists of wakers: a put wakes one getter, a get wakes one putter; a woken task
//! re-checks, as asyncio's `Queue` does), the `join` waiters and the count of *unfinished* items
//! (put but not yet `task_done`).
//!
//! * `capacity: Some(n)` + [`Policy::Block`] is `asyncio.Queue(maxsize=n)`: `put` waits when full
//!   ([`Wait::QueuePut`]); depth never exceeds `n`.
//! * [`Policy::DropNewest`]: a put on a full queue discards the new item (`QueueDrop`).
//! * [`Policy::DropOldest`]: it evicts the oldest item first (`QueueDrop`, then `QueuePut`).
//! * `item_bytes > 0` charges every queued item to the simulation's memory (`Memory` events); a
//!   memory limit then ends an unbounded buffer's run with `OutOfMemory`.
//!
//! Invariant (checked by property tests): at every event,
//! `produced = consumed + dropped + queued`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::executor::Ctx;
use super::trace::*;

/// How to build a queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueConfig {
    /// Display name.
    pub name: String,
    /// `Some(maxsize)` or `None` for unbounded.
    pub capacity: Option<u32>,
    /// What a put on a full queue does.
    pub policy: Policy,
    /// Bytes charged to memory per queued item (0 = not accounted).
    pub item_bytes: u32,
}

impl QueueConfig {
    /// `asyncio.Queue(maxsize=n)`.
    pub fn bounded(name: &str, n: u32) -> Self {
        QueueConfig {
            name: name.into(),
            capacity: Some(n),
            policy: Policy::Block,
            item_bytes: 0,
        }
    }
    /// An unbounded queue charging `item_bytes` per item.
    pub fn unbounded(name: &str, item_bytes: u32) -> Self {
        QueueConfig {
            name: name.into(),
            capacity: None,
            policy: Policy::Block,
            item_bytes,
        }
    }
}

struct QInner<T> {
    items: VecDeque<T>,
    cap: Option<u32>,
    policy: Policy,
    item_bytes: u32,
    unfinished: u32,
    getters: VecDeque<(TaskId, Waker)>,
    putters: VecDeque<(TaskId, Waker)>,
    joiners: Vec<Waker>,
}

/// A queue shared by producers and consumers (clone the handle).
pub struct Queue<T> {
    ctx: Ctx,
    rid: Rid,
    inner: Rc<RefCell<QInner<T>>>,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            ctx: self.ctx.clone(),
            rid: self.rid,
            inner: self.inner.clone(),
        }
    }
}

impl<T> Queue<T> {
    /// Resource id in the trace.
    pub fn rid(&self) -> Rid {
        self.rid
    }
    /// Items queued now.
    pub fn len(&self) -> u32 {
        self.inner.borrow().items.len() as u32
    }
    /// Is the queue empty?
    pub fn is_empty(&self) -> bool {
        self.inner.borrow().items.is_empty()
    }
    /// Items put and not yet marked done.
    pub fn unfinished(&self) -> u32 {
        self.inner.borrow().unfinished
    }

    /// `await queue.put(item)`: `true` if the item was queued, `false` if it was dropped.
    pub fn put(&self, item: T) -> Put<T> {
        Put {
            q: self.clone(),
            item: Some(item),
        }
    }

    /// `await queue.get()`.
    pub fn get(&self) -> Get<T> {
        Get { q: self.clone() }
    }

    /// `queue.task_done()`: one more item fully processed. Returns `false` (and records nothing)
    /// if called more times than items were put, where Python raises `ValueError`.
    pub fn task_done(&self) -> bool {
        let mut q = self.inner.borrow_mut();
        if q.unfinished == 0 {
            return false;
        }
        q.unfinished -= 1;
        let unfinished = q.unfinished;
        let joiners = if unfinished == 0 {
            std::mem::take(&mut q.joiners)
        } else {
            Vec::new()
        };
        drop(q);
        let mut st = self.ctx.st();
        let cur = st.current;
        st.emit(
            cur,
            EventKind::TaskDone {
                q: self.rid,
                unfinished,
            },
        );
        drop(st);
        for w in joiners {
            w.wake();
        }
        true
    }

    /// `await queue.join()`: until every item put has been marked done.
    pub fn join(&self) -> Join<T> {
        Join { q: self.clone() }
    }

    fn charge(&self, st: &mut super::executor::State, delta: i64, bytes: u32) {
        if bytes > 0 {
            st.add_memory(delta * bytes as i64);
        }
    }
}

/// The first waiter whose task is still alive (cancelled tasks leave stale wakers behind).
fn pop_live(ws: &mut VecDeque<(TaskId, Waker)>, st: &super::executor::State) -> Option<Waker> {
    while let Some((t, w)) = ws.pop_front() {
        if st.rt.get(t as usize).is_none_or(|r| !r.done) {
            return Some(w);
        }
    }
    None
}

/// Future of [`Queue::put`].
pub struct Put<T> {
    q: Queue<T>,
    item: Option<T>,
}

impl<T> Unpin for Put<T> {}

impl<T> Future for Put<T> {
    type Output = bool;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let this = &mut *self;
        let Some(item) = this.item.take() else {
            return Poll::Ready(false);
        };
        let rid = this.q.rid;
        let mut q = this.q.inner.borrow_mut();
        let full = q.cap.is_some_and(|c| q.items.len() as u32 >= c);
        let mut st = this.q.ctx.st();
        let cur = st.current;
        let bytes = q.item_bytes;
        if full {
            match q.policy {
                Policy::Block => {
                    this.item = Some(item);
                    q.putters.push_back((st.cur_task, cx.waker().clone()));
                    st.set_wait(Wait::QueuePut(rid));
                    return Poll::Pending;
                }
                Policy::DropNewest | Policy::DropOldest
                    if q.policy == Policy::DropNewest || q.items.is_empty() =>
                {
                    let depth = q.items.len() as u32;
                    st.emit(cur, EventKind::QueueDrop { q: rid, depth });
                    return Poll::Ready(false);
                }
                Policy::DropOldest | Policy::DropNewest => {
                    q.items.pop_front();
                    q.unfinished = q.unfinished.saturating_sub(1);
                    let depth = q.items.len() as u32;
                    st.emit(cur, EventKind::QueueDrop { q: rid, depth });
                    this.q.charge(&mut st, -1, bytes);
                }
            }
        }
        q.items.push_back(item);
        q.unfinished += 1;
        let depth = q.items.len() as u32;
        st.emit(cur, EventKind::QueuePut { q: rid, depth });
        this.q.charge(&mut st, 1, bytes);
        let w = pop_live(&mut q.getters, &st);
        drop(st);
        drop(q);
        if let Some(w) = w {
            w.wake();
        }
        Poll::Ready(true)
    }
}

/// Future of [`Queue::get`].
pub struct Get<T> {
    q: Queue<T>,
}

impl<T> Future for Get<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let rid = self.q.rid;
        let mut q = self.q.inner.borrow_mut();
        let mut st = self.q.ctx.st();
        match q.items.pop_front() {
            Some(item) => {
                let depth = q.items.len() as u32;
                let cur = st.current;
                st.emit(cur, EventKind::QueueGet { q: rid, depth });
                let bytes = q.item_bytes;
                self.q.charge(&mut st, -1, bytes);
                let w = pop_live(&mut q.putters, &st);
                drop(st);
                drop(q);
                if let Some(w) = w {
                    w.wake();
                }
                Poll::Ready(item)
            }
            None => {
                q.getters.push_back((st.cur_task, cx.waker().clone()));
                st.set_wait(Wait::QueueGet(rid));
                Poll::Pending
            }
        }
    }
}

/// Future of [`Queue::join`].
pub struct Join<T> {
    q: Queue<T>,
}

impl<T> Future for Join<T> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut q = self.q.inner.borrow_mut();
        if q.unfinished == 0 {
            return Poll::Ready(());
        }
        q.joiners.push(cx.waker().clone());
        self.q.ctx.st().set_wait(Wait::QueueJoin(self.q.rid));
        Poll::Pending
    }
}

impl Ctx {
    /// Make a queue (recorded as a resource with its capacity, policy and bytes per item).
    pub fn queue<T>(&self, cfg: QueueConfig) -> Queue<T> {
        let mut st = self.st();
        let name = st.intern(&cfg.name);
        let now = st.now;
        let rid = st.add_resource(Resource {
            kind: ResourceKind::Queue,
            name,
            port: 0,
            socket_no: 0,
            capacity: cfg.capacity.unwrap_or(u32::MAX),
            policy: cfg.policy,
            unit_bytes: cfg.item_bytes,
            first_thread: 0,
            created: now,
        });
        drop(st);
        Queue {
            ctx: self.clone(),
            rid,
            inner: Rc::new(RefCell::new(QInner {
                items: VecDeque::new(),
                cap: cfg.capacity,
                policy: cfg.policy,
                item_bytes: cfg.item_bytes,
                unfinished: 0,
                getters: VecDeque::new(),
                putters: VecDeque::new(),
                joiners: Vec::new(),
            })),
        }
    }
}
