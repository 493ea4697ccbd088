//! Coroutines and tasks: `await` one by one, versus creating tasks first and then awaiting them
//! (asyncio.create_task), versus gather. Each task computes a moment, waits, then computes again
//! when it resumes; the timeline shows all three steps of every task.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use futures::FutureExt;

pub mod steps;
pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "coroutines",
    title: "Coroutines and tasks",
    group: Group::EventLoop,
    teaser: "await in sequence vs create_task vs gather: when each task starts, waits and resumes.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 2,
    max: 8,
    default: 3,
    step: 1,
};
pub const WAIT_MS: Knob = Knob {
    key: "wait",
    label: "longest wait (ms)",
    min: 50,
    max: 2000,
    default: 300,
    step: 50,
};

/// How long a task computes when it starts and when it resumes: short, but visible.
pub const STEP_MS: f64 = 3.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Sequential,
    CreateTask,
    Gather,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::Sequential, Variant::CreateTask, Variant::Gather];

    pub fn title(self) -> &'static str {
        match self {
            Variant::Sequential => "await one by one",
            Variant::CreateTask => "create_task, then await each",
            Variant::Gather => "gather",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub mode: Variant,
    pub total_ms: f64,
    pub trace: Trace,
    /// What the awaits returned, in the order they returned it.
    pub results: Vec<usize>,
    /// Tasks by the time they finished.
    pub completion_order: Vec<usize>,
}

/// Task i waits `longest × (n − i) / n`: later tasks wait less, so run together they finish first.
pub fn waits(tasks: usize, longest_ms: f64) -> Vec<f64> {
    (0..tasks)
        .map(|i| longest_ms * (tasks - i) as f64 / tasks as f64)
        .collect()
}

/// The rust that ran, shown on the page.
pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

struct Finished {
    task: usize,
    spans: Vec<Span>,
    at: f64,
}

// region:run
/// One coroutine: compute a step, wait (yielding the loop), compute again on resume.
async fn task(task: usize, wait_ms: f64) -> Finished {
    let span = |label: &str, kind, start| {
        Span::since(
            task,
            Lane::EventLoop,
            format!("task {task}: {label}"),
            kind,
            start,
        )
    };
    let t0 = engine::now_ms();
    engine::busy_for(STEP_MS);
    let started = span("start", SpanKind::Run, t0);
    let t1 = engine::now_ms();
    engine::sleep_ms(wait_ms).await; // the loop runs other tasks meanwhile
    let waited = span(&format!("wait {wait_ms:.0} ms"), SpanKind::Wait, t1);
    let t2 = engine::now_ms();
    engine::busy_for(STEP_MS);
    let resumed = span("resume", SpanKind::Run, t2);
    Finished {
        task,
        spans: vec![started, waited, resumed],
        at: engine::now_ms(),
    }
}

pub async fn run(mode: Variant, waits: &[f64]) -> Measured {
    let t0 = engine::now_ms();
    let finished: Vec<Finished> = match mode {
        // for w in waits: await task(w)            -- each starts when the previous one is done
        Variant::Sequential => {
            let mut done = Vec::new();
            for (i, &w) in waits.iter().enumerate() {
                done.push(task(i, w).await);
            }
            done
        }
        // handles = [create_task(task(w)) for w]; for h in handles: await h
        // A Rust future does nothing until polled: spawning it is what makes it a running task.
        Variant::CreateTask => {
            let handles: Vec<_> = waits
                .iter()
                .enumerate()
                .map(|(i, &w)| {
                    let (running, handle) = task(i, w).remote_handle();
                    engine::spawn(running);
                    handle
                })
                .collect();
            let mut done = Vec::new();
            for handle in handles {
                done.push(handle.await);
            }
            done
        }
        // await gather(*(task(w) for w))           -- all polled together by one join
        Variant::Gather => {
            futures::future::join_all(waits.iter().enumerate().map(|(i, &w)| task(i, w))).await
        }
    };
    let total_ms = engine::now_ms() - t0;
    let mut by_time: Vec<(f64, usize)> = finished.iter().map(|f| (f.at, f.task)).collect();
    by_time.sort_by(|a, b| a.0.total_cmp(&b.0));
    Measured {
        mode,
        total_ms,
        results: finished.iter().map(|f| f.task).collect(),
        completion_order: by_time.into_iter().map(|(_, t)| t).collect(),
        trace: Trace::new(finished.into_iter().flat_map(|f| f.spans).collect()),
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_coroutines.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_coroutines.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn of_kind(m: &Measured, kind: SpanKind) -> Trace {
        Trace::new(
            m.trace
                .spans
                .iter()
                .filter(|s| s.kind == kind)
                .cloned()
                .collect(),
        )
    }

    #[test]
    fn one_by_one_runs_tasks_back_to_back_in_order() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let w = waits(3, 60.0);
        let m = block_on(run(Variant::Sequential, &w));
        assert!(!m.trace.any_overlap(), "{:?}", m.trace);
        assert!(m.total_ms >= w.iter().sum::<f64>());
        assert_eq!(m.completion_order, vec![0, 1, 2]);
    }

    #[test]
    fn gathered_tasks_wait_together_but_compute_one_at_a_time() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        // Waits 100 ms apart: a completion order that a busy machine cannot shuffle.
        let m = block_on(run(Variant::Gather, &waits(4, 400.0)));
        assert_eq!(of_kind(&m, SpanKind::Wait).max_concurrency(), 4);
        // One thread: the compute steps never overlap, even though the waits all do.
        assert_eq!(
            of_kind(&m, SpanKind::Run).max_concurrency(),
            1,
            "{:?}",
            m.trace
        );
        assert!(m.total_ms < 400.0 * 2.0, "{}", m.total_ms);
        assert_eq!(m.results, vec![0, 1, 2, 3], "gather keeps input order");
        assert_eq!(
            m.completion_order,
            vec![3, 2, 1, 0],
            "shortest wait finishes first"
        );
    }

    #[test]
    fn created_tasks_run_before_they_are_awaited() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let w = waits(3, 300.0);
        let m = block_on(run(Variant::CreateTask, &w));
        assert_eq!(m.results, vec![0, 1, 2], "awaited in creation order");
        assert_eq!(
            m.completion_order,
            vec![2, 1, 0],
            "but they ran on their own"
        );
        assert!(m.total_ms < w.iter().sum::<f64>() * 0.8, "{}", m.total_ms);
    }

    #[test]
    fn every_task_starts_waits_and_resumes() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(Variant::Gather, &waits(2, 20.0)));
        for task in 0..2 {
            let kinds: Vec<SpanKind> = m
                .trace
                .spans
                .iter()
                .filter(|s| s.task == task)
                .map(|s| s.kind)
                .collect();
            assert_eq!(kinds, vec![SpanKind::Run, SpanKind::Wait, SpanKind::Run]);
        }
    }
}
