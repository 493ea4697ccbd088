//! A thread pool (concurrent.futures.ThreadPoolExecutor): `max_workers` threads take tasks from
//! one queue. `submit` gives a future per task and `as_completed` hands results over as they
//! finish; `map` hands them over in input order, so a quick late task waits behind a slow early
//! one. Both run the same pool; only the order of handing over differs.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::core::workload::{PrimeJob, count_primes_in};
use crate::engine;
use futures::StreamExt;
use futures::channel::mpsc;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "thread-pool",
    title: "Thread pool: submit vs map",
    group: Group::Threads,
    teaser: "ThreadPoolExecutor: as_completed hands results over as they finish, map in input order.",
    needs_threads: true,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const WORKERS: Knob = Knob {
    key: "workers",
    label: "max_workers",
    min: 1,
    max: 16,
    default: 4,
    step: 1,
};
pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 1,
    max: 32,
    default: 8,
    step: 1,
};
pub const TASK_MS: Knob = Knob {
    key: "ms",
    label: "longest task (ms)",
    min: 10,
    max: 2000,
    default: 300,
    step: 10,
};
pub const CPU_PERCENT: Knob = Knob {
    key: "cpu",
    label: "of which CPU (%)",
    min: 0,
    max: 100,
    default: 0,
    step: 10,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `submit` each task, then `as_completed`.
    Submit,
    /// `executor.map`.
    Map,
}

impl Variant {
    pub const ALL: [Variant; 2] = [Variant::Submit, Variant::Map];

    pub fn title(self) -> &'static str {
        match self {
            Variant::Submit => "submit + as_completed",
            Variant::Map => "map",
        }
    }
}

/// One task: wait like I/O for `wait_ms`, then test `numbers` numbers for primality.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Task {
    pub wait_ms: f64,
    pub numbers: u64,
}

/// Task i lasts `longest × (n − i) / n`: later tasks are shorter, so they finish first.
/// `cpu_percent` of it is computing, sized with `per_ms` numbers a millisecond.
pub fn tasks(n: usize, longest_ms: f64, cpu_percent: f64, per_ms: f64) -> Vec<Task> {
    (0..n)
        .map(|i| {
            let ms = longest_ms * (n - i) as f64 / n as f64;
            let cpu = ms * cpu_percent / 100.0;
            Task {
                wait_ms: ms - cpu,
                numbers: (cpu * per_ms) as u64,
            }
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub mode: Variant,
    pub workers: usize,
    /// Results in the order the caller received them: (task, ms after the start).
    pub received: Vec<(usize, f64)>,
    pub total_ms: f64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

fn run_task(i: usize, task: Task, lane: Lane) -> Vec<Span> {
    let mut spans = Vec::new();
    let start = engine::now_ms();
    if task.wait_ms > 0.0 {
        engine::block_for(task.wait_ms);
        spans.push(Span::since(
            i,
            lane,
            format!("task {i}: I/O wait"),
            SpanKind::Wait,
            start,
        ));
    }
    if task.numbers > 0 {
        let start = engine::now_ms();
        count_primes_in(PrimeJob::FIRST, PrimeJob::FIRST + task.numbers);
        spans.push(Span::since(
            i,
            lane,
            format!("task {i}: compute"),
            SpanKind::Run,
            start,
        ));
    }
    spans
}

// region:run
pub async fn run(
    mode: Variant,
    workers: usize,
    tasks: Vec<Task>,
) -> Result<Measured, engine::OffloadError> {
    let n = tasks.len();
    let queue = Arc::new(Mutex::new(
        tasks.into_iter().enumerate().collect::<VecDeque<_>>(),
    ));
    let (done_tx, mut done_rx) = mpsc::unbounded::<(usize, Vec<Span>)>();
    let t0 = engine::now_ms();
    // The pool: `workers` threads, each taking the next task off the queue until it is empty.
    let pool = engine::on_threads(workers, move |w| {
        let lane = engine::lane(w);
        loop {
            let next = queue.lock().unwrap().pop_front(); // the guard is dropped here
            let Some((i, task)) = next else { break };
            let _ = done_tx.unbounded_send((i, run_task(i, task, lane)));
        }
    });
    // The caller, on the event loop, receives results while the pool runs.
    let receive = async {
        let (mut received, mut spans) = (Vec::new(), Vec::new());
        let mut ready: Vec<Option<f64>> = vec![None; n];
        let mut next_in_order = 0;
        while let Some((i, task_spans)) = done_rx.next().await {
            let at = engine::now_ms() - t0;
            spans.extend(task_spans);
            match mode {
                // as_completed: each result as soon as it is done.
                Variant::Submit => received.push((i, at)),
                // map: result i only once 0..i have all been handed over.
                Variant::Map => {
                    ready[i] = Some(at);
                    while next_in_order < n && ready[next_in_order].is_some() {
                        received.push((next_in_order, at));
                        next_in_order += 1;
                    }
                }
            }
        }
        (received, spans)
    };
    let (pool, (received, spans)) = futures::join!(pool, receive);
    pool?;
    Ok(Measured {
        mode,
        workers,
        received,
        total_ms: engine::now_ms() - t0,
        trace: Trace::new(spans),
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_thread_pool.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_thread_pool.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn io_tasks(n: usize, longest: f64) -> Vec<Task> {
        tasks(n, longest, 0.0, 1.0)
    }

    #[test]
    fn map_hands_results_over_in_input_order() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(Variant::Map, 4, io_tasks(8, 120.0))).unwrap();
        assert_eq!(
            m.received.iter().map(|r| r.0).collect::<Vec<_>>(),
            (0..8).collect::<Vec<_>>()
        );
        // Nothing before task 0, the slowest of the first batch, is done.
        assert!(m.received[0].1 >= 120.0, "{:?}", m.received);
    }

    #[test]
    fn submit_hands_results_over_in_completion_order() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        // Waits 100 ms apart, so a thread started late on a busy machine does not reorder them.
        let m = block_on(run(Variant::Submit, 4, io_tasks(4, 400.0))).unwrap();
        // All four start at once; the shortest (the last) finishes first.
        assert_eq!(
            m.received.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![3, 2, 1, 0]
        );
        assert!(m.received.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn a_pool_of_four_beats_a_pool_of_one_on_waits() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let one = block_on(run(Variant::Submit, 1, io_tasks(4, 60.0))).unwrap();
        let four = block_on(run(Variant::Submit, 4, io_tasks(4, 60.0))).unwrap();
        assert!(
            four.total_ms < 0.6 * one.total_ms,
            "{} vs {}",
            four.total_ms,
            one.total_ms
        );
        assert_eq!(four.trace.lanes().len(), 4);
        assert_eq!(one.trace.lanes().len(), 1);
    }
}
