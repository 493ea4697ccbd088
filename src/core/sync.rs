//! An async counting semaphore (asyncio.Semaphore): at most `permits` holders at once; the
//! others wait without blocking their thread. Works on one event loop and across threads alike.

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
        Semaphore { state: Mutex::new(State { permits, waiters: Vec::new() }) }
    }

    /// Waits (asynchronously) for a permit.
    pub fn acquire(&self) -> impl Future<Output = Permit<'_>> {
        Acquire { semaphore: self }
    }

    pub fn available(&self) -> usize {
        self.state.lock().unwrap().permits
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
            Poll::Ready(Permit { semaphore: self.semaphore })
        } else {
            state.waiters.push(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut state = self.semaphore.state.lock().unwrap();
            state.permits += 1;
            std::mem::take(&mut state.waiters)
        };
        // Wake them all: whoever polls first takes the permit, the rest register again.
        for w in waiters {
            w.wake();
        }
    }
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
        assert_eq!(most.load(Ordering::SeqCst), 2, "two held it at once, never three");
        assert_eq!(sem.available(), 2);
    }
}

/// Resolves when the user cancels the run; a dropped sender means "never".
pub type CancelSignal = futures::future::Shared<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>;

/// A cancel switch: fire the sender to resolve the signal (which any number of tasks may race).
pub fn cancel_signal() -> (futures::channel::oneshot::Sender<()>, CancelSignal) {
    use futures::FutureExt;
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let signal: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> = Box::pin(async move {
        if rx.await.is_err() {
            futures::future::pending::<()>().await;
        }
    });
    (tx, signal.shared())
}
