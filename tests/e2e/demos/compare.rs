//! The comparison matrix and the truth of the figures pages cite.

use crate::pages::*;
use crate::support::run_demo;
use serde_json::Value;

#[tokio::test]
async fn the_matrix_runs_every_model_and_the_guide_cites_it() {
    let (server, browser) =
        open("/#/compare?tasks=4&n=700&wait=60&waiting=0&data=10&shared=0").await;
    // Before any run the guide already answers, and says its numbers are still missing.
    assert_eq!(
        browser
            .eval("document.querySelector('[data-testid=guide] .verdict').dataset.choice")
            .await,
        "ProcessPool"
    );
    assert!(
        browser
            .text("[data-testid=guide]")
            .await
            .contains("not measured yet")
    );
    run_demo(&browser, 120).await;
    for work in ["Cpu", "Io"] {
        let bars = browser
            .eval(&format!("[...document.querySelectorAll('ul.bars[data-work={work}] li[data-wall-ms]')].map(li => [li.dataset.model, +li.dataset.wallMs, +li.dataset.speedup])"))
            .await;
        let bars: Vec<(String, f64, f64)> = serde_json::from_value(bars).unwrap();
        assert_eq!(bars.len(), 7, "{work}: every model ran: {bars:?}");
        let speedup = |m: &str| bars.iter().find(|b| b.0 == m).unwrap().2;
        if work == "Io" {
            assert!(
                speedup("EventLoop") > 2.0,
                "four waits overlap on the loop: {bars:?}"
            );
        } else {
            // Computing on one loop: its slices never overlap, while the thread pool's do.
            let spans = async |model: &str| {
                // A bar's timeline is built when its disclosure is opened, as a person opens it.
                let row = format!("ul.bars[data-work=Cpu] li[data-model={model}]");
                browser.click(&format!("{row} details summary")).await;
                browser
                    .wait_until(
                        &format!("document.querySelectorAll('{row} rect.span').length > 0"),
                        10,
                    )
                    .await;
                let v = browser
                    .eval(&format!("[...document.querySelectorAll('ul.bars[data-work=Cpu] li[data-model={model}] rect.span.run')].map(r => [r.dataset.lane, +r.dataset.start, +r.dataset.end])"))
                    .await;
                serde_json::from_value::<Vec<(String, f64, f64)>>(v).unwrap()
            };
            let on_loop = spans("EventLoop").await;
            assert!(
                !on_loop.is_empty() && on_loop.iter().all(|s| s.0 == "event loop"),
                "{on_loop:?}"
            );
            assert_eq!(
                max_overlap(&on_loop),
                1,
                "one slice at a time on the loop: {on_loop:?}"
            );
            let lanes: std::collections::BTreeSet<String> =
                spans("ThreadPool").await.into_iter().map(|s| s.0).collect();
            // (Tasks of ~40 ms each: long enough for a second worker to wake and take one, even
            // on a busy machine; with tasks of a few ms the first worker could take them all.)
            assert!(
                lanes.len() >= 2,
                "the pool computed on several workers: {lanes:?}"
            );
        }
    }
    assert_eq!(
        count(&browser, "[data-testid=matrix-table] tbody tr").await,
        7
    );
    // A figure outside its model's range is marked where it stands and said above the bars, with
    // a second run offered; a figure in range is not (whichever this run gave).
    let marks = browser
        .eval("({ noise: document.querySelectorAll('.bar-row[data-noisy=true]').length, suspect: document.querySelectorAll('.bar-row[data-suspect=true]').length,
                  noise_said: !!document.querySelector('[data-testid=noisy]'), suspect_said: !!document.querySelector('[data-testid=suspect]'),
                  rerun: !!document.querySelector('[data-testid=rerun]'),
                  labels: [...document.querySelectorAll('.bar-row')].every(r => r.textContent.includes('· noise') === (r.dataset.noisy === 'true')
                      && r.textContent.includes('· suspect') === (r.dataset.suspect === 'true')) })")
        .await;
    let count = |k: &str| marks[k].as_u64().unwrap();
    assert_eq!(
        marks["noise_said"],
        Value::Bool(count("noise") > 0),
        "{marks}"
    );
    assert_eq!(
        marks["suspect_said"],
        Value::Bool(count("suspect") > 0),
        "{marks}"
    );
    assert_eq!(
        marks["rerun"],
        Value::Bool(count("noise") + count("suspect") > 0),
        "{marks}"
    );
    assert_eq!(marks["labels"], Value::Bool(true), "{marks}");
    let guide = browser.text("[data-testid=guide]").await;
    assert!(
        !guide.contains("not measured yet"),
        "the reasons now cite this run: {guide}"
    );
    // Each figure is cited, as a result or, when it is more than its lanes can give, as noise.
    assert!(
        guide.contains("× here") || guide.contains("× in this run"),
        "{guide}"
    );
    // The result can be shared: the JSON names the machine, the browser and every run.
    // (Read from the link itself: the content security policy lets the page fetch nothing but
    // its own origin, data: URLs included; a download is not a fetch.)
    let json = browser
        .eval("JSON.parse(decodeURIComponent(document.querySelector('[data-testid=share-json]').href.split(',').slice(1).join(',')))")
        .await;
    assert_eq!(json["rows"].as_array().map(|r| r.len()), Some(14), "{json}");
    assert!(
        json["cores"].as_u64().unwrap() >= 1
            && json["platform"].as_str().unwrap().contains("Chrome"),
        "{json}"
    );
    assert!(
        json["link"].as_str().unwrap().contains("#/compare?tasks=4"),
        "the link reproduces the setup: {json}"
    );
    assert!(
        browser
            .eval("document.querySelector('[data-testid=share-text]').value")
            .await
            .as_str()
            .unwrap()
            .contains("cores")
    );
    browser
        .eval("document.querySelector('[data-testid=share]').open = true")
        .await;
    browser
        .screenshot_of("[data-testid=results]", "compare")
        .await;
    browser.screenshot_of("[data-testid=guide]", "guide").await;
    // A job that is all waiting gets the event loop; the URL keeps the setup.
    browser
        .goto(&server.url("/#/compare?tasks=4&waiting=100"))
        .await;
    browser.wait_for("[data-testid=guide]", 10).await;
    assert_eq!(
        browser
            .eval("document.querySelector('[data-testid=guide] .verdict').dataset.choice")
            .await,
        "EventLoop"
    );
    assert_eq!(
        browser
            .eval("document.getElementById('knob-waiting').value")
            .await,
        "100"
    );
    // Bad parameters fall back with a notice.
    browser
        .goto(&server.url("/#/compare?tasks=9999&shared=maybe"))
        .await;
    let notices = browser.text("[data-testid=notices]").await;
    assert!(
        notices.contains("tasks = 9999") && notices.contains("maybe"),
        "{notices}"
    );
    assert_no_console_errors(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn the_matrix_can_be_cancelled_and_run_again() {
    let (_server, browser) = open("/#/compare?tasks=4&n=700&wait=500").await;
    browser.click("[data-testid=run]").await;
    browser
        .wait_until(
            "document.querySelectorAll('li[data-wall-ms]').length >= 1",
            60,
        )
        .await;
    browser.click("[data-testid=cancel]").await;
    browser
        .wait_until("!document.querySelector('[data-testid=run]').disabled", 30)
        .await;
    assert_eq!(
        browser
            .eval("document.querySelector('[data-testid=results]').dataset.cancelled")
            .await,
        "true"
    );
    let ran = count(&browser, "li[data-wall-ms]").await;
    assert!(ran < 14, "stopped early: {ran} of 14");
    // And it runs again, to the end, on smaller work.
    browser
        .goto(&_server.url("/#/compare?tasks=2&n=20&wait=20"))
        .await;
    browser.wait_for("[data-testid=run]", 10).await;
    run_demo(&browser, 60).await;
    assert_eq!(count(&browser, "li[data-wall-ms]").await, 14);
    assert_eq!(
        browser
            .eval("document.querySelector('[data-testid=results]').dataset.cancelled")
            .await,
        "false"
    );
    browser.close().await;
}

/// Truth on the pages: every CPython figure names where it was measured, and every page that runs
/// a stand-in for what Python has says so.
#[tokio::test]
async fn cpython_figures_name_their_source_and_stand_ins_are_labelled() {
    let (server, browser) = open("/").await;
    for page in ["gil", "race-condition", "compare", "memory-cost"] {
        open_app(&browser, &server.url(&format!("/#/{page}"))).await;
        browser
            .wait_for("[data-testid=cpython-reference]", 10)
            .await;
        let cited = browser.text("main").await;
        assert!(
            cited.contains("measured by python/reference.py on CPython 3."),
            "{page}: a CPython figure without its source"
        );
        browser.screenshot(&format!("truth-{page}")).await;
    }
    for page in [
        "processes",
        "queue-pipe",
        "process-pool",
        "crash-isolation",
        "subprocess",
        "gil",
        "threads",
        "compare",
        "to-thread",
        "shared-memory",
        "memory-cost",
    ] {
        open_app(&browser, &server.url(&format!("/#/{page}"))).await;
        browser.wait_for("[data-testid=stand-in]", 10).await;
        assert!(
            browser
                .text("[data-testid=stand-in]")
                .await
                .starts_with("Stand-in: "),
            "{page}"
        );
    }
    // A page that runs the real thing claims no stand-in.
    open_app(&browser, &server.url("/#/concurrent-waits")).await;
    browser.wait_for("[data-demo='concurrent-waits']", 10).await;
    assert_eq!(count(&browser, "[data-testid=stand-in]").await, 0);
    // The home page does not claim that Python runs here.
    open_app(&browser, &server.url("/")).await;
    assert!(browser.text(".lead").await.contains("no Python runs here"));
    assert_no_console_errors(&browser).await;
    browser.close().await;
}
