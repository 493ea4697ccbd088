//! Crash isolation: a process that panics dies alone. Its lane shows the failure, the pool
//! starts a replacement and runs the lost chunk again, the other processes never stop, and the
//! map's answer is still right. (A panic on a thread of the shared pool is another story: see
//! the page's note.)

use crate::core::params::Knob;
use crate::core::process::sum_to_by_formula;
use crate::core::trace::Trace;
use crate::demos::process_pool::pool::{Job, Pool};
use crate::demos::{DemoInfo, Group};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "crash-isolation",
    title: "Crash isolation",
    group: Group::Processes,
    teaser: "A process that panics dies alone: the pool replaces it and the run still gets the right answer.",
    needs_threads: false,
};

pub const PROCESSES: Knob = Knob { key: "processes", label: "processes", min: 1, max: 8, default: 3, step: 1 };
pub const TASKS: Knob = Knob { key: "tasks", label: "tasks", min: 2, max: 64, default: 12, step: 1 };
pub const CRASH_AT: Knob = Knob { key: "crash", label: "task that crashes", min: 0, max: 63, default: 4, step: 1 };
/// compute(n) per task: a few milliseconds each.
pub const N: u64 = 3_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub tasks: usize,
    pub crash_at: usize,
    pub crashes: Vec<String>,
    /// The answers agree with the formula, task by task.
    pub correct: bool,
    pub total: u64,
    pub wall_ms: f64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    super::region(include_str!("mod.rs"), "run")
}

// region:run
pub async fn run(processes: usize, tasks: usize, crash_at: usize) -> Result<Measured, String> {
    let crash_at = crash_at.min(tasks - 1);
    let jobs: Vec<Job> = (0..tasks).map(|i| if i == crash_at { Job::CrashOnce(N + i as u64) } else { Job::Sum(N + i as u64) }).collect();
    let mut pool = Pool::start(processes).await.map_err(|e| e.to_string())?;
    let out = pool.map(&jobs, 1).await.map_err(|e| e.to_string());
    pool.terminate();
    let out = out?;
    let correct = out.results.iter().zip(&jobs).all(|(r, j)| *r == sum_to_by_formula(j.n()));
    let mut spans = pool.startup.clone();
    spans.extend(out.spans);
    Ok(Measured {
        tasks,
        crash_at,
        crashes: out.crashes,
        correct,
        total: out.results.iter().fold(0u64, |a, b| a.wrapping_add(*b)),
        wall_ms: out.wall_ms,
        trace: Trace::new(spans),
    })
}
// endregion:run

pub const PYTHON_SOURCE: &str = r#"import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

def compute(n, crash=False):
    if crash:
        os._exit(1)                      # the process dies, as on a segfault
    return sum(range(n))

tasks = [3_000_000 + i for i in range(12)]
with ProcessPoolExecutor(3) as pool:
    try:
        list(pool.map(compute, tasks, [i == 4 for i in range(12)]))
    except BrokenProcessPool:            # CPython's pool does not replace a dead worker:
        pass                             # the whole pool is broken; start a new one, retry
with ProcessPoolExecutor(3) as pool:
    print(sum(pool.map(compute, tasks)))"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::trace::{Lane, SpanKind};
    use futures::executor::block_on;

    #[test]
    fn the_crash_is_contained_and_the_answer_is_right() {
        let _cpu = crate::testing::exclusive_cpu();
        let m = block_on(run(3, 8, 2)).unwrap();
        assert!(m.correct);
        assert_eq!(m.crashes.len(), 1);
        let failed: Vec<Lane> = m.trace.spans.iter().filter(|s| s.kind == SpanKind::Failed).map(|s| s.lane).collect();
        assert_eq!(failed.len(), 1);
        // The other processes' lanes carry on after the crash.
        let crash_end = m.trace.spans.iter().find(|s| s.kind == SpanKind::Failed).unwrap().end;
        assert!(m.trace.spans.iter().any(|s| s.lane != failed[0] && s.kind == SpanKind::Run && s.end > crash_end));
    }
}
