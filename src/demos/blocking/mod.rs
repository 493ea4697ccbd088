//! Blocking the loop (cooperative multitasking). One CPU job, three ways: run on the loop
//! without yielding (everything else waits: the heartbeat stops), cut into chunks that yield
//! between them (the heartbeat goes on, the job takes a little longer), and sent to a worker
//! thread (preempted by the OS, off the loop: here a real parallel thread, so the loop pays
//! nothing; in CPython it would share the GIL with the loop). The loop-lag monitor's
//! heartbeat measures each stall.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::core::workload::{PrimeJob as Job, count_primes_in};
use crate::engine;
use crate::models::heartbeat::{HEARTBEAT_TASK, SharedMeter};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "blocking",
    title: "Blocking the loop",
    group: Group::EventLoop,
    teaser: "A CPU job on the loop freezes the page; chunks that yield keep it alive; a worker thread frees the loop (in CPython, as far as the GIL lets it).",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: true,
};

pub const JOB_MS: Knob = Knob {
    key: "job",
    label: "job (ms of CPU)",
    min: 100,
    max: 5000,
    default: 1000,
    step: 100,
};
pub const CHUNK_MS: Knob = Knob {
    key: "chunk",
    label: "chunk (ms)",
    min: 1,
    max: 500,
    default: 20,
    step: 1,
};
/// Freezes longer than this need the user's explicit consent.
pub const SAFE_FREEZE_MS: u64 = 2000;
/// Each variant sets a timer this long at its start; how late it fires is the timer lag.
pub const TIMER_MS: f64 = 50.0;
/// The task number of the job's row on the event loop (the heartbeat has its own).
pub const JOB_TASK: usize = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    OnTheLoop,
    Chunked,
    Worker,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::OnTheLoop, Variant::Chunked, Variant::Worker];

    pub fn title(self) -> &'static str {
        match self {
            Variant::OnTheLoop => "on the loop, never yielding",
            Variant::Chunked => "on the loop, in chunks that yield",
            Variant::Worker => "on a worker thread",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub variant: Variant,
    /// The job's answer, or why there is none.
    pub primes: Result<u64, String>,
    pub total_ms: f64,
    /// The longest time the heartbeat did not tick while the job ran.
    pub worst_gap_ms: f64,
    /// How late the variant's TIMER_MS timer fired.
    pub timer_lag_ms: f64,
    pub ticks: usize,
    pub chunks: usize,
    pub spans: Vec<Span>,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// The whole job in one go on the loop: no .await inside, so nothing else runs until it ends.
/// A safety bound stops it if it runs far over its size (the machine was slower than sized).
fn on_the_loop(job: Job, bound_ms: f64) -> (Result<u64, String>, Vec<Span>) {
    let start = engine::now_ms();
    let mut primes = 0;
    for (a, b) in job.pieces(256) {
        primes += count_primes_in(a, b);
        if engine::now_ms() - start > bound_ms {
            let span = Span::since(
                JOB_TASK,
                Lane::EventLoop,
                "job, stopped at the bound",
                SpanKind::Failed,
                start,
            );
            return (
                Err(format!("stopped at the {:.0} ms safety bound", bound_ms)),
                vec![span],
            );
        }
    }
    let span = Span::since(
        JOB_TASK,
        Lane::EventLoop,
        "job (never yields)",
        SpanKind::Run,
        start,
    );
    (Ok(primes), vec![span])
}

/// The same job in pieces, giving the loop a turn after each (asyncio.sleep(0)).
async fn chunked(job: Job, chunk_ms: f64) -> (Result<u64, String>, Vec<Span>) {
    let (mut primes, mut spans) = (0, Vec::new());
    for (i, (a, b)) in job.chunks(chunk_ms).into_iter().enumerate() {
        let start = engine::now_ms();
        primes += count_primes_in(a, b);
        spans.push(Span::since(
            JOB_TASK,
            Lane::EventLoop,
            format!("chunk {i}"),
            SpanKind::Run,
            start,
        ));
        engine::yield_now().await;
    }
    (Ok(primes), spans)
}

/// The same job on a worker thread; the loop only awaits the answer.
async fn on_a_worker(job: Job) -> (Result<u64, String>, Vec<Span>) {
    let answer = engine::offload(move || {
        let start = engine::now_ms();
        let primes = count_primes_in(job.first, job.end);
        let lane = engine::lane(0);
        (
            primes,
            Span::since(JOB_TASK, lane, "job", SpanKind::Run, start),
        )
    });
    match answer.await {
        Ok((primes, span)) => (Ok(primes), vec![span]),
        Err(e) => (Err(e.to_string()), Vec::new()),
    }
}

pub async fn run_variant(
    variant: Variant,
    job: Job,
    chunk_ms: f64,
    meter: &SharedMeter,
) -> Outcome {
    let t0 = engine::now_ms();
    let timer = async {
        engine::sleep_ms(TIMER_MS).await;
        engine::now_ms() - (t0 + TIMER_MS)
    };
    let work = async {
        let bound_ms = 2.0 * (job.end - job.first) as f64 / job.per_ms;
        let (primes, spans) = match variant {
            Variant::OnTheLoop => on_the_loop(job, bound_ms),
            Variant::Chunked => chunked(job, chunk_ms).await,
            Variant::Worker => on_a_worker(job).await,
        };
        (primes, spans, engine::now_ms())
    };
    let (timer_lag_ms, (primes, mut spans, t1)) = futures::join!(timer, work);
    let m = meter.lock().unwrap();
    spans.extend(m.stalls(t0, t1, HEARTBEAT_TASK));
    Outcome {
        variant,
        primes,
        total_ms: t1 - t0,
        worst_gap_ms: m.worst_gap(t0, t1),
        timer_lag_ms,
        ticks: m.ticks_between(t0, t1),
        chunks: spans.iter().filter(|s| s.task == JOB_TASK).count(),
        spans,
    }
}
// endregion:run

/// Every variant's spans on one clock, for one timeline.
pub fn trace_of(outcomes: &[Outcome]) -> Trace {
    Trace::new(
        outcomes
            .iter()
            .flat_map(|o| o.spans.iter().cloned())
            .collect(),
    )
}

/// The same idea in Python: a real program of the repository (python/demo_blocking.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_blocking.py");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::heartbeat::{new_meter, watch};
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;
    use std::sync::Arc;

    /// Runs every variant on one single-threaded loop with the heartbeat beside it.
    fn run_all(job_ms: f64, chunk_ms: f64) -> Vec<Outcome> {
        let meter = new_meter();
        let mut pool = LocalPool::new();
        pool.spawner()
            .spawn_local(watch(Arc::clone(&meter), || Some("test".into()), |_, _| {}))
            .unwrap();
        pool.run_until(async {
            engine::sleep_ms(60.0).await;
            let job = Job::sized_for(job_ms, engine::now_ms);
            let mut out = Vec::new();
            for v in Variant::ALL {
                out.push(run_variant(v, job, chunk_ms, &meter).await);
                engine::sleep_ms(60.0).await;
            }
            out
        })
    }

    #[test]
    fn only_the_unyielding_job_stops_the_heartbeat() {
        let _cpu = crate::testing::exclusive_cpu();
        let [on_loop, chunked, worker]: [Outcome; 3] = run_all(300.0, 10.0).try_into().unwrap();
        let answer = worker.primes.clone().unwrap();
        assert_eq!(chunked.primes, Ok(answer), "same job, same answer");
        // When other processes slow this one, the unyielding job can reach its safety bound
        // (twice its sampled size) and stop there: it held the loop all along either way.
        let stopped = on_loop
            .primes
            .as_ref()
            .is_err_and(|e| e.contains("safety bound"));
        assert!(stopped || on_loop.primes == Ok(answer), "{on_loop:?}");
        // Held for the whole job: no tick at all, and the timer fired only after it.
        assert_eq!(on_loop.ticks, 0, "{on_loop:?}");
        assert!(
            on_loop.worst_gap_ms >= 0.9 * on_loop.total_ms,
            "{on_loop:?}"
        );
        assert!(
            on_loop.timer_lag_ms > on_loop.total_ms - TIMER_MS - 20.0,
            "{on_loop:?}"
        );
        // Chunks and the worker keep the gaps short and the heartbeat ticking.
        for alive in [&chunked, &worker] {
            assert!(
                alive.worst_gap_ms < on_loop.worst_gap_ms / 3.0,
                "{alive:?} vs {on_loop:?}"
            );
            assert!(alive.ticks > 3, "{alive:?}");
        }
        assert!(chunked.chunks > 10, "{chunked:?}");
        assert!(
            worker
                .spans
                .iter()
                .any(|s| matches!(s.lane, Lane::Worker(_)))
        );
    }

    #[test]
    fn the_safety_bound_stops_a_runaway_job() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let job = Job {
            first: 1_000_000_000,
            end: 1_010_000_000,
            per_ms: 1e9,
        }; // claims to be instant
        let (primes, spans) = on_the_loop(job, 30.0);
        assert!(primes.is_err());
        assert!(spans[0].duration() < 200.0, "{spans:?}");
    }
}
