//! Semaphore (asyncio.Semaphore): N tasks, at most k in their critical part at once. Also the
//! other way to limit concurrency: k worker coroutines taking jobs from a shared queue.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::sync::Semaphore;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use std::collections::VecDeque;
use std::sync::Mutex;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "semaphore",
    title: "Semaphore",
    group: Group::EventLoop,
    teaser: "At most k of N tasks in flight: asyncio.Semaphore, and a bounded pool of workers.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 1,
    max: 30,
    default: 10,
    step: 1,
};
pub const LIMIT: Knob = Knob {
    key: "limit",
    label: "at most at once (k)",
    min: 1,
    max: 10,
    default: 3,
    step: 1,
};
pub const WAIT_MS: Knob = Knob {
    key: "wait",
    label: "each request (ms)",
    min: 20,
    max: 1000,
    default: 200,
    step: 10,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Semaphore,
    WorkerQueue,
}

impl Variant {
    pub fn title(self) -> &'static str {
        match self {
            Variant::Semaphore => "N tasks, one semaphore of k",
            Variant::WorkerQueue => "k workers, one queue of N jobs",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub mode: Variant,
    pub total_ms: f64,
    pub trace: Trace,
}

impl Measured {
    /// Only the critical parts (the limited work), not the waiting for a turn.
    pub fn critical(&self) -> Trace {
        Trace::new(
            self.trace
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Wait)
                .cloned()
                .collect(),
        )
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// All N tasks start at once; each waits for a permit (grey), then does its limited part (blue).
async fn with_semaphore(tasks: usize, limit: usize, wait_ms: f64) -> Vec<Span> {
    let semaphore = Semaphore::new(limit);
    let one = |task: usize| {
        let semaphore = &semaphore;
        async move {
            let asked = engine::now_ms();
            let permit = semaphore.acquire().await; // async with sem:
            let queued = Span::since(
                task,
                Lane::EventLoop,
                format!("task {task}: waits for a permit"),
                SpanKind::Blocked,
                asked,
            );
            let start = engine::now_ms();
            engine::sleep_ms(wait_ms).await; // the limited part, e.g. a request
            drop(permit);
            vec![
                queued,
                Span::since(
                    task,
                    Lane::EventLoop,
                    format!("task {task}: request"),
                    SpanKind::Wait,
                    start,
                ),
            ]
        }
    };
    futures::future::join_all((0..tasks).map(one))
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// Only k workers exist; each takes the next job from the queue until it is empty.
async fn with_worker_queue(tasks: usize, limit: usize, wait_ms: f64) -> Vec<Span> {
    let queue = Mutex::new((0..tasks).collect::<VecDeque<usize>>());
    let worker = |_worker: usize| {
        let queue = &queue;
        async move {
            let mut spans = Vec::new();
            loop {
                // Its own statement: the lock must be released before the await below (in a
                // `while let` it would be held through the body and the next worker would block).
                let next = queue.lock().unwrap().pop_front();
                let Some(task) = next else { break };
                let start = engine::now_ms();
                engine::sleep_ms(wait_ms).await;
                spans.push(Span::since(
                    task,
                    Lane::EventLoop,
                    format!("job {task}: request"),
                    SpanKind::Wait,
                    start,
                ));
            }
            spans
        }
    };
    futures::future::join_all((0..limit).map(worker))
        .await
        .into_iter()
        .flatten()
        .collect()
}
// endregion:run

pub async fn run(mode: Variant, tasks: usize, limit: usize, wait_ms: f64) -> Measured {
    let t0 = engine::now_ms();
    let spans = match mode {
        Variant::Semaphore => with_semaphore(tasks, limit, wait_ms).await,
        Variant::WorkerQueue => with_worker_queue(tasks, limit, wait_ms).await,
    };
    Measured {
        mode,
        total_ms: engine::now_ms() - t0,
        trace: Trace::new(spans),
    }
}

/// The same idea in Python: a real program of the repository (python/demo_semaphore.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_semaphore.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn never_more_than_k_in_the_critical_part() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        for (n, k) in [(10, 3), (5, 1), (4, 8)] {
            for mode in [Variant::Semaphore, Variant::WorkerQueue] {
                let m = block_on(run(mode, n, k, 20.0));
                let critical = m.critical();
                assert_eq!(critical.spans.len(), n, "{mode:?}");
                assert_eq!(
                    critical.max_concurrency(),
                    k.min(n),
                    "{mode:?} n={n} k={k}: {:?}",
                    m.trace
                );
            }
        }
    }

    #[test]
    fn total_is_about_rounds_of_k() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(Variant::Semaphore, 9, 3, 40.0));
        assert!(m.total_ms >= 3.0 * 40.0, "{}", m.total_ms);
        assert!(m.total_ms < 9.0 * 40.0 * 0.6, "{}", m.total_ms);
    }

    #[test]
    fn tasks_beyond_k_wait_for_a_permit() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(Variant::Semaphore, 6, 2, 30.0));
        let waited = m
            .trace
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Blocked && s.duration() > 20.0)
            .count();
        assert!(waited >= 4, "{:?}", m.trace);
    }
}
