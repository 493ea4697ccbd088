//! The process pool (ProcessPoolExecutor.map): compute(n) over P processes next to a pool of P
//! threads and one thread; then many tiny tasks, where sending a message per task costs more
//! than the task, and the same tiny tasks sent in chunks, which pays that cost once per chunk.
//! `pool.rs` is the pool itself (shared with the crash-isolation demo).

pub mod view;

use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};
use crate::core::params::Knob;
use crate::core::process::sum_to;
use crate::core::trace::{Span, SpanKind, Trace};
use crate::engine;
use crate::models::process_pool::{Job, Pool};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const INFO: DemoInfo = DemoInfo {
    id: "process-pool",
    title: "Process pool",
    group: Group::Processes,
    teaser: "ProcessPoolExecutor.map: real parallelism for big tasks; messages swamp tiny ones unless chunked.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const PROCESSES: Knob = Knob {
    key: "processes",
    label: "processes (and threads)",
    min: 1,
    max: 8,
    default: 2,
    step: 1,
};
pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "big tasks",
    min: 1,
    max: 64,
    default: 8,
    step: 1,
};
pub const MILLIONS: Knob = Knob {
    key: "n",
    label: "big task: compute(n), n in millions",
    min: 1,
    max: 200,
    default: 20,
    step: 1,
};
pub const TINY: Knob = Knob {
    key: "tiny",
    label: "tiny tasks",
    min: 10,
    max: 20000,
    default: 2000,
    step: 10,
};

/// compute(n) of a tiny task: microseconds of work.
pub const TINY_N: u64 = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    OneThread,
    ThreadPool,
    ProcessPool { chunk: usize },
}

impl Variant {
    pub fn title(self, p: usize) -> String {
        match self {
            Variant::OneThread => "one thread".into(),
            Variant::ThreadPool => format!("{p} threads"),
            Variant::ProcessPool { chunk: 1 } => format!("{p} processes, one message per task"),
            Variant::ProcessPool { chunk } => format!("{p} processes, chunks of {chunk} tasks"),
        }
    }

    /// How many lanes can compute at the same instant, with `p` threads or processes on `tasks`
    /// tasks and `cores` cores: a speedup above it is noise (as compare's `parallel_lanes`).
    pub fn parallel_lanes(self, p: usize, tasks: usize, cores: usize) -> usize {
        match self {
            Variant::OneThread => 1,
            Variant::ThreadPool | Variant::ProcessPool { .. } => p.min(tasks).min(cores).max(1),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub runner: Variant,
    pub tasks: usize,
    pub wall_ms: f64,
    /// The sum of all answers (the same for every runner, or something is wrong).
    pub total: u64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

fn total(results: impl IntoIterator<Item = u64>) -> u64 {
    results.into_iter().fold(0, u64::wrapping_add)
}

// region:run
/// The same tasks (compute(n) for each n) on one thread, on `p` threads, or on the process pool.
pub async fn run(
    runner: Variant,
    ns: Vec<u64>,
    p: usize,
    processes: &mut Pool,
) -> Result<Measured, String> {
    let tasks = ns.len();
    let t0 = engine::now_ms();
    let (total, spans) = match runner {
        Variant::OneThread => {
            let (sum, span) = engine::offload(move || {
                let start = engine::now_ms();
                let sum = total(ns.iter().map(|n| sum_to(*n)));
                let lane = engine::lane(0);
                (
                    sum,
                    Span::since(0, lane, format!("{tasks} tasks"), SpanKind::Run, start),
                )
            })
            .await
            .map_err(|e| e.to_string())?;
            (sum, vec![span])
        }
        Variant::ThreadPool => {
            let next = Arc::new(AtomicUsize::new(0));
            let per_thread = engine::on_threads(p, move |w| {
                let (start, mut sum) = (engine::now_ms(), 0u64);
                let mut done = 0;
                while let Some(n) = ns.get(next.fetch_add(1, Ordering::Relaxed)) {
                    sum = sum.wrapping_add(sum_to(*n));
                    done += 1;
                }
                let lane = engine::lane(w);
                (
                    sum,
                    Span::since(w, lane, format!("{done} tasks"), SpanKind::Run, start),
                )
            })
            .await
            .map_err(|e| e.to_string())?;
            let (sums, spans): (Vec<u64>, Vec<Span>) = per_thread.into_iter().unzip();
            (total(sums), spans)
        }
        Variant::ProcessPool { chunk } => {
            let jobs: Vec<Job> = ns.iter().map(|n| Job::Sum(*n)).collect();
            let out = processes
                .map(&jobs, chunk)
                .await
                .map_err(|e| e.to_string())?;
            (total(out.results), out.spans)
        }
    };
    Ok(Measured {
        runner,
        tasks,
        wall_ms: engine::now_ms() - t0,
        total,
        trace: Trace::new(spans),
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_process_pool.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_process_pool.py");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::process_pool::good_chunk;
    use futures::executor::block_on;

    #[test]
    fn every_runner_gets_the_same_answer() {
        let _cpu = crate::testing::exclusive_cpu();
        let mut processes = block_on(Pool::start(2)).unwrap();
        let ns: Vec<u64> = (0..6).map(|i| 10_000 + i).collect();
        let answers: Vec<u64> = [
            Variant::OneThread,
            Variant::ThreadPool,
            Variant::ProcessPool { chunk: 1 },
            Variant::ProcessPool { chunk: 4 },
        ]
        .into_iter()
        .map(|r| {
            block_on(run(r, ns.clone(), 2, &mut processes))
                .unwrap()
                .total
        })
        .collect();
        // Each runner against the formula, not only against each other: a summing loop that is
        // wrong everywhere alike would make them agree.
        let expected: u64 = ns
            .iter()
            .map(|&n| crate::core::process::sum_to_by_formula(n))
            .sum();
        assert_eq!(
            answers, [expected; 4],
            "one thread, the thread pool, the process pool by 1 and by 4"
        );
    }

    #[test]
    fn no_more_lanes_compute_at_once_than_workers_tasks_or_cores() {
        assert_eq!(Variant::OneThread.parallel_lanes(8, 64, 2), 1);
        assert_eq!(
            Variant::ProcessPool { chunk: 1 }.parallel_lanes(8, 1, 2),
            1,
            "one task keeps one lane busy"
        );
        assert_eq!(Variant::ThreadPool.parallel_lanes(8, 64, 2), 2, "two cores");
        assert_eq!(
            Variant::ProcessPool { chunk: 4 }.parallel_lanes(4, 64, 16),
            4,
            "four processes"
        );
    }

    #[test]
    fn chunks_mean_fewer_messages() {
        let _cpu = crate::testing::exclusive_cpu();
        let mut processes = block_on(Pool::start(2)).unwrap();
        let ns = vec![TINY_N; 40];
        let one = block_on(run(
            Variant::ProcessPool { chunk: 1 },
            ns.clone(),
            2,
            &mut processes,
        ))
        .unwrap();
        let chunked = block_on(run(
            Variant::ProcessPool {
                chunk: good_chunk(40, 2),
            },
            ns,
            2,
            &mut processes,
        ))
        .unwrap();
        assert_eq!(one.trace.spans.len(), 40, "a message (and a span) per task");
        assert_eq!(chunked.trace.spans.len(), 8);
        assert_eq!(one.total, chunked.total);
    }
}
