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
//! | memory processes share    | an array of atomics                | a SharedArrayBuffer posted to each process    |
//! | a separate program        | a child process (`sh`)             | a Worker running `www/subprocess.js`          |
//! | threads that compute      | rayon's std-thread pool            | rayon on Web Workers sharing one memory       |
//! | threads that may block    | a std thread per job               | a lane each: a Web Worker of the same memory  |
//!
//! The `cfg` below is the only platform switch in the crate's logic. Work sent to the pool is
//! awaited through a oneshot channel, so the caller (the browser's main thread) never blocks.

use crate::core::trace::{Lane, Span, SpanKind};

#[cfg_attr(target_arch = "wasm32", path = "web.rs")]
#[cfg_attr(not(target_arch = "wasm32"), path = "native.rs")]
mod platform;

mod heap;
mod offload;
mod serve;
#[cfg_attr(target_arch = "wasm32", allow(unused_imports))]
pub(crate) use offload::contain_panics_on_this_thread;

pub use heap::heap_in_use;
pub use offload::{OffloadError, jobs_in_flight, offload, on_threads, settled};
pub use platform::{
    Child, Process, SharedBlock, after_paint, cross_origin_isolated, fetch, hardware_concurrency,
    init_threads, instance_memory_bytes, lanes_now, lanes_trouble, load_pages, mark, now_ms,
    pool_memory, sleep_ms, spawn, start_lanes, yield_now,
};

/// What starting the worker pool took from this instance's memory: each thread's stack and
/// thread-locals come out of the one shared memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolMemory {
    /// The wasm threads started with the pool, each with a stack: its workers, and in the
    /// browser the one worker that started them.
    pub threads: usize,
    /// Heap bytes allocated while the pool started (`heap_in_use` after minus before).
    pub heap_bytes: usize,
    /// How much the instance's memory grew meanwhile.
    pub memory_bytes: usize,
}

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
pub async fn call_within(
    process: &Process,
    request: &[u8],
    timeout_ms: f64,
) -> Result<Vec<u8>, ProcessError> {
    use futures::future::{Either, select};
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

/// Lets the other tasks ready on this thread run before the caller goes on (a wake-up and one
/// `Pending`), without giving the browser's loop a turn: no timer, no repaint, no input between.
pub fn pass() -> impl std::future::Future<Output = ()> {
    let mut passed = false;
    std::future::poll_fn(move |cx| {
        if passed {
            std::task::Poll::Ready(())
        } else {
            passed = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
}

/// The worker thread running the caller, as an index into the pool (None off the pool).
pub fn worker_index() -> Option<usize> {
    rayon::current_thread_index()
}

/// The lane of the calling thread: its pool worker, or `thread` (the demo's own number) when it
/// runs off the pool (natively `on_threads` starts threads of its own).
pub fn lane(thread: usize) -> Lane {
    Lane::Worker(worker_index().unwrap_or(thread))
}

// `Span` is plain data in `core`, which has no clock; the engine has one, so the constructor
// that ends a span now lives here (an inherent impl may sit anywhere in the defining crate).
impl Span {
    /// A span from `start` to now.
    pub fn since(
        task: usize,
        lane: Lane,
        label: impl Into<String>,
        kind: SpanKind,
        start: f64,
    ) -> Span {
        Span {
            task,
            lane,
            label: label.into(),
            kind,
            start,
            end: now_ms(),
        }
    }
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

/// How closely two threads' readings of `now_ms` agree. Natively one clock serves all; in the
/// browser each worker adds its own `timeOrigin`, and those agree to about a tenth of a
/// millisecond, so a lock handed from one worker to the next can seem to overlap by that much.
pub const CLOCK_AGREEMENT_MS: f64 = if cfg!(target_arch = "wasm32") {
    0.1
} else {
    0.0
};

/// How many threads `on_threads` can start at once.
pub fn max_threads() -> usize {
    platform::max_threads()
}

/// Sleeps the calling thread (an I/O-like wait that blocks it). Only on worker threads: on the
/// event loop it would freeze the page, so loop code awaits `sleep_ms` instead.
pub fn block_for(ms: f64) {
    std::thread::sleep(std::time::Duration::from_secs_f64(ms.max(0.0) / 1000.0));
}

/// Who is told of a panic on the main thread, where it ends the whole app (in the browser
/// panics abort). Set once by the app; the engine itself knows no page.
static FATAL: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Sets the function told of a fatal panic (the app shows a banner).
pub fn on_fatal_panic(tell: fn(&str)) {
    let _ = FATAL.set(tell);
}

/// Worker threads alive, of both kinds (`compute_threads` and `lane_threads`), or 0 while none
/// runs (browser without isolation, or before start-up finished).
pub fn pool_threads() -> usize {
    platform::pool_threads()
}

/// Threads of the pool that computes (`offload`): one per core in the browser.
pub fn compute_threads() -> usize {
    platform::compute_threads()
}

/// Standing threads for jobs that may block (`on_threads`): the browser's lanes, started with
/// the page; natively none stand by (each such job starts a std thread of its own).
pub fn lane_threads() -> usize {
    platform::lane_threads()
}

// A page's run is a `Result<T, String>`: `?` on an engine error says it in the page's words.
impl From<OffloadError> for String {
    fn from(e: OffloadError) -> String {
        e.to_string()
    }
}

impl From<ProcessError> for String {
    fn from(e: ProcessError) -> String {
        e.to_string()
    }
}
