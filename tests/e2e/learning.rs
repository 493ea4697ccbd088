//! Learning: the first impression, the path through the pages, predictions, the steppers.

use crate::pages::*;
use crate::support::browser::Browser;
use crate::support::run_demo;
use serde_json::Value;

#[tokio::test]
async fn first_impression_landing_themes_and_keyboard() {
    let server = isolated_server();
    let browser = Browser::start().await;
    open_app(&browser, &server.url("/")).await;
    // Two lines say what it is; the demos are grouped, each with a teaser.
    let groups = browser
        .eval("[...document.querySelectorAll('main h2')].map(h => h.textContent)")
        .await;
    for group in ["Event loop", "Threads", "Processes"] {
        assert!(
            groups
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g.as_str().unwrap().starts_with(group)),
            "{group}: {groups}"
        );
    }
    let cards = count(&browser, "main a.card").await;
    assert_eq!(
        cards as usize,
        concurrency_playground::demos::ALL.len(),
        "a card per demo"
    );
    assert_eq!(
        browser.eval("document.title").await,
        "concurrency playground"
    );
    assert!(
        browser
            .eval("document.querySelector('link[rel=icon]').href")
            .await
            .as_str()
            .unwrap()
            .ends_with(".svg")
    );
    browser.screenshot("landing").await;
    // Keyboard: the first Tab lands on "Skip to content", visibly focused; Enter skips to the page.
    let body = browser
        .client
        .find(fantoccini::Locator::Css("body"))
        .await
        .unwrap();
    body.send_keys("\u{E004}").await.unwrap();
    assert_eq!(
        browser.eval("document.activeElement.textContent").await,
        "Skip to content"
    );
    assert_ne!(
        browser
            .eval("getComputedStyle(document.activeElement).outlineStyle")
            .await,
        "none",
        "focus is visible"
    );
    // A demo's page has its own title.
    browser.goto(&server.url("/#/subprocess")).await;
    browser.wait_for("[data-testid=run]", 10).await;
    assert_eq!(
        browser.eval("document.title").await,
        "Subprocess · concurrency playground"
    );
    browser.close().await;
    // The dark theme follows the system setting.
    let dark = Browser::start_with(&["--blink-settings=preferredColorScheme=0"]).await;
    open_app(&dark, &server.url("/")).await;
    assert_eq!(
        dark.eval("matchMedia('(prefers-color-scheme: dark)').matches")
            .await,
        Value::Bool(true)
    );
    assert_eq!(
        dark.eval("getComputedStyle(document.documentElement).backgroundColor")
            .await,
        "rgb(18, 21, 28)"
    );
    dark.screenshot("landing-dark").await;
    dark.close().await;
}

/// The path: from the home page's start link, each page's "next" leads on, through every demo
/// exactly once, to the matrix, and each page says the question it answered.
#[tokio::test]
async fn the_path_leads_through_every_page_once() {
    let (_server, browser) = open("/#/").await;
    browser.click("[data-testid=path-start]").await;
    let page = async || {
        browser
            .eval("location.hash.slice(2).split('?')[0]")
            .await
            .as_str()
            .unwrap()
            .to_string()
    };
    let mut seen = Vec::new();
    loop {
        browser.wait_for("[data-testid=path-next]", 10).await;
        let id = page().await;
        browser
            .wait_until(
                &format!("document.querySelector('[data-demo=\"{id}\"]')"),
                10,
            )
            .await;
        assert!(
            browser
                .text("[data-testid=path-next]")
                .await
                .contains("This page answered:"),
            "{id}"
        );
        seen.push(id.clone());
        if browser
            .eval("document.querySelectorAll('[data-testid=path-next-link]').length")
            .await
            == 0
        {
            break;
        }
        assert!(
            seen.len() <= concurrency_playground::demos::ALL.len(),
            "the path loops: {seen:?}"
        );
        browser.click("[data-testid=path-next-link]").await;
        browser
            .wait_until(
                &format!("location.hash.slice(2).split('?')[0] !== '{id}'"),
                10,
            )
            .await;
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some("compare"),
        "the path ends with choosing"
    );
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        concurrency_playground::demos::ALL.len(),
        "every demo once: {seen:?}"
    );
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// Predict, then run: the guess typed before Run is shown beside the measurement after it,
/// judged against it, and tallied in this browser only; an empty guess is skipped.
#[tokio::test]
async fn a_guess_made_before_the_run_is_shown_beside_the_measurement() {
    let (_server, browser) = open("/#/concurrent-waits?tasks=4&wait=100").await;
    assert!(
        browser
            .text("[data-testid=predict-question]")
            .await
            .starts_with("4 waits of 100 ms each")
    );
    run_demo(&browser, 30).await;
    assert_eq!(
        count(&browser, "[data-testid=predict-result]").await,
        0,
        "no guess: skipped"
    );
    browser
        .wait_for("[data-testid=predict-guess]", 10)
        .await
        .send_keys("400")
        .await
        .expect("type a guess");
    run_demo(&browser, 30).await;
    let result = browser.wait_for("[data-testid=predict-result]", 10).await;
    let measured: f64 = result
        .attr("data-measured")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let concurrent = row_number(&browser, "tr[data-mode=concurrent]", "totalMs").await;
    assert_eq!(
        measured, concurrent,
        "the guess is compared with this run's concurrent total"
    );
    assert_eq!(
        result.attr("data-close").await.unwrap().as_deref(),
        Some("false"),
        "4 waits of 100 ms together take ~100 ms, not 400"
    );
    assert!(
        result
            .text()
            .await
            .unwrap()
            .starts_with("You guessed 400 ms; measured")
    );
    assert!(
        browser
            .text("[data-testid=predict-tally]")
            .await
            .starts_with("Your guesses on this page: 1, 0 within")
    );
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// Step mode by keyboard: the learner splits a load from its store free-threaded and loses an
/// update; undo takes it back; the link replays it; under 3.11's switch points the search
/// proves no schedule loses one, and free-threaded the find button reaches one.
#[tokio::test]
async fn the_learner_steps_counter_plus_one_and_a_link_replays_the_schedule() {
    let (_server, browser) = open("/#/race-condition?rules=free").await;
    let panel = browser.wait_for("[data-testid=stepper]", 10).await;
    // Thread 0 reads 0 (3 steps), thread 1 adds once (6), thread 0 adds and stores its stale 1 (3).
    panel.send_keys("111222222111").await.expect("keys");
    browser
        .wait_until(
            "document.querySelector('[data-testid=step-verdict]')?.dataset.bad === 'true'",
            5,
        )
        .await;
    assert!(
        browser
            .text("[data-testid=step-last]")
            .await
            .contains("an update is lost")
    );
    assert_eq!(
        (
            stepped(&browser, "counter").await,
            stepped(&browser, "lost").await
        ),
        ("1".into(), "1".into())
    );
    let link = browser
        .eval("location.href")
        .await
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        link.contains("rules=free") && link.contains("steps=000111111000"),
        "{link}"
    );
    browser
        .screenshot_of("[data-testid=stepper]", "step-race")
        .await;

    panel.send_keys("u").await.expect("undo");
    browser
        .wait_until("!document.querySelector('[data-testid=step-verdict]')", 5)
        .await;
    assert_eq!(
        stepped(&browser, "lost").await,
        "0",
        "undo took the losing store back"
    );
    panel.send_keys("\u{E011}").await.expect("Home");
    browser
        .wait_until(
            "document.querySelector('[data-testid=step-last]').textContent.includes('No step')",
            5,
        )
        .await;

    open_app(&browser, &server_url(&browser, "/#/").await).await;
    open_app(&browser, &link).await;
    browser
        .wait_until(
            "document.querySelector('[data-testid=step-verdict]')?.dataset.bad === 'true'",
            10,
        )
        .await;
    assert_eq!(
        count(&browser, "[data-testid=step-log] li").await,
        12,
        "the link replays all 12 steps"
    );

    step_rules(&browser, "3.11").await;
    let panel = browser.wait_for("[data-testid=stepper]", 10).await;
    panel.send_keys("1111").await.expect("keys");
    let buttons = "[...document.querySelectorAll('[data-testid=step-actor]')].map(b => b.disabled)";
    assert_eq!(
        browser.eval(buttons).await,
        serde_json::json!([false, true]),
        "mid-round only the GIL holder may step"
    );
    panel.send_keys("f").await.expect("find");
    browser.wait_until("document.querySelector('[data-testid=step-message]').textContent.includes('No schedule from here reaches a lost update')", 10).await;

    step_rules(&browser, "free").await;
    browser.click("[data-testid=step-find]").await;
    browser
        .wait_until(
            "document.querySelector('[data-testid=step-verdict]')?.dataset.bad === 'true'",
            10,
        )
        .await;
    assert!(
        browser
            .text("[data-testid=step-message]")
            .await
            .starts_with("Found a lost update")
    );
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// The event loop stepped one callback at a time: tasks created first all sleep before any
/// wakes and finish shortest first; awaited one by one the waits add up.
#[tokio::test]
async fn the_learner_advances_the_event_loop_one_callback_at_a_time() {
    let (_server, browser) = open("/#/coroutines").await;
    let panel = browser.wait_for("[data-testid=stepper]", 10).await;
    assert_eq!(
        count(&browser, "[data-testid=step-find]").await,
        0,
        "one actor: nothing to find"
    );
    panel.send_keys("11111").await.expect("keys");
    browser.wait_until("document.querySelector('[data-testid=step-last]').textContent.startsWith('Step 5: nothing is ready')", 5).await;
    assert_eq!(
        stepped(&browser, "clock").await,
        "0.109 s",
        "the loop jumped to the earliest timer"
    );
    assert_eq!(stepped(&browser, "ready queue").await, "task 2");
    panel.send_keys("r").await.expect("to the end");
    browser
        .wait_until(
            "document.querySelector('[data-testid=step-verdict]')?.dataset.bad === 'false'",
            5,
        )
        .await;
    assert!(
        browser
            .text("[data-testid=step-verdict]")
            .await
            .contains("Done at 0.306 s")
    );
    assert_eq!(stepped(&browser, "finished").await, "[2, 1, 0]");
    browser
        .screenshot_of("[data-testid=stepper]", "step-loop")
        .await;
    step_rules(&browser, "one-by-one").await;
    browser
        .wait_for("[data-testid=stepper]", 10)
        .await
        .send_keys("r")
        .await
        .expect("to the end");
    browser.wait_until("document.querySelector('[data-testid=step-verdict]')?.textContent.includes('Done at 0.618 s')", 5).await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

/// The deadlock by hand: the find button reaches it and the wait-for cycle is drawn; with one
/// global order the search shows none, and the random scheduler always finishes.
#[tokio::test]
async fn the_learner_reaches_the_deadlock_and_one_global_order_makes_it_unreachable() {
    let (_server, browser) = open("/#/deadlock").await;
    browser.click("[data-testid=step-find]").await;
    browser
        .wait_until(
            "document.querySelector('[data-testid=wait-for]')?.dataset.cycle === 'true'",
            10,
        )
        .await;
    assert_eq!(
        browser
            .eval(
                "[...document.querySelectorAll('[data-testid=step-actor]')].every(b => b.disabled)"
            )
            .await,
        Value::from(true)
    );
    assert!(
        browser
            .eval("location.hash")
            .await
            .as_str()
            .unwrap()
            .contains("steps=01")
    );
    browser
        .screenshot_of("[data-testid=stepper]", "step-deadlock")
        .await;
    step_rules(&browser, "global").await;
    let panel = browser.wait_for("[data-testid=stepper]", 10).await;
    panel.send_keys("f").await.expect("find");
    browser.wait_until("document.querySelector('[data-testid=step-message]').textContent.includes('No schedule from here reaches a deadlock')", 10).await;
    panel.send_keys("r").await.expect("random");
    browser
        .wait_until(
            "document.querySelector('[data-testid=step-verdict]')?.dataset.bad === 'false'",
            10,
        )
        .await;
    assert_no_console_errors(&browser).await;
    browser.close().await;
}
