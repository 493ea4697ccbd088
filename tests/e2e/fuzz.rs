//! Odd and hostile addresses: bad parameters fall back, random addresses break nothing.

use crate::pages::*;
use crate::support::run_demo;
use serde_json::Value;
use std::time::Duration;

#[tokio::test]
async fn bad_url_parameters_fall_back_with_a_notice_and_reload_keeps_working() {
    let (server, browser) = open("/#/concurrent-waits?tasks=999&wait=abc").await;
    let notices = browser.text("[data-testid=notices]").await;
    assert!(notices.contains("outside 1..=20"), "{notices}");
    assert!(notices.contains("not a whole number"), "{notices}");
    let value = |key: &str| format!("document.querySelector('input[data-knob={key}]').value");
    assert_eq!(browser.eval(&value("tasks")).await, "20");
    assert_eq!(browser.eval(&value("wait")).await, "200");
    // The URL now carries the values actually used; a reload restores them without notices.
    let hash = browser.eval("location.hash").await;
    assert_eq!(hash, "#/concurrent-waits?tasks=20&wait=200");
    browser.client.refresh().await.unwrap();
    browser.wait_for("input[data-knob=tasks]", 20).await;
    assert_eq!(browser.eval(&value("tasks")).await, "20");
    assert_eq!(browser.text("[data-testid=notices]").await, "");
    // An unknown demo says so instead of showing nothing.
    browser.goto(&server.url("/#/no-such-demo")).await;
    assert!(
        browser
            .text("main")
            .await
            .contains("There is no demo called")
    );
    browser.screenshot("bad-params").await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// A seeded xorshift: the same "random" addresses every run, so a failure replays.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// What an attacker or a mistyped link might put in an address.
const ODD_VALUES: &[&str] = &[
    "-1",
    "0",
    "99999999999999999999",
    "1e9",
    "NaN",
    "",
    "abc",
    "%00",
    "%E2%9C%93",
    "../../etc/passwd",
    "<img src=x onerror=window.__pwned=1>",
    "\"><script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    "<svg onload=window.__pwned=1>",
    "'><iframe src=javascript:window.__pwned=1>",
    "0101010101",
    "3.11",
    "free",
];

fn random_hash(state: &mut u64) -> String {
    let ids: Vec<&str> = concurrency_playground::demos::ALL
        .iter()
        .map(|d| d.id)
        .chain(["", "nope", "<b>x</b>", "%2e%2e"])
        .collect();
    let keys = [
        "tasks",
        "wait",
        "threads",
        "k",
        "steps",
        "rules",
        "size",
        "repeats",
        "calls",
        "ms",
        "items",
        "x<y",
        "__proto__",
    ];
    let mut pick = |n: usize| (xorshift(state) % n as u64) as usize;
    let id = ids[pick(ids.len())];
    let pairs: Vec<String> = (0..pick(4))
        .map(|_| {
            format!(
                "{}={}",
                keys[pick(keys.len())],
                ODD_VALUES[pick(ODD_VALUES.len())]
            )
        })
        .collect();
    format!("#/{id}?{}", pairs.join("&"))
}

/// 1,000 seeded random addresses, script-injection payloads among them: no console error,
/// nothing injected or run, every one shows a page, and the app still runs a demo after.
#[tokio::test]
async fn a_thousand_random_addresses_break_nothing_and_inject_nothing() {
    let (server, browser) = open("/").await;
    browser
        .client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(120)),
            None,
            None,
        ))
        .await
        .unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    let hashes: Vec<String> = (0..1000).map(|_| random_hash(&mut seed)).collect();
    for batch in hashes.chunks(100) {
        let shown = browser
            .client
            .execute_async(
                "const [hashes, done] = [arguments[0], arguments[arguments.length - 1]];
                 (async () => {
                     let shown = 0;
                     for (const h of hashes) {
                         location.hash = h;
                         await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                         if (document.querySelector('main h1')) shown += 1;
                     }
                     done(shown);
                 })();",
                vec![serde_json::json!(batch)],
            )
            .await
            .expect("the batch ran");
        assert_eq!(
            shown,
            Value::from(batch.len()),
            "every address shows a page (a demo, the home page or 'Not found')"
        );
        let injected = browser.eval("window.__pwned !== undefined || document.querySelectorAll('main script, main iframe, main [onerror], main [onload]').length > 0").await;
        assert_eq!(
            injected,
            Value::from(false),
            "a payload got into the page: {batch:?}"
        );
    }
    assert_no_console_errors(&browser).await;
    open_app(&browser, &server.url("/#/concurrent-waits?tasks=3&wait=20")).await;
    run_demo(&browser, 30).await;
    browser.close().await;
}
