//! The browser platform: every piece of browser glue the engine needs, and the wasm entry point.
//!
//! Works on the main thread and in Web Workers alike (workers run this same module), so it only
//! touches globals both scopes have: `performance`, `setTimeout`, `crossOriginIsolated`.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[path = "web_pages.rs"]
mod pages;
#[path = "web_threads.rs"]
mod threads;
pub use pages::load_pages;
pub use threads::{
    compute_threads, init_threads, lane_threads, lanes_now, lanes_trouble, max_threads,
    pool_memory, pool_threads, spawn_thread, start_lanes,
};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, timeout_ms: i32) -> JsValue;

    #[wasm_bindgen(js_name = requestAnimationFrame)]
    fn request_animation_frame(callback: &JsValue) -> JsValue;

    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: web_sys::Performance;
}

/// Milliseconds on one clock shared by the page and all its workers: each scope's
/// `performance.now()` counts from its own origin, `timeOrigin` puts them on a common one.
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.time_origin() + p.now())
}

/// A named instant on the page's performance timeline (`performance.mark`): the benchmark reads
/// when the wasm started and when the pool was ready.
pub fn mark(name: &str) {
    PERFORMANCE.with(|p| {
        let _ = p.mark(name);
    });
}

pub fn hardware_concurrency() -> usize {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency() as usize)
        .unwrap_or(1)
        .max(1)
}

/// True when the page may share memory between threads (COOP/COEP headers are in force).
pub fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

#[wasm_bindgen]
extern "C" {
    /// The URL of this wasm's JS glue: a worker imports it to join this instance.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: js_sys::JsString;
}

fn glue_url() -> String {
    GLUE_URL.with(|url| url.into())
}

/// An I/O-like wait on the event loop: a timer resolves a promise; nothing is blocked meanwhile.
pub fn sleep_ms(ms: f64) -> impl Future<Output = ()> {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms.max(0.0).round() as i32);
    });
    async move {
        let _ = JsFuture::from(promise).await;
    }
}

/// Resolves once the browser has drawn what the page shows now: after its next animation frame
/// and a task behind it. Awaited before a timed run, so that drawing what the page has just said
/// ("run 1 of 3: 2 threads") is not done on the cores the run measures: on 2 cores that drawing
/// (layout, raster, compositing; in software without a GPU) took the 2-thread run from 1.92x to
/// 1.87x (alternating runs with the progress line shown and hidden). A hidden tab draws
/// nothing: at once; and a tab hidden while it waits has no frames, so 100 ms at most (a run goes
/// on in a tab the person left).
pub async fn after_paint() {
    if web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.hidden())
    {
        return;
    }
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, 100);
        let after_frame = Closure::once_into_js(move || {
            set_timeout(&resolve, 0);
        });
        request_animation_frame(&after_frame);
    });
    let _ = JsFuture::from(promise).await;
}

/// Schedules a task on the event loop (asyncio.create_task): it starts at the loop's next turn
/// and runs whether or not anyone awaits it.
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(task);
}

/// Gives the loop a full turn (a macrotask), so the page can paint and handle input. A timer, yet
/// never one the browser holds back: HTML clamps a `setTimeout(0)` to 4 ms once timers nest five
/// deep (each set from within the last one's task; Chromium 156 does), but the executor built
/// with threads resumes a task from `Atomics.waitAsync`, a task of its own, so these never nest
/// (the compare page's event loop, traced: 0.3-0.5 ms between turns).
pub fn yield_now() -> impl Future<Output = ()> {
    sleep_ms(0.0)
}

/// Panics abort in the browser: a job that panics never drops its answer's sender, so waiters
/// learn of it from the panic hook.
pub const PANICS_ABORT: bool = true;

/// Panics abort in the browser: say so in the console and tell whoever asked (the app shows a
/// banner when the main thread panics: the engine knows no page). A worker thread that panics is
/// gone for good: it is counted out, so no later `on_threads` call waits for it.
pub fn report_panic(message: &str) {
    threads::count_out_this_thread();
    web_sys::console::error_1(&format!("panic: {message}").into());
    if web_sys::window().is_some()
        && let Some(tell) = super::FATAL.get()
    {
        tell(message);
    }
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, as in both the page and workers.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> js_sys::Promise;
}

/// One real request with the browser's `fetch`, past the HTTP cache (every run measures the
/// network, not the cache). A network failure is an `Err`; an HTTP error status is an `Ok`.
pub fn fetch(url: &str) -> impl Future<Output = Result<super::Fetched, String>> {
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"cache".into(), &"no-store".into());
    let request = JsFuture::from(global_fetch(url, &init));
    async move {
        let describe = |e: JsValue| {
            e.as_string()
                .or_else(|| {
                    e.dyn_into::<js_sys::Error>()
                        .ok()
                        .map(|e| String::from(e.message()))
                })
                .unwrap_or_else(|| "unknown error".into())
        };
        let response: web_sys::Response = request
            .await
            .map_err(|e| format!("network error: {}", describe(e)))?
            .into();
        let status = response.status();
        let body = response.array_buffer().map_err(describe)?;
        let body = JsFuture::from(body).await.map_err(describe)?;
        Ok(super::Fetched {
            status,
            bytes: js_sys::ArrayBuffer::from(body).byte_length() as usize,
        })
    }
}

/// The bytes of this instance's wasm memory (shared by the page and its pool threads). Memory
/// only grows, so a number that stays put over many runs means nothing leaks in Rust (the soak
/// test reads it through trunk's `window.wasmBindings`).
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    instance_memory_bytes() as f64
}

/// The size of this instance's wasm memory: the page's (shared with its pool threads), or in a
/// process worker that process's own.
pub fn instance_memory_bytes() -> usize {
    let buffer = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer();
    match buffer.dyn_ref::<js_sys::SharedArrayBuffer>() {
        Some(shared) => shared.byte_length() as usize,
        None => buffer.unchecked_into::<js_sys::ArrayBuffer>().byte_length() as usize,
    }
}

static LIVE_WORKERS: AtomicUsize = AtomicUsize::new(0);

/// One Web Worker of ours alive (a process or a separate program) while this lives.
struct LiveWorker;

impl LiveWorker {
    fn new() -> LiveWorker {
        LIVE_WORKERS.fetch_add(1, Ordering::Relaxed);
        LiveWorker
    }
}

impl Drop for LiveWorker {
    fn drop(&mut self) {
        LIVE_WORKERS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The Web Workers this page has alive: the pool's threads, and the processes and separate
/// programs not yet ended. A number that stays put over many runs means no worker leaks (the
/// soak test reads it through `window.wasmBindings`; the browser's own memory measurement
/// answered only at its 60 s limit on these pages).
#[wasm_bindgen]
pub fn live_workers() -> f64 {
    (pool_threads() + LIVE_WORKERS.load(Ordering::Relaxed)) as f64
}

/// The process's own global value lives in `core::process::GLOBAL` of *its* instance; this is
/// the entry point the process worker script calls for each request.
#[wasm_bindgen]
pub fn process_serve(request: &[u8], shared: Option<js_sys::Int32Array>) -> Vec<u8> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // Panics abort the instance; keep the message so the worker script can report it.
        std::panic::set_hook(Box::new(|info| {
            if let Ok(mut last) = LAST_PANIC.try_lock() {
                *last = info.to_string();
            }
        }));
    });
    let words = shared.map(JsWords);
    let words = words.as_ref().map(|w| w as &dyn SharedWords);
    super::serve::serve(request, &crate::core::process::GLOBAL, words, &|| false) // a Worker is ended whole
}

use crate::core::shared::SharedWords;

/// Shared words as a process worker (or the page) sees them: an `Int32Array` over a
/// SharedArrayBuffer, reached with `Atomics` (the only memory two wasm instances can share).
struct JsWords(js_sys::Int32Array);

impl SharedWords for JsWords {
    fn load(&self, i: usize) -> i32 {
        js_sys::Atomics::load(&self.0, i as u32).unwrap_or(0)
    }
    fn store(&self, i: usize, value: i32) {
        let _ = js_sys::Atomics::store(&self.0, i as u32, value);
    }
    fn compare_exchange(&self, i: usize, current: i32, new: i32) -> i32 {
        js_sys::Atomics::compare_exchange(&self.0, i as u32, current, new)
            .unwrap_or(current.wrapping_add(1))
    }
    /// `Atomics.wait`: allowed in workers, where processes run (never on the page).
    fn wait(&self, i: usize, expected: i32, ms: f64) {
        let _ = js_sys::Atomics::wait_with_timeout(&self.0, i as u32, expected, ms);
    }
    fn wake(&self, i: usize) {
        let _ = js_sys::Atomics::notify_with_count(&self.0, i as u32, 1);
    }
}

/// Memory several processes map at once: a SharedArrayBuffer the page creates and hands to each
/// process worker (`Process::attach`). Needs cross-origin isolation, as threads do.
#[derive(Clone)]
pub struct SharedBlock(js_sys::Int32Array);

impl SharedBlock {
    pub fn new() -> Result<SharedBlock, String> {
        if !cross_origin_isolated() {
            return Err(
                "the page is not cross-origin isolated (it needs the COOP and COEP headers), \
                        so no memory can be shared between processes here"
                    .into(),
            );
        }
        let words = crate::core::shared::WORDS as u32;
        Ok(SharedBlock(js_sys::Int32Array::new(
            &js_sys::SharedArrayBuffer::new(4 * words),
        )))
    }

    pub fn load(&self, i: usize) -> i32 {
        JsWords(self.0.clone()).load(i)
    }
}

static LAST_PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// The message of the panic that killed this process's instance (for its worker script).
#[wasm_bindgen]
pub fn process_last_panic() -> String {
    LAST_PANIC.try_lock().map(|m| m.clone()).unwrap_or_default()
}

/// A "process": a dedicated Web Worker that instantiates the playground's wasm module on its
/// own, with a fresh memory nobody else can see, and answers requests one at a time, as bytes.
pub struct Process {
    worker: web_sys::Worker,
    _live: LiveWorker,
    state: std::rc::Rc<std::cell::RefCell<ProcessState>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

#[derive(Default)]
struct ProcessState {
    ready: Option<futures::channel::oneshot::Sender<Result<(), String>>>,
    /// Requests in flight, oldest first: the worker answers in the order it was asked (a pipe).
    pending: std::collections::VecDeque<futures::channel::oneshot::Sender<Result<Vec<u8>, String>>>,
    dead: Option<String>,
}

impl ProcessState {
    /// The worker is gone: whoever waits hears why.
    fn die(&mut self, why: String) {
        if let Some(r) = self.ready.take() {
            let _ = r.send(Err(why.clone()));
        }
        for p in self.pending.drain(..) {
            let _ = p.send(Err(why.clone()));
        }
        self.dead.get_or_insert(why);
    }
}

impl Process {
    /// Starts the worker and resolves once its wasm instance is ready.
    pub async fn spawn() -> Result<Process, super::ProcessError> {
        use super::ProcessError;
        let glue = glue_url();
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker =
            web_sys::Worker::new_with_options("process-worker.js", &options).map_err(|e| {
                ProcessError::Unavailable(format!("the process worker did not start: {e:?}"))
            })?;
        let state = std::rc::Rc::new(std::cell::RefCell::new(ProcessState::default()));
        let (ready_tx, ready_rx) = futures::channel::oneshot::channel();
        state.borrow_mut().ready = Some(ready_tx);
        let s = state.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                let mut s = s.borrow_mut();
                if data.as_string().as_deref() == Some("ready") {
                    if let Some(r) = s.ready.take() {
                        let _ = r.send(Ok(()));
                    }
                } else if let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() {
                    if let Some(p) = s.pending.pop_front() {
                        let _ = p.send(Ok(bytes.to_vec()));
                    }
                } else {
                    let why = js_sys::Reflect::get(&data, &"error".into())
                        .ok()
                        .and_then(|e| e.as_string())
                        .unwrap_or_else(|| "an unexpected message".into());
                    s.die(why);
                }
            },
        );
        let s = state.clone();
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                event.prevent_default(); // reported on the page, not as an uncaught error
                s.borrow_mut().die(event.message());
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let init = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&init, &"init".into(), &true.into());
        let _ = js_sys::Reflect::set(&init, &"glue".into(), &glue.into());
        let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
        // The demos' code, compiled by the page (a process runs demos' requests): see pages.rs.
        let pages =
            js_sys::Reflect::get(&js_sys::global(), &"__cpPagesModule".into()).unwrap_or_default();
        let _ = js_sys::Reflect::set(&init, &"pages".into(), &pages);
        worker
            .post_message(&init)
            .map_err(|e| ProcessError::Unavailable(format!("{e:?}")))?;
        let process = Process {
            worker,
            _live: LiveWorker::new(),
            state,
            _on_message: on_message,
            _on_error: on_error,
        };
        match ready_rx.await {
            Ok(Ok(())) => Ok(process),
            Ok(Err(why)) => Err(ProcessError::Died(why)),
            Err(_) => Err(ProcessError::Died(
                "the process never said it was ready".into(),
            )),
        }
    }

    /// Sends one request and awaits the reply. Several may be in flight at once: they are
    /// answered in order. With `transfer`, the request's buffer is moved to the process, and the
    /// reply's back, instead of copied (structured clone).
    pub async fn call(
        &self,
        request: &[u8],
        transfer: bool,
    ) -> Result<Vec<u8>, super::ProcessError> {
        use super::ProcessError;
        let (tx, rx) = futures::channel::oneshot::channel();
        {
            let mut s = self.state.borrow_mut();
            if let Some(why) = &s.dead {
                return Err(ProcessError::Died(why.clone()));
            }
            s.pending.push_back(tx);
        }
        let bytes = js_sys::Uint8Array::from(request);
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"request".into(), &bytes);
        let _ = js_sys::Reflect::set(&message, &"transfer".into(), &transfer.into());
        let sent = if transfer {
            self.worker
                .post_message_with_transfer(&message, &js_sys::Array::of1(&bytes.buffer()))
        } else {
            self.worker.post_message(&message)
        };
        if let Err(e) = sent {
            self.state
                .borrow_mut()
                .die(format!("a message could not be sent: {e:?}"));
            return Err(ProcessError::Died(format!("{e:?}")));
        }
        match rx.await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(why)) => Err(ProcessError::Died(why)),
            Err(_) => Err(ProcessError::Died("the process went away".into())),
        }
    }

    /// Maps `block` into this process (replacing any block it had): the worker keeps the buffer
    /// and hands it to each later request. Messages arrive in order, so the next request sees it.
    pub fn attach(&self, block: &SharedBlock) -> Result<(), super::ProcessError> {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"share".into(), &block.0.buffer());
        self.worker.post_message(&message).map_err(|e| {
            super::ProcessError::Died(format!("the shared block could not be sent: {e:?}"))
        })
    }

    /// Ends the process at once (a running request is abandoned).
    pub fn terminate(&self) {
        self.worker.terminate();
        self.state.borrow_mut().die("terminated".into());
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// A separate program: a classic Web Worker running `www/subprocess.js` (not the playground's
/// module), spoken to with its own small protocol of stdin, stdout, stderr and exit messages.
pub struct Child {
    worker: web_sys::Worker,
    _live: LiveWorker,
    events: futures::channel::mpsc::UnboundedReceiver<super::ChildEvent>,
    /// Set once `Exited` was sent: nothing may follow it.
    exited: std::rc::Rc<std::cell::Cell<bool>>,
    tx: futures::channel::mpsc::UnboundedSender<super::ChildEvent>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Child {
    pub fn spawn(argv: &[String]) -> Result<Child, String> {
        use super::{ChildEvent, ExitStatus};
        let worker = web_sys::Worker::new("subprocess.js")
            .map_err(|e| format!("the program did not start: {e:?}"))?;
        let (tx, events) = futures::channel::mpsc::unbounded();
        let exited = std::rc::Rc::new(std::cell::Cell::new(false));
        let (t, done) = (tx.clone(), exited.clone());
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                let field = |name: &str| {
                    js_sys::Reflect::get(&data, &name.into())
                        .ok()
                        .filter(|v| !v.is_undefined())
                };
                let event = if let Some(text) = field("stdout").and_then(|v| v.as_string()) {
                    ChildEvent::Stdout(text)
                } else if let Some(text) = field("stderr").and_then(|v| v.as_string()) {
                    ChildEvent::Stderr(text)
                } else if let Some(code) = field("exit").and_then(|v| v.as_f64()) {
                    ChildEvent::Exited(ExitStatus::Code(code as i32))
                } else {
                    return; // not part of the protocol: ignored, as a terminal ignores stray bytes
                };
                if !done.get() {
                    done.set(matches!(event, ChildEvent::Exited(_)));
                    let _ = t.unbounded_send(event);
                }
            },
        );
        let (t, done, w) = (tx.clone(), exited.clone(), worker.clone());
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                event.prevent_default(); // reported on the page as the program's crash
                w.terminate();
                if !done.replace(true) {
                    let _ =
                        t.unbounded_send(ChildEvent::Exited(ExitStatus::Crashed(event.message())));
                }
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let args = js_sys::Array::new();
        for a in argv {
            args.push(&a.into());
        }
        let start = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&start, &"argv".into(), &args);
        worker.post_message(&start).map_err(|e| format!("{e:?}"))?;
        Ok(Child {
            worker,
            _live: LiveWorker::new(),
            events,
            exited,
            tx,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn send(&self, key: &str, value: &JsValue) -> Result<(), String> {
        if self.exited.get() {
            return Err("the program's input is closed".into());
        }
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &key.into(), value);
        self.worker
            .post_message(&message)
            .map_err(|e| format!("{e:?}"))
    }

    pub fn write_stdin(&self, text: &str) -> Result<(), String> {
        self.send("stdin", &text.into())
    }

    pub fn close_stdin(&self) {
        let _ = self.send("eof", &true.into());
    }

    /// The next thing the program said; None once it has exited.
    pub async fn next(&mut self) -> Option<super::ChildEvent> {
        let event = futures::StreamExt::next(&mut self.events).await?;
        if matches!(event, super::ChildEvent::Exited(_)) {
            self.events.close();
        }
        Some(event)
    }

    /// Terminates the program's worker: whatever it is doing (an endless loop too), it stops.
    pub fn kill(&self) {
        self.worker.terminate();
        if !self.exited.replace(true) {
            let _ = self
                .tx
                .unbounded_send(super::ChildEvent::Exited(super::ExitStatus::Killed));
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
