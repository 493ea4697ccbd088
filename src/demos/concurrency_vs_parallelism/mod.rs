//! Concurrency vs parallelism: the same CPU tasks interleaved on one lane (the event loop: all
//! in progress together, one computing at a time) and spread over P worker lanes (several
//! computing at the same instant). Drawn one above the other on one time axis.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::stats::{impossible_speedup, speedup};
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::core::workload::{PrimeJob, count_primes_in};
use crate::engine;
use crate::models::cooperative;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "concurrency-vs-parallelism",
    title: "Concurrency vs parallelism",
    group: Group::EventLoop,
    teaser: "The same tasks interleaved on one loop and spread over worker threads, on one time axis.",
    needs_threads: true,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 1,
    max: 12,
    default: 4,
    step: 1,
};
pub const STEPS: Knob = Knob {
    key: "steps",
    label: "steps per task",
    min: 1,
    max: 20,
    default: 5,
    step: 1,
};
pub const STEP_MS: Knob = Knob {
    key: "step",
    label: "step (ms of CPU)",
    min: 1,
    max: 200,
    default: 20,
    step: 1,
};

/// Numbers a step tests so that it takes about `step_ms` on this machine (sized off the loop).
pub async fn step_size(step_ms: f64) -> u64 {
    (cooperative::sized_job(step_ms).await.per_ms * step_ms).max(1.0) as u64
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Coroutines on the event loop, yielding after every step.
    Interleaved,
    /// One task per pool job, on the worker threads.
    Parallel,
}

impl Variant {
    pub fn title(self) -> &'static str {
        match self {
            Variant::Interleaved => "concurrency: interleaved on the event loop",
            Variant::Parallel => "parallelism: on the worker threads",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub mode: Variant,
    pub wall_ms: f64,
    /// Computing time summed over all steps.
    pub cpu_ms: f64,
    /// The most steps computing at one instant.
    pub most_at_once: usize,
    /// The most tasks started and not yet finished at one instant.
    pub in_progress: usize,
    pub trace: Trace,
}

impl Measured {
    fn new(mode: Variant, wall_ms: f64, spans: Vec<Span>) -> Measured {
        let trace = Trace::new(spans);
        let cpu_ms = trace.spans.iter().map(Span::duration).sum();
        Measured {
            mode,
            wall_ms,
            cpu_ms,
            most_at_once: trace.max_concurrency(),
            in_progress: tasks_in_progress(&trace),
            trace,
        }
    }
}

/// How the two runs compare, and whether the ratio is one the lanes can give.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The loop's wall time over the parallel run's.
    pub speedup: f64,
    /// Loop wall time not spent computing: handed back to the page between slices.
    pub yielded_ms: f64,
    /// The loop's computing alone over the parallel run's wall time.
    pub computing_speedup: f64,
    /// More than `lanes` can give even on computing alone: the run was disturbed, run it again.
    pub noise: bool,
}

/// The wall-time ratio can exceed the lanes honestly: the loop's wall also holds the time it
/// yields to the page, which the workers never do. Computing alone must stay within the lanes.
pub fn compare(seq: &Measured, par: &Measured, lanes: usize) -> Comparison {
    let computing_speedup = speedup(seq.cpu_ms, par.wall_ms);
    Comparison {
        speedup: speedup(seq.wall_ms, par.wall_ms),
        yielded_ms: (seq.wall_ms - seq.cpu_ms).max(0.0),
        computing_speedup,
        noise: impossible_speedup(computing_speedup, lanes),
    }
}

/// The most tasks between their first start and last end at one instant.
pub fn tasks_in_progress(trace: &Trace) -> usize {
    let mut tasks: Vec<usize> = trace.spans.iter().map(|s| s.task).collect();
    tasks.sort();
    tasks.dedup();
    let lifetimes = tasks
        .into_iter()
        .map(|t| {
            let mine = trace.spans.iter().filter(|s| s.task == t);
            let start = mine.clone().map(|s| s.start).fold(f64::MAX, f64::min);
            let end = mine.map(|s| s.end).fold(f64::MIN, f64::max);
            Span {
                task: t,
                lane: Lane::EventLoop,
                label: String::new(),
                kind: SpanKind::Run,
                start,
                end,
            }
        })
        .collect();
    Trace::new(lifetimes).max_concurrency()
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// The numbers step `i` of `task` tests for primality (fixed work, the same for every step).
fn numbers(task: usize, i: usize, steps: usize, size: u64) -> std::ops::Range<u64> {
    let first = PrimeJob::FIRST + (task * steps + i) as u64 * size;
    first..first + size
}

/// Step `i` of `task` at once, on a worker thread.
fn step(task: usize, i: usize, steps: usize, size: u64, lane: Lane) -> Span {
    let start = engine::now_ms();
    let n = numbers(task, i, steps, size);
    count_primes_in(n.start, n.end);
    Span::since(
        task,
        lane,
        format!("task {task} step {i}"),
        SpanKind::Run,
        start,
    )
}

/// Pieces a step is cut into on the loop, so it can yield inside a long step.
const BLOCKS: u64 = 50;

/// All tasks as coroutines on the one loop thread. Each lets the others go after every step, and inside a
/// step every few milliseconds (`cooperative::slice_ms`), so the page never freezes: a step is
/// drawn as the slices it was computed in.
pub async fn interleaved(tasks: usize, steps: usize, size: u64) -> Measured {
    let t0 = engine::now_ms();
    let slice = cooperative::slice_ms(tasks);
    let all = futures::future::join_all((0..tasks).map(|task| async move {
        let mut spans = Vec::new();
        for i in 0..steps {
            let n = numbers(task, i, steps, size);
            let block = size.div_ceil(BLOCKS).max(1);
            let slices = cooperative::in_slices(size.div_ceil(block), slice, |b| {
                let first = n.start + b * block;
                count_primes_in(first, (first + block).min(n.end));
            })
            .await;
            let label = format!("task {task} step {i}");
            spans.extend(slices.into_iter().map(|(start, end)| Span {
                task,
                lane: Lane::EventLoop,
                label: label.clone(),
                kind: SpanKind::Run,
                start,
                end,
            }));
            // Let the other tasks have a go (within the loop's turn: `in_slices` waits for the next).
            engine::pass().await;
        }
        spans
    }))
    .await;
    Measured::new(
        Variant::Interleaved,
        engine::now_ms() - t0,
        all.into_iter().flatten().collect(),
    )
}

/// The same tasks on `lanes` worker threads (one per core), each taking the next task when free.
pub async fn parallel(
    tasks: usize,
    steps: usize,
    size: u64,
    lanes: usize,
) -> Result<Measured, engine::OffloadError> {
    let t0 = engine::now_ms();
    let next = Arc::new(AtomicUsize::new(0));
    let all = engine::on_threads(lanes, move |w| {
        let lane = engine::lane(w);
        let mut spans = Vec::new();
        loop {
            let task = next.fetch_add(1, Ordering::Relaxed);
            if task >= tasks {
                return spans;
            }
            spans.extend((0..steps).map(|i| step(task, i, steps, size, lane)));
        }
    })
    .await?;
    Ok(Measured::new(
        Variant::Parallel,
        engine::now_ms() - t0,
        all.into_iter().flatten().collect(),
    ))
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_concurrency_vs_parallelism.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_concurrency_vs_parallelism.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn measured(mode: Variant, wall_ms: f64, cpu_ms: f64) -> Measured {
        Measured {
            mode,
            wall_ms,
            cpu_ms,
            most_at_once: 1,
            in_progress: 1,
            trace: Trace::new(vec![]),
        }
    }

    #[test]
    fn a_wall_ratio_above_the_lanes_is_put_down_to_the_time_the_loop_yields() {
        let seq = measured(Variant::Interleaved, 257.0, 225.0);
        let c = compare(&seq, &measured(Variant::Parallel, 112.0, 215.0), 2);
        assert!(c.speedup > 2.2, "wall over wall: {}", c.speedup);
        assert_eq!(c.yielded_ms, 32.0);
        assert!((c.computing_speedup - 225.0 / 112.0).abs() < 1e-9);
        assert!(!c.noise, "2.01x on 2 lanes is within the timer's slack");
        let disturbed = compare(&seq, &measured(Variant::Parallel, 90.0, 215.0), 2);
        assert!(
            disturbed.noise,
            "2.5x of computing on 2 lanes is impossible"
        );
    }

    #[test]
    fn on_one_loop_tasks_interleave_but_never_compute_at_once() {
        let _cpu = crate::testing::exclusive_cpu();
        let m = block_on(async { interleaved(3, 4, step_size(3.0).await).await });
        let mut steps: Vec<&str> = m.trace.spans.iter().map(|s| s.label.as_str()).collect();
        steps.dedup();
        assert_eq!(steps.len(), 12, "each step drawn as its slices");
        assert_eq!(m.most_at_once, 1, "one lane computes one step at a time");
        assert_eq!(m.in_progress, 3, "yet all tasks are in progress together");
        // Round robin: the first step of every task comes before any task's second step.
        let mut by_start = m.trace.spans.clone();
        by_start.sort_by(|a, b| a.start.total_cmp(&b.start));
        let firsts: Vec<usize> = by_start.iter().take(3).map(|s| s.task).collect();
        assert_eq!(firsts, vec![0, 1, 2]);
    }

    #[test]
    fn on_the_pool_steps_run_at_the_same_instant() {
        let _cpu = crate::testing::exclusive_cpu();
        if !crate::testing::has_two_cores("on_the_pool_steps_run_at_the_same_instant") {
            return;
        }
        let (tasks, steps, size) = (4, 4, block_on(step_size(10.0)));
        let seq = block_on(interleaved(tasks, steps, size));
        let par = block_on(parallel(tasks, steps, size, 2)).unwrap();
        assert_eq!(par.trace.lanes().len(), 2);
        assert!(par.trace.parallel_on_distinct_lanes(), "{:?}", par.trace);
        assert!(par.most_at_once >= 2);
        // Structure, not speed: on one loop no two steps ever computed at once.
        assert_eq!(seq.most_at_once, 1, "{:?}", seq.trace);
    }
}
