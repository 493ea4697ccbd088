//! The browser's threads: wasm threads of the page's one memory, each in a Web Worker.
//!
//! Two kinds, because jobs are of two kinds:
//! - **The compute pool**: a rayon pool of one worker per core. CPU work (`offload`) goes there;
//!   more workers than cores would only share the cores, and every one of them is a worker to
//!   load before the pool is ready.
//! - **Lanes**: one worker per job that may block (`on_threads`): a thread that waits on a lock,
//!   a timer or a queue needs a thread of its own however few the cores, or 8 waiting threads run
//!   4 at a time and the figure is about the pool. 16 of them (the thread demos' knobs stop at
//!   16), started after the compute pool, in the background, two at a time (each new worker
//!   costs the page's own thread 5-19 ms). An idle lane sleeps in
//!   `memory.atomic.wait`: it costs a stack and a JS heap, no CPU.
//!
//! Every thread is a `thread_worker.js` that joins the page's memory and then takes jobs from a
//! queue of its kind for good. The page only pushes to a queue (lock-free) and notifies a futex
//! word: it never waits, for a contended lock on the page is `Atomics.wait`, which throws there
//! ("Atomics.wait cannot be called in this context", wasm-bindgen-rayon issue #36).
//!
//! The rayon pool is built here, not by wasm-bindgen-rayon's `init_thread_pool`: that one is
//! called from a worker of its own (the page may not wait for the build), which loads only then
//! and only then starts the pool's workers, one load after another (~330 ms after the wasm
//! started, on 2 cores). Here the page starts every worker of the pool at once, as it
//! starts, and queues the build as their first job: one worker builds the pool and waits until
//! its threads run (a worker may wait), each other worker becomes one of those threads.

use super::glue_url;
use crate::engine::PoolMemory;
use crossbeam_deque::{Injector, Steal};
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, AtomicU8, AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;

/// Workers in the compute pool (0 until it has started), whether it was asked for yet, and why
/// it did not start (read by the page only).
static COMPUTE: AtomicUsize = AtomicUsize::new(0);
static COMPUTE_STATE: AtomicU8 = AtomicU8::new(NOT_ASKED);
thread_local! {
    static COMPUTE_FAILED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The lanes: how many a page starts, how many are alive (a job that panics takes its lane with
/// it: panics abort), and whether they were asked for yet.
const LANES: usize = 16;
/// Lanes starting at one time.
const LANES_AT_ONCE: usize = 2;
static LANES_ALIVE: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    /// Why lanes did not start (the page only; empty when all did).
    static LANES_TROUBLE: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}
/// How long a thread worker may take to say it is ready before the page asks it where it is and
/// gives up on it: starts take 20-400 ms on 2 cores, so only a worker that hangs reaches it (one
/// lane of Firefox's did, once in CI, and held the status line at "more starting" for good).
const PATIENCE_MS: f64 = 15_000.0;
static LANES_STATE: AtomicU8 = AtomicU8::new(NOT_ASKED);
const NOT_ASKED: u8 = 0;
const STARTING: u8 = 1;
const SETTLED: u8 = 2;

type Job = Box<dyn FnOnce() + Send>;

/// Jobs waiting for a thread of one kind, and the word its idle threads sleep on: bumped after
/// every push, so a thread that read it before finding the queue empty cannot sleep through the
/// job (an event count). Made by the page before it starts a thread that reads it.
struct Queue {
    jobs: Injector<Job>,
    wake: AtomicI32,
}

static COMPUTE_JOBS: OnceLock<Queue> = OnceLock::new();
static LANE_JOBS: OnceLock<Queue> = OnceLock::new();

impl Queue {
    fn of(compute: bool) -> &'static OnceLock<Queue> {
        if compute { &COMPUTE_JOBS } else { &LANE_JOBS }
    }

    /// The page's way in: makes the queue if need be.
    fn made(compute: bool) -> &'static Queue {
        Queue::of(compute).get_or_init(|| Queue {
            jobs: Injector::new(),
            wake: AtomicI32::new(0),
        })
    }

    fn push(&self, job: Job) {
        self.jobs.push(job);
        self.wake.fetch_add(1, Ordering::SeqCst);
        // Notifying is allowed on the page (only waiting is not).
        unsafe { core::arch::wasm32::memory_atomic_notify(self.wake.as_ptr(), 1) };
    }

    /// A thread's life: take jobs for good, sleeping while there are none.
    fn serve(&self) -> ! {
        loop {
            let seen = self.wake.load(Ordering::SeqCst);
            match self.jobs.steal() {
                Steal::Success(job) => job(),
                Steal::Retry => {}
                // Sleeps unless a job was pushed since `seen` was read.
                Steal::Empty => unsafe {
                    core::arch::wasm32::memory_atomic_wait32(self.wake.as_ptr(), seen, -1);
                },
            }
        }
    }
}

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
    Queue::made(false).push(job);
}

/// Called by a thread's worker (`thread_worker.js`), never by the page: takes jobs of its kind
/// for good (unless a job panics: panics abort, and the page has then counted the thread out).
#[wasm_bindgen]
pub fn thread_run(compute: bool) {
    IS_LANE.with(|l| l.set(!compute));
    Queue::of(compute)
        .get()
        .expect("the page makes the queue before it starts a thread")
        .serve()
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

/// Starts the compute pool once per page load: `threads` rayon workers. The workers are started
/// in this call, before its future is first polled, so call it as early as the page can; the
/// future resolves once the pool runs (later callers wait for that start), or says why it does
/// not. Without cross-origin isolation there is no shared memory: it says so.
pub fn init_threads(threads: usize) -> impl Future<Output = Result<usize, String>> {
    let first = COMPUTE_STATE
        .compare_exchange(NOT_ASKED, STARTING, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok();
    let start = first.then(|| isolated().map(|()| (Taken::now(), start_compute(threads))));
    async move {
        if let Some(start) = start {
            let built = match start {
                Ok((before, built)) => built.await.map(|()| before),
                Err(why) => Err(why),
            };
            match built {
                Ok(before) => {
                    // The builder is a thread too, whose stack is in the same memory.
                    let _ = COMPUTE_MEMORY.set(before.since(threads + 1));
                    COMPUTE.store(threads, Ordering::Relaxed);
                }
                Err(why) => COMPUTE_FAILED.with(|f| *f.borrow_mut() = why),
            }
            COMPUTE_STATE.store(SETTLED, Ordering::SeqCst);
        }
        settled(&COMPUTE_STATE).await;
        match compute_threads() {
            0 => Err(COMPUTE_FAILED.with(|f| f.borrow().clone())),
            n => Ok(n),
        }
    }
}

/// Starts `threads + 1` workers at once and queues the pool's build as their first job: the
/// worker that takes it builds the pool (waiting until every rayon thread runs, which a worker
/// may do) and then idles; each other worker takes one rayon thread's life. Resolves once the
/// pool is built, or when a worker fails to start (the build would wait for it forever).
fn start_compute(threads: usize) -> impl Future<Output = Result<(), String>> {
    let queue = Queue::made(true);
    let workers = futures::future::try_join_all((0..=threads).map(|_| start_thread_worker(true)));
    let (built_tx, built) = futures::channel::oneshot::channel::<Result<(), String>>();
    queue.push(Box::new(move || {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .spawn_handler(|thread| {
                queue.push(Box::new(move || thread.run()));
                Ok(())
            })
            .build_global();
        let _ = built_tx.send(pool.map_err(|e| e.to_string()));
    }));
    async move {
        let never = || Err::<(), String>("the pool's builder never answered".into());
        let failed = |e: String| format!("the worker pool did not start: {e}");
        match futures::future::select(built, workers).await {
            futures::future::Either::Left((built, _)) => {
                built.unwrap_or_else(|_| never()).map_err(failed)
            }
            futures::future::Either::Right((Err(e), _)) => Err(failed(e)),
            futures::future::Either::Right((Ok(_), built)) => {
                built.await.unwrap_or_else(|_| never()).map_err(failed)
            }
        }
    }
}

/// Waits (without blocking the page) until a start another caller made has settled.
async fn settled(state: &AtomicU8) {
    while state.load(Ordering::SeqCst) != SETTLED {
        super::sleep_ms(10.0).await;
    }
}

/// Starts the lanes (once; later callers wait for that start) and resolves to how many are
/// alive, or why there are none.
pub async fn start_lanes() -> Result<usize, String> {
    if LANES_STATE
        .compare_exchange(NOT_ASKED, STARTING, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        if isolated().is_ok() {
            Queue::made(false); // by the page, before any lane reads it
            let before = Taken::now();
            // A few at a time: the browser spends 5-19 ms of the page's own thread on each new
            // worker (its host's reply), and sixteen started at once held the page's loop
            // 108-149 ms on every first visit (the lag monitor reported it as a slow callback).
            use futures::StreamExt;
            let up = futures::stream::iter(0..LANES)
                .map(|_| start_lane())
                .buffer_unordered(LANES_AT_ONCE)
                .fold(0, |up, started| async move {
                    let Err(why) = started else { return up + 1 };
                    // Said at once, also as a mark (what a test's account of a slow start reads).
                    tell_of_a_lane(&format!("did not start: {why}"));
                    LANES_TROUBLE.with(|t| t.borrow_mut().push(why));
                    up
                })
                .await;
            let _ = LANES_MEMORY.set(before.since(up));
            LANES_ALIVE.store(up, Ordering::Relaxed);
        }
        LANES_STATE.store(SETTLED, Ordering::SeqCst);
    }
    settled(&LANES_STATE).await;
    match LANES_ALIVE.load(Ordering::Relaxed) {
        0 => Err(isolated()
            .err()
            .unwrap_or_else(|| "no thread for waiting jobs started".into())),
        n => Ok(n),
    }
}

/// One lane's start, tried once more with a new worker if the first hung (given up by
/// `patiently`; a worker that failed is not tried again). In Firefox, on a first visit right after
/// a long suite of other browsers' tests, lanes have hung loading the glue, the first two of one
/// page alike, while the page's compute workers had loaded the same glue; a page that
/// waits for both to be given up and then starts the next two would sit at "more starting" for
/// ~30 s. Whether a second worker always fares better is not known (no reproduction on demand):
/// it costs one more worker, and the page says so (a mark and a console line).
async fn start_lane() -> Result<(), String> {
    again_if_hung(|| start_thread_worker(false)).await
}

/// `start`, then once more if what it started hung.
async fn again_if_hung<F: Future<Output = Result<(), String>>>(
    start: impl Fn() -> F,
) -> Result<(), String> {
    match start().await {
        Err(why) if why.starts_with(NOT_READY) => {
            tell_of_a_lane(&format!("is started again: {why}"));
            start()
                .await
                .map_err(|again| format!("{why}; again: {again}"))
        }
        done => done,
    }
}

/// News of one lane's start, as a performance mark (what a test's account of a slow start reads)
/// and a console warning.
fn tell_of_a_lane(news: &str) {
    super::mark(&format!("a lane {news}"));
    web_sys::console::warn_1(&format!("a lane for waiting jobs {news}").into());
}

/// Why some lanes did not start, if any did not (said once, with how many).
pub fn lanes_trouble() -> Option<String> {
    LANES_TROUBLE.with(|t| {
        let t = t.borrow();
        t.first()
            .map(|first| format!("{} of {LANES} lanes did not start ({first})", t.len()))
    })
}

/// The lanes' count if they have started (the caller may hand them jobs now).
pub fn lanes_now() -> Option<usize> {
    (LANES_STATE.load(Ordering::SeqCst) == SETTLED).then(max_threads)
}

fn isolated() -> Result<(), String> {
    if super::cross_origin_isolated() {
        Ok(())
    } else {
        Err(
            "the page is not cross-origin isolated (it needs the COOP and COEP headers), \
             so threads cannot share memory here"
                .into(),
        )
    }
}

/// The heap in use and the memory's size at one moment, to tell what a start took.
struct Taken {
    heap: usize,
    memory: usize,
}

impl Taken {
    fn now() -> Taken {
        Taken {
            heap: crate::engine::heap_in_use(),
            memory: super::instance_memory_bytes(),
        }
    }

    fn since(self, threads: usize) -> PoolMemory {
        PoolMemory {
            threads,
            heap_bytes: crate::engine::heap_in_use().saturating_sub(self.heap),
            memory_bytes: super::instance_memory_bytes().saturating_sub(self.memory),
        }
    }
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

/// A thread worker `www/start.js` started while the wasm loaded (its glue loading meanwhile), if
/// one is left: the page's list `prestartedThreads`.
fn prestarted() -> Option<web_sys::Worker> {
    let list =
        js_sys::Reflect::get(&web_sys::window()?.into(), &"prestartedThreads".into()).ok()?;
    list.dyn_into::<js_sys::Array>()
        .ok()?
        .shift()
        .dyn_into::<web_sys::Worker>()
        .ok()
}

/// Starts one thread worker that joins this memory and takes jobs from the queue of its kind
/// (made before this is called): one `www/start.js` started early, or a new one. It is started
/// (or handed the memory) now, not when the future is first polled; the future resolves once it
/// says it is ready (or why it is not). It lives as long as the page: its handle and callbacks
/// are kept for good (a few per page load).
fn start_thread_worker(compute: bool) -> impl Future<Output = Result<(), String>> {
    let js = |e: JsValue| format!("{e:?}");
    let started = (|| -> Result<_, String> {
        let worker = match prestarted() {
            Some(worker) => worker,
            None => {
                let url = WORKER_URL.with(Clone::clone)?;
                let options = web_sys::WorkerOptions::new();
                options.set_type(web_sys::WorkerType::Module);
                web_sys::Worker::new_with_options(&url, &options).map_err(js)?
            }
        };
        let answer = listen(&worker);
        let init = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&init, &"glue".into(), &glue_url().into());
        let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
        let _ = js_sys::Reflect::set(&init, &"memory".into(), &wasm_bindgen::memory());
        let _ = js_sys::Reflect::set(&init, &"compute".into(), &compute.into());
        worker.post_message(&init).map_err(js)?;
        Ok((worker, answer))
    })();
    async move {
        let (worker, answer) = started?;
        patiently(worker, answer, PATIENCE_MS).await
    }
}

type Answer = futures::channel::oneshot::Receiver<Result<(), String>>;

/// A thread worker's first word: ready, an error, or where its start got to (its answer when
/// `patiently` asks). Only the first counts: a thread whose job panicked later says so too, and
/// by then the panic hook has counted it out. The callbacks are kept for good.
fn listen(worker: &web_sys::Worker) -> Answer {
    let (tx, rx) = futures::channel::oneshot::channel::<Result<(), String>>();
    let tx = std::rc::Rc::new(std::cell::RefCell::new(Some(tx)));
    let answer = tx.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let said = |key: &str| {
                js_sys::Reflect::get(&event.data(), &key.into())
                    .ok()
                    .and_then(|e| e.as_string())
            };
            let error = said("error")
                .or_else(|| said("stage").map(|stage| format!("{NOT_READY}: {stage}")));
            if let Some(tx) = answer.borrow_mut().take() {
                let _ = tx.send(error.map_or(Ok(()), Err));
            }
        });
    // An error in its script comes as an ErrorEvent with a message; an `error` event may also be
    // a plain Event without one (a module worker whose script is not cached, offline). Its
    // `message` is read only if it is a string: a handler that throws here leaves the page
    // waiting 15 s to learn that the worker never ran.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let message = js_sys::Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string());
        let why = message.unwrap_or_else(|| "its script could not be loaded".into());
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(Err(format!("its worker failed: {why}")));
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    std::mem::forget((on_message, on_error));
    rx
}

/// How `patiently` begins its account of a worker it gave up on (one that hung, not one that failed).
const NOT_READY: &str = "it was not ready in time";

/// A starting worker's answer; one that says nothing for `patience_ms` is asked where its start
/// got to, then ended (a worker that hangs must not hold the page's threads at "starting" for good).
async fn patiently(
    worker: web_sys::Worker,
    answer: Answer,
    patience_ms: f64,
) -> Result<(), String> {
    use futures::future::{Either, select};
    let never = |_| Err("its worker never answered".to_string());
    let answer = match select(answer, Box::pin(super::sleep_ms(patience_ms))).await {
        Either::Left((answer, _)) => return answer.unwrap_or_else(never),
        Either::Right((_, answer)) => answer,
    };
    let ask = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&ask, &"where".into(), &true.into());
    let _ = worker.post_message(&ask);
    let said = match select(answer, Box::pin(super::sleep_ms(1000.0))).await {
        Either::Left((Ok(Ok(())), _)) => return Ok(()), // it became ready meanwhile
        Either::Left((said, _)) => said.unwrap_or_else(never),
        Either::Right(_) => Err(format!(
            "{NOT_READY}, nor answered when asked where it was (busy, or its script never ran)"
        )),
    };
    worker.terminate();
    said
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn worker_of(source: &str) -> web_sys::Worker {
        let props = web_sys::BlobPropertyBag::new();
        props.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(
            &js_sys::Array::of1(&source.into()),
            &props,
        )
        .unwrap();
        web_sys::Worker::new(&web_sys::Url::create_object_url_with_blob(&blob).unwrap()).unwrap()
    }

    async fn started(source: &str, patience_ms: f64) -> Result<(), String> {
        let worker = worker_of(source);
        let answer = listen(&worker);
        patiently(worker, answer, patience_ms).await
    }

    #[wasm_bindgen_test]
    async fn a_worker_that_hangs_is_asked_where_it_is_and_given_up_and_one_that_answers_is_not() {
        let stuck = started(
            "onmessage = (e) => e.data.where && postMessage({ stage: 'it waited on purpose' })",
            100.0,
        )
        .await;
        assert_eq!(
            stuck,
            Err("it was not ready in time: it waited on purpose".into())
        );
        let silent = started("for (;;) {}", 100.0).await.unwrap_err();
        assert!(silent.contains("nor answered when asked"), "{silent}");
        assert_eq!(
            started("postMessage({ ready: true })", 10_000.0).await,
            Ok(())
        );
        let failed = started("postMessage({ error: 'no memory' })", 10_000.0).await;
        assert_eq!(failed, Err("no memory".into()));
    }

    #[wasm_bindgen_test]
    async fn a_worker_whose_script_does_not_load_says_so_at_once() {
        // A script that cannot be loaded is told by an `error` event, which for a module worker
        // whose import failed offline may be a plain Event without a message, which the handler
        // must not throw on. Told by a real failure (this browser adds a message) and by a plain one.
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let missing =
            web_sys::Worker::new_with_options("/no-such-thread-worker.js", &options).unwrap();
        let answer = listen(&missing);
        let said = patiently(missing, answer, 10_000.0).await.unwrap_err();
        assert!(
            said.starts_with("its worker failed: ") && said.contains("no-such-thread-worker.js"),
            "{said}"
        );
        let silent = worker_of("onmessage = () => {}");
        let answer = listen(&silent);
        silent
            .dispatch_event(&web_sys::Event::new("error").unwrap())
            .unwrap();
        let t0 = crate::engine::now_ms();
        assert_eq!(
            patiently(silent, answer, 10_000.0).await,
            Err("its worker failed: its script could not be loaded".into())
        );
        assert!(
            crate::engine::now_ms() - t0 < 5_000.0,
            "told by the event, not by the wait"
        );
    }

    #[wasm_bindgen_test]
    async fn a_lane_that_hung_is_started_once_more_and_one_that_failed_is_not() {
        const HANGS: &str = "onmessage = (e) => e.data.where && postMessage({ stage: 'it hung' })";
        let tries = std::cell::Cell::new(0);
        let hangs_once = || {
            tries.set(tries.get() + 1);
            started(
                if tries.get() == 1 {
                    HANGS
                } else {
                    "postMessage({ ready: true })"
                },
                100.0,
            )
        };
        assert_eq!(again_if_hung(hangs_once).await, Ok(()));
        assert_eq!(tries.get(), 2);
        tries.set(0);
        let always = || {
            tries.set(tries.get() + 1);
            started(HANGS, 100.0)
        };
        let gave_up = again_if_hung(always).await.unwrap_err();
        assert_eq!(
            (tries.get(), gave_up.matches("it hung").count()),
            (2, 2),
            "{gave_up}"
        );
        tries.set(0);
        let fails = || {
            tries.set(tries.get() + 1);
            started("postMessage({ error: 'no memory' })", 100.0)
        };
        assert_eq!(again_if_hung(fails).await, Err("no memory".into()));
        assert_eq!(tries.get(), 1);
    }
}
