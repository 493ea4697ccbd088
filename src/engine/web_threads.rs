//! The browser's threads: wasm threads of the page's one memory, each in a Web Worker.
//!
//! Two kinds, because jobs are of two kinds:
//! - **The compute pool**: wasm-bindgen-rayon's pool, one worker per core. CPU work (`offload`)
//!   goes there; more workers than cores would only share the cores, and every one of them is a
//!   worker to load before the pool is ready (16 took 0.45-0.97 s on 2 cores; 2 are quick).
//! - **Lanes**: one worker per job that may block (`on_threads`): a thread that waits on a lock,
//!   a timer or a queue needs a thread of its own however few the cores, or 8 waiting threads run
//!   4 at a time and the figure is about the pool. 16 of them (the thread demos' knobs stop at
//!   16), started after the compute pool, in the background. An idle lane sleeps in
//!   `memory.atomic.wait`: it costs a stack and a JS heap, no CPU.
//!
//! Neither is started by the page itself: starting the rayon pool locks a std mutex that a woken
//! worker may hold, and on the page a contended lock is `Atomics.wait`, which throws there
//! ("Atomics.wait cannot be called in this context", wasm-bindgen-rayon issue #36): the pool
//! would be gone for good. So a worker of its own starts it (`thread_worker.js`). The page hands
//! jobs to the lanes without any lock: a lock-free queue and a futex word it only notifies.

use super::glue_url;
use crate::engine::PoolMemory;
use crossbeam_deque::{Injector, Steal};
use std::sync::atomic::{AtomicI32, AtomicU8, AtomicUsize, Ordering};
use std::sync::OnceLock;
use wasm_bindgen::prelude::*;

/// Workers in the compute pool (0 until it has started).
static COMPUTE: AtomicUsize = AtomicUsize::new(0);

/// The lanes: how many a page starts, how many are alive (a job that panics takes its lane with
/// it: panics abort), and whether they were asked for yet.
const LANES: usize = 16;
static LANES_ALIVE: AtomicUsize = AtomicUsize::new(0);
static LANES_STATE: AtomicU8 = AtomicU8::new(NOT_ASKED);
const NOT_ASKED: u8 = 0;
const STARTING: u8 = 1;
const SETTLED: u8 = 2;

/// Jobs waiting for a lane, and the word idle lanes sleep on: bumped after every push, so a lane
/// that read it before finding the queue empty cannot sleep through the job (an event count).
type Job = Box<dyn FnOnce() + Send>;
static JOBS: OnceLock<Injector<Job>> = OnceLock::new();
static WAKE: AtomicI32 = AtomicI32::new(0);

thread_local! {
    static IS_LANE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

static COMPUTE_MEMORY: OnceLock<PoolMemory> = OnceLock::new();
static LANES_MEMORY: OnceLock<PoolMemory> = OnceLock::new();

/// What starting the threads took from the shared memory: the compute pool and its starter, and
/// the lanes once they are up (None before the compute pool has started).
pub fn pool_memory() -> Option<PoolMemory> {
    let compute = *COMPUTE_MEMORY.get()?;
    Some(match LANES_MEMORY.get() {
        Some(l) => PoolMemory {
            threads: compute.threads + l.threads,
            heap_bytes: compute.heap_bytes + l.heap_bytes,
            memory_bytes: compute.memory_bytes + l.memory_bytes,
        },
        None => compute,
    })
}

/// Workers of the compute pool (what `offload` needs).
pub fn compute_threads() -> usize {
    COMPUTE.load(Ordering::Relaxed)
}

/// Lanes alive.
pub fn lane_threads() -> usize {
    LANES_ALIVE.load(Ordering::Relaxed)
}

/// Every worker thread alive: the compute pool and the lanes.
pub fn pool_threads() -> usize {
    compute_threads() + lane_threads()
}

/// Jobs that may block each need a lane: no more at once than there are (before the lanes have
/// started, as many as will be: `on_threads` waits for them).
pub fn max_threads() -> usize {
    match LANES_STATE.load(Ordering::SeqCst) {
        SETTLED => LANES_ALIVE.load(Ordering::Relaxed),
        _ => LANES,
    }
}

/// A job that may block goes to the lanes' queue; an idle lane takes it.
pub fn spawn_thread(job: Job) {
    JOBS.get_or_init(Injector::new).push(job);
    WAKE.fetch_add(1, Ordering::SeqCst);
    // Notifying is allowed on the page (only waiting is not).
    unsafe { core::arch::wasm32::memory_atomic_notify(WAKE.as_ptr() as *mut i32, 1) };
}

/// Called by a lane's worker (`thread_worker.js`), never by the page: takes jobs for good.
#[wasm_bindgen]
pub fn lane_run() {
    IS_LANE.with(|l| l.set(true));
    let jobs = JOBS.get().expect("the page makes the queue before it starts a lane");
    loop {
        let seen = WAKE.load(Ordering::SeqCst);
        match jobs.steal() {
            Steal::Success(job) => job(),
            Steal::Retry => {}
            // Sleeps unless a job was pushed since `seen` was read.
            Steal::Empty => unsafe {
                core::arch::wasm32::memory_atomic_wait32(WAKE.as_ptr(), seen, -1);
            },
        }
    }
}

/// A panic aborts the thread it happens on: count it out of whichever kind it was.
pub fn count_out_this_thread() {
    let drop_one = |n: &AtomicUsize| {
        let _ = n.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    };
    if IS_LANE.with(|l| l.get()) {
        drop_one(&LANES_ALIVE);
    } else if rayon::current_thread_index().is_some() {
        drop_one(&COMPUTE);
    }
}

/// Starts the compute pool once per page load. Without cross-origin isolation there is no shared
/// memory, so this says why instead of failing somewhere deep in the pool.
pub async fn init_threads(threads: usize) -> Result<usize, String> {
    if compute_threads() > 0 {
        return Ok(compute_threads());
    }
    isolated()?;
    let before = Taken::now();
    start_thread_worker(vec![("threads", threads.into())]).await.map_err(|e| format!("the worker pool did not start: {e}"))?;
    let _ = COMPUTE_MEMORY.set(before.since(threads + 1)); // and the starter, whose stack is in the same memory
    COMPUTE.store(threads, Ordering::Relaxed);
    Ok(threads)
}

/// Starts the lanes (once; later callers wait for that start) and resolves to how many are
/// alive, or why there are none.
pub async fn start_lanes() -> Result<usize, String> {
    if LANES_STATE.compare_exchange(NOT_ASKED, STARTING, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
        if isolated().is_ok() {
            JOBS.get_or_init(Injector::new); // made here, by the page, before any lane reads it
            let before = Taken::now();
            let lanes = (0..LANES).map(|_| start_thread_worker(vec![("lane", true.into())]));
            let up = futures::future::join_all(lanes).await.into_iter().filter(Result::is_ok).count();
            let _ = LANES_MEMORY.set(before.since(up));
            LANES_ALIVE.store(up, Ordering::Relaxed);
        }
        LANES_STATE.store(SETTLED, Ordering::SeqCst);
    }
    while LANES_STATE.load(Ordering::SeqCst) != SETTLED {
        super::sleep_ms(10.0).await;
    }
    match LANES_ALIVE.load(Ordering::Relaxed) {
        0 => Err(isolated().err().unwrap_or_else(|| "no thread for waiting jobs started".into())),
        n => Ok(n),
    }
}

/// The lanes' count if they have started (the caller may hand them jobs now).
pub fn lanes_now() -> Option<usize> {
    (LANES_STATE.load(Ordering::SeqCst) == SETTLED).then(max_threads)
}

fn isolated() -> Result<(), String> {
    if super::cross_origin_isolated() {
        Ok(())
    } else {
        Err("the page is not cross-origin isolated (it needs the COOP and COEP headers), \
             so threads cannot share memory here"
            .into())
    }
}

/// The heap in use and the memory's size at one moment, to tell what a start took.
struct Taken {
    heap: usize,
    memory: usize,
}

impl Taken {
    fn now() -> Taken {
        Taken { heap: crate::engine::heap_in_use(), memory: super::instance_memory_bytes() }
    }

    fn since(self, threads: usize) -> PoolMemory {
        PoolMemory {
            threads,
            heap_bytes: crate::engine::heap_in_use().saturating_sub(self.heap),
            memory_bytes: super::instance_memory_bytes().saturating_sub(self.memory),
        }
    }
}

/// Called by the pool's starter in its worker (`thread_worker.js`), never by the page.
#[wasm_bindgen]
pub fn pool_start(threads: usize) -> js_sys::Promise {
    wasm_bindgen_rayon::init_thread_pool(threads)
}

thread_local! {
    /// The blob URL of `thread_worker.js` (one per page load: every thread worker starts from it).
    static WORKER_URL: Result<String, String> = worker_url();
}

fn worker_url() -> Result<String, String> {
    let js = |e: JsValue| format!("{e:?}");
    let props = web_sys::BlobPropertyBag::new();
    props.set_type("text/javascript");
    let source = js_sys::Array::of1(&include_str!("thread_worker.js").into());
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&source, &props).map_err(js)?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(js)
}

/// Starts one thread worker that joins this memory with `fields` added to its first message,
/// and resolves once it says it is ready (or why it is not). The worker lives as long as the
/// page: its handle and callbacks are kept for good (a few per page load).
async fn start_thread_worker(fields: Vec<(&'static str, JsValue)>) -> Result<(), String> {
    let js = |e: JsValue| format!("{e:?}");
    let url = WORKER_URL.with(Clone::clone)?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &options).map_err(js)?;
    let (tx, rx) = futures::channel::oneshot::channel::<Result<(), String>>();
    let tx = std::rc::Rc::new(std::cell::RefCell::new(Some(tx)));
    let answer = tx.clone();
    // Only the first message counts: a lane whose job panicked later says so too, and by then
    // the panic hook has counted it out.
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let error = js_sys::Reflect::get(&event.data(), &"error".into()).ok().and_then(|e| e.as_string());
        if let Some(tx) = answer.borrow_mut().take() {
            let _ = tx.send(error.map_or(Ok(()), Err));
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
        event.prevent_default();
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(Err(format!("its worker failed: {}", event.message())));
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"glue".into(), &glue_url().into());
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    let _ = js_sys::Reflect::set(&init, &"memory".into(), &wasm_bindgen::memory());
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&init, &key.into(), &value);
    }
    worker.post_message(&init).map_err(js)?;
    let answer = rx.await.unwrap_or_else(|_| Err("its worker never answered".into()));
    std::mem::forget((worker, on_message, on_error));
    answer
}
