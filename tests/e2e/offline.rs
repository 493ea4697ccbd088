//! Offline and a network that fails: the service worker's copy, a demos' module that cannot load.

use crate::pages::*;
use crate::support;
use crate::support::browser::Browser;
use crate::support::run_demo;
use crate::support::server::ServiceWorker;
use serde_json::Value;

/// Bad luck on the network: a demo whose code cannot be fetched says so under its title, the
/// rest of the playground still works, and once the network is back "Try again" loads it: from
/// the home page, and on a visit that began with a link to the demo (its download starts at once
/// and fails; the page is the service worker's copy).
#[tokio::test]
async fn when_the_demos_code_cannot_load_the_page_says_so_and_tries_again_on_request() {
    let (server, browser) = open("/").await;
    wait_for_shell_copy(&browser).await;
    server.go_down();
    browser.click("a.card[href='#/gil']").await;
    let said = code_failure(&browser).await;
    assert_eq!(browser.text("main h1").await, "The GIL (simulated)");
    assert!(
        said.starts_with("The demos' code could not be loaded"),
        "{said}"
    );
    browser.click("a.brand").await;
    browser.wait_for("main a.card", 10).await;
    // A link straight to a demo, opened offline.
    browser.goto(&server.url("/?again#/gil")).await;
    code_failure(&browser).await;
    browser.screenshot("code-failed").await;
    server.come_back();
    browser.click("[data-testid=retry-code]").await;
    support::wait_for_threads(&browser, 20).await; // the run panel is drawn anew when they are
    browser.wait_for("[data-testid=run]", 20).await;
    run_demo(&browser, 60).await;
    assert_eq!(
        browser.eval("window.__pageErrors.length").await,
        Value::from(0),
        "nothing uncaught"
    );
    browser.close().await;
}

/// Waits for the placeholder's word that the demos' code could not be loaded; returns it.
async fn code_failure(browser: &Browser) -> String {
    let said = browser
        .wait_until("(p => p && /could not be loaded/.test(p.textContent) && p.textContent)(document.querySelector('main .notice[role=status]'))", 20)
        .await;
    said.as_str().unwrap_or_default().to_string()
}

/// Waits until the service worker's cache holds what `wanted` says (a JS expression over
/// `cached`, the cached URLs, read anew on every poll).
async fn wait_for_cached(browser: &Browser, wanted: &str) {
    browser
        .wait_until(
            &format!(
                "(caches.open('playground').then(c => c.keys()).then(k => window.__cached = k.map(r => r.url)), \
                  (cached => {wanted})(window.__cached || []))"
            ),
            20,
        )
        .await;
}

/// Waits until the service worker has cached what the page needs to start offline (the home
/// page never asks for the demos' code).
async fn wait_for_shell_copy(browser: &Browser) {
    let tag = "document.querySelector('script[data-wasm]')";
    wait_for_cached(
        browser,
        &format!(
            "[...document.querySelectorAll('script[src], link[rel=stylesheet]')].map(e => e.src || e.href) \
               .concat(['/', 'thread_worker.js', {tag}.dataset.wasm, {tag}.dataset.js].map(u => new URL(u, location.href).href)) \
               .every(u => cached.includes(u))"
        ),
    )
    .await;
}

/// Waits until the service worker has cached the app shell, the wasm and the worker scripts.
async fn wait_for_offline_copy(browser: &Browser) {
    wait_for_cached(browser, "['_bg.wasm', '_pages.wasm', 'thread_worker.js', 'process-worker.js', 'subprocess.js', '/'].every(end => cached.some(u => u.endsWith(end)))").await;
}

#[tokio::test]
async fn after_one_visit_the_playground_works_offline() {
    let server = plain_host("", ServiceWorker::Real);
    let browser = Browser::start().await;
    // A visit that opens a demo: the demos' code is cached once it was loaded (a first visit to
    // the home page alone does not download it, so offline it would say it cannot load it).
    open_app(&browser, &server.url("/#/concurrent-waits")).await;
    browser.wait_for("[data-testid=run]", 20).await;
    wait_for_offline_copy(&browser).await;
    server.go_down();
    // A real navigation (the query differs, so it is not just a hash change), with no server.
    open_app(
        &browser,
        &server.url("/?offline#/concurrent-waits?tasks=3&wait=50"),
    )
    .await;
    assert_eq!(browser.eval("location.search").await, "?offline");
    assert_eq!(
        browser.eval("crossOriginIsolated").await,
        Value::Bool(true),
        "still isolated, from the cache"
    );
    run_demo(&browser, 20).await;
    // A process (the wasm again, in a worker of its own) and a separate program, both from the cache.
    browser
        .goto(&server.url("/#/subprocess?timeout=300&lines=2"))
        .await;
    browser.wait_for("[data-testid=run]", 10).await;
    run_demo(&browser, 20).await;
    assert_eq!(
        browser
            .eval("document.querySelector('tr[data-program=upper]').dataset.status")
            .await,
        "Code(0)"
    );
    browser.goto(&server.url("/#/processes?processes=2")).await;
    browser.wait_for("[data-testid=run]", 10).await;
    run_demo(&browser, 30).await;
    browser.screenshot("offline").await;
    browser.close().await;
}
