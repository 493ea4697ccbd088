//! The browser engine, tested in headless Chromium by `wasm-pack test --headless --chrome`:
//! real timers on the page's event loop and real Web Worker threads sharing one memory.
#![cfg(target_arch = "wasm32")]

use concurrency_playground::demos::concurrent_waits;
use concurrency_playground::demos::parallel_cpu::{expected_primes, run_split};
use concurrency_playground::engine;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn pool() -> usize {
    engine::init_threads(2)
        .await
        .expect("the test page is cross-origin isolated")
}

#[wasm_bindgen_test]
async fn timers_on_the_event_loop_overlap_only_when_joined() {
    let seq = concurrent_waits::run(concurrent_waits::Variant::Sequential, 4, 50.0).await;
    assert!(!seq.trace.any_overlap());
    assert!(seq.total_ms >= 200.0, "sequential {}", seq.total_ms);

    let con = concurrent_waits::run(concurrent_waits::Variant::Concurrent, 4, 50.0).await;
    assert_eq!(con.trace.max_concurrency(), 4);
    assert!(con.total_ms < 150.0, "joined {}", con.total_ms);
}

#[wasm_bindgen_test]
async fn workers_compute_in_parallel_with_the_right_answer() {
    assert!(pool().await >= 2);
    let run = engine::offload(|| run_split(400_000, 2))
        .await
        .expect("pool job");
    assert_eq!(run.primes, expected_primes(400_000));
    assert_eq!(run.trace.lanes().len(), 2, "{:?}", run.trace);
    assert!(run.trace.parallel_on_distinct_lanes(), "{:?}", run.trace);
}

#[wasm_bindgen_test]
async fn workers_share_the_page_clock() {
    pool().await;
    let before = engine::now_ms();
    let on_worker = engine::offload(engine::now_ms).await.unwrap();
    let after = engine::now_ms();
    // performance.now() is coarsened in the browser: allow a millisecond either side.
    assert!(
        before - 1.0 <= on_worker && on_worker <= after + 1.0,
        "{before} {on_worker} {after}"
    );
}

#[wasm_bindgen_test]
async fn the_event_loop_keeps_ticking_while_workers_compute() {
    pool().await;
    let done = Rc::new(Cell::new(false));
    let ticks = Rc::new(Cell::new(0u32));
    let job = {
        let done = done.clone();
        async move {
            let r = engine::offload(|| run_split(600_000, 2)).await;
            done.set(true);
            r
        }
    };
    let ticker = {
        let (done, ticks) = (done.clone(), ticks.clone());
        async move {
            while !done.get() {
                engine::sleep_ms(5.0).await;
                ticks.set(ticks.get() + 1);
            }
        }
    };
    let (run, ()) = futures::join!(job, ticker);
    let run = run.unwrap();
    // If the main thread had blocked on the job, no timer could have fired meanwhile.
    let job_ms = run.wall_ms;
    assert!(
        ticks.get() >= 3,
        "{} ticks during a {job_ms:.0} ms job",
        ticks.get()
    );
}

#[wasm_bindgen_test]
async fn the_heartbeat_stops_only_for_a_job_that_never_yields() {
    use concurrency_playground::core::workload::PrimeJob as Job;
    use concurrency_playground::demos::blocking::{Variant, run_variant};
    use concurrency_playground::models::heartbeat::{new_meter, watch};
    let meter = new_meter();
    engine::spawn(watch(meter.clone(), || Some("test".into()), |_, _| {}));
    engine::sleep_ms(60.0).await;
    let job = Job::sized_for(300.0, engine::now_ms);
    let on_loop = run_variant(Variant::OnTheLoop, job, 10.0, &meter).await;
    let chunked = run_variant(Variant::Chunked, job, 10.0, &meter).await;
    assert_eq!(on_loop.ticks, 0, "{on_loop:?}");
    assert!(
        on_loop.worst_gap_ms > 3.0 * chunked.worst_gap_ms,
        "{on_loop:?} vs {chunked:?}"
    );
    assert!(chunked.ticks > 3);
    assert_eq!(on_loop.primes, chunked.primes);
}

#[wasm_bindgen_test]
async fn fetch_tells_http_errors_from_network_errors() {
    let missing = engine::fetch("/no-such-file.json")
        .await
        .expect("the server answered");
    assert_eq!(missing.status, 404);
    let unreachable = engine::fetch("http://127.0.0.1:9/").await;
    assert!(
        unreachable
            .as_ref()
            .is_err_and(|e| e.starts_with("network error")),
        "{unreachable:?}"
    );
}

#[wasm_bindgen_test]
async fn a_read_then_write_counter_loses_updates_on_workers() {
    use concurrency_playground::demos::race::{Variant, count};
    assert!(pool().await >= 2);
    let mut lost = Vec::new();
    for _ in 0..5 {
        let c = count(Variant::ReadThenWrite, 2, 300_000).await.unwrap();
        lost.push(c.lost());
        if c.lost() > 0 {
            break;
        }
    }
    assert!(
        lost.iter().any(|l| *l > 0),
        "no update lost in five runs: {lost:?}"
    );
    let c = count(Variant::AtomicAdd, 2, 300_000).await.unwrap();
    assert_eq!(c.lost(), 0);
}

#[wasm_bindgen_test]
async fn the_deadlock_watchdog_fires_on_workers_only_for_opposite_orders() {
    use concurrency_playground::demos::deadlock::{Variant, run};
    pool().await;
    let bad = run(Variant::Opposite, 40.0).await.unwrap();
    assert!(bad.cycle.is_some(), "{bad:?}");
    assert_eq!(bad.completed, vec![true, true], "recovered");
    let good = run(Variant::Global, 20.0).await.unwrap();
    assert_eq!(good.cycle, None);
}

#[wasm_bindgen_test]
async fn under_the_simulated_gil_workers_never_run_bytecode_at_once() {
    use concurrency_playground::core::workload::PrimeJob;
    use concurrency_playground::demos::gil::{Variant, run};
    pool().await;
    let job = PrimeJob::sized_for(60.0, engine::now_ms);
    let gil = run(Variant::CpuThreadsGil, 2, job, 10.0).await.unwrap();
    assert_eq!(gil.most_running, 1, "{:?}", gil.trace);
    let free = run(Variant::CpuThreadsNoGil, 2, job, 10.0).await.unwrap();
    assert_eq!(free.trace.lanes().len(), 2);
}

/// A debug build (which `wasm-pack test` is) says so in the status line, on screen; the e2e suite
/// checks that the release build does not.
#[wasm_bindgen_test]
fn a_debug_build_is_labelled_on_screen() {
    use concurrency_playground::app::StatusLine;
    use concurrency_playground::widgets::PoolState;
    use leptos::prelude::*;
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(document.create_element("footer").unwrap());
    document.body().unwrap().append_child(&host).unwrap();
    let mounted = leptos::mount::mount_to(host.clone(), || {
        provide_context(RwSignal::new(PoolState::Starting));
        view! { <StatusLine/> }
    });
    let label = host
        .query_selector("[data-testid=build]")
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default());
    assert!(
        label.as_deref().is_some_and(|t| t.contains("debug build")),
        "{label:?}"
    );
    drop(mounted);
    host.remove();
}
