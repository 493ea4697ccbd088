//! Concurrent waits (asyncio.gather): N tasks that each wait d ms, awaited one after another
//! versus joined. On one thread, joined waits overlap, so the total is about d instead of N·d.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "concurrent-waits",
    title: "Concurrent waits",
    group: Group::EventLoop,
    teaser: "asyncio.gather on the browser's own event loop: N waits take d, not N·d.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 1,
    max: 20,
    default: 5,
    step: 1,
};
pub const WAIT_MS: Knob = Knob {
    key: "wait",
    label: "wait (ms)",
    min: 10,
    max: 1000,
    default: 200,
    step: 10,
};

/// How the tasks were awaited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Sequential,
    Concurrent,
}

/// One measured run: wall time around the awaits, and a span per task.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub mode: Variant,
    pub total_ms: f64,
    pub trace: Trace,
}

/// The code between the `region:run` markers below: what the page shows as "the Rust that ran".
pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// One task: wait, and record when the wait began and when the task resumed.
async fn wait_task(task: usize, wait_ms: f64) -> Span {
    let start = engine::now_ms();
    engine::sleep_ms(wait_ms).await; // yields to the loop until the timer fires
    let end = engine::now_ms();
    Span {
        task,
        lane: Lane::EventLoop,
        label: format!("task {task}: wait"),
        kind: SpanKind::Wait,
        start,
        end,
    }
}

pub async fn run(mode: Variant, tasks: usize, wait_ms: f64) -> Measured {
    let t0 = engine::now_ms();
    let spans = match mode {
        // for i in range(n): await wait(i)
        Variant::Sequential => {
            let mut spans = Vec::with_capacity(tasks);
            for task in 0..tasks {
                spans.push(wait_task(task, wait_ms).await);
            }
            spans
        }
        // await asyncio.gather(*(wait(i) for i in range(n)))
        Variant::Concurrent => {
            futures::future::join_all((0..tasks).map(|t| wait_task(t, wait_ms))).await
        }
    };
    let total_ms = engine::now_ms() - t0;
    Measured {
        mode,
        total_ms,
        trace: Trace::new(spans),
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_concurrent_waits.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_concurrent_waits.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn sequential_waits_never_overlap_and_add_up() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(Variant::Sequential, 4, 30.0));
        assert_eq!(m.trace.spans.len(), 4);
        assert!(!m.trace.any_overlap(), "{:?}", m.trace);
        assert!(m.total_ms >= 4.0 * 30.0, "total {}", m.total_ms);
        // Each task starts after the previous one resumed.
        for pair in m.trace.spans.windows(2) {
            assert!(pair[1].start >= pair[0].end);
        }
    }

    #[test]
    fn joined_waits_all_overlap_and_take_about_one_wait() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(Variant::Concurrent, 8, 60.0));
        assert_eq!(m.trace.max_concurrency(), 8, "{:?}", m.trace);
        // Generous bound: far below the sequential 480 ms even on a loaded machine.
        assert!(m.total_ms < 8.0 * 60.0 / 2.0, "total {}", m.total_ms);
        assert!(m.total_ms >= 60.0);
        // Results keep their order, as with gather.
        let order: Vec<usize> = m.trace.spans.iter().map(|s| s.task).collect();
        assert_eq!(order, (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn all_spans_are_on_the_event_loop() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(Variant::Concurrent, 3, 10.0));
        assert_eq!(m.trace.lanes(), vec![Lane::EventLoop]);
    }
}
