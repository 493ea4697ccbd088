//! The browser platform: every piece of browser glue the engine needs, and the wasm entry point.
//!
//! Works on the main thread and in Web Workers alike (workers run this same module), so it only
//! touches globals both scopes have: `performance`, `setTimeout`, `crossOriginIsolated`.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, timeout_ms: i32) -> JsValue;

    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: web_sys::Performance;
}

static POOL_THREADS: AtomicUsize = AtomicUsize::new(0);

/// The page's entry point. Workers of the pool instantiate this same module and would run it
/// again: only the main thread (the one with a `window`) mounts the app.
#[wasm_bindgen(start)]
pub fn start() {
    if web_sys::window().is_some() {
        crate::ui::mount();
    }
}

/// Milliseconds on one clock shared by the page and all its workers: each scope's
/// `performance.now()` counts from its own origin, `timeOrigin` puts them on a common one.
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.time_origin() + p.now())
}

pub fn hardware_concurrency() -> usize {
    web_sys::window().map(|w| w.navigator().hardware_concurrency() as usize).unwrap_or(1).max(1)
}

/// True when the page may share memory between threads (COOP/COEP headers are in force).
pub fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

pub fn pool_threads() -> usize {
    POOL_THREADS.load(Ordering::Relaxed)
}

/// Jobs that may block each need an idle worker of the pool: no more than it has.
pub fn max_threads() -> usize {
    pool_threads()
}

/// A job that may block goes to the pool, where an idle Web Worker takes it.
pub fn spawn_thread(job: Box<dyn FnOnce() + Send>) {
    rayon::spawn(job);
}

/// Starts the worker pool once per page load. Without cross-origin isolation there is no shared
/// memory, so this says why instead of failing somewhere deep in the pool.
pub async fn init_threads(threads: usize) -> Result<usize, String> {
    if pool_threads() > 0 {
        return Ok(pool_threads());
    }
    if !cross_origin_isolated() {
        return Err("the page is not cross-origin isolated (it needs the COOP and COEP headers), \
                    so threads cannot share memory here"
            .into());
    }
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads))
        .await
        .map_err(|e| format!("the worker pool did not start: {e:?}"))?;
    POOL_THREADS.store(threads, Ordering::Relaxed);
    Ok(threads)
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

/// Schedules a task on the event loop (asyncio.create_task): it starts at the loop's next turn
/// and runs whether or not anyone awaits it.
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(task);
}

/// Gives the loop a full turn (a macrotask), so the page can paint and handle input.
pub fn yield_now() -> impl Future<Output = ()> {
    sleep_ms(0.0)
}

/// Panics abort in the browser: say so in the console and, on the main thread, on the page.
pub fn report_panic(message: &str) {
    web_sys::console::error_1(&format!("panic: {message}").into());
    if let Some(banner) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("fatal"))
    {
        banner.set_text_content(Some(&format!(
            "The playground hit an internal error and must be reloaded: {message}"
        )));
        let _ = banner.remove_attribute("hidden");
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
        let describe = |e: JsValue| e.as_string().or_else(|| js_sys::Error::try_from(e).ok().map(|e| String::from(e.message()))).unwrap_or_else(|| "unknown error".into());
        let response: web_sys::Response = request.await.map_err(|e| format!("network error: {}", describe(e)))?.into();
        let status = response.status();
        let body = response.array_buffer().map_err(describe)?;
        let body = JsFuture::from(body).await.map_err(describe)?;
        Ok(super::Fetched { status, bytes: js_sys::ArrayBuffer::from(body).byte_length() as usize })
    }
}
