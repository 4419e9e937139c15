//! Time primitives: `sleep` (non-blocking), `block_for` (blocking), `timeout`, `yield_now`.
//!
//! * [`Sleep`] arms a timer that wakes the task through its `Waker` (the `asyncio.sleep` of the
//!   notes). `sleep(0)` is a plain yield: back to the end of the ready queue.
//! * [`BlockFor`] models `time.sleep` / a blocking driver: it marks the *thread* busy until
//!   `now + d`. The scheduler polls nothing on a busy thread; timers owned by that thread's tasks
//!   that fall due meanwhile are deferred and fire late (`TimerFired { late }`). When the call
//!   returns (`BlockEnd`), the task is put at the **front** of the ready queue: it is the same
//!   step of the same coroutine continuing.
//! * [`Timeout`] races a future against a timer; the loser is dropped (a pending sleep inside is
//!   cancelled and recorded as `TimerCancelled`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::executor::{clamp32, Action, Ctx, TimerKey};
use super::trace::*;
use super::Time;

/// Future of [`Ctx::sleep`]. 24 bytes: it sits in the state of every task that sleeps, and a
/// smaller task future is fewer cache lines per poll.
pub struct Sleep {
    ctx: Ctx,
    state: SleepState,
}

enum SleepState {
    /// Not polled yet; sleeps this long.
    New(Time),
    /// `sleep(0)`: yielded once.
    Yielded,
    /// Waiting for this timer (slot key and timer id).
    Armed(TimerKey, u32),
    Done,
}

impl Future for Sleep {
    type Output = ();
    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut st = self.ctx.st();
        match self.state {
            SleepState::New(0) => {
                st.set_wait(Wait::Yield);
                drop(st);
                self.state = SleepState::Yielded;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            SleepState::New(dur) => {
                let (k, id) = st.arm_wake(dur, cx.waker());
                st.set_wait(Wait::Timer(id));
                drop(st);
                self.state = SleepState::Armed(k, id);
                Poll::Pending
            }
            SleepState::Yielded => {
                drop(st);
                self.state = SleepState::Done;
                Poll::Ready(())
            }
            SleepState::Armed(k, id) => {
                if st.take_fired(k) {
                    drop(st);
                    self.state = SleepState::Done;
                    Poll::Ready(())
                } else {
                    st.update_timer_waker(k, cx.waker());
                    st.set_wait(Wait::Timer(id));
                    Poll::Pending
                }
            }
            SleepState::Done => Poll::Ready(()),
        }
    }
}

const _: () = assert!(std::mem::size_of::<Sleep>() <= 24);

impl Drop for Sleep {
    #[inline]
    fn drop(&mut self) {
        if let SleepState::Armed(k, _) = self.state {
            self.state = SleepState::Done;
            if let Ok(mut st) = self.ctx.sh.st.try_borrow_mut() {
                st.release_timer(k);
            }
        }
    }
}

/// Future of [`Ctx::block_for`].
pub struct BlockFor {
    ctx: Ctx,
    dur: Time,
    key: Option<TimerKey>,
    thread: ThreadId,
}

impl Future for BlockFor {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let mut st = self.ctx.st();
        match self.key {
            None => {
                if self.dur == 0 {
                    return Poll::Ready(());
                }
                let (th, task, owner) = (st.cur_thread, st.cur_task, st.current);
                st.threads[th as usize].busy = true;
                let (k, _) = st.arm(self.dur, owner, task, Action::Unblock { thread: th });
                st.emit_task(
                    owner,
                    EventKind::BlockStart {
                        thread: th,
                        dur: clamp32(self.dur),
                    },
                );
                st.set_wait(Wait::Blocking(th));
                drop(st);
                self.key = Some(k);
                self.thread = th;
                Poll::Pending
            }
            Some(k) => {
                if st.timer_fired(k) {
                    st.release_timer(k);
                    drop(st);
                    self.key = None;
                    self.dur = 0;
                    Poll::Ready(())
                } else {
                    st.set_wait(Wait::Blocking(self.thread));
                    Poll::Pending
                }
            }
        }
    }
}

/// The awaited future did not finish in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed;

impl std::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("deadline elapsed")
    }
}

/// Future of [`Ctx::timeout`].
pub struct Timeout<F> {
    ctx: Ctx,
    fut: Pin<Box<F>>,
    dur: Time,
    key: Option<(TimerKey, u32)>,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.fut.as_mut().poll(cx) {
            if let Some((k, _)) = self.key.take() {
                self.ctx.st().release_timer(k);
            }
            return Poll::Ready(Ok(v));
        }
        let mut st = self.ctx.st();
        let inner_wait = st.wait;
        match self.key {
            None => {
                let (k, id) = st.arm_wake(self.dur, cx.waker());
                st.wait = inner_wait;
                drop(st);
                self.key = Some((k, id));
                Poll::Pending
            }
            Some((k, _)) => {
                if st.timer_fired(k) {
                    st.release_timer(k);
                    drop(st);
                    self.key = None;
                    Poll::Ready(Err(Elapsed))
                } else {
                    st.update_timer_waker(k, cx.waker());
                    Poll::Pending
                }
            }
        }
    }
}

impl<F> Drop for Timeout<F> {
    fn drop(&mut self) {
        if let Some((k, _)) = self.key.take() {
            if let Ok(mut st) = self.ctx.sh.st.try_borrow_mut() {
                st.release_timer(k);
            }
        }
    }
}

impl Ctx {
    /// `await asyncio.sleep(d)`: a non-blocking wait of `d` microseconds; the task yields.
    #[inline]
    pub fn sleep(&self, d: Time) -> Sleep {
        Sleep {
            ctx: self.clone(),
            state: SleepState::New(d),
        }
    }

    /// `await asyncio.sleep(0)`: yield to the other ready tasks.
    pub fn yield_now(&self) -> Sleep {
        self.sleep(0)
    }

    /// `time.sleep(d)` inside async code, or a blocking driver call: the current thread is busy
    /// for `d` microseconds and nothing else on it runs meanwhile.
    pub fn block_for(&self, d: Time) -> BlockFor {
        BlockFor {
            ctx: self.clone(),
            dur: d,
            key: None,
            thread: 0,
        }
    }

    /// `asyncio.wait_for(f, d)`: `Err(Elapsed)` if `f` is not done within `d` microseconds.
    pub fn timeout<F: Future>(&self, d: Time, f: F) -> Timeout<F> {
        Timeout {
            ctx: self.clone(),
            fut: Box::pin(f),
            dur: d,
            key: None,
        }
    }
}
