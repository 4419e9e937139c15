//! Flow control: a token-bucket rate limiter ("regulate"), credits (`request(n)`), and one-shot
//! reply channels (a call to another service waiting for its answer).
//!
//! * [`TokenBucket`] refills continuously at `rate` tokens per second up to `burst`, in integer
//!   micro-tokens (1 token = 1,000,000) so time and tokens stay exact. `acquire` takes a token or
//!   sleeps exactly until the next one accrues ([`Wait::RateLimit`]).
//! * [`Credits`] is a counting semaphore read as Reactive Streams demand: the consumer
//!   `grant(n)`s (`request(n)`), the producer `acquire`s one credit per item it may emit
//!   ([`Wait::Credits`] while it has none). This bounds the items in flight, like `flatMap(.., n)`.
//! * [`Oneshot`] carries one value from a sender to a receiver ([`Wait::Reply`]); if the receiver
//!   gave up (dropped, e.g. after a timeout) the send reports it, so the server knows its work was wasted.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::executor::Ctx;
use super::trace::*;
use super::{Time, SEC};

const MICRO: u64 = 1_000_000;

struct Bucket {
    rate: u64,
    burst: u64,
    micro: u64,
    last: Time,
}

/// A token-bucket rate limiter (clone the handle to share it).
#[derive(Clone)]
pub struct TokenBucket {
    ctx: Ctx,
    rid: Rid,
    b: Rc<RefCell<Bucket>>,
}

impl TokenBucket {
    /// Resource id.
    pub fn rid(&self) -> Rid {
        self.rid
    }

    /// Take one token, waiting until one is available.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let now = self.ctx.now();
                let mut b = self.b.borrow_mut();
                let add = (now - b.last).saturating_mul(b.rate);
                b.micro = (b.micro.saturating_add(add)).min(b.burst * MICRO);
                b.last = now;
                if b.micro >= MICRO {
                    b.micro -= MICRO;
                    let left = (b.micro / MICRO) as u32;
                    drop(b);
                    self.ctx.record(EventKind::TokenTake {
                        rid: self.rid,
                        left,
                    });
                    return;
                }
                if b.rate == 0 {
                    None
                } else {
                    Some((MICRO - b.micro).div_ceil(b.rate))
                }
            };
            match wait {
                Some(d) => {
                    WithWait {
                        f: self.ctx.sleep(d.max(1)),
                        ctx: self.ctx.clone(),
                        wait: Wait::RateLimit(self.rid),
                    }
                    .await
                }
                None => {
                    WithWait {
                        f: std::future::pending::<()>(),
                        ctx: self.ctx.clone(),
                        wait: Wait::RateLimit(self.rid),
                    }
                    .await
                }
            }
        }
    }
}

/// Runs `f`, but reports `wait` as the reason while it is pending.
pub(crate) struct WithWait<F> {
    pub f: F,
    pub ctx: Ctx,
    pub wait: Wait,
}

impl<F: Future + Unpin> Future for WithWait<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let r = Pin::new(&mut self.f).poll(cx);
        if r.is_pending() {
            let w = self.wait;
            self.ctx.st().set_wait(w);
        }
        r
    }
}

struct CreditsInner {
    available: u32,
    waiters: VecDeque<Waker>,
}

/// Credits: a counting semaphore read as `request(n)` demand (clone the handle to share it).
#[derive(Clone)]
pub struct Credits {
    ctx: Ctx,
    rid: Rid,
    c: Rc<RefCell<CreditsInner>>,
}

impl Credits {
    /// Resource id.
    pub fn rid(&self) -> Rid {
        self.rid
    }
    /// Credits available now.
    pub fn available(&self) -> u32 {
        self.c.borrow().available
    }
    /// Take one credit, waiting while there is none.
    pub fn acquire(&self) -> CreditAcquire {
        CreditAcquire { cr: self.clone() }
    }
    /// `request(n)`: give `n` credits back / grant new demand.
    pub fn grant(&self, n: u32) {
        let mut c = self.c.borrow_mut();
        c.available += n;
        let available = c.available;
        let k = (n as usize).min(c.waiters.len());
        let ws: Vec<Waker> = c.waiters.drain(..k).collect();
        drop(c);
        self.ctx.record(EventKind::CreditGrant {
            rid: self.rid,
            available,
        });
        for w in ws {
            w.wake();
        }
    }
}

/// Future of [`Credits::acquire`].
pub struct CreditAcquire {
    cr: Credits,
}

impl Future for CreditAcquire {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut c = self.cr.c.borrow_mut();
        if c.available > 0 {
            c.available -= 1;
            let available = c.available;
            drop(c);
            self.cr.ctx.record(EventKind::CreditTake {
                rid: self.cr.rid,
                available,
            });
            return Poll::Ready(());
        }
        c.waiters.push_back(cx.waker().clone());
        self.cr.ctx.st().set_wait(Wait::Credits(self.cr.rid));
        Poll::Pending
    }
}

struct OneshotInner<T> {
    value: Option<T>,
    waiter: Option<Waker>,
    receiver_alive: bool,
}

/// The sending half of a one-shot reply channel.
pub struct Oneshot<T> {
    inner: Rc<RefCell<OneshotInner<T>>>,
}

impl<T> Oneshot<T> {
    /// Deliver the reply. `false` if the receiver already gave up (the work was wasted).
    pub fn send(self, v: T) -> bool {
        let mut i = self.inner.borrow_mut();
        if !i.receiver_alive {
            return false;
        }
        i.value = Some(v);
        let w = i.waiter.take();
        drop(i);
        if let Some(w) = w {
            w.wake();
        }
        true
    }
    /// Is someone still waiting for the reply?
    pub fn is_wanted(&self) -> bool {
        self.inner.borrow().receiver_alive
    }
}

/// The receiving half of a one-shot reply channel (a future).
pub struct Reply<T> {
    ctx: Ctx,
    id: u32,
    inner: Rc<RefCell<OneshotInner<T>>>,
}

impl<T> Future for Reply<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut i = self.inner.borrow_mut();
        if let Some(v) = i.value.take() {
            return Poll::Ready(v);
        }
        i.waiter = Some(cx.waker().clone());
        drop(i);
        self.ctx.st().set_wait(Wait::Reply(self.id));
        Poll::Pending
    }
}

impl<T> Drop for Reply<T> {
    fn drop(&mut self) {
        self.inner.borrow_mut().receiver_alive = false;
    }
}

impl Ctx {
    fn limiter(&self, kind: ResourceKind, name: &str, capacity: u32) -> Rid {
        let mut st = self.st();
        let name = st.intern(name);
        let now = st.now;
        st.add_resource(Resource {
            kind,
            name,
            port: 0,
            socket_no: 0,
            capacity,
            policy: Policy::Block,
            unit_bytes: 0,
            first_thread: 0,
            created: now,
        })
    }

    /// A token bucket: `rate_per_sec` tokens per second, at most `burst` saved up (starts full).
    pub fn token_bucket(&self, name: &str, rate_per_sec: u32, burst: u32) -> TokenBucket {
        let rid = self.limiter(ResourceKind::RateLimiter, name, burst);
        let now = self.now();
        TokenBucket {
            ctx: self.clone(),
            rid,
            b: Rc::new(RefCell::new(Bucket {
                rate: rate_per_sec as u64,
                burst: burst as u64,
                micro: burst as u64 * MICRO,
                last: now,
            })),
        }
    }

    /// Credits starting with `initial` available (`request(initial)`).
    pub fn credits(&self, name: &str, initial: u32) -> Credits {
        let rid = self.limiter(ResourceKind::Credits, name, initial);
        Credits {
            ctx: self.clone(),
            rid,
            c: Rc::new(RefCell::new(CreditsInner {
                available: initial,
                waiters: VecDeque::new(),
            })),
        }
    }

    /// A one-shot reply channel: `(sender, receiver)`.
    pub fn oneshot<T>(&self) -> (Oneshot<T>, Reply<T>) {
        let id = {
            let mut st = self.st();
            st.oneshots += 1;
            st.oneshots - 1
        };
        let inner = Rc::new(RefCell::new(OneshotInner {
            value: None,
            waiter: None,
            receiver_alive: true,
        }));
        (
            Oneshot {
                inner: inner.clone(),
            },
            Reply {
                ctx: self.clone(),
                id,
                inner,
            },
        )
    }
}

/// Tokens per second expressed as the gap between tokens, for documentation and tests.
pub fn token_gap(rate_per_sec: u32) -> Time {
    SEC / rate_per_sec.max(1) as Time
}
