//! Sending a job to the worker pool and awaiting its result without blocking the caller.
//!
//! The same code serves both targets: rayon runs the job on a pool thread (a std thread natively,
//! a Web Worker in the browser) and a oneshot channel carries the answer back to a future.
//!
//! A panic in a job is reported, not hung on: in the browser panics abort (the worker traps and
//! never drops its sender), so a panic hook records the message and wakes every pending offload.

use futures::channel::oneshot;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::task::{Context, Poll, Waker};

/// Waiters woken by the panic hook, and the panics seen so far (generation-counted so each
/// offload only reports panics that happened while it was pending).
static PANICS: Mutex<PanicLog> = Mutex::new(PanicLog {
    count: 0,
    last: String::new(),
    waiters: Vec::new(),
});

struct PanicLog {
    count: usize,
    last: String,
    waiters: Vec<Waker>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffloadError {
    /// There is no worker pool (the page is not cross-origin isolated, or it did not start).
    NoThreads(String),
    /// A job on the pool panicked; in the browser that worker is gone until the page reloads.
    Panicked(String),
}

impl std::fmt::Display for OffloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OffloadError::NoThreads(why) => write!(f, "no worker threads: {why}"),
            OffloadError::Panicked(msg) => write!(f, "a worker thread panicked: {msg}"),
        }
    }
}

/// Jobs handed to threads that have not finished. Dropping a future stops nothing a thread
/// already runs, so a page that is left mid-run can leave some behind: the next run waits for
/// them (`settled`) instead of finding its threads taken.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// How many jobs are on threads now.
pub fn jobs_in_flight() -> usize {
    IN_FLIGHT.load(Ordering::SeqCst)
}

/// Resolves when no job is left on a thread (or after `LIMIT_MS`, so a job that never ends
/// cannot keep a page from running again). Never blocks: it polls on the event loop's timer.
pub async fn settled() {
    const LIMIT_MS: f64 = 60_000.0;
    let start = super::now_ms();
    while jobs_in_flight() > 0 && super::now_ms() - start < LIMIT_MS {
        super::sleep_ms(10.0).await;
    }
}

/// Counts a job out when it ends, by return or by unwinding.
struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        IN_JOB.with(|j| j.set(false));
    }
}

thread_local! {
    /// True on a thread while it runs a counted job: a browser panic aborts the job without
    /// unwinding, so the panic hook counts it out instead.
    static IN_JOB: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static PANICS_CONTAINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the calling thread as one whose panics are contained where they happen (the native
/// twin of a process, which catches its own): the pool's panic log ignores them.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // browser processes are instances of their own
pub(crate) fn contain_panics_on_this_thread() {
    install_panic_hook();
    PANICS_CONTAINED.with(|c| c.set(true));
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if PANICS_CONTAINED.with(|c| c.get()) {
                // A native "process" crashing: its own business, not the pool's. One line, like
                // a child's stderr (a backtrace would take a debug build seconds to print).
                eprintln!("a process panicked: {info}");
                return;
            }
            previous(info);
            if super::platform::PANICS_ABORT && IN_JOB.with(|j| j.replace(false)) {
                IN_FLIGHT.fetch_sub(1, Ordering::SeqCst); // this job will never return
            }
            super::platform::report_panic(&info.to_string());
            let message = match info.payload().downcast_ref::<&str>() {
                Some(s) => s.to_string(),
                None => info
                    .payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_default(),
            };
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            // try_lock: a panic while the log is held must not deadlock the hook.
            if let Ok(mut log) = PANICS.try_lock() {
                log.count += 1;
                log.last = format!("{message}{place}");
                for waker in log.waiters.drain(..) {
                    waker.wake();
                }
            }
        }));
    });
}

/// Runs `job` on a pool thread and resolves to its result. Never blocks the caller.
pub fn offload<R, F>(job: F) -> impl Future<Output = Result<R, OffloadError>>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let available = super::platform::compute_threads() > 0;
    run_on(rayon::spawn, available, job)
}

/// Runs `job(0)`, …, `job(n - 1)` on `n` threads at the same time (threading.Thread start, then
/// join) and resolves to their results in order. Unlike `offload`, each job may block (on a lock,
/// a condition, a sleep) without holding up the others: natively each is a std thread, in the
/// browser a lane of its own, so `n` may not exceed `engine::max_threads()`. The jobs start at
/// once where the lanes are up; in the browser before they are, once they are (the first run
/// then waits for them instead of failing).
pub fn on_threads<R, F>(n: usize, job: F) -> impl Future<Output = Result<Vec<R>, OffloadError>>
where
    R: Send + 'static,
    F: Fn(usize) -> R + Send + Sync + 'static,
{
    let job = std::sync::Arc::new(job);
    let start = move |max: usize| -> Option<Vec<Offloaded<R>>> {
        (n <= max).then(|| {
            (0..n)
                .map(|i| {
                    let job = std::sync::Arc::clone(&job);
                    run_on(super::platform::spawn_thread, true, move || job(i))
                })
                .collect()
        })
    };
    let now = super::platform::lanes_now().map(|max| (max, start(max)));
    async move {
        let (max, started) = match now {
            Some(started) => started,
            None => {
                let max = super::platform::start_lanes().await.unwrap_or(0);
                (max, start(max))
            }
        };
        match started {
            Some(threads) => futures::future::try_join_all(threads).await,
            None if max == 0 => Err(OffloadError::NoThreads(
                "the worker threads are not running on this page".into(),
            )),
            None => Err(OffloadError::NoThreads(format!(
                "{n} threads were asked for and this page has {max}"
            ))),
        }
    }
}

/// Starts `job` with `spawn` (when `available`) and returns the future of its answer.
fn run_on<R, F>(
    spawn: impl FnOnce(Box<dyn FnOnce() + Send>),
    available: bool,
    job: F,
) -> Offloaded<R>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    install_panic_hook();
    // Read without waiting: the caller may be the browser's main thread, which must never
    // block on a lock (a contended std Mutex there would trap in Atomics.wait). If a worker holds
    // the log this instant, it is recording a panic: count it as already seen.
    let panics_before = PANICS.try_lock().map(|l| l.count).unwrap_or(usize::MAX);
    let receiver = available.then(|| {
        let (tx, rx) = oneshot::channel();
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        spawn(Box::new(move || {
            IN_JOB.with(|j| j.set(true));
            let counted = InFlight;
            let answer = job();
            drop(counted); // counted out before the answer wakes anyone
            let _ = tx.send(answer);
        }));
        rx
    });
    Offloaded {
        receiver,
        panics_before,
    }
}

struct Offloaded<R> {
    receiver: Option<oneshot::Receiver<R>>,
    panics_before: usize,
}

impl<R> Future for Offloaded<R> {
    type Output = Result<R, OffloadError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let panics_before = self.panics_before;
        let Some(rx) = self.receiver.as_mut() else {
            return Poll::Ready(Err(OffloadError::NoThreads(
                "the worker pool is not running on this page".into(),
            )));
        };
        match Pin::new(rx).poll(cx) {
            Poll::Ready(Ok(value)) => return Poll::Ready(Ok(value)),
            // Sender dropped without sending: the job unwound (native panics unwind).
            Poll::Ready(Err(_)) => {
                let last = PANICS
                    .try_lock()
                    .map(|l| l.last.clone())
                    .unwrap_or_default();
                return Poll::Ready(Err(OffloadError::Panicked(last)));
            }
            Poll::Pending => {}
        }
        if !super::platform::PANICS_ABORT {
            return Poll::Pending; // an unwinding job drops its sender: the branch above saw it
        }
        // Never wait for the lock here (see `offload`): if it is busy, poll again next turn.
        let Ok(mut log) = PANICS.try_lock() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        if panics_before != usize::MAX && log.count > panics_before {
            return Poll::Ready(Err(OffloadError::Panicked(log.last.clone())));
        }
        log.waiters.push(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn jobs_left_by_a_dropped_run_are_waited_for() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let run = on_threads(2, move |i| {
            std::thread::sleep(std::time::Duration::from_millis(150));
            if i == 1 {
                flag.store(true, Ordering::SeqCst);
            }
        });
        drop(run); // the page was left: the threads go on
        assert!(jobs_in_flight() >= 2);
        futures::executor::block_on(settled());
        assert!(
            done.load(Ordering::SeqCst),
            "settled before the dropped run's threads ended"
        );
    }
}
