//! Bridging blocking code: a blocking call (`time.sleep`, `requests.get`, a file read) inside a
//! coroutine freezes the event loop: no other task runs, the ticker stops. `asyncio.to_thread`
//! runs it on a worker thread; the loop keeps ticking, and several blocking calls overlap.
//!
//! The loop's own thread may not sleep in a browser, so there the blocking call is a busy wait
//! of the same length (said on the page); on the workers it is a real blocking sleep.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use std::cell::Cell;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "to-thread",
    title: "Blocking calls: asyncio.to_thread",
    group: Group::EventLoop,
    teaser: "A blocking call in a coroutine freezes the loop; asyncio.to_thread moves it to a worker and the loop keeps ticking.",
    needs_threads: true,
    stand_in: Some(
        "On the event loop's own thread the blocking call is a busy wait of the same length: a browser's main \
         thread may not sleep. On the worker threads it is a real blocking sleep, as time.sleep is.",
    ),
    freezes_on_purpose: true,
};

pub const CALLS: Knob = Knob {
    key: "calls",
    label: "blocking calls",
    min: 1,
    max: 8,
    default: 4,
    step: 1,
};
/// At most 250 ms a call: the inline run freezes the page for calls × this, at most 2 s.
pub const CALL_MS: Knob = Knob {
    key: "ms",
    label: "each call blocks (ms)",
    min: 10,
    max: 250,
    default: 100,
    step: 10,
};
/// The ticker's period: a coroutine that should run this often.
pub const TICK_MS: f64 = 10.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The blocking call made inside the coroutines.
    Inline,
    /// `await asyncio.to_thread(blocking_call, …)`.
    ToThread,
}

impl Variant {
    pub const ALL: [Variant; 2] = [Variant::Inline, Variant::ToThread];

    pub fn title(self) -> &'static str {
        match self {
            Variant::Inline => "blocking call inside the coroutines",
            Variant::ToThread => "asyncio.to_thread",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub variant: Variant,
    pub total_ms: f64,
    /// Ticks of the 10 ms ticker while the calls ran, and its longest gap.
    pub ticks: usize,
    pub worst_gap_ms: f64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// A coroutine that wants to run every TICK_MS: counts its ticks and its longest gap.
async fn ticker(done: &Cell<bool>) -> (usize, f64) {
    let (mut ticks, mut worst, mut last) = (0, 0.0_f64, engine::now_ms());
    while !done.get() {
        engine::sleep_ms(TICK_MS).await;
        let now = engine::now_ms();
        worst = worst.max(now - last);
        last = now;
        ticks += 1;
    }
    (ticks, worst)
}

/// The blocking call on the loop's thread: nothing else runs until it returns.
async fn inline_call(call: usize, ms: f64) -> Span {
    let start = engine::now_ms();
    while engine::now_ms() - start < ms {} // blocks like time.sleep(ms) would
    Span::since(
        call,
        Lane::EventLoop,
        format!("call {call} blocks the loop"),
        SpanKind::Run,
        start,
    )
}

/// `calls` blocking calls, run inline or each on a worker thread, while the ticker runs.
pub async fn run(
    variant: Variant,
    calls: usize,
    ms: f64,
) -> Result<Measured, engine::OffloadError> {
    let done = Cell::new(false);
    let t0 = engine::now_ms();
    let work = async {
        let spans = match variant {
            // await asyncio.gather(*(call() for _ in range(n))): each call() blocks inside
            Variant::Inline => {
                Ok(futures::future::join_all((0..calls).map(|c| inline_call(c, ms))).await)
            }
            // await asyncio.gather(*(asyncio.to_thread(blocking_call, s) for _ in range(n)))
            Variant::ToThread => {
                engine::on_threads(calls, move |c| {
                    let start = engine::now_ms();
                    engine::block_for(ms); // a real blocking sleep, on a worker
                    Span::since(
                        c,
                        engine::lane(c),
                        format!("call {c} blocks its worker"),
                        SpanKind::Wait,
                        start,
                    )
                })
                .await
            }
        };
        let total_ms = engine::now_ms() - t0;
        done.set(true);
        (spans, total_ms)
    };
    // The ticker is polled first, so it is waiting on its timer before any call blocks.
    let ((ticks, worst_gap_ms), (spans, total_ms)) = futures::join!(ticker(&done), work);
    Ok(Measured {
        variant,
        total_ms,
        ticks,
        worst_gap_ms,
        trace: Trace::new(spans?),
    })
}
// endregion:run

/// The threads of CPython's default executor, the one asyncio.to_thread uses:
/// `min(32, os.cpu_count() + 4)` (3.8 to 3.12; `os.process_cpu_count()` from 3.13).
pub fn cpython_default_workers(cores: usize) -> usize {
    (cores.max(1) + 4).min(32)
}

/// How many calls' lengths `calls` blocking calls take through CPython's default executor on
/// `cores` cores: its threads take them a round at a time.
pub fn cpython_rounds(calls: usize, cores: usize) -> usize {
    calls.div_ceil(cpython_default_workers(cores))
}

/// The same idea in Python: a real program of the repository (python/demo_to_thread.py), shown
/// byte for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_to_thread.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    /// CPython's default executor: min(32, cpu_count + 4) threads, so 2 cores give 6 and 7 or 8
    /// calls take two rounds; 28 cores or more give the cap of 32.
    #[test]
    fn the_default_executor_takes_cores_plus_four_calls_a_round() {
        assert_eq!(cpython_default_workers(1), 5);
        assert_eq!(cpython_default_workers(2), 6);
        assert_eq!(cpython_default_workers(28), 32);
        assert_eq!(cpython_default_workers(64), 32);
        assert_eq!(cpython_rounds(6, 2), 1);
        assert_eq!(cpython_rounds(7, 2), 2);
        assert_eq!(cpython_rounds(8, 2), 2);
        assert_eq!(cpython_rounds(8, 4), 1);
        assert_eq!(cpython_rounds(CALLS.max as usize, 1), 2);
    }

    #[test]
    fn a_blocking_call_in_a_coroutine_stops_the_ticker_for_all_calls() {
        let _cpu = crate::testing::exclusive_cpu(); // busy waits: the cores alone
        let m = block_on(run(Variant::Inline, 3, 40.0)).unwrap();
        assert!(m.total_ms >= 120.0, "one after another: {}", m.total_ms);
        assert!(
            m.worst_gap_ms >= 110.0,
            "the ticker waited for all three: {}",
            m.worst_gap_ms
        );
        assert!(m.ticks <= 2, "{} ticks", m.ticks);
        assert_eq!(m.trace.max_concurrency(), 1);
    }

    #[test]
    fn to_thread_overlaps_the_calls_and_the_ticker_keeps_ticking() {
        let _cpu = crate::testing::shared_cpu(); // sleeps: little CPU
        let m = block_on(run(Variant::ToThread, 4, 100.0)).unwrap();
        assert_eq!(m.trace.max_concurrency(), 4, "{:?}", m.trace);
        assert_eq!(m.trace.lanes().len(), 4, "a worker each");
        assert!(
            m.total_ms < 300.0,
            "overlapping, far below 4 x 100: {}",
            m.total_ms
        );
        assert!(m.ticks >= 3, "the loop kept ticking: {} ticks", m.ticks);
    }
}
