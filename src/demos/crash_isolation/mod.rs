//! Crash isolation: a process that panics, runs out of memory or hangs dies alone: nothing else
//! shares its memory. What the pool does next is a matter of its rules (`Rules`), and the page
//! runs all three: this playground's pool replaces the process and runs the lost task again,
//! so the map's answer is still right; under ProcessPoolExecutor's rules the pool breaks and
//! every pending task fails with BrokenProcessPool; under multiprocessing.Pool's the process is
//! replaced but the lost task never answers. A panic on a thread of the shared pool is the
//! contrast (`thread_panic`).

use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};
use crate::core::params::Knob;
use crate::core::process::sum_to_by_formula;
use crate::core::trace::Trace;
use crate::models::process_pool::{Fate, Fault, Job, Pool, Rules};

pub mod thread_panic;
pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "crash-isolation",
    title: "Crash isolation",
    group: Group::Processes,
    teaser: "A process that panics dies alone; then this playground's pool replaces it, ProcessPoolExecutor breaks, multiprocessing.Pool loses its task.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const PROCESSES: Knob = Knob {
    key: "processes",
    label: "processes",
    min: 1,
    max: 8,
    default: 3,
    step: 1,
};
pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 2,
    max: 64,
    default: 12,
    step: 1,
};
pub const PANIC_AT: Knob = Knob {
    key: "panic",
    label: "task that panics",
    min: 0,
    max: 64,
    default: 2,
    step: 1,
};
pub const OOM_AT: Knob = Knob {
    key: "oom",
    label: "task out of memory",
    min: 0,
    max: 64,
    default: 5,
    step: 1,
};
pub const HANG_AT: Knob = Knob {
    key: "hang",
    label: "task that hangs",
    min: 0,
    max: 64,
    default: 8,
    step: 1,
};
pub const TIMEOUT: Knob = Knob {
    key: "timeout",
    label: "timeout (ms)",
    min: 100,
    max: 10_000,
    default: 3_000,
    step: 100,
};
/// compute(n) per task: a few milliseconds each.
pub const N: u64 = 3_000_000;
/// More than a process can get in the browser, so there the allocator's refusal ends it: this
/// build links its wasm with `--max-memory=1073741824` (build.rs), so an instance's memory stops
/// at 1 GiB (wasm32 itself allows 4 GiB).
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
        let faults = [
            (self.panic_at, Fault::Panic),
            (
                self.oom_at,
                Fault::OutOfMemory {
                    limit_mb: oom_limit_mb,
                },
            ),
            (self.hang_at, Fault::Hang { ms: hang_ms }),
        ];
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
    pub rules: Rules,
    pub tasks: usize,
    pub crashes: Vec<String>,
    /// What became of each task.
    pub fates: Vec<Fate>,
    /// Every task answered, and every answer agrees with the formula.
    pub correct: bool,
    /// Answers that arrived and agree with the formula.
    pub right: usize,
    /// Processes the broken pool terminated.
    pub terminated: usize,
    /// What one more task got from the pool after the map, when the pool was broken.
    pub refused: Option<String>,
    /// Under CPython's rules: how long the run waited for the map, at most.
    pub timeout_ms: f64,
    pub total: u64,
    pub wall_ms: f64,
    pub trace: Trace,
}

impl Measured {
    pub fn count(&self, fate: impl Fn(&Fate) -> bool) -> usize {
        self.fates.iter().filter(|f| fate(f)).count()
    }
}

/// True when there is an answer for every job and each is compute(n) by the formula.
pub fn all_right(answers: &[Option<u64>], jobs: &[Job]) -> bool {
    answers.len() == jobs.len()
        && answers
            .iter()
            .zip(jobs)
            .all(|(a, j)| *a == Some(sum_to_by_formula(j.n())))
}

/// Each task's answer, where one arrived.
pub fn answers(results: &[u64], fates: &[Fate]) -> Vec<Option<u64>> {
    results
        .iter()
        .zip(fates)
        .map(|(r, f)| matches!(f, Fate::Answered { .. }).then_some(*r))
        .collect()
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
pub async fn run(
    rules: Rules,
    processes: usize,
    jobs: Vec<Job>,
    timeout_ms: f64,
) -> Result<Measured, String> {
    let mut pool = Pool::start(processes).await.map_err(|e| e.to_string())?;
    pool.rules = rules;
    // This playground's pool terminates and replaces a process that misses the timeout;
    // under CPython's rules it is how long the caller waits for the map (get(timeout=...)).
    pool.timeout_ms = Some(timeout_ms);
    let out = pool.map(&jobs, 1).await.map_err(|e| e.to_string());
    // A broken pool refuses more work, as ProcessPoolExecutor.submit does.
    let refused = match pool.is_broken() {
        true => pool
            .map(&jobs[..jobs.len().min(1)], 1)
            .await
            .err()
            .map(|e| e.to_string()),
        false => None,
    };
    pool.terminate();
    let out = out?;
    let answers = answers(&out.results, &out.fates);
    let right = answers
        .iter()
        .zip(&jobs)
        .filter(|(a, j)| **a == Some(sum_to_by_formula(j.n())))
        .count();
    let mut spans = pool.startup.clone();
    spans.extend(out.spans);
    Ok(Measured {
        rules,
        tasks: jobs.len(),
        crashes: out.crashes,
        correct: all_right(&answers, &jobs),
        right,
        fates: out.fates,
        terminated: out.terminated,
        refused,
        timeout_ms,
        total: answers
            .iter()
            .flatten()
            .fold(0u64, |a, b| a.wrapping_add(*b)),
        wall_ms: out.wall_ms,
        trace: Trace::new(spans),
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_crash_isolation.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_crash_isolation.py");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::trace::{Lane, SpanKind};

    use futures::executor::block_on;

    #[test]
    fn faults_beyond_the_task_count_are_left_out() {
        let jobs = Faults {
            panic_at: 1,
            oom_at: 9,
            hang_at: 1,
        }
        .jobs(4, N, 1, 1);
        assert_eq!(
            jobs.iter()
                .filter(|j| matches!(j, Job::FailOnce(..)))
                .count(),
            1
        );
        assert_eq!(jobs[1], Job::FailOnce(N + 1, Fault::Hang { ms: 1 }));
    }

    #[test]
    fn the_crash_is_contained_and_the_answer_is_right() {
        let _cpu = crate::testing::exclusive_cpu();
        let faults = Faults {
            panic_at: 2,
            oom_at: 4,
            hang_at: 6,
        };
        // Small tasks and a generous timeout: only the hung task may meet it, even in a debug
        // build printing a backtrace for each panic.
        let m = block_on(run(
            Rules::Playground,
            3,
            faults.jobs(8, 10_000, 48, 2_500),
            1_500.0,
        ))
        .unwrap();
        assert!(m.correct);
        assert_eq!(m.crashes.len(), 3, "{:?}", m.crashes);
        for why in [
            "crashed on purpose",
            "out of memory",
            "no answer within 1500 ms",
        ] {
            assert!(
                m.crashes.iter().any(|c| c.contains(why)),
                "{why}: {:?}",
                m.crashes
            );
        }
        let failed: Vec<Lane> = m
            .trace
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Failed)
            .map(|s| s.lane)
            .collect();
        assert_eq!(failed.len(), 3);
        // The other processes' lanes carry on after the crash.
        let crash_end = m
            .trace
            .spans
            .iter()
            .find(|s| s.kind == SpanKind::Failed)
            .unwrap()
            .end;
        assert!(
            m.trace
                .spans
                .iter()
                .any(|s| s.lane != failed[0] && s.kind == SpanKind::Run && s.end > crash_end)
        );
    }

    #[test]
    fn all_right_needs_an_answer_for_every_job() {
        let jobs: Vec<Job> = (1..=3).map(Job::Sum).collect();
        let right: Vec<Option<u64>> = jobs
            .iter()
            .map(|j| Some(sum_to_by_formula(j.n())))
            .collect();
        assert!(all_right(&right, &jobs));
        assert!(
            !all_right(&right[..2], &jobs),
            "fewer answers than jobs is not right"
        );
        assert!(!all_right(&[], &jobs));
        let mut missing = right.clone();
        missing[1] = None;
        assert!(!all_right(&missing, &jobs));
        let mut wrong = right;
        wrong[2] = Some(7);
        assert!(!all_right(&wrong, &jobs));
    }

    #[test]
    fn under_the_executors_rules_the_run_reports_the_break_and_the_refusal() {
        let _cpu = crate::testing::exclusive_cpu();
        let faults = Faults {
            panic_at: 2,
            oom_at: 99,
            hang_at: 99,
        };
        let m = block_on(run(
            Rules::Executor,
            1,
            faults.jobs(5, 10_000, 48, 2_500),
            30_000.0,
        ))
        .unwrap();
        assert!(!m.correct);
        assert_eq!(
            (m.right, m.count(|f| *f == Fate::Broken)),
            (2, 3),
            "{:?}",
            m.fates
        );
        assert_eq!(m.crashes.len(), 1);
        assert!(
            m.refused
                .as_deref()
                .is_some_and(|r| r.starts_with("BrokenProcessPool")),
            "{:?}",
            m.refused
        );
    }

    #[test]
    fn under_the_mp_pools_rules_the_run_loses_the_task() {
        let _cpu = crate::testing::exclusive_cpu();
        let faults = Faults {
            panic_at: 1,
            oom_at: 99,
            hang_at: 99,
        };
        let m = block_on(run(
            Rules::MpPool,
            2,
            faults.jobs(4, 10_000, 48, 2_500),
            800.0,
        ))
        .unwrap();
        assert!(!m.correct);
        assert_eq!(m.fates[1], Fate::Lost);
        assert_eq!(m.right, 3);
        assert_eq!(m.refused, None);
    }
}
