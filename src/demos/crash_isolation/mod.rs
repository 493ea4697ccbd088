//! Crash isolation: a process that panics, runs out of memory or hangs (and is terminated at
//! the pool's timeout) dies alone. Its lane shows the failure, the pool starts a replacement and
//! runs the lost task again, the other processes never stop, and the map's answer is still
//! right. A panic on a thread of the shared pool is the contrast (`thread_panic`).

use crate::core::params::Knob;
use crate::core::process::sum_to_by_formula;
use crate::core::trace::Trace;
use crate::models::process_pool::{Fault, Job, Pool};
use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};

pub mod thread_panic;
pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "crash-isolation",
    title: "Crash isolation",
    group: Group::Processes,
    teaser: "A process that panics dies alone: the pool replaces it and the run still gets the right answer.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const PROCESSES: Knob = Knob { key: "processes", label: "processes", min: 1, max: 8, default: 3, step: 1 };
pub const TASKS: Knob = Knob { key: "tasks", label: "tasks", min: 2, max: 64, default: 12, step: 1 };
pub const PANIC_AT: Knob = Knob { key: "panic", label: "task that panics", min: 0, max: 64, default: 2, step: 1 };
pub const OOM_AT: Knob = Knob { key: "oom", label: "task out of memory", min: 0, max: 64, default: 5, step: 1 };
pub const HANG_AT: Knob = Knob { key: "hang", label: "task that hangs", min: 0, max: 64, default: 8, step: 1 };
pub const TIMEOUT: Knob = Knob { key: "timeout", label: "timeout (ms)", min: 100, max: 10_000, default: 3_000, step: 100 };
/// compute(n) per task: a few milliseconds each.
pub const N: u64 = 3_000_000;
/// More than a process can get in the browser (an instance's memory stops at 1 GiB), so there
/// the allocator's refusal ends it.
pub const OOM_LIMIT_MB: u64 = 4096;
/// "Forever", for a demo: a hung task blocks for an hour unless the timeout ends it.
pub const HANG_MS: u64 = 3_600_000;

/// Which task fails how. An index at or beyond the task count means that fault is left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Faults {
    pub panic_at: usize,
    pub oom_at: usize,
    pub hang_at: usize,
}

impl Faults {
    /// The task list: compute(n + i) for each i, with the chosen faults (a later one of the
    /// three wins when two pick the same task).
    pub fn jobs(self, tasks: usize, n: u64, oom_limit_mb: u64, hang_ms: u64) -> Vec<Job> {
        let mut jobs: Vec<Job> = (0..tasks as u64).map(|i| Job::Sum(n + i)).collect();
        let faults = [(self.panic_at, Fault::Panic), (self.oom_at, Fault::OutOfMemory { limit_mb: oom_limit_mb }), (self.hang_at, Fault::Hang { ms: hang_ms })];
        for (at, fault) in faults {
            if let Some(job) = jobs.get_mut(at) {
                *job = Job::FailOnce(job.n(), fault);
            }
        }
        jobs
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub tasks: usize,
    pub crashes: Vec<String>,
    /// The answers agree with the formula, task by task.
    pub correct: bool,
    pub total: u64,
    pub wall_ms: f64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
pub async fn run(processes: usize, jobs: Vec<Job>, timeout_ms: f64) -> Result<Measured, String> {
    let mut pool = Pool::start(processes).await.map_err(|e| e.to_string())?;
    pool.timeout_ms = Some(timeout_ms); // a hung process is terminated and replaced
    let out = pool.map(&jobs, 1).await.map_err(|e| e.to_string());
    pool.terminate();
    let out = out?;
    let correct = out.results.iter().zip(&jobs).all(|(r, j)| *r == sum_to_by_formula(j.n()));
    let mut spans = pool.startup.clone();
    spans.extend(out.spans);
    Ok(Measured {
        tasks: jobs.len(),
        crashes: out.crashes,
        correct,
        total: out.results.iter().fold(0u64, |a, b| a.wrapping_add(*b)),
        wall_ms: out.wall_ms,
        trace: Trace::new(spans),
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_crash_isolation.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown = crate::shown_file!("../../../python/demo_crash_isolation.py");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::trace::{Lane, SpanKind};
    
    use futures::executor::block_on;

    #[test]
    fn faults_beyond_the_task_count_are_left_out() {
        let jobs = Faults { panic_at: 1, oom_at: 9, hang_at: 1 }.jobs(4, N, 1, 1);
        assert_eq!(jobs.iter().filter(|j| matches!(j, Job::FailOnce(..))).count(), 1);
        assert_eq!(jobs[1], Job::FailOnce(N + 1, Fault::Hang { ms: 1 }));
    }

    #[test]
    fn the_crash_is_contained_and_the_answer_is_right() {
        let _cpu = crate::testing::exclusive_cpu();
        let faults = Faults { panic_at: 2, oom_at: 4, hang_at: 6 };
        // Small tasks and a generous timeout: only the hung task may meet it, even in a debug
        // build printing a backtrace for each panic.
        let m = block_on(run(3, faults.jobs(8, 10_000, 48, 2_500), 1_500.0)).unwrap();
        assert!(m.correct);
        assert_eq!(m.crashes.len(), 3, "{:?}", m.crashes);
        for why in ["crashed on purpose", "out of memory", "no answer within 1500 ms"] {
            assert!(m.crashes.iter().any(|c| c.contains(why)), "{why}: {:?}", m.crashes);
        }
        let failed: Vec<Lane> = m.trace.spans.iter().filter(|s| s.kind == SpanKind::Failed).map(|s| s.lane).collect();
        assert_eq!(failed.len(), 3);
        // The other processes' lanes carry on after the crash.
        let crash_end = m.trace.spans.iter().find(|s| s.kind == SpanKind::Failed).unwrap().end;
        assert!(m.trace.spans.iter().any(|s| s.lane != failed[0] && s.kind == SpanKind::Run && s.end > crash_end));
    }
}
