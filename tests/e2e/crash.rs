//! Crash isolation under each pool's rules, live: this playground's pool replaces a dead process
//! and reruns its task; under ProcessPoolExecutor's rules the crash breaks the pool (the other
//! processes terminated, every unanswered task BrokenProcessPool, one more task refused); under
//! multiprocessing.Pool's the process is replaced and its task never answers. Structure only:
//! which fate each task met and which lanes ended, never how long anything took.

use crate::support::{self, browser::Browser, server::StaticServer};
use serde_json::Value;
use std::collections::BTreeSet;

/// A fresh browser `width` px wide on `path` of the release build, isolated, its threads up.
async fn open(path: &str, width: u32) -> (StaticServer, Browser) {
    let server = StaticServer::start(support::dist_dir(), true);
    let browser = Browser::start().await;
    browser.client.set_window_size(width, 900).await.unwrap();
    browser.goto(&server.url(path)).await;
    support::wait_for_threads(&browser, 60).await;
    assert_eq!(
        browser.eval(support::REFUSE_DEBUG).await,
        true,
        "dist/ holds a debug build: run `xtask/run dist` (trunk build --release)"
    );
    (server, browser)
}

/// The verdict's data attribute `name` (camelCase), as text.
async fn verdict(browser: &Browser, name: &str) -> String {
    let v = browser
        .eval(&format!(
            "document.querySelector('.verdict').dataset.{name}"
        ))
        .await;
    v.as_str().unwrap_or_default().to_string()
}

async fn number(browser: &Browser, name: &str) -> usize {
    let text = verdict(browser, name).await;
    text.parse()
        .unwrap_or_else(|_| panic!("data-{name} is not a count: {text:?}"))
}

/// The tasks in the fates table's row for `fate` (none when the row is absent).
async fn tasks_with(browser: &Browser, fate: &str) -> Vec<usize> {
    let v = browser
        .eval(&format!(
            "document.querySelector('[data-testid=fates] tr[data-fate={fate}]')?.dataset.tasks ?? ''"
        ))
        .await;
    v.as_str()
        .unwrap_or_default()
        .split(',')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect()
}

/// The lanes of the results' timeline with a span of `kind` ("run", "failed"; "" for any).
async fn lanes_with(browser: &Browser, kind: &str) -> BTreeSet<String> {
    let class = if kind.is_empty() {
        String::new()
    } else {
        format!(".{kind}")
    };
    let v = browser
        .eval(&format!(
            "[...document.querySelectorAll('[data-testid=results] [data-testid=timeline] rect.span{class}')].map(r => r.dataset.lane)"
        ))
        .await;
    serde_json::from_value(v).unwrap()
}

async fn assert_no_console_errors(browser: &Browser) {
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[tokio::test]
async fn crash_under_the_executors_rules_breaks_the_pool_live() {
    // First this playground's rules: the right answer despite the crash.
    let (_server, browser) = open(
        "/#/crash-isolation?processes=3&tasks=64&panic=0&oom=64&hang=64&timeout=10000&rules=playground",
        1280,
    )
    .await;
    support::run_demo(&browser, 120).await;
    assert_eq!(verdict(&browser, "rules").await, "playground");
    assert_eq!(verdict(&browser, "correct").await, "true");
    assert_eq!(number(&browser, "crashes").await, 1);
    assert_eq!(number(&browser, "answered").await, 64);
    assert_eq!(
        tasks_with(&browser, "rerun").await,
        vec![0],
        "the lost task ran again"
    );
    assert!(
        lanes_with(&browser, "").await.contains("process 3"),
        "a replacement"
    );

    // Then the same run under ProcessPoolExecutor's rules, chosen on the page.
    browser
        .click("[data-testid=rules] input[value=executor]")
        .await;
    browser
        .wait_until("location.hash.includes('rules=executor')", 10)
        .await;
    support::run_demo(&browser, 120).await;
    assert_eq!(verdict(&browser, "rules").await, "executor");
    assert_eq!(verdict(&browser, "correct").await, "false");
    assert_eq!(
        number(&browser, "crashes").await,
        1,
        "the first crash breaks the pool"
    );
    let (answered, broken) = (
        number(&browser, "answered").await,
        number(&browser, "broken").await,
    );
    assert_eq!(
        answered + broken,
        64,
        "every task answered before the break or failed"
    );
    assert_eq!(
        number(&browser, "right").await,
        answered,
        "what arrived is right"
    );
    assert!(
        tasks_with(&browser, "broken").await.contains(&0),
        "the crashed task"
    );
    assert_eq!(number(&browser, "lost").await, 0);
    assert_eq!(number(&browser, "unanswered").await, 0);
    assert_eq!(
        number(&browser, "terminated").await,
        2,
        "the broken pool terminated the two other processes"
    );
    let failed = lanes_with(&browser, "failed").await;
    let all = lanes_with(&browser, "").await;
    assert_eq!(
        failed.len(),
        3,
        "every process's lane ends in red: {failed:?}"
    );
    assert!(!all.contains("process 3"), "no replacement: {all:?}");
    let refused = verdict(&browser, "refused").await;
    assert!(
        refused.starts_with("BrokenProcessPool") && refused.contains("not usable anymore"),
        "one more task is refused: {refused:?}"
    );
    assert!(
        browser
            .text(".verdict")
            .await
            .contains("raised BrokenProcessPool"),
        "the page says it"
    );
    browser.screenshot_of("main", "crash-executor-1280").await;
    assert_no_console_errors(&browser).await; // the crash is reported on the page, not thrown
    browser.close().await;
}

#[tokio::test]
async fn crash_under_the_mp_pools_rules_loses_the_task() {
    let (_server, browser) = open(
        "/#/crash-isolation?processes=3&tasks=9&panic=2&oom=60&hang=60&timeout=1500&rules=pool",
        390,
    )
    .await;
    assert_eq!(
        browser
            .eval("document.querySelector('[data-testid=rules] input[value=pool]').checked")
            .await,
        Value::from(true),
        "the link's rules are chosen"
    );
    support::run_demo(&browser, 120).await;
    assert_eq!(verdict(&browser, "rules").await, "pool");
    assert_eq!(verdict(&browser, "correct").await, "false");
    assert_eq!(number(&browser, "crashes").await, 1);
    assert_eq!(
        tasks_with(&browser, "lost").await,
        vec![2],
        "never run again"
    );
    assert_eq!(number(&browser, "answered").await, 8, "the others answered");
    assert!(
        lanes_with(&browser, "").await.contains("process 3"),
        "the dead process was replaced"
    );
    assert!(
        browser
            .text("[data-testid=fates]")
            .await
            .contains("would wait for ever; stopped after 1500 ms"),
        "the bounded wait is announced"
    );
    let overflow = browser
        .eval("document.documentElement.scrollWidth - window.innerWidth")
        .await;
    assert_eq!(
        overflow.as_f64(),
        Some(0.0),
        "no horizontal scroll at 390 px"
    );
    browser.screenshot_of("main", "crash-pool-390").await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}
