//! The release build in headless Firefox ESR (Debian) through geckodriver (crates.io): the
//! subset of the e2e suite that says the playground works in a second engine. Every demo page's
//! run, cross-origin isolation with its worker threads, the degraded mode without isolation, and
//! the service worker that isolates a page on a host without headers. (Chromium runs the whole
//! suite, `tests/e2e`: its timing and accessibility checks need Chromium's driver.)
//!
//! Run with `xtask/run test` (or `cargo test --features e2e --test firefox` after `xtask/run dist`).

#[path = "../support/mod.rs"]
mod support;

use serde_json::Value;
use support::browser::Browser;
use support::run_demo;
use support::server::{Hosting, ServiceWorker, StaticServer};

async fn ready(browser: &Browser, url: &str) {
    browser.goto(url).await;
    support::wait_for_threads(browser, 30).await;
}

async fn assert_no_page_errors(browser: &Browser, page: &str) {
    let errors: Vec<String> = browser.console_errors().await;
    assert!(errors.is_empty(), "{page}: {errors:#?}");
}

/// Isolated, with worker threads; then every demo's Run, with the knobs it opens with, ends in a
/// result (or, for the freezes on purpose, in a result after the bounded freeze) and no error.
#[tokio::test]
async fn firefox_is_isolated_and_every_demo_page_runs() {
    let server = StaticServer::start(support::dist_dir(), true);
    let browser = Browser::firefox().await;
    ready(&browser, &server.url("/")).await;
    assert_eq!(browser.eval("crossOriginIsolated").await, Value::Bool(true));
    let agent = browser.eval("navigator.userAgent").await;
    assert!(
        agent.as_str().unwrap_or_default().contains("Firefox/"),
        "{agent}"
    );
    for demo in concurrency_playground::demos::ALL {
        browser.goto(&server.url(&format!("/#/{}", demo.id))).await;
        browser
            .wait_for(&format!("[data-demo='{}']", demo.id), 10)
            .await;
        run_demo(&browser, 120).await;
        let notices = browser.eval("[...document.querySelectorAll('[data-testid=notices] .notice')].map(e => e.textContent)").await;
        assert_eq!(
            notices,
            serde_json::json!([]),
            "#/{}: the run said something went wrong",
            demo.id
        );
        assert_no_page_errors(&browser, demo.id).await;
    }
    browser.screenshot("firefox-last-demo").await;
    browser.close().await;
}

/// Without isolation and with no service worker: the thread demos say why, the rest still run.
#[tokio::test]
async fn firefox_without_isolation_explains_and_the_rest_still_runs() {
    let server = StaticServer::hosting(
        support::dist_dir(),
        Hosting {
            isolated: false,
            prefix: "",
            service_worker: ServiceWorker::Refused,
        },
    );
    let browser = Browser::firefox().await;
    browser.goto(&server.url("/#/parallel-cpu")).await;
    let said = browser
        .wait_until("(document.querySelector('.boot.failed') || document.querySelector('[data-testid=no-threads]'))?.textContent", 20)
        .await;
    let said = said.as_str().unwrap_or_default();
    assert!(
        said.contains("Cross-Origin-Embedder-Policy"),
        "the page says which headers it needs: {said}"
    );
    browser.screenshot("firefox-not-isolated").await;
    // On a plain host the boot banner blames the missing headers for any failed start, a crash
    // too: only a refusal to share memory (the one reason the headers would cure) is accepted.
    let refused = browser
        .eval("document.querySelector('.boot.failed')?.textContent ?? null")
        .await;
    if let Some(banner) = refused.as_str() {
        let details = banner.split("Details:").nth(1).unwrap_or_default();
        assert!(
            details.contains("SharedArrayBuffer") || details.to_lowercase().contains("shared"),
            "the playground did not start, and not for want of shared memory: {banner}"
        );
    } else {
        // The wasm started without shared memory: the thread demo said why; the loop still runs.
        browser
            .goto(&server.url("/#/concurrent-waits?tasks=3&wait=50"))
            .await;
        browser.wait_for("[data-testid=run]", 10).await;
        run_demo(&browser, 30).await;
        assert_no_page_errors(&browser, "degraded").await;
    }
    browser.close().await;
}

/// On a host that sends no headers, the service worker isolates the page and threads start.
#[tokio::test]
async fn firefox_service_worker_isolates_the_page() {
    let server = StaticServer::hosting(
        support::dist_dir(),
        Hosting {
            isolated: false,
            prefix: "",
            service_worker: ServiceWorker::Real,
        },
    );
    let browser = Browser::firefox().await;
    ready(&browser, &server.url("/")).await;
    assert_eq!(browser.eval("crossOriginIsolated").await, Value::Bool(true));
    assert_eq!(
        browser.eval("!!navigator.serviceWorker.controller").await,
        Value::Bool(true)
    );
    browser
        .goto(&server.url("/#/threads?threads=2&wait=200"))
        .await;
    browser.wait_for("[data-testid=run]", 10).await;
    run_demo(&browser, 30).await;
    assert_no_page_errors(&browser, "service worker").await;
    browser.close().await;
}
