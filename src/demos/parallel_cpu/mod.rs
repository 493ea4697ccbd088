//! Parallel CPU work: one CPU-bound job (counting primes by trial division) split across
//! 1..P worker threads that share memory. Wall time, speedup and efficiency per thread count.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::stats;
use crate::core::trace::{Span, SpanKind, Trace};
use crate::core::workload::{count_primes_sieve, count_primes_striped};
use crate::engine;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "parallel-cpu",
    title: "Parallel CPU work",
    group: Group::Threads,
    teaser: "One CPU-bound job on 1..P Web Worker threads: real speedup, measured.",
    needs_threads: true,
    stand_in: None,
    freezes_on_purpose: false,
};

/// The size knob: count primes below this many thousand.
pub const SIZE_K: Knob = Knob {
    key: "size",
    label: "count primes below (thousands)",
    min: 10,
    max: 20_000,
    default: 1_500,
    step: 100,
};
pub const REPEATS: Knob = Knob {
    key: "repeats",
    label: "runs per thread count (median)",
    min: 1,
    max: 9,
    default: 3,
    step: 1,
};

/// One run of the job on `threads` threads.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitRun {
    pub threads: usize,
    pub primes: u64,
    pub wall_ms: f64,
    pub trace: Trace,
}

/// The code between the `region:run` markers below: what the page shows as "the Rust that ran".
pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// Stripes per thread: many small shares instead of one each, so a thread that something else
/// slows down (on a 2-core machine the browser's own threads take 5-10% of one core) takes fewer
/// of them and no thread waits long for the last one: at 128, a stripe of the primes below 3
/// million is ~1 ms of one thread, the longest the other can wait at the end.
pub const STRIPES_PER_THREAD: usize = 128;

/// Cuts the count into `threads * STRIPES_PER_THREAD` stripes that `threads` pool jobs take one
/// at a time as they come free (as `ProcessPoolExecutor.map` deals its tasks). Called on a
/// worker thread (the page awaits it through `engine::offload`), so it may block.
pub fn run_split(limit: u64, threads: usize) -> SplitRun {
    let stripes = threads * STRIPES_PER_THREAD;
    let next = &AtomicUsize::new(0);
    let t0 = engine::now_ms();
    let parts: Vec<(u64, Span)> = (0..threads)
        .into_par_iter()
        .with_max_len(1) // one job per thread, so each can go to its own thread
        .flat_map_iter(|_| {
            let lane = engine::lane(0);
            // This thread's stripes: the next one not taken, until none is left.
            std::iter::from_fn(move || {
                let k = next.fetch_add(1, Ordering::Relaxed);
                (k < stripes).then(|| {
                    let start = engine::now_ms();
                    let primes = count_primes_striped(limit, k as u64, stripes as u64);
                    (
                        primes,
                        Span::since(
                            k,
                            lane,
                            format!("stripe {k}: {primes} primes"),
                            SpanKind::Run,
                            start,
                        ),
                    )
                })
            })
        })
        .collect();
    let wall_ms = engine::now_ms() - t0;
    let primes = parts.iter().map(|(p, _)| p).sum();
    SplitRun {
        threads,
        primes,
        wall_ms,
        trace: Trace::new(parts.into_iter().map(|(_, s)| s).collect()),
    }
}
// endregion:run

/// The row of the results table for one thread count.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub threads: usize,
    /// Median wall time of the repeats.
    pub wall_ms: f64,
    /// Each repeat's wall time, round by round (the benchmark pairs the rounds' thread counts).
    pub runs_ms: Vec<f64>,
    pub speedup: f64,
    pub efficiency: f64,
    /// The count agreed with the sieve in every repeat.
    pub checked: bool,
    /// The last repeat, for its timeline.
    pub last: SplitRun,
}

/// The row with the highest speedup that is a result: one over what its threads can give is
/// noise (`core::stats::impossible_speedup`), never the best.
pub fn best(rows: &[Row]) -> Option<&Row> {
    rows.iter()
        .filter(|r| !stats::impossible_speedup(r.speedup, r.threads))
        .max_by(|a, b| a.speedup.total_cmp(&b.speedup))
}

/// Summarises repeats per thread count (`runs[t][k]`: round k's run on t + 1 threads) into rows.
/// A row's speedup is the median of its rounds' own: round k's 1-thread run over its run on this
/// row's threads, measured back to back (`stats::paired_speedup`).
pub fn summarise(runs: &[Vec<SplitRun>], expected_primes: u64) -> Vec<Row> {
    let times = |r: &[SplitRun]| r.iter().map(|s| s.wall_ms).collect::<Vec<_>>();
    let baseline = runs
        .iter()
        .find(|r| r.first().is_some_and(|s| s.threads == 1))
        .map(|r| times(r));
    runs.iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let threads = r[0].threads;
            let runs_ms = times(r);
            let speedup = baseline
                .as_deref()
                .and_then(|b| stats::paired_speedup(b, &runs_ms))
                .unwrap_or(f64::NAN);
            Row {
                threads,
                wall_ms: stats::median(&runs_ms).unwrap_or(f64::NAN),
                runs_ms,
                speedup,
                efficiency: stats::efficiency(speedup, threads),
                checked: r.iter().all(|s| s.primes == expected_primes),
                last: r.last().cloned().expect("non-empty"),
            }
        })
        .collect()
}

/// The reference answer, by a different algorithm.
pub fn expected_primes(limit: u64) -> u64 {
    count_primes_sieve(limit)
}

/// The same idea in Python: a real program of the repository (python/demo_parallel_cpu.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_parallel_cpu.py");

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn answer_matches_the_sieve_for_any_split() {
        let _cpu = crate::testing::exclusive_cpu();
        let expected = expected_primes(200_000);
        let pool = pool(3);
        for threads in 1..=5 {
            let run = pool.install(|| run_split(200_000, threads));
            assert_eq!(run.primes, expected, "{threads} threads");
            assert_eq!(
                run.trace.spans.len(),
                threads * STRIPES_PER_THREAD,
                "every stripe once"
            );
        }
    }

    #[test]
    fn two_threads_run_side_by_side_on_distinct_lanes() {
        let _cpu = crate::testing::exclusive_cpu();
        let pool = pool(2);
        // Big enough that both stripes are still running when the second thread steals one.
        let run = pool.install(|| run_split(3_000_000, 2));
        assert_eq!(run.trace.lanes().len(), 2, "{:?}", run.trace);
        assert!(run.trace.parallel_on_distinct_lanes(), "{:?}", run.trace);
    }

    #[test]
    fn one_thread_never_overlaps() {
        let pool = pool(2);
        let run = pool.install(|| run_split(300_000, 1));
        assert_eq!(
            run.trace.lanes().len(),
            1,
            "one job, one thread, though the pool has two"
        );
        assert!(!run.trace.any_overlap());
    }

    #[test]
    fn summary_speedups_are_against_one_thread() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let fake = |threads, wall_ms, primes| SplitRun {
            threads,
            primes,
            wall_ms,
            trace: Trace::default(),
        };
        let runs = vec![
            vec![fake(1, 100.0, 7), fake(1, 120.0, 7), fake(1, 110.0, 7)],
            vec![fake(2, 55.0, 7), fake(2, 60.0, 8)],
        ];
        let rows = summarise(&runs, 7);
        assert_eq!(rows[0].speedup, 1.0);
        // Round by round: 100/55 and 120/60 (the third round has no 2-thread run), median 1.909;
        // the medians' ratio would be 110/57.5 = 1.913.
        assert!(
            (rows[1].speedup - (100.0 / 55.0 + 2.0) / 2.0).abs() < 1e-9,
            "{}",
            rows[1].speedup
        );
        assert_eq!(rows[1].wall_ms, 57.5);
        assert_eq!(rows[1].runs_ms, [55.0, 60.0], "each repeat, in round order");
        assert!(rows[0].checked);
        assert!(!rows[1].checked, "a wrong count in any repeat is reported");
    }

    #[test]
    fn the_best_row_is_never_a_speedup_over_its_threads() {
        let fake = |threads, wall_ms| {
            vec![SplitRun {
                threads,
                primes: 7,
                wall_ms,
                trace: Trace::default(),
            }]
        };
        let rows = summarise(&[fake(1, 100.0), fake(2, 53.0), fake(3, 40.0)], 7);
        assert_eq!(
            best(&rows).map(|r| r.threads),
            Some(3),
            "2.50x on 3 threads is a result"
        );
        let rows = summarise(&[fake(1, 100.0), fake(2, 53.0), fake(3, 30.0)], 7);
        assert_eq!(
            best(&rows).map(|r| r.threads),
            Some(2),
            "3.33x on 3 threads is noise, not the best"
        );
    }
}
