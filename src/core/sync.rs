//! An async counting semaphore (asyncio.Semaphore): at most `permits` holders at once; the
//! others wait without blocking their thread. Works on one event loop and across threads alike.
//! On it, an async bounded queue (asyncio.Queue), and the cancel signal.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

pub struct Semaphore {
    state: Mutex<State>,
}

struct State {
    permits: usize,
    waiters: Vec<Waker>,
}

/// A held permit; dropping it lets a waiter in.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            state: Mutex::new(State {
                permits,
                waiters: Vec::new(),
            }),
        }
    }

    /// Waits (asynchronously) for a permit.
    pub fn acquire(&self) -> impl Future<Output = Permit<'_>> {
        Acquire { semaphore: self }
    }

    pub fn available(&self) -> usize {
        self.state.lock().unwrap().permits
    }

    /// Adds a permit (one taken by a forgotten `Permit` elsewhere) and lets a waiter in.
    pub fn release(&self) {
        let waiters = {
            let mut state = self.state.lock().unwrap();
            state.permits += 1;
            std::mem::take(&mut state.waiters)
        };
        // Wake them all: whoever polls first takes the permit, the rest register again.
        for w in waiters {
            w.wake();
        }
    }
}

impl Permit<'_> {
    /// Keeps the permit taken after this: someone else gives it back with `release`.
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

/// An async bounded FIFO queue (asyncio.Queue): `put` waits while it is full, `get` while it is
/// empty, neither blocks its thread; `task_done` and `join` count the items not yet processed.
/// A `maxsize` of 0 means unbounded, as in asyncio.
pub struct AsyncQueue<T> {
    items: Mutex<std::collections::VecDeque<T>>,
    slots: Semaphore,
    filled: Semaphore,
    unfinished: Mutex<(usize, Vec<Waker>)>,
}

impl<T> AsyncQueue<T> {
    pub fn new(maxsize: usize) -> AsyncQueue<T> {
        let slots = if maxsize == 0 {
            usize::MAX / 2
        } else {
            maxsize
        };
        AsyncQueue {
            items: Mutex::new(Default::default()),
            slots: Semaphore::new(slots),
            filled: Semaphore::new(0),
            unfinished: Mutex::new((0, vec![])),
        }
    }

    pub async fn put(&self, item: T) {
        self.slots.acquire().await.forget();
        self.items.lock().unwrap().push_back(item);
        self.unfinished.lock().unwrap().0 += 1;
        self.filled.release();
    }

    pub async fn get(&self) -> T {
        self.filled.acquire().await.forget();
        let item = self
            .items
            .lock()
            .unwrap()
            .pop_front()
            .expect("a filled permit means an item");
        self.slots.release();
        item
    }

    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One item taken by `get` is processed.
    pub fn task_done(&self) {
        let waiters = {
            let mut u = self.unfinished.lock().unwrap();
            u.0 = u.0.saturating_sub(1);
            if u.0 == 0 {
                std::mem::take(&mut u.1)
            } else {
                vec![]
            }
        };
        for w in waiters {
            w.wake();
        }
    }

    /// Waits until every item put has been marked done.
    pub async fn join(&self) {
        std::future::poll_fn(|cx| {
            let mut u = self.unfinished.lock().unwrap();
            if u.0 == 0 {
                Poll::Ready(())
            } else {
                u.1.push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

struct Acquire<'a> {
    semaphore: &'a Semaphore,
}

impl<'a> Future for Acquire<'a> {
    type Output = Permit<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let mut state = self.semaphore.state.lock().unwrap();
        if state.permits > 0 {
            state.permits -= 1;
            Poll::Ready(Permit {
                semaphore: self.semaphore,
            })
        } else {
            state.waiters.push(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}

/// Resolves when the user cancels the run; a dropped sender means "never".
pub type CancelSignal =
    futures::future::Shared<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>;

/// A cancel switch: fire the sender to resolve the signal (which any number of tasks may race).
pub fn cancel_signal() -> (futures::channel::oneshot::Sender<()>, CancelSignal) {
    use futures::FutureExt;
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let signal: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> =
        Box::pin(async move {
            if rx.await.is_err() {
                futures::future::pending::<()>().await;
            }
        });
    (tx, signal.shared())
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::future::join_all;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Gives the other futures of the executor a turn (core has no clock to sleep on).
    async fn yield_once() {
        let mut yielded = false;
        std::future::poll_fn(move |cx| {
            if yielded {
                return std::task::Poll::Ready(());
            }
            yielded = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        })
        .await
    }

    #[test]
    fn never_more_holders_than_permits() {
        let sem = Semaphore::new(2);
        let (inside, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        block_on(join_all((0..6).map(|_| async {
            let _permit = sem.acquire().await;
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            yield_once().await; // the others try to get in meanwhile
            yield_once().await;
            inside.fetch_sub(1, Ordering::SeqCst);
        })));
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "two held it at once, never three"
        );
        assert_eq!(sem.available(), 2);
    }

    #[test]
    fn the_queue_keeps_order_never_overfills_and_join_waits_for_task_done() {
        let q = AsyncQueue::new(2);
        let (most, joined) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let producer = async {
            for i in 0..6 {
                q.put(i).await;
                most.fetch_max(q.len(), Ordering::SeqCst);
            }
        };
        let consumer = async {
            let mut got = vec![];
            for _ in 0..6 {
                yield_once().await; // slower than the producer: the queue fills
                got.push(q.get().await);
                assert_eq!(
                    joined.load(Ordering::SeqCst),
                    0,
                    "join waits while items are not done"
                );
                q.task_done();
            }
            got
        };
        let join = async {
            yield_once().await;
            q.join().await;
            joined.store(1, Ordering::SeqCst);
        };
        let ((), got, ()) = block_on(async { futures::join!(producer, consumer, join) });
        assert_eq!(got, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(most.load(Ordering::SeqCst), 2, "never more than maxsize");
        assert_eq!(joined.load(Ordering::SeqCst), 1);
    }
}
