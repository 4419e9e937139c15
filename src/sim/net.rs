//! Listening sockets with scripted client arrivals, `accept` and `select`.
//!
//! Each socket keeps a FIFO **backlog** of `(client id, arrival time)` in the executor state
//! (`State::sockets`), because arrivals are delivered by the timer heap: a scripted arrival is a
//! timer whose action pushes a client into the backlog (`ClientArrive`) and wakes every task
//! waiting on that socket. Client ids are global and increase in arrival order.
//!
//! * [`Ctx::accept`] takes the oldest client (`Accepted { client, wait }`), or suspends on
//!   [`Wait::Accept`] until one arrives: the blocking `sock.accept()` of the notes.
//! * [`Ctx::select`] returns the set of readable sockets (`SelectStart` / `SelectReturn`), waiting
//!   on all of them at once ([`Wait::Select`] with a bit mask of socket numbers), with an optional
//!   timeout after which it returns an empty set, like `select.select(socks, [], [], 1)`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::executor::{clamp32, Action, Ctx, SocketRt, TimerKey};
use super::trace::*;
use super::Time;

/// A listening socket (cheap to copy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Socket {
    /// Resource id in the trace.
    pub rid: Rid,
    /// Port number.
    pub port: u32,
    /// Socket number: its bit in select masks (0..32).
    pub no: u32,
}

/// A client taken from a backlog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    /// Global client id.
    pub id: u32,
    /// Port it connected to.
    pub port: u32,
    /// When it connected.
    pub arrived: Time,
}

/// Future of [`Ctx::accept`].
pub struct Accept {
    ctx: Ctx,
    sock: Socket,
}

impl Future for Accept {
    type Output = Client;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Client> {
        let mut st = self.ctx.st();
        let so = &mut st.sockets[self.sock.no as usize];
        if let Some((id, arrived)) = so.backlog.pop_front() {
            let wait = clamp32(st.now - arrived);
            let cur = st.current;
            st.emit(cur, EventKind::Accepted { client: id, wait });
            return Poll::Ready(Client {
                id,
                port: self.sock.port,
                arrived,
            });
        }
        so.waiters.push(cx.waker().clone());
        st.set_wait(Wait::Accept(self.sock.rid));
        Poll::Pending
    }
}

/// Future of [`Ctx::select`].
pub struct Select {
    ctx: Ctx,
    socks: Vec<Socket>,
    mask: u32,
    timeout: Option<Time>,
    started: bool,
    yielded: bool,
    timer: Option<TimerKey>,
}

impl Future for Select {
    type Output = Vec<Socket>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<Socket>> {
        let this = &mut *self;
        let mut st = this.ctx.st();
        let cur = st.current;
        if !this.started {
            this.started = true;
            let timeout = this.timeout.map(clamp32).unwrap_or(NO_TIMEOUT);
            st.emit_task(
                cur,
                EventKind::SelectStart {
                    mask: this.mask,
                    timeout,
                },
            );
        }
        let ready: Vec<Socket> = this
            .socks
            .iter()
            .copied()
            .filter(|s| !st.sockets[s.no as usize].backlog.is_empty())
            .collect();
        // A zero timeout polls: it still yields once (a system call is a scheduling point), so a
        // `while True: select(socks, 0)` loop cannot spin forever inside one poll.
        let timed_out = this.timer.is_some_and(|k| st.timer_fired(k))
            || (this.timeout == Some(0) && this.yielded);
        if !ready.is_empty() || timed_out {
            let bits = ready.iter().fold(0u32, |m, s| m | 1 << s.no);
            if let Some(k) = this.timer.take() {
                st.release_timer(k);
            }
            st.emit_task(cur, EventKind::SelectReturn { ready: bits });
            return Poll::Ready(ready);
        }
        for s in &this.socks {
            st.sockets[s.no as usize].waiters.push(cx.waker().clone());
        }
        if this.timeout == Some(0) {
            this.yielded = true;
            st.set_wait(Wait::Yield);
            drop(st);
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match (this.timer, this.timeout) {
            (None, Some(d)) => {
                let (k, _) = st.arm_wake(d, cx.waker());
                this.timer = Some(k);
            }
            (Some(k), _) => st.update_timer_waker(k, cx.waker()),
            _ => {}
        }
        st.set_wait(Wait::Select(this.mask));
        Poll::Pending
    }
}

impl Drop for Select {
    fn drop(&mut self) {
        if let Some(k) = self.timer.take() {
            if let Ok(mut st) = self.ctx.sh.st.try_borrow_mut() {
                st.release_timer(k);
            }
        }
    }
}

impl Ctx {
    /// Open a listening socket on `port` (at most 32 sockets per simulation).
    pub fn listen(&self, port: u32) -> Socket {
        let mut st = self.st();
        let no = st.sockets.len() as u32;
        assert!(no < 32, "at most 32 sockets: select masks are u32");
        let name = st.intern(&format!("port {port}"));
        let now = st.now;
        let rid = st.add_resource(Resource {
            kind: ResourceKind::Socket,
            name,
            port,
            socket_no: no,
            capacity: u32::MAX,
            policy: Policy::Block,
            unit_bytes: 0,
            first_thread: 0,
            created: now,
        });
        st.sockets.push(SocketRt {
            rid,
            backlog: Default::default(),
            waiters: Vec::new(),
        });
        Socket { rid, port, no }
    }

    /// Schedule clients connecting to `sock` at the given absolute times (earlier than now = now).
    pub fn script_arrivals(&self, sock: Socket, times: &[Time]) {
        let mut st = self.st();
        for &t in times {
            let delay = t.saturating_sub(st.now);
            st.arm(delay, NO_TASK, NO_TASK, Action::Arrival { sock: sock.no });
        }
    }

    /// Clients waiting in `sock`'s backlog now.
    pub fn backlog(&self, sock: Socket) -> u32 {
        self.sh.st.borrow().sockets[sock.no as usize].backlog.len() as u32
    }

    /// `sock.accept()`: take the oldest waiting client, waiting for one if the backlog is empty.
    pub fn accept(&self, sock: Socket) -> Accept {
        Accept {
            ctx: self.clone(),
            sock,
        }
    }

    /// `select.select(socks, [], [], timeout)`: the sockets with a waiting client; waits until at
    /// least one has, or until `timeout` (then the set is empty). `None` waits forever.
    pub fn select(&self, socks: &[Socket], timeout: Option<Time>) -> Select {
        let mask = socks.iter().fold(0u32, |m, s| m | 1 << s.no);
        Select {
            ctx: self.clone(),
            socks: socks.to_vec(),
            mask,
            timeout,
            started: false,
            yielded: false,
            timer: None,
        }
    }
}
