//! Start and join (threading.Thread): N threads started at once, each waiting a different
//! time; `join` returns when the last one has ended. Each thread is a real Web Worker (natively
//! a std thread), so each gets its own lane.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "threads",
    title: "Threads: start and join",
    group: Group::Threads,
    teaser: "threading.Thread: start N workers, join them; the join returns when the last one ends.",
    needs_threads: true,
    stand_in: Some(
        "starting a thread here hands a job to a pool worker started when the page loaded; CPython's Thread.start creates an OS thread each time.",
    ),
    freezes_on_purpose: false,
};

pub const THREADS: Knob = Knob {
    key: "threads",
    label: "threads",
    min: 1,
    max: 16,
    default: 4,
    step: 1,
};
pub const WAIT_MS: Knob = Knob {
    key: "wait",
    label: "longest wait (ms)",
    min: 10,
    max: 3000,
    default: 400,
    step: 10,
};

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// From `start` to each thread's first instruction (thread start-up cost).
    pub start_ms: Vec<f64>,
    /// When each thread ended, from the start call.
    pub ended_ms: Vec<f64>,
    /// When the join returned, from the start call.
    pub joined_ms: f64,
    pub trace: Trace,
}

/// Thread i waits `longest × (n − i) / n`: the first started is the last to finish.
pub fn waits(threads: usize, longest_ms: f64) -> Vec<f64> {
    (0..threads)
        .map(|i| longest_ms * (threads - i) as f64 / threads as f64)
        .collect()
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
pub async fn run(waits: Vec<f64>) -> Result<Measured, engine::OffloadError> {
    let t0 = engine::now_ms();
    let n = waits.len();
    // Start n threads (each blocks in its wait), then join them all.
    let spans = engine::on_threads(n, move |i| {
        let started = engine::now_ms();
        engine::block_for(waits[i]); // an I/O-like wait that blocks this thread only
        let lane = engine::lane(i);
        Span::since(
            i,
            lane,
            format!("thread {i}: wait {:.0} ms", waits[i]),
            SpanKind::Wait,
            started,
        )
    })
    .await?;
    let joined = engine::now_ms();
    let mut all = spans.clone();
    all.push(Span {
        task: 0,
        lane: Lane::EventLoop,
        label: "main: join()".into(),
        kind: SpanKind::Wait,
        start: t0,
        end: joined,
    });
    Ok(Measured {
        start_ms: spans.iter().map(|s| s.start - t0).collect(),
        ended_ms: spans.iter().map(|s| s.end - t0).collect(),
        joined_ms: joined - t0,
        trace: Trace::new(all),
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_threads.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_threads.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn threads_run_together_and_join_waits_for_the_last() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(waits(4, 120.0))).unwrap();
        let threads = Trace::new(
            m.trace
                .spans
                .iter()
                .filter(|s| s.lane != Lane::EventLoop)
                .cloned()
                .collect(),
        );
        assert_eq!(threads.lanes().len(), 4, "a lane per thread");
        assert_eq!(
            threads.max_concurrency(),
            4,
            "all four were running at once"
        );
        let last = m.ended_ms.iter().cloned().fold(0.0, f64::max);
        assert!(
            m.joined_ms >= last,
            "join returned at {} before the last thread ended at {last}",
            m.joined_ms
        );
        assert!(
            m.joined_ms < 120.0 + 100.0,
            "waits overlapped, so about the longest: {}",
            m.joined_ms
        );
        // The first thread waited longest, so it ended last.
        assert!(m.ended_ms[0] >= m.ended_ms[3]);
    }
}
