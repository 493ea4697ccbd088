//! The GIL, simulated: CPython's global interpreter lock modelled on real worker threads. A
//! thread must hold the lock to run a slice of "bytecode" (here: testing a block of numbers for
//! primality), must hand it over once it has run for the switch interval (5 ms, CPython's
//! default) if another thread is waiting, and releases it while it waits on I/O. The threads and
//! the work are real; only the lock's rules are CPython's.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::core::workload::{PrimeJob, count_primes_in};
use crate::engine;
use crate::models::gil::{Gil, hold_in_slices};
use std::sync::Arc;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "gil",
    title: "The GIL (simulated)",
    group: Group::Threads,
    teaser: "A simulation of CPython's GIL on real threads: CPU work gets no speedup, I/O still overlaps.",
    needs_threads: true,
    stand_in: Some(
        "the GIL is simulated: a lock with CPython's rules (5 ms switch interval, released on I/O) on real threads doing real work. Waiting threads get it first come, first served, which CPython does not promise.",
    ),
    freezes_on_purpose: false,
};

pub const THREADS: Knob = Knob {
    key: "threads",
    label: "threads",
    min: 2,
    max: 8,
    default: 2,
    step: 1,
};
pub const WORK_MS: Knob = Knob {
    key: "work",
    label: "CPU work (ms, all threads)",
    min: 50,
    max: 5000,
    default: 400,
    step: 50,
};
pub const IO_MS: Knob = Knob {
    key: "io",
    label: "I/O wait (ms)",
    min: 5,
    max: 1000,
    default: 50,
    step: 5,
};

/// I/O-bound threads: rounds of (a little bytecode, one I/O wait).
pub const IO_ROUNDS: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    CpuOneThread,
    CpuThreadsGil,
    CpuThreadsNoGil,
    IoThreadsGil,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant::CpuOneThread,
        Variant::CpuThreadsGil,
        Variant::CpuThreadsNoGil,
        Variant::IoThreadsGil,
    ];

    pub fn title(self, threads: usize) -> String {
        match self {
            Variant::CpuOneThread => "CPU-bound, 1 thread, with the GIL".into(),
            Variant::CpuThreadsGil => format!("CPU-bound, {threads} threads, with the GIL"),
            Variant::CpuThreadsNoGil => format!("CPU-bound, {threads} threads, no GIL"),
            Variant::IoThreadsGil => format!("I/O-bound, {threads} threads, with the GIL"),
        }
    }

    /// How many of `threads` can compute at the same instant on `cores` cores (one under the
    /// GIL): a speedup above it is noise (as compare's `parallel_lanes`).
    pub fn parallel_lanes(self, threads: usize, cores: usize) -> usize {
        match self {
            Variant::CpuThreadsNoGil => threads.min(cores).max(1),
            Variant::CpuOneThread | Variant::CpuThreadsGil | Variant::IoThreadsGil => 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub scenario: Variant,
    pub threads: usize,
    pub wall_ms: f64,
    /// Time spent running bytecode, summed over threads.
    pub cpu_ms: f64,
    /// The most threads running bytecode at one instant.
    pub most_running: usize,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

/// The work of a CPU-bound run: `job` cut into blocks of about half a millisecond, so that a
/// thread checks the switch interval often, as CPython checks between bytecodes.
pub fn blocks(job: &PrimeJob) -> Vec<(u64, u64)> {
    job.chunks(0.5)
}

struct Recorder {
    thread: usize,
    lane: Lane,
    spans: Vec<Span>,
}

impl Recorder {
    fn new(thread: usize) -> Recorder {
        Recorder {
            thread,
            lane: engine::lane(thread),
            spans: Vec::new(),
        }
    }

    fn push(&mut self, label: &str, kind: SpanKind, start: f64) {
        let end = engine::now_ms();
        // Hand-overs to a thread already waiting take microseconds: not worth a rectangle.
        if end - start > 0.05 || kind == SpanKind::Run {
            self.spans.push(Span {
                task: self.thread,
                lane: self.lane,
                label: format!("thread {}: {label}", self.thread),
                kind,
                start,
                end,
            });
        }
    }
}

// region:run
/// A CPU-bound thread: runs its blocks, holding the GIL (when there is one) and handing it over
/// after each switch interval if another thread wants it.
fn cpu_thread(thread: usize, my_blocks: Vec<(u64, u64)>, gil: Option<&Gil>) -> Vec<Span> {
    let mut rec = Recorder::new(thread);
    let mut blocks = my_blocks.into_iter();
    // Each step is one block, a slice of "bytecode"; the model hands the GIL over between them.
    let step = || blocks.next().map(|(a, b)| count_primes_in(a, b)).is_some();
    hold_in_slices(gil, thread, step, |kind, start| {
        rec.push(
            if kind == SpanKind::Run {
                "runs bytecode"
            } else {
                "waits for the GIL"
            },
            kind,
            start,
        )
    });
    rec.spans
}

/// An I/O-bound thread: a little bytecode, then a wait during which it does not hold the GIL.
fn io_thread(thread: usize, bytecode: (u64, u64), io_ms: f64, gil: &Gil) -> Vec<Span> {
    let mut rec = Recorder::new(thread);
    for _ in 0..IO_ROUNDS {
        let t = engine::now_ms();
        gil.acquire(thread);
        rec.push("waits for the GIL", SpanKind::Blocked, t);
        let t = engine::now_ms();
        count_primes_in(bytecode.0, bytecode.1);
        rec.push("runs bytecode", SpanKind::Run, t);
        gil.release(); // released around the blocking call, like socket.recv
        let t = engine::now_ms();
        engine::block_for(io_ms);
        rec.push("waits on I/O (GIL released)", SpanKind::Wait, t);
    }
    rec.spans
}

pub async fn run(
    scenario: Variant,
    threads: usize,
    job: PrimeJob,
    io_ms: f64,
) -> Result<Measured, engine::OffloadError> {
    let n = if scenario == Variant::CpuOneThread {
        1
    } else {
        threads
    };
    let all_blocks = blocks(&job);
    let gil = Arc::new(Gil::default());
    let t0 = engine::now_ms();
    let spans = engine::on_threads(n, move |i| {
        // Thread i takes every n-th block: equal shares of the same work.
        let mine: Vec<(u64, u64)> = all_blocks.iter().skip(i).step_by(n).copied().collect();
        match scenario {
            Variant::CpuOneThread | Variant::CpuThreadsGil => cpu_thread(i, mine, Some(&gil)),
            Variant::CpuThreadsNoGil => cpu_thread(i, mine, None),
            Variant::IoThreadsGil => io_thread(i, all_blocks[i % all_blocks.len()], io_ms, &gil),
        }
    })
    .await?;
    let wall_ms = engine::now_ms() - t0;
    let trace = Trace::new(spans.into_iter().flatten().collect());
    let running = Trace::new(
        trace
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Run)
            .cloned()
            .collect(),
    );
    let cpu_ms = running.spans.iter().map(Span::duration).sum();
    Ok(Measured {
        scenario,
        threads: n,
        wall_ms,
        cpu_ms,
        most_running: running.max_concurrency_within(engine::CLOCK_AGREEMENT_MS),
        trace,
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_gil.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_gil.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn under_the_gil_one_thread_computes_at_a_time_and_without_it_no_more_than_the_cores() {
        assert_eq!(Variant::CpuThreadsGil.parallel_lanes(8, 2), 1);
        assert_eq!(Variant::CpuOneThread.parallel_lanes(8, 2), 1);
        assert_eq!(
            Variant::CpuThreadsNoGil.parallel_lanes(8, 2),
            2,
            "two cores"
        );
        assert_eq!(
            Variant::CpuThreadsNoGil.parallel_lanes(3, 16),
            3,
            "three threads"
        );
        assert_eq!(Variant::CpuThreadsNoGil.parallel_lanes(1, 2), 1);
    }

    fn job() -> PrimeJob {
        PrimeJob::sized_for(120.0, engine::now_ms)
    }

    #[test]
    fn with_the_gil_no_two_threads_run_bytecode_at_once() {
        let _cpu = crate::testing::exclusive_cpu();
        let m = crate::testing::within(
            60,
            "run(Variant::CpuThreadsGil, 3, job(), 10.0)",
            move || block_on(run(Variant::CpuThreadsGil, 3, job(), 10.0)),
        )
        .unwrap();
        assert_eq!(m.most_running, 1, "{:?}", m.trace);
        assert_eq!(m.trace.lanes().len(), 3);
        // The slices alternate: many hand-overs, not one thread after another.
        let slices = m
            .trace
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Run)
            .count();
        assert!(slices >= 6, "{slices} slices");
    }

    #[test]
    fn without_the_gil_threads_run_at_once() {
        // Structure, not speed (another process may hold the cores; the benchmark and the page
        // measure speed): with the GIL one thread computes at any instant, without it both do.
        let _cpu = crate::testing::exclusive_cpu();
        let job = job();
        let gil =
            crate::testing::within(60, "run(Variant::CpuThreadsGil, 2, job, 10.0)", move || {
                block_on(run(Variant::CpuThreadsGil, 2, job, 10.0))
            })
            .unwrap();
        let free = crate::testing::within(
            60,
            "run(Variant::CpuThreadsNoGil, 2, job, 10.0)",
            move || block_on(run(Variant::CpuThreadsNoGil, 2, job, 10.0)),
        )
        .unwrap();
        assert_eq!(gil.most_running, 1, "{:?}", gil.trace);
        assert_eq!(free.most_running, 2, "{:?}", free.trace);
        assert!(free.trace.parallel_on_distinct_lanes());
        // Without the GIL nobody waits for it: no Blocked spans at all.
        assert!(
            free.trace.spans.iter().all(|s| s.kind == SpanKind::Run),
            "{:?}",
            free.trace
        );
    }

    #[test]
    fn io_waits_overlap_under_the_gil() {
        let _cpu = crate::testing::exclusive_cpu();
        let m = crate::testing::within(
            60,
            "run(Variant::IoThreadsGil, 3, job(), 30.0)",
            move || block_on(run(Variant::IoThreadsGil, 3, job(), 30.0)),
        )
        .unwrap();
        assert_eq!(m.most_running, 1);
        let waits = Trace::new(
            m.trace
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Wait)
                .cloned()
                .collect(),
        );
        assert!(waits.max_concurrency() >= 2, "{:?}", waits);
        assert!(
            m.wall_ms < 3.0 * IO_ROUNDS as f64 * 30.0 * 0.7,
            "waits overlapped: {}",
            m.wall_ms
        );
    }
}
