//! Shared by the end-to-end tests and the benchmark: a static server for `dist/` and a headless
//! Chromium driven over WebDriver.
#![allow(dead_code)] // each user takes a different subset

pub mod browser;
pub mod server;

use std::path::PathBuf;

/// The release build made by `trunk build --release` (`xtask/run dist`), or the build named by
/// `PLAYGROUND_DIST` (e.g. `target/serve`, to measure what `xtask/run serve` serves).
pub fn dist_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dist = std::env::var_os("PLAYGROUND_DIST")
        .map(|d| root.join(d))
        .unwrap_or_else(|| root.join("dist"));
    assert!(
        dist.join("index.html").exists(),
        "no release build in {}: run `xtask/run dist` (or `trunk build --release`) first",
        dist.display()
    );
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    assert!(
        !index.contains("__trunk_address__"),
        "{}/ holds a `trunk serve` dev build (it has the autoreload script): run `xtask/run dist` first",
        dist.display()
    );
    dist
}

/// The debug build that `xtask/run test` makes in `target/dev/` (plain `trunk build`), for the
/// e2e check that a debug build says so on screen.
pub fn dev_dir() -> PathBuf {
    let dev = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("dev");
    assert!(
        dev.join("index.html").exists(),
        "no debug build in {}: run `xtask/run test` (or `trunk build --dist target/dev --public-url ./`)",
        dev.display()
    );
    dev
}

/// What the page says of its start, for a failure's message: the threads' state and why, the
/// boot banner, uncaught errors, the start's marks, whether a service worker controls the page,
/// and which of its scripts and wasm had arrived.
const START_ACCOUNT: &str = "(() => {
    const t = document.querySelector('[data-testid=threads]');
    const loaded = performance.getEntriesByType('resource').map(e => e.name.split('/').pop() + ' ' + Math.round(e.responseEnd));
    return { threads: t && [t.dataset.state, t.textContent, t.title], boot: document.querySelector('#boot')?.textContent,
        errors: window.__pageErrors, marks: performance.getEntriesByType('mark').map(m => m.name + ' ' + Math.round(m.startTime)),
        controlled: !!navigator.serviceWorker?.controller, prestarted: window.prestartedThreads?.length, loaded };
})()";

/// The key www/boot.js keeps in `sessionStorage` while it reloads the page for isolation.
const ISOLATION_RELOAD: &str = "playground-isolation-reload";

/// The status line's threads state as JS, with one more: "reloading". A page that a service
/// worker is about to isolate (www/boot.js: it set ISOLATION_RELOAD and reloads once the worker
/// is in charge) says "unavailable" until that reload: not final. Taken as final, it failed the
/// service-worker tests now and then (12-03, and 12-04 in `open_app`).
pub fn threads_state() -> String {
    format!(
        "(() => {{ const s = document.querySelector('[data-testid=threads]')?.dataset.state; \
           return s === 'unavailable' && !crossOriginIsolated && sessionStorage.getItem('{ISOLATION_RELOAD}') ? 'reloading' : s; }})()"
    )
}

/// Waits until the status line counts every worker thread as up, the compute pool and the lanes
/// for waiting jobs ("partial" while the lanes start; app/status.rs). Fails at once if the page
/// says it has none, and after `secs` with the page's own account of its start (and a screenshot).
pub async fn wait_for_threads(browser: &browser::Browser, secs: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let state = threads_state();
    loop {
        match browser.eval(&state).await.as_str() {
            Some("ready") => return fail_on_lanes_that_did_not_start(browser).await,
            Some("unavailable") => break,
            _ if std::time::Instant::now() > deadline => break,
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let account = browser.eval(START_ACCOUNT).await;
    // Once in CI (Firefox, after the Chromium suite) the account was null and no screenshot
    // came: where the browser is, whether it can draw, and what it printed say more then.
    let url = browser
        .client
        .current_url()
        .await
        .map_or_else(|e| format!("({e})"), |u| u.to_string());
    let picture = browser
        .try_screenshot("timeout")
        .await
        .map_or_else(|e| format!("none: {e}"), |p| p.display().to_string());
    panic!(
        "the worker threads did not all start within {secs} s (or the page said it has none) at {url}; the page says: {account:#}\nscreenshot: {picture}\nthe driver's last lines:\n{}",
        browser.driver_log_tail(40)
    );
}

/// A lane that hung is given up after a while (engine/web_threads.rs, `patiently`) and the page
/// works with the rest, saying so in the status line's title: for the page a way to go on, for
/// the suite a failure (every lane starts on a healthy page), with where its start got to.
pub async fn fail_on_lanes_that_did_not_start(browser: &browser::Browser) {
    let title = browser
        .eval("document.querySelector('[data-testid=threads]').title")
        .await;
    if let Some(trouble) = title.as_str().filter(|t| t.contains("did not start")) {
        panic!("the status says ready, but not every worker thread started: {trouble}");
    }
}

/// The page's `data-build` ("debug" or "release", set by the app): the suite and the benchmark
/// refuse to measure a debug build, which is 10-30x slower.
pub const REFUSE_DEBUG: &str = "document.documentElement.dataset.build === 'release'";

/// Where screenshots and reports go: under target/, never in the source tree.
pub fn out_dir(kind: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(kind);
    std::fs::create_dir_all(&dir).expect("create output dir");
    dir
}

/// Starts recording the page's main-thread holds: the long tasks the browser reports (one task
/// over 50 ms), its long animation frames (over 50 ms without a paint, however many tasks), and
/// the longest gap of a 10 ms interval timer (what a person feels). Idempotent per page load.
const RECORD_HOLDS: &str = "
    window.__holds = { tasks: [], frames: [], gap: 0 };
    if (!window.__holdObserver) {
        const h = () => window.__holds;
        window.__holdObserver = new PerformanceObserver(l => l.getEntries().forEach(e =>
            (e.entryType === 'longtask' ? h().tasks : h().frames).push(Math.round(e.duration))));
        for (const type of ['longtask', 'long-animation-frame']) {
            if (PerformanceObserver.supportedEntryTypes.includes(type)) window.__holdObserver.observe({ type });
        }
        let last = performance.now();
        setInterval(() => { const t = performance.now(); h().gap = Math.max(h().gap, t - last); last = t; }, 10);
    }
    return true;";

/// The main thread's holds during one run of the page's demo (ms).
#[derive(Debug, Default)]
pub struct Holds {
    /// Single tasks over 50 ms.
    pub tasks: Vec<f64>,
    /// Frames over 50 ms without a paint.
    pub frames: Vec<f64>,
    /// The longest gap of a 10 ms interval timer.
    pub gap: f64,
}

/// The results are shown in full: every timeline among them is drawn (each draws on a turn of
/// the loop after the results appear, widgets/timeline.rs).
pub const RESULTS_DRAWN: &str = "!!document.querySelector('[data-testid=results]') && !document.querySelector('[data-testid=timeline][data-drawn=false]')";

/// The run is over: Run enabled again (so a second run never reads the first one's results)
/// and its results drawn.
fn run_over() -> String {
    format!("!document.querySelector('[data-testid=run]').disabled && {RESULTS_DRAWN}")
}

/// Clicks Run and waits (up to `secs`) for the run to end with its results drawn.
pub async fn run_demo(browser: &browser::Browser, secs: u64) {
    browser.click("[data-testid=run]").await;
    browser.wait_until(&run_over(), secs).await;
}

/// `run_demo` for a run being measured: once it has started, waits inside the page instead of
/// asking through the driver every 100 ms (`Browser::wait_quietly`: CPU the run would pay for).
pub async fn run_demo_quietly(browser: &browser::Browser, secs: u64) {
    browser.click("[data-testid=run]").await;
    browser
        .wait_until("document.querySelector('[data-testid=run]').disabled", 10)
        .await;
    browser.wait_quietly(&run_over(), secs).await;
}

/// Clicks the page's Run and waits (up to `secs`) for its results, recording the holds meanwhile.
pub async fn run_recording_holds(browser: &browser::Browser, secs: u64) -> Holds {
    browser
        .client
        .execute(RECORD_HOLDS, vec![])
        .await
        .expect("record holds");
    run_demo(browser, secs).await;
    let h = browser.eval("window.__holds").await;
    // A missing record (the page reloaded, the script never ran) fails: read as no holds it
    // would pass the test that no demo holds the main thread.
    let list = |k: &str| -> Vec<f64> {
        h[k].as_array()
            .unwrap_or_else(|| panic!("no record of the holds ({k}): window.__holds is {h}"))
            .iter()
            .map(|v| {
                v.as_f64()
                    .unwrap_or_else(|| panic!("a hold that is not a number: {h}"))
            })
            .collect()
    };
    Holds {
        tasks: list("tasks"),
        frames: list("frames"),
        gap: h["gap"]
            .as_f64()
            .unwrap_or_else(|| panic!("no record of the timer's gap: window.__holds is {h}")),
    }
}

/// Records that `test` skipped a check, and why (counted in the suite's summary).
#[allow(unused_imports)] // each suite takes a different subset, as with the functions here
pub use concurrency_playground::skipped as skip;
