//! The engine: the one place where the playground meets its platform.
//!
//! Demo logic is written once against this small API and runs unchanged on both targets:
//!
//! | need                      | native (tests, benchmark)          | browser (wasm32)                              |
//! |---------------------------|------------------------------------|-----------------------------------------------|
//! | one clock for all threads | `Instant` since a process epoch    | `performance.timeOrigin + performance.now()`  |
//! | an I/O-like wait          | a timer thread wakes the future    | `setTimeout` resolves a promise               |
//! | a real HTTP request       | a GET over a loopback socket       | the browser's `fetch`                         |
//! | an isolated "process"     | a thread that owns its state       | a Worker with its own wasm instance and memory |
//! | a separate program        | a child process (`sh`)             | a Worker running `www/subprocess.js`          |
//! | worker threads            | rayon's std-thread pool            | wasm-bindgen-rayon's Web Workers, one memory  |
//!
//! The `cfg` below is the only platform switch in the crate's logic. Work sent to the pool is
//! awaited through a oneshot channel, so the caller (the browser's main thread) never blocks.

#[cfg_attr(target_arch = "wasm32", path = "web.rs")]
#[cfg_attr(not(target_arch = "wasm32"), path = "native.rs")]
mod platform;

mod offload;
#[cfg_attr(target_arch = "wasm32", allow(unused_imports))]
pub(crate) use offload::contain_panics_on_this_thread;

pub use offload::{offload, on_threads, OffloadError};
pub use platform::{
    cross_origin_isolated, fetch, Child, Process, hardware_concurrency, init_threads, now_ms, sleep_ms, spawn, yield_now,
};

/// Why a process could not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcessError {
    /// It could not be started here.
    Unavailable(String),
    /// It died (crashed, was terminated) before answering.
    Died(String),
    /// It did not answer in time, and was terminated.
    TimedOut,
}

impl std::fmt::Display for ProcessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProcessError::Unavailable(why) => write!(f, "no process could start: {why}"),
            ProcessError::Died(why) => write!(f, "the process died: {why}"),
            ProcessError::TimedOut => write!(f, "the process did not answer in time"),
        }
    }
}

/// Sends `request` and waits at most `timeout_ms` for the answer. A process that takes longer
/// is terminated (in the browser at once, whatever it is doing; natively its thread stops
/// after the request in hand, since a thread cannot be killed).
pub async fn call_within(process: &Process, request: &[u8], timeout_ms: f64) -> Result<Vec<u8>, ProcessError> {
    use futures::future::{select, Either};
    let call = std::pin::pin!(process.call(request, false));
    let timer = std::pin::pin!(sleep_ms(timeout_ms));
    match select(call, timer).await {
        Either::Left((reply, _)) => reply,
        Either::Right(_) => {
            process.terminate();
            Err(ProcessError::TimedOut)
        }
    }
}

/// What a separate program (`Child`) says, in order; `Exited` is always the last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChildEvent {
    Stdout(String),
    Stderr(String),
    Exited(ExitStatus),
}

/// How a separate program ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// It exited with this status (0: success).
    Code(i32),
    /// It crashed (an uncaught error, a fatal signal).
    Crashed(String),
    /// It was terminated from outside (a timeout).
    Killed,
}

/// What a request brought back: its HTTP status and the size of its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub status: u16,
    pub bytes: usize,
}

/// The worker thread running the caller, as an index into the pool (None off the pool).
pub fn worker_index() -> Option<usize> {
    rayon::current_thread_index()
}

/// Computes (holds the CPU) for `ms` milliseconds: a short step of real work on whatever thread
/// calls it. On the event loop nothing else can run meanwhile.
pub fn busy_for(ms: f64) -> u64 {
    let start = now_ms();
    let mut found = 0;
    let mut n = 1_000_001;
    while now_ms() - start < ms {
        found += crate::core::workload::is_prime(std::hint::black_box(n)) as u64;
        n += 2;
    }
    found
}

/// How many threads `on_threads` can start at once.
pub fn max_threads() -> usize {
    platform::max_threads()
}

/// Sleeps the calling thread (an I/O-like wait that blocks it). Only on worker threads: on the
/// event loop it would freeze the page, so loop code awaits `sleep_ms` instead.
pub fn block_for(ms: f64) {
    std::thread::sleep(std::time::Duration::from_secs_f64(ms.max(0.0) / 1000.0));
}

/// Threads in the worker pool, or 0 while it is not running (browser without isolation,
/// or before start-up finished).
pub fn pool_threads() -> usize {
    platform::pool_threads()
}
