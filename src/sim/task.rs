//! Tasks and coroutines: `spawn`/`create_task`, coroutine objects, `JoinHandle`, `gather`.
//!
//! The coroutine lifecycle of the course notes maps onto two kinds of entity that share one id
//! space ([`TaskId`]):
//!
//! * [`Ctx::coroutine`] makes a **coroutine object**: recorded as `Created`, it does nothing until
//!   it is either awaited directly (it then runs *inline*, inside the awaiting task's poll: `Enter`,
//!   `Suspended{wait}`, `Done` events carry the coroutine's own id while the awaiting task is
//!   suspended on [`Wait::Coroutine`]) or turned into a task by [`Ctx::create_task`] / [`Ctx::gather`]
//!   (`Scheduled`, then `PollStart`/`Suspended`/`Woken`/`Done`). One never awaited is reported at
//!   the end of the run by a `NeverAwaited` event, like Python's RuntimeWarning.
//! * [`Ctx::spawn`] is `create_task(coroutine(..))` in one go.
//!
//! A [`JoinHandle`] is an `Rc` slot the task writes its output into, plus the waker of whoever
//! awaits it.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::executor::Ctx;
use super::trace::*;

struct JoinSlot<T> {
    value: Option<T>,
    done: bool,
    waiter: Option<Waker>,
}

/// Awaits a task's output. Dropping it does not cancel the task (like `asyncio.Task`).
pub struct JoinHandle<T> {
    id: TaskId,
    slot: Rc<RefCell<JoinSlot<T>>>,
    ctx: Ctx,
}

impl<T> JoinHandle<T> {
    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.id
    }
    /// Has the task returned?
    pub fn is_finished(&self) -> bool {
        self.slot.borrow().done
    }

    /// `task.cancel()`: drop the task's future where it is suspended (its pending timers are
    /// cancelled), record `Cancelled`, and never poll it again. No effect on a finished task or
    /// on the task that is running right now.
    pub fn cancel(&self) {
        let mut st = self.ctx.st();
        let r = &st.rt[self.id as usize];
        if r.done || !r.scheduled || st.cur_task == self.id {
            return;
        }
        let r = &mut st.rt[self.id as usize];
        r.done = true;
        let own = r.waker.take();
        let fut = r.fut.take();
        st.live -= 1;
        st.emit_task(self.id, EventKind::Cancelled);
        if let Some(p) = st.ready.iter().position(|&x| x == self.id) {
            st.ready.remove(p);
        }
        drop(st);
        // Outside the borrow: dropping the future runs its drops (pending timers cancel).
        drop(fut);
        drop(own);
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = self.slot.borrow_mut();
        if let Some(v) = s.value.take() {
            return Poll::Ready(v);
        }
        s.waiter = Some(cx.waker().clone());
        drop(s);
        self.ctx.st().set_wait(Wait::Join(self.id));
        Poll::Pending
    }
}

/// A coroutine object: created, not started. Await it (runs inline) or schedule it as a task.
pub struct Coro<T> {
    ctx: Ctx,
    id: TaskId,
    fut: Option<Pin<Box<dyn Future<Output = T>>>>,
}

impl<T> Coro<T> {
    /// The coroutine's id (the same id it keeps if it becomes a task).
    pub fn id(&self) -> TaskId {
        self.id
    }
}

impl<T> Future for Coro<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let id = self.id;
        let parent = {
            let mut st = self.ctx.st();
            let parent = st.current;
            st.rt[id as usize].started = true;
            st.rt[id as usize].thread = st.cur_thread;
            st.emit_task(id, EventKind::Enter { parent });
            st.current = id;
            st.wait = None;
            parent
        };
        let Some(fut) = self.fut.as_mut() else {
            self.ctx.st().current = parent;
            return Poll::Pending;
        };
        let res = fut.as_mut().poll(cx);
        let mut st = self.ctx.st();
        st.current = parent;
        match res {
            Poll::Ready(v) => {
                st.emit_task(id, EventKind::Done);
                st.rt[id as usize].done = true;
                drop(st);
                self.fut = None;
                Poll::Ready(v)
            }
            Poll::Pending => {
                let w = st.wait.take().unwrap_or(Wait::Other);
                st.rt[id as usize].last_wait = w;
                st.emit_task(id, EventKind::Suspended { wait: w });
                st.set_wait(Wait::Coroutine(id));
                Poll::Pending
            }
        }
    }
}

/// Awaits several tasks; output in the order given (like `asyncio.gather`).
pub struct Gather<T> {
    ctx: Ctx,
    handles: Vec<JoinHandle<T>>,
    out: Vec<Option<T>>,
}

// Gather never pins its outputs in place; it only moves them out of `out`.
impl<T> Unpin for Gather<T> {}

impl<T> Future for Gather<T> {
    type Output = Vec<T>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<T>> {
        let this = &mut *self;
        let mut pending = 0u32;
        for (h, o) in this.handles.iter_mut().zip(this.out.iter_mut()) {
            if o.is_none() {
                match Pin::new(h).poll(cx) {
                    Poll::Ready(v) => *o = Some(v),
                    Poll::Pending => pending += 1,
                }
            }
        }
        if pending == 0 {
            Poll::Ready(this.out.iter_mut().filter_map(Option::take).collect())
        } else {
            this.ctx.st().set_wait(Wait::Gather(pending));
            Poll::Pending
        }
    }
}

impl Ctx {
    /// `asyncio.create_task(f)` in one go: a named task on the current thread, scheduled now.
    pub fn spawn<F: Future + 'static>(&self, name: &str, f: F) -> JoinHandle<F::Output> {
        self.spawn_with(name, None, false, f)
    }

    /// Spawn a task on a given thread (e.g. one taken from a pool, or a thread from [`Ctx::new_thread`]).
    pub fn spawn_on<F: Future + 'static>(
        &self,
        thread: ThreadId,
        name: &str,
        f: F,
    ) -> JoinHandle<F::Output> {
        self.spawn_with(name, Some(thread), false, f)
    }

    /// Spawn a *quiet* task: it runs like any other, but records only domain events (requests,
    /// prints, queue operations), not its polls and timers. For loads of 100,000 requests.
    pub fn spawn_quiet<F: Future + 'static>(
        &self,
        thread: Option<ThreadId>,
        name: &str,
        f: F,
    ) -> JoinHandle<F::Output> {
        self.spawn_with(name, thread, true, f)
    }

    fn spawn_with<F: Future + 'static>(
        &self,
        name: &str,
        thread: Option<ThreadId>,
        quiet: bool,
        f: F,
    ) -> JoinHandle<F::Output> {
        let id = self
            .st()
            .new_entity(name, TaskKind::Task, quiet, &self.sh.inbox);
        let slot = Rc::new(RefCell::new(JoinSlot {
            value: None,
            done: false,
            waiter: None,
        }));
        let s2 = slot.clone();
        self.push_future(
            id,
            Box::pin(TaskFut {
                fut: Some(f),
                slot: Some(s2),
            }),
        );
        let mut st = self.st();
        let th = thread.unwrap_or(st.cur_thread);
        st.schedule(id, th);
        drop(st);
        JoinHandle {
            id,
            slot,
            ctx: self.clone(),
        }
    }

    /// Call an `async fn`: a coroutine object, created but not started (recorded as `Created`).
    pub fn coroutine<F: Future + 'static>(&self, name: &str, f: F) -> Coro<F::Output> {
        let id = self
            .st()
            .new_entity(name, TaskKind::Coroutine, false, &self.sh.inbox);
        Coro {
            ctx: self.clone(),
            id,
            fut: Some(Box::pin(f)),
        }
    }

    /// `asyncio.create_task(coro)`: schedule the coroutine as a task on the current thread.
    pub fn create_task<T: 'static>(&self, mut coro: Coro<T>) -> JoinHandle<T> {
        let id = coro.id;
        let slot = Rc::new(RefCell::new(JoinSlot {
            value: None,
            done: false,
            waiter: None,
        }));
        if let Some(f) = coro.fut.take() {
            let s2 = slot.clone();
            self.push_future(
                id,
                Box::pin(TaskFut {
                    fut: Some(f),
                    slot: Some(s2),
                }),
            );
            let mut st = self.st();
            let th = st.cur_thread;
            st.schedule(id, th);
        }
        JoinHandle {
            id,
            slot,
            ctx: self.clone(),
        }
    }

    /// `asyncio.gather(*coros)`: schedule every coroutine as a task now, await all outputs in order.
    pub fn gather<T: 'static>(&self, coros: Vec<Coro<T>>) -> Gather<T> {
        let handles: Vec<_> = coros.into_iter().map(|c| self.create_task(c)).collect();
        self.join_all(handles)
    }

    /// Await several already-running tasks; outputs in the order given.
    pub fn join_all<T>(&self, handles: Vec<JoinHandle<T>>) -> Gather<T> {
        let out = handles.iter().map(|_| None).collect();
        Gather {
            ctx: self.clone(),
            handles,
            out,
        }
    }
}

/// A task's future: the spawned future, then its output goes to the join slot. The same as
/// `async move { complete(&slot, f.await) }`, but an `async` block keeps its captured `f` and
/// the `f.await` in separate places of its state, so a poll would touch a larger box (and copy
/// `f` on the first poll); here `f` is stored once.
struct TaskFut<F: Future> {
    /// `None` once it returned (dropped then, before the output is handed over, like an
    /// awaited future).
    fut: Option<F>,
    slot: Option<Rc<RefCell<JoinSlot<F::Output>>>>,
}

impl<F: Future> Future for TaskFut<F> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `fut` is structurally pinned: it is only ever reached through this projection,
        // never moved out (it is dropped in place by `Pin::set` below or with the struct), and
        // `TaskFut` has no `Drop` impl and no manual `Unpin` impl. `slot` is not pinned: it is
        // only `take`n through the plain `&mut`, which never touches `fut`.
        let this = unsafe { self.get_unchecked_mut() };
        let mut fut = unsafe { Pin::new_unchecked(&mut this.fut) };
        let Some(f) = fut.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        match f.poll(cx) {
            Poll::Ready(v) => {
                fut.set(None);
                if let Some(slot) = this.slot.take() {
                    complete(&slot, v);
                }
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

fn complete<T>(slot: &Rc<RefCell<JoinSlot<T>>>, v: T) {
    let mut s = slot.borrow_mut();
    s.value = Some(v);
    s.done = true;
    if let Some(w) = s.waiter.take() {
        drop(s);
        w.wake();
    }
}
