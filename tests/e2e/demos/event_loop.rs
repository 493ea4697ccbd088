//! The asyncio pages: one event loop, its waits, its lag, what blocks it.

use crate::pages::*;
use crate::support;
use crate::support::run_demo;
use serde_json::Value;

#[tokio::test]
async fn concurrent_waits_run_from_the_ui() {
    let (_server, browser) = open("/#/concurrent-waits?tasks=5&wait=200").await;
    assert!(
        browser
            .eval("document.title")
            .await
            .as_str()
            .unwrap()
            .starts_with("Concurrent waits")
    );
    // A link straight to a demo fetches the demos' code beside the first module, not after it.
    let early = "(p => p && p.startTime < performance.getEntriesByName('wasm-started')[0].startTime)\
                 (performance.getEntriesByType('resource').find(e => e.name.endsWith('_pages.wasm')))";
    assert_eq!(
        browser.eval(early).await,
        Value::Bool(true),
        "the demos' code was asked for late"
    );
    browser.click("[data-testid=run]").await;
    // The progress line is visible while the run goes.
    browser
        .wait_until(
            "!document.querySelector('[data-testid=progress]').hidden",
            5,
        )
        .await;
    browser.wait_until(support::RESULTS_DRAWN, 20).await;

    let total =
        |mode: &str| format!("+document.querySelector('tr[data-mode={mode}]').dataset.totalMs");
    let sequential = browser.eval(&total("sequential")).await.as_f64().unwrap();
    let concurrent = browser.eval(&total("concurrent")).await.as_f64().unwrap();
    assert!(sequential >= 5.0 * 200.0, "sequential {sequential}");
    assert!(
        concurrent < sequential / 2.0,
        "concurrent {concurrent} vs sequential {sequential}"
    );

    let seq_spans = drawn_spans(&browser, 0).await;
    let con_spans = drawn_spans(&browser, 1).await;
    assert_eq!((seq_spans.len(), con_spans.len()), (5, 5));
    assert_eq!(
        max_overlap(&seq_spans),
        1,
        "sequential waits must not overlap: {seq_spans:?}"
    );
    assert_eq!(
        max_overlap(&con_spans),
        5,
        "joined waits must all overlap: {con_spans:?}"
    );
    assert!(con_spans.iter().all(|(lane, ..)| lane == "event loop"));
    browser.screenshot("concurrent-waits").await;
    browser
        .screenshot_of("[data-testid=results]", "concurrent-waits-results")
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn coroutines_demo_shows_tasks_running_before_they_are_awaited() {
    let (_server, browser) = open("/#/coroutines?tasks=3&wait=300").await;
    run_demo(&browser, 20).await;
    let row = |mode: &str, col: usize| {
        format!("document.querySelector('tr[data-mode={mode}]').children[{col}].textContent")
    };
    let total =
        |mode: &str| format!("+document.querySelector('tr[data-mode={mode}]').dataset.totalMs");
    let sequential = browser.eval(&total("Sequential")).await.as_f64().unwrap();
    for mode in ["CreateTask", "Gather"] {
        let t = browser.eval(&total(mode)).await.as_f64().unwrap();
        assert!(
            t < sequential * 0.75,
            "{mode} {t} vs sequential {sequential}"
        );
        assert_eq!(
            browser.eval(&row(mode, 2)).await,
            "0, 1, 2",
            "{mode}: results in the order asked"
        );
        assert_eq!(
            browser.eval(&row(mode, 3)).await,
            "2, 1, 0",
            "{mode}: shortest finished first"
        );
    }
    assert_eq!(browser.eval(&row("Sequential", 3)).await, "0, 1, 2");
    // On the one event-loop thread the orange compute steps never overlap.
    let runs = browser
        .eval("[...document.querySelectorAll('[data-testid=timeline]')[2].querySelectorAll('rect.span.run')].map(r => [r.dataset.lane, +r.dataset.start, +r.dataset.end])")
        .await;
    let runs: Vec<(String, f64, f64)> = serde_json::from_value(runs).unwrap();
    assert_eq!(runs.len(), 6);
    assert_eq!(max_overlap(&runs), 1, "{runs:?}");
    browser
        .screenshot_of("[data-testid=results]", "coroutines-results")
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// One loop, no threads, lost updates: every task read the balance before any wrote; the lock
/// keeps them all (its critical parts never overlap); with no await between read and write
/// nothing is lost.
#[tokio::test]
async fn tasks_on_one_loop_lose_updates_across_an_await_and_a_lock_keeps_them() {
    let (_server, browser) = open("/#/await-race?tasks=6&wait=20").await;
    run_demo(&browser, 30).await;
    let balance =
        async |v: &str| row_number(&browser, &format!("tr[data-variant={v}]"), "balance").await;
    assert_eq!(
        balance("AcrossAwait").await,
        1.0,
        "six tasks read 0 before any wrote"
    );
    assert_eq!(balance("Locked").await, 6.0);
    assert_eq!(balance("NoAwaitBetween").await, 6.0);
    assert_eq!(
        max_overlap(&drawn_spans(&browser, 0).await),
        6,
        "all six between their read and their write at once"
    );
    let critical = browser.eval("[...document.querySelectorAll('[data-testid=timeline]')[1].querySelectorAll('rect.span.wait')].map(r => [r.dataset.lane, +r.dataset.start, +r.dataset.end])").await;
    let critical: Vec<(String, f64, f64)> = critical
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                String::new(),
                s[1].as_f64().unwrap(),
                s[2].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        (critical.len(), max_overlap(&critical)),
        (6, 1),
        "under the lock one task at a time is between read and write"
    );
    browser
        .screenshot_of("[data-testid=results]", "await-race")
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// Blocking calls: inside the coroutines they run one after another on the loop and the ticker
/// stops for all of them; through to_thread each blocks a worker of its own, they overlap and the
/// ticker goes on.
#[tokio::test]
async fn blocking_calls_freeze_the_loop_inline_and_not_through_to_thread() {
    let (_server, browser) = open("/#/to-thread?calls=4&ms=100").await;
    run_demo(&browser, 30).await;
    let figure =
        async |v: &str, a: &str| row_number(&browser, &format!("tr[data-variant={v}]"), a).await;
    let (inline_ms, inline_gap) = (
        figure("Inline", "totalMs").await,
        figure("Inline", "gapMs").await,
    );
    let (thread_ms, thread_gap) = (
        figure("ToThread", "totalMs").await,
        figure("ToThread", "gapMs").await,
    );
    assert!(
        inline_ms >= 400.0 && inline_gap >= 0.9 * inline_ms,
        "inline: {inline_ms} ms, the ticker waited {inline_gap} ms"
    );
    assert!(
        thread_ms < inline_ms / 2.0 && thread_gap < inline_gap / 2.0,
        "to_thread: {thread_ms} ms, gap {thread_gap} ms"
    );
    assert!(
        figure("ToThread", "ticks").await >= 2.0,
        "the loop kept ticking"
    );
    let spans = drawn_spans(&browser, 1).await;
    let mut lanes: Vec<&str> = spans.iter().map(|s| s.0.as_str()).collect();
    lanes.dedup();
    assert_eq!(
        (spans.len(), lanes.len(), max_overlap(&spans)),
        (4, 4, 4),
        "a worker each, all blocked at once: {spans:?}"
    );
    browser
        .screenshot_of("[data-testid=results]", "to-thread")
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// The asyncio.Queue pipeline: bounded, producers wait on the full queue and it never holds
/// more than maxsize; unbounded, items pile up; every item consumed once; a short
/// asyncio.timeout cancels the group.
#[tokio::test]
async fn an_async_queue_gives_back_pressure_and_the_timeout_cancels_the_group() {
    let (server, browser) =
        open("/#/async-queue?producers=2&consumers=2&items=16&maxsize=2&consume=20&timeout=10000")
            .await;
    run_demo(&browser, 30).await;
    let figure = async |v: &str, a: &str| {
        browser
            .eval(&format!(
                "document.querySelector('[data-testid=results] tr[data-variant={v}]').dataset.{a}"
            ))
            .await
    };
    for v in ["Bounded", "Unbounded"] {
        assert_eq!(figure(v, "finished").await, Value::from("true"), "{v}");
        assert_eq!(figure(v, "consumed").await, Value::from("16"), "{v}");
        assert_eq!(figure(v, "eachOnce").await, Value::from("true"), "{v}");
    }
    let held = |v: Value| v.as_str().unwrap().parse::<u64>().unwrap();
    assert!(
        held(figure("Bounded", "mostHeld").await) <= 2,
        "never more than maxsize"
    );
    assert!(
        held(figure("Unbounded", "mostHeld").await) > 2,
        "unbounded, the producers run ahead"
    );
    assert!(
        count_in_timeline(&browser, 0, "rect.span.blocked").await > 0,
        "put() waited on the full queue"
    );
    browser
        .screenshot_of("[data-testid=results]", "async-queue")
        .await;
    open_app(
        &browser,
        &server.url("/#/async-queue?items=40&consume=50&timeout=100"),
    )
    .await;
    run_demo(&browser, 30).await;
    assert_eq!(
        figure("Bounded", "finished").await,
        Value::from("false"),
        "40 items of 50 ms do not fit in 100 ms"
    );
    assert!(held(figure("Bounded", "consumed").await) < 40);
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn semaphore_demo_never_exceeds_its_limit() {
    let (_server, browser) = open("/#/semaphore?tasks=8&limit=3&wait=100").await;
    run_demo(&browser, 20).await;
    let most = browser
        .eval("[...document.querySelectorAll('tr[data-most]')].map(r => +r.dataset.most)")
        .await;
    assert_eq!(most, serde_json::json!([3, 3]));
    for index in 0..2 {
        let spans = drawn_spans(&browser, index).await;
        assert!(spans.len() >= 8);
    }
    browser
        .screenshot_of("[data-testid=results]", "semaphore-results")
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn timeouts_cut_off_late_tasks_and_cancel_stops_a_run() {
    let (server, browser) = open("/#/timeouts?tasks=5&timeout=300").await;
    run_demo(&browser, 20).await;
    let outcomes = "[...document.querySelectorAll('tr[data-outcome]')].map(r => r.dataset.outcome)";
    let got: Vec<String> = serde_json::from_value(browser.eval(outcomes).await).unwrap();
    // Needs 96, 192, 288, 384, 480 ms against 300 ms: 288 is too close to call.
    assert_eq!(
        (&got[..2], &got[3..]),
        (
            &["Done".to_string(), "Done".into()][..],
            &["TimedOut".to_string(), "TimedOut".into()][..]
        )
    );
    assert!(count(&browser, "rect.span.failed").await >= 2);
    browser
        .screenshot_of("[data-testid=results]", "timeouts-results")
        .await;

    // A long run, cancelled from the UI shortly after it starts.
    open_app(&browser, &server.url("/#/timeouts?tasks=4&timeout=3000")).await;
    browser.click("[data-testid=run]").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    browser.click("[data-testid=cancel]").await;
    browser.wait_until(support::RESULTS_DRAWN, 5).await;
    let got: Vec<String> = serde_json::from_value(browser.eval(outcomes).await).unwrap();
    assert!(got.iter().all(|o| o == "Cancelled"), "{got:?}");
    // The page still works: a new run starts, and can be cancelled again.
    browser.click("[data-testid=run]").await;
    browser
        .wait_until("!document.querySelector('[data-testid=results]')", 5)
        .await;
    browser.click("[data-testid=cancel]").await;
    browser.wait_until(support::RESULTS_DRAWN, 5).await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn blocking_the_loop_stalls_the_heartbeat_only_when_unyielding() {
    let (_server, browser) = open("/#/blocking?job=600&chunk=10").await;
    run_demo(&browser, 60).await;
    let on_loop = "tr[data-variant=OnTheLoop]";
    let chunked = "tr[data-variant=Chunked]";
    let worker = "tr[data-variant=Worker]";
    let stall = row_number(&browser, on_loop, "gapMs").await;
    let job_ms = row_number(&browser, on_loop, "totalMs").await;
    assert!(
        stall >= 0.9 * job_ms,
        "the unyielding job held the loop throughout: {stall} of {job_ms} ms"
    );
    assert!(row_number(&browser, on_loop, "ticks").await == 0.0);
    for alive in [chunked, worker] {
        let gap = row_number(&browser, alive, "gapMs").await;
        assert!(gap * 3.0 < stall, "{alive}: gap {gap} ms vs {stall} ms");
        assert!(row_number(&browser, alive, "ticks").await > 3.0, "{alive}");
    }
    assert!(
        row_number(&browser, on_loop, "lagMs").await > 0.5 * job_ms,
        "the timer waited for the job"
    );
    // Alive after the run: the heartbeat keeps ticking.
    let before = heartbeat(&browser).await;
    browser
        .wait_until(
            &format!(
                "+document.querySelector('[data-testid=heartbeat]').dataset.beats > {before} + 5"
            ),
            5,
        )
        .await;
    // The monitor in the status line caught the freeze and named the demo.
    let log = browser.text("[data-testid=slow-callbacks]").await;
    assert!(log.contains("slow callback"), "{log}");
    let first = browser
        .eval("document.querySelector('[data-testid=slow-callbacks] li')?.textContent")
        .await;
    assert!(
        first
            .as_str()
            .unwrap_or("")
            .contains("Blocking the loop (run in progress)"),
        "{first}"
    );
    browser
        .screenshot_of("[data-testid=results]", "blocking")
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn a_long_freeze_needs_consent() {
    let (_server, browser) = open("/#/blocking?job=3000").await;
    browser.wait_for("[data-testid=freeze-warning]", 5).await;
    let disabled = browser
        .eval("document.querySelector('[data-testid=run]').disabled")
        .await;
    assert_eq!(disabled, Value::Bool(true), "Run waits for consent");
    browser.click("[data-testid=consent]").await;
    let disabled = browser
        .eval("document.querySelector('[data-testid=run]').disabled")
        .await;
    assert_eq!(disabled, Value::Bool(false));
    browser.screenshot("blocking-consent").await;
    browser.close().await;
}

#[tokio::test]
async fn the_lag_monitor_reports_a_hold_over_its_threshold_only() {
    let (_server, browser) = open("/#/loop-lag?hold=300&threshold=100").await;
    // The heartbeat ticks every 20 ms where its pulse is shown, every 50 ms elsewhere.
    let period = |ms: u32| {
        format!("document.querySelector('[data-testid=lag]').dataset.periodMs === '{ms}'")
    };
    browser.wait_until(&period(20), 5).await;
    run_demo(&browser, 20).await;
    let row = "tr[data-reported]";
    assert_eq!(
        browser
            .eval("document.querySelector('tr[data-reported]').dataset.reported")
            .await,
        Value::from("true")
    );
    let gap = row_number(&browser, row, "gapMs").await;
    assert!(gap >= 250.0, "{gap}");
    let log = browser.text("[data-testid=report-log]").await;
    assert!(
        log.contains("Event-loop lag monitor (run in progress)"),
        "{log}"
    );
    browser.screenshot_of("main", "loop-lag").await;
    // A short hold under a high threshold is not reported.
    open_app(
        &browser,
        &browser
            .client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .replace("hold=300&threshold=100", "hold=20&threshold=500"),
    )
    .await;
    run_demo(&browser, 20).await;
    assert_eq!(
        browser
            .eval("document.querySelector('tr[data-reported]').dataset.reported")
            .await,
        Value::from("false")
    );
    browser.eval("location.hash = '#/'").await;
    browser.wait_until(&period(50), 5).await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn concurrency_interleaves_on_one_lane_and_parallelism_spreads_over_workers() {
    let (_server, browser) = open("/#/concurrency-vs-parallelism?tasks=4&steps=4&step=15").await;
    run_demo(&browser, 30).await;
    let seq = drawn_spans(&browser, 0).await;
    let par = drawn_spans(&browser, 1).await;
    // On the loop a step is drawn as the slices it was computed in (models::cooperative).
    assert!(
        seq.len() >= 16 && par.len() == 16,
        "{} slices on the loop, {} steps on workers",
        seq.len(),
        par.len()
    );
    assert_eq!(max_overlap(&seq), 1, "one lane computes one step at a time");
    assert!(seq.iter().all(|(lane, _, _)| lane == "event loop"));
    assert!(
        max_overlap(&par) >= 2,
        "steps on different workers at the same instant: {par:?}"
    );
    assert_eq!(
        row_number(&browser, "tr[data-mode=Interleaved]", "inProgress").await,
        4.0
    );
    // (Which is faster is a timed ratio, which a busy machine can turn round: the benchmark
    // reports speedups; this checks the structure that makes one possible.)
    browser
        .screenshot_of("[data-testid=results]", "concurrency-vs-parallelism")
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn fetch_makes_real_requests_and_contains_failures() {
    let (_server, browser) = open("/#/fetch?requests=5&delay=200&failing=2").await;
    run_demo(&browser, 30).await;
    let one_by_one = row_number(&browser, "tr[data-mode=OneByOne]", "totalMs").await;
    let at_once = row_number(&browser, "tr[data-mode=Concurrent]", "totalMs").await;
    assert!(
        one_by_one >= 1000.0,
        "five 200 ms delays in a row: {one_by_one}"
    );
    assert!(at_once < 0.5 * one_by_one, "{at_once} vs {one_by_one}");
    assert_eq!(
        max_overlap(&drawn_spans(&browser, 0).await),
        1,
        "one by one never overlaps"
    );
    assert!(max_overlap(&drawn_spans(&browser, 1).await) >= 4);
    let ok = browser
        .eval("[...document.querySelectorAll('tr[data-request]')].map(r => r.dataset.ok)")
        .await;
    assert_eq!(
        ok,
        serde_json::json!(["true", "false", "true", "false", "true"])
    );
    let errors = browser.text("[data-testid=fetch-errors]").await;
    assert!(errors.contains("2 requests failed"), "{errors}");
    let table = browser.text("[data-testid=results]").await;
    assert!(
        table.contains("HTTP 404") && table.contains("network error"),
        "{table}"
    );
    assert_eq!(count(&browser, "rect.span.failed").await, 4);
    // The page goes on: the bytes of the good requests are the real file's.
    let size = std::fs::metadata(support::dist_dir().join("data/items.json"))
        .unwrap()
        .len();
    assert!(table.contains(&format!("{size} bytes")), "{table}");
    browser
        .screenshot_of("[data-testid=results]", "fetch")
        .await;
    // The only console errors are the browser's own log lines for the two deliberate failures.
    let errors = browser.console_errors().await;
    let unexpected: Vec<&String> = errors
        .iter()
        .filter(|e| !e.contains("missing-1.json") && !e.contains("127.0.0.1:9/"))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    browser.close().await;
}
