//! Hosting and isolation: the home page isolated with its worker threads, a host without the
//! headers (with and without the service worker), a sub-path, a debug build.

use crate::pages::*;
use crate::support;
use crate::support::browser::Browser;
use crate::support::run_demo;
use crate::support::server::{ServiceWorker, StaticServer};
use serde_json::Value;
use std::path::Path;

#[tokio::test]
async fn home_page_loads_isolated_with_worker_threads_and_no_errors() {
    let (_server, browser) = open("/").await;
    assert_eq!(
        browser.text("[data-testid=isolation]").await,
        "cross-origin isolated"
    );
    let threads = browser.text("[data-testid=threads]").await;
    let cores = cores(&browser).await as u64;
    let expected = cores + 16; // one per core computes; waiting threads get a lane each, up to the knobs' 16 (engine/web_threads.rs)
    assert!(
        threads.starts_with(&format!("{expected} worker threads")),
        "{threads}"
    );
    assert!(count(&browser, "a.card").await >= 2);
    assert_eq!(
        browser.eval("document.title").await,
        "concurrency playground"
    );
    // The optimised build carries no "debug build" note (tests/web.rs checks a debug one does).
    assert_eq!(count(&browser, "[data-testid=build]").await, 0);
    // The server sends the build's .br copies, as a host of precompressed files does: the wasm
    // came brotli-encoded (the server's count of bytes well under the decoded), and it ran.
    let wasm = browser
        .eval("(e => e && [e.encodedBodySize, e.decodedBodySize])(performance.getEntriesByType('resource').find(e => e.name.endsWith('.wasm')))")
        .await;
    let (sent, decoded) = (wasm[0].as_f64().unwrap(), wasm[1].as_f64().unwrap());
    assert!(
        sent > 0.0 && sent < decoded * 0.4,
        "the wasm was not sent compressed: {sent} of {decoded} bytes"
    );
    browser.screenshot("home-1280").await;
    // The build is cut in two (xtask/split-wasm): the demos' own code is a module a first visit
    // to the home page does not download; the first demo opened loads it, once for all demos.
    let pages_loaded = "performance.getEntriesByType('resource').filter(e => e.name.endsWith('_pages.wasm')).length";
    let dist = support::dist_dir();
    assert!(
        std::fs::read_dir(&dist).unwrap().any(|f| f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with("_pages.wasm")),
        "no pages module in {dist:?}"
    );
    assert_eq!(
        browser.eval(pages_loaded).await,
        0,
        "the home page loaded the demos' code"
    );
    browser.click("a.card[href='#/threads']").await;
    browser.wait_for("[data-testid=run]", 20).await;
    run_demo(&browser, 20).await; // the threads run the demo's code too (each loads it into its instance)
    assert!(
        max_overlap(&drawn_spans(&browser, 0).await) >= 2,
        "threads overlap"
    );
    // The code a page shows came with the demos' module (core::region), byte for byte.
    let python = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("python/demo_threads.py"),
    )
    .unwrap();
    assert_eq!(
        browser
            .eval("document.querySelector('code.python').textContent")
            .await,
        Value::from(python)
    );
    let rust = browser
        .eval("document.querySelector('code.rust').textContent")
        .await;
    assert!(
        rust.as_str()
            .is_some_and(|r| r.contains("fn ") && r.contains("on_threads")),
        "{rust}"
    );
    browser.click("a[href='#/race-condition']").await;
    browser.wait_for("[data-testid=run]", 20).await;
    assert_eq!(
        browser.eval(pages_loaded).await,
        1,
        "the demos' code is loaded once"
    );
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn without_isolation_or_service_worker_the_page_explains_and_the_rest_still_runs() {
    let server = plain_host("", ServiceWorker::Refused);
    let browser = Browser::start().await;
    browser.goto(&server.url("/")).await;
    let said = browser
        .wait_until(
            "(document.querySelector('.boot.failed') || document.querySelector('[data-testid=isolation]'))?.textContent",
            20,
        )
        .await;
    assert!(
        said.as_str().unwrap().contains("not cross-origin isolated"),
        "{said}"
    );
    assert_eq!(
        browser.eval("location.hash").await,
        "",
        "no reload loop, no redirect: still the page asked for"
    );
    browser.screenshot("not-isolated").await;
    // Chromium starts the wasm without isolation (no threads, the rest runs): a failed start
    // here is a crash, whatever the banner says (on a plain host it blames the missing headers).
    if exists(&browser, ".boot.failed").await {
        panic!(
            "the playground did not start on a plain host: {}",
            browser.text(".boot.failed").await
        );
    }
    // The thread demo says in words why it cannot run here…
    browser.goto(&server.url("/#/parallel-cpu")).await;
    let why = browser.text("[data-testid=no-threads]").await;
    assert!(why.contains("Cross-Origin-Embedder-Policy"), "{why}");
    browser.screenshot("not-isolated-threads").await;
    // …and the event-loop demo still runs…
    browser
        .goto(&server.url("/#/concurrent-waits?tasks=3&wait=50"))
        .await;
    run_demo(&browser, 20).await;
    // …and so do processes (each has a memory of its own); only the threads' row says no.
    browser
        .goto(&server.url("/#/queue-pipe?rounds=3&stream=2&largest=64"))
        .await;
    run_demo(&browser, 60).await;
    let copied = browser
        .eval("[...document.querySelectorAll('tr[data-size]')].map(r => +r.dataset.copiedMs)")
        .await;
    assert_eq!(
        copied.as_array().map(|a| a.len()),
        Some(3),
        "process rows measured: {copied}"
    );
    assert!(
        browser
            .text("[data-testid=results]")
            .await
            .contains("no worker threads")
    );
    browser
        .screenshot_of("[data-testid=results]", "not-isolated-processes")
        .await;
    // The one error is the browser's own note of the refused service worker (this host's 404).
    let errors = browser.console_errors().await;
    assert!(
        errors
            .iter()
            .all(|e| e
                .contains("bad HTTP response code (404) was received when fetching the script")),
        "{errors:#?}"
    );
    browser.close().await;
}

#[tokio::test]
async fn on_a_host_without_headers_the_service_worker_isolates_the_page() {
    let server = plain_host("", ServiceWorker::Real);
    let browser = Browser::start().await;
    open_app(&browser, &server.url("/")).await; // waits for "N worker threads"
    assert_eq!(browser.eval("crossOriginIsolated").await, Value::Bool(true));
    assert_eq!(
        browser.eval("!!navigator.serviceWorker.controller").await,
        Value::Bool(true)
    );
    // Threads really run: the parallel demo's lanes overlap.
    browser
        .goto(&server.url("/#/threads?threads=2&wait=200"))
        .await;
    browser.wait_for("[data-testid=run]", 10).await;
    run_demo(&browser, 20).await;
    let spans = drawn_spans(&browser, 0).await;
    assert!(max_overlap(&spans) >= 2, "two threads at once: {spans:?}");
    browser.screenshot("isolated-by-service-worker").await;
    // The one reload's marker is gone once isolated, and a new visit (a real navigation: the
    // query differs) is isolated from its first response.
    assert_eq!(
        browser
            .eval("sessionStorage.getItem('playground-isolation-reload')")
            .await,
        Value::Null
    );
    open_app(&browser, &server.url("/?again")).await;
    assert_eq!(browser.eval("crossOriginIsolated").await, Value::Bool(true));
    // The service worker sends the page's content security policy as a header (workers too).
    let policy = browser
        .eval("fetch('process-worker.js').then(r => r.headers.get('Content-Security-Policy'))")
        .await;
    assert!(
        policy
            .as_str()
            .is_some_and(|p| p.contains("script-src 'self' 'wasm-unsafe-eval'")),
        "{policy}"
    );
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn where_the_service_worker_cannot_isolate_the_page_reloads_once_not_forever() {
    let server = plain_host("", ServiceWorker::Inert);
    let browser = Browser::start().await;
    browser.goto(&server.url("/")).await;
    browser
        .wait_until(
            "document.querySelector('[data-testid=isolation]')?.textContent",
            20,
        )
        .await;
    browser.wait_until("!!navigator.serviceWorker.controller && !!sessionStorage.getItem('playground-isolation-reload')", 20).await;
    let origin = browser.eval("performance.timeOrigin").await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        browser.eval("performance.timeOrigin").await,
        origin,
        "no further reload: the attempt was remembered"
    );
    assert_eq!(
        browser.eval("crossOriginIsolated").await,
        Value::Bool(false)
    );
    assert!(
        browser
            .text("[data-testid=isolation]")
            .await
            .contains("not cross-origin isolated"),
        "the page says so"
    );
    browser
        .goto(&server.url("/#/concurrent-waits?tasks=3&wait=50"))
        .await;
    run_demo(&browser, 20).await;
    browser.close().await;
}

#[tokio::test]
async fn served_under_a_sub_path_everything_resolves() {
    let server = plain_host("/concurrency-playground", ServiceWorker::Real);
    let browser = Browser::start().await;
    open_app(&browser, &server.url("/")).await;
    assert_eq!(browser.eval("crossOriginIsolated").await, Value::Bool(true));
    assert!(
        browser
            .eval("location.pathname")
            .await
            .as_str()
            .unwrap()
            .starts_with("/concurrency-playground/")
    );
    for (path, secs) in [
        ("/#/threads?threads=2&wait=100", 20),
        ("/#/processes?processes=2", 30),
        ("/#/subprocess?timeout=300&lines=1", 20),
    ] {
        browser.goto(&server.url(path)).await;
        browser.wait_for("[data-testid=run]", 10).await;
        run_demo(&browser, secs).await;
    }
    browser.screenshot("sub-path").await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// A debug build (10-30x slower) says so on every page, and the optimised one does not (checked
/// in `home_page_loads_isolated_with_worker_threads_and_no_errors`).
#[tokio::test]
async fn a_debug_build_says_so_on_every_page() {
    let server = StaticServer::start(support::dev_dir(), true);
    let browser = Browser::start().await;
    for path in ["/", "/#/parallel-cpu"] {
        browser.goto(&server.url(path)).await;
        let note = browser.text("[data-testid=build]").await;
        assert!(
            note.contains("debug build: figures are not representative"),
            "{path}: {note}"
        );
        assert_eq!(
            browser.eval("document.documentElement.dataset.build").await,
            "debug",
            "{path}"
        );
    }
    browser.screenshot("debug-build-note").await;
    browser.close().await;
}
