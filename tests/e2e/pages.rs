//! What the e2e tests share: opening the app, reading what a page drew, asserting what every
//! page must (no console error, speedups marked as noise when they are).

use crate::support;
use crate::support::browser::Browser;
use crate::support::server::{Hosting, ServiceWorker, StaticServer};
use serde_json::Value;

pub(crate) fn isolated_server() -> StaticServer {
    StaticServer::start(support::dist_dir(), true)
}

/// Waits for the app to mount and the worker pool to report in the status line.
pub(crate) async fn open_app(browser: &Browser, url: &str) {
    browser.goto(url).await;
    let settled = format!(
        "!['starting', 'partial', 'reloading', undefined].includes({}) && document.querySelector('[data-testid=threads]').textContent",
        support::threads_state()
    );
    let status = browser.wait_until(&settled, 20).await;
    let status = status.as_str().unwrap_or_default();
    if !(status.starts_with(|c: char| c.is_ascii_digit()) && status.contains(" worker thread")) {
        let why = browser
            .eval("document.querySelector('[data-testid=threads]').title")
            .await;
        let errors = browser.console_errors().await;
        browser.screenshot("no-pool").await;
        panic!("{url}: the status line says {status:?} ({why}); console errors: {errors:#?}");
    }
    support::fail_on_lanes_that_did_not_start(browser).await;
    refuse_a_debug_build(browser).await;
}

/// The suite measures and screenshots the optimised build only: a debug build is 10-30x slower.
pub(crate) async fn refuse_a_debug_build(browser: &Browser) {
    let release = browser.eval(support::REFUSE_DEBUG).await;
    assert_eq!(
        release, true,
        "dist/ holds a debug build: run `xtask/run dist` (trunk build --release)"
    );
}

/// A fresh browser on `path` of the release build, served with the isolation headers.
pub(crate) async fn open(path: &str) -> (StaticServer, Browser) {
    let server = isolated_server();
    let browser = Browser::start().await;
    open_app(&browser, &server.url(path)).await;
    (server, browser)
}

pub(crate) async fn assert_no_console_errors(browser: &Browser) {
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// The spans drawn in the `index`-th timeline on the page, as (lane, start, end).
pub(crate) async fn drawn_spans(browser: &Browser, index: usize) -> Vec<(String, f64, f64)> {
    let v = browser
        .eval(&format!(
            "[...document.querySelectorAll('[data-testid=timeline]')[{index}].querySelectorAll('rect.span')]\
             .map(r => [r.dataset.lane, +r.dataset.start, +r.dataset.end])"
        ))
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s[0].as_str().unwrap().to_string(),
                s[1].as_f64().unwrap(),
                s[2].as_f64().unwrap(),
            )
        })
        .collect()
}

/// Every speedup cell on the page says "noise" exactly when it is marked noisy, and the page
/// explains noise exactly when some cell is (widgets/speedup.rs). Returns how many cells it read.
pub(crate) async fn assert_speedup_marks_agree(browser: &Browser) -> usize {
    let v = browser
        .eval("({ cells: [...document.querySelectorAll('td[data-speedup]')].map(td => [td.dataset.noisy === 'true', td.textContent.includes('noise')]), \
                  note: !!document.querySelector('[data-testid=noisy]') })")
        .await;
    let cells: Vec<(bool, bool)> = serde_json::from_value(v["cells"].clone()).unwrap();
    assert!(
        cells.iter().all(|(marked, said)| marked == said),
        "a cell marked noisy says so, and only then: {cells:?}"
    );
    assert_eq!(
        v["note"].as_bool(),
        Some(cells.iter().any(|c| c.0)),
        "the page explains noise when a cell is: {v}"
    );
    cells.len()
}

pub(crate) fn max_overlap(spans: &[(String, f64, f64)]) -> usize {
    spans
        .iter()
        .map(|(_, s, e)| spans.iter().filter(|(_, s2, e2)| s2 < e && s < e2).count())
        .max()
        .unwrap_or(0)
}

/// A plain static host: no isolation headers.
pub(crate) fn plain_host(prefix: &'static str, service_worker: ServiceWorker) -> StaticServer {
    StaticServer::hosting(
        support::dist_dir(),
        Hosting {
            isolated: false,
            prefix,
            service_worker,
        },
    )
}

/// The `data-*` number `attr` of the results row matching `row`.
pub(crate) async fn row_number(browser: &Browser, row: &str, attr: &str) -> f64 {
    let v = browser
        .eval(&format!(
            "+document.querySelector('[data-testid=results] {row}').dataset.{attr}"
        ))
        .await;
    v.as_f64()
        .unwrap_or_else(|| panic!("{row} has no data-{attr}: {v}"))
}

pub(crate) async fn heartbeat(browser: &Browser) -> f64 {
    browser
        .eval("+document.querySelector('[data-testid=heartbeat]').dataset.beats")
        .await
        .as_f64()
        .unwrap()
}

/// The page's loop lag stayed low through a run: thread demos never block the main thread.
/// The slow callbacks' list shows once there is one (app/lag.rs): the meter must be on the page,
/// or an empty list would say nothing.
pub(crate) async fn assert_page_stayed_responsive(browser: &Browser) {
    assert!(
        exists(browser, "[data-testid=lag]").await,
        "no loop-lag meter on the page to tell"
    );
    let held = browser.eval("[...document.querySelectorAll('[data-testid=slow-callbacks] li')].map(li => li.textContent)").await;
    let during_run: Vec<&str> = held
        .as_array()
        .unwrap_or_else(|| panic!("the slow callbacks: {held}"))
        .iter()
        .filter_map(Value::as_str)
        .filter(|t| t.contains("run in progress"))
        .collect();
    assert!(
        during_run.is_empty(),
        "the loop was held during the run: {during_run:?}"
    );
}

/// The step panel's shared value called `name`, as shown.
pub(crate) async fn stepped(browser: &Browser, name: &str) -> String {
    let v = browser.eval(&format!("document.querySelector('[data-testid=step-shared] dd[data-name=\"{name}\"]')?.textContent ?? null")).await;
    v.as_str()
        .unwrap_or_else(|| panic!("the step panel shows no shared value {name}"))
        .to_string()
}

/// Picks the step panel's rules by their URL key, as a person would with the select.
pub(crate) async fn step_rules(browser: &Browser, key: &str) {
    let options = browser.eval("[...document.querySelectorAll('[data-testid=step-rules] option')].map(o => o.textContent)").await;
    let index = match key {
        "3.11" | "opposite" | "create-task" => 0,
        _ => 1,
    };
    assert!(options[index].is_string(), "{options}");
    browser
        .eval(&format!("(s => {{ s.value = '{index}'; s.dispatchEvent(new Event('change')); return true; }})(document.querySelector('[data-testid=step-rules]'))"))
        .await;
    browser
        .wait_until(&format!("location.hash.includes('rules={key}')"), 5)
        .await;
}

/// `path` on the server the browser is on now.
pub(crate) async fn server_url(browser: &Browser, path: &str) -> String {
    let url = browser.client.current_url().await.unwrap();
    format!(
        "{}://{}{path}",
        url.scheme(),
        &url[url::Position::BeforeHost..url::Position::BeforePath]
    )
}

/// The cores the browser reports (`navigator.hardwareConcurrency`).
pub(crate) async fn cores(browser: &Browser) -> usize {
    let v = browser.eval("navigator.hardwareConcurrency").await;
    v.as_u64()
        .unwrap_or_else(|| panic!("navigator.hardwareConcurrency is {v}")) as usize
}

/// How many elements match `css` on the page.
pub(crate) async fn count(browser: &Browser, css: &str) -> u64 {
    let v = browser
        .eval(&format!("document.querySelectorAll({css:?}).length"))
        .await;
    v.as_u64()
        .unwrap_or_else(|| panic!("a count of {css}: {v}"))
}

/// How many elements match `css` in the `index`-th timeline on the page.
pub(crate) async fn count_in_timeline(browser: &Browser, index: usize, css: &str) -> u64 {
    let v = browser
        .eval(&format!(
            "document.querySelectorAll('[data-testid=timeline]')[{index}].querySelectorAll({css:?}).length"
        ))
        .await;
    v.as_u64()
        .unwrap_or_else(|| panic!("timeline {index} is not on the page, or has no {css}: {v}"))
}

/// The `data-*` value `key` (camelCase, as `dataset` names it) of every element matching `css`,
/// in document order; an element without it fails the test.
pub(crate) async fn data_of_all(browser: &Browser, css: &str, key: &str) -> Vec<String> {
    let v = browser
        .eval(&format!(
            "[...document.querySelectorAll({css:?})].map(e => e.dataset.{key} ?? null)"
        ))
        .await;
    v.as_array()
        .unwrap_or_else(|| panic!("{css}: {v}"))
        .iter()
        .map(|d| {
            d.as_str()
                .unwrap_or_else(|| panic!("an element {css} without data-{key}: {v}"))
                .to_string()
        })
        .collect()
}

/// The `data-*` value `key` of the first element matching `css`; missing, the test fails.
pub(crate) async fn data_of(browser: &Browser, css: &str, key: &str) -> String {
    let v = browser
        .eval(&format!(
            "document.querySelector({css:?})?.dataset.{key} ?? null"
        ))
        .await;
    v.as_str()
        .unwrap_or_else(|| panic!("no {css} with data-{key} on the page"))
        .to_string()
}

/// Whether an element matches `css` now (no waiting).
pub(crate) async fn exists(browser: &Browser, css: &str) -> bool {
    browser
        .eval(&format!("!!document.querySelector({css:?})"))
        .await
        .as_bool()
        .expect("a boolean")
}

/// Starts counting, in the page, the result rows (`[data-testid=results] tbody tr`) added to
/// the document from now on: a second run's rows replace the first one's, so counting the rows
/// present at the end cannot tell one run from two; `rows_added` reads the count.
pub(crate) async fn count_result_rows_added(browser: &Browser) {
    browser
        .eval(
            "(() => { window.__rowsAdded = 0; new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => {
                if (n.nodeType !== 1) return;
                const rows = [...(n.matches('tr') ? [n] : []), ...n.querySelectorAll('tr')];
                window.__rowsAdded += rows.filter(t => t.closest('[data-testid=results] tbody')).length;
            }))).observe(document.body, { childList: true, subtree: true }); return true; })()",
        )
        .await;
}

/// The result rows added since `count_result_rows_added`.
pub(crate) async fn rows_added(browser: &Browser) -> u64 {
    let v = browser.eval("window.__rowsAdded").await;
    v.as_u64()
        .unwrap_or_else(|| panic!("the rows were not being counted: {v}"))
}
