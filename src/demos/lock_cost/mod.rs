//! What a lock costs: the same counting three ways. One shared Mutex taken for every add (the
//! threads queue for it), a private counter per thread merged once at the end (no sharing, no
//! waiting), and an atomic add (shared, but no lock). Each wait for the lock is timed: the trace
//! shows when threads stood in line.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "lock-cost",
    title: "Locks and their cost",
    group: Group::Threads,
    teaser: "One shared lock vs per-thread counters vs atomics: time, and how long threads queued.",
    needs_threads: true,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const THREADS: Knob = Knob {
    key: "threads",
    label: "threads",
    min: 1,
    max: 8,
    default: 2,
    step: 1,
};
pub const THOUSANDS: Knob = Knob {
    key: "k",
    label: "adds per thread (thousands)",
    min: 1,
    max: 5000,
    default: 500,
    step: 1,
};

/// Waits closer together than this are drawn as one.
const MERGE_MS: f64 = 0.05;
/// At most this many wait spans per thread are drawn (all are counted).
const MAX_DRAWN: usize = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    SharedLock,
    PerThread,
    Atomic,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::SharedLock, Variant::PerThread, Variant::Atomic];

    pub fn title(self) -> &'static str {
        match self {
            Variant::SharedLock => "one shared Mutex, locked per add",
            Variant::PerThread => "a counter per thread, merged at the end",
            Variant::Atomic => "one atomic counter (fetch_add)",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub strategy: Variant,
    pub threads: usize,
    pub total: u64,
    pub expected: u64,
    pub wall_ms: f64,
    /// Lock acquisitions that found the lock taken, and the time spent waiting for them.
    pub contended: u64,
    pub waited_ms: f64,
    pub trace: Trace,
}

/// A thread's record of its waits for the lock: exact totals, and merged spans to draw.
struct Waits {
    count: u64,
    total_ms: f64,
    spans: Vec<(f64, f64)>,
}

impl Waits {
    fn new() -> Waits {
        Waits {
            count: 0,
            total_ms: 0.0,
            spans: Vec::new(),
        }
    }

    fn record(&mut self, start: f64, end: f64) {
        self.count += 1;
        self.total_ms += end - start;
        let drawn = self.spans.len();
        match self.spans.last_mut() {
            Some(last) if start - last.1 < MERGE_MS => last.1 = end,
            _ if drawn < MAX_DRAWN => self.spans.push((start, end)),
            _ => {}
        }
    }

    /// The thread's time as alternating spans: counting, then waiting, then counting…
    fn into_spans(self, thread: usize, lane: Lane, start: f64, end: f64) -> Vec<Span> {
        let mut out = Vec::new();
        let mut at = start;
        let span = |kind, label: &str, s, e| Span {
            task: thread,
            lane,
            label: format!("thread {thread}: {label}"),
            kind,
            start: s,
            end: e,
        };
        for (s, e) in self.spans.into_iter().filter(|(s, e)| e - s >= 0.01) {
            if s > at {
                out.push(span(SpanKind::Run, "counting", at, s));
            }
            out.push(span(SpanKind::Blocked, "waits for the lock", s, e));
            at = e;
        }
        if end > at {
            out.push(span(SpanKind::Run, "counting", at, end));
        }
        out
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// Takes the lock; if another thread has it, times the wait.
fn lock_timed<'a>(m: &'a Mutex<u64>, waits: &mut Waits) -> std::sync::MutexGuard<'a, u64> {
    match m.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::WouldBlock) => {
            let start = engine::now_ms();
            let guard = m.lock().unwrap();
            waits.record(start, engine::now_ms());
            guard
        }
        Err(TryLockError::Poisoned(e)) => e.into_inner(),
    }
}

pub async fn count(
    strategy: Variant,
    threads: usize,
    adds: u64,
) -> Result<Measured, engine::OffloadError> {
    let shared = Arc::new(Mutex::new(0u64));
    let atomic = Arc::new(AtomicU64::new(0));
    let (s, a) = (Arc::clone(&shared), Arc::clone(&atomic));
    let arrived = Arc::new(AtomicUsize::new(0));
    let t0 = engine::now_ms();
    let per_thread = engine::on_threads(threads, move |t| {
        arrived.fetch_add(1, Ordering::SeqCst); // everyone starts together
        while arrived.load(Ordering::SeqCst) < threads {
            std::hint::spin_loop();
        }
        let mut waits = Waits::new();
        let start = engine::now_ms();
        match strategy {
            Variant::SharedLock => {
                for _ in 0..adds {
                    *lock_timed(&s, &mut waits) += 1;
                }
            }
            Variant::PerThread => {
                let mut mine = 0u64;
                for _ in 0..adds {
                    mine = std::hint::black_box(mine + 1);
                }
                *lock_timed(&s, &mut waits) += mine; // one lock per thread, at the end
            }
            Variant::Atomic => {
                for _ in 0..adds {
                    a.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        let lane = engine::lane(t);
        (
            waits.count,
            waits.total_ms,
            waits.into_spans(t, lane, start, engine::now_ms()),
        )
    })
    .await?;
    let wall_ms = engine::now_ms() - t0;
    let total = *shared.lock().unwrap() + atomic.load(Ordering::SeqCst);
    Ok(Measured {
        strategy,
        threads,
        total,
        expected: threads as u64 * adds,
        wall_ms,
        contended: per_thread.iter().map(|p| p.0).sum(),
        waited_ms: per_thread.iter().map(|p| p.1).sum(),
        trace: Trace::new(per_thread.into_iter().flat_map(|p| p.2).collect()),
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_lock_cost.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_lock_cost.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn every_strategy_counts_exactly() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        for s in Variant::ALL {
            let m = crate::testing::within(60, "count(s, 3, 20_000)", move || {
                block_on(count(s, 3, 20_000))
            })
            .unwrap();
            assert_eq!(m.total, m.expected, "{s:?}");
        }
    }

    #[test]
    fn only_the_shared_lock_makes_threads_wait_while_counting() {
        let _cpu = crate::testing::exclusive_cpu();
        // Contention needs two threads counting at once: retry a few times, never skip.
        let shared = (0..5)
            .map(|_| {
                crate::testing::within(60, "count(Variant::SharedLock, 2, 300_000)", move || {
                    block_on(count(Variant::SharedLock, 2, 300_000))
                })
                .unwrap()
            })
            .find(|m| m.contended > 0);
        let shared = shared.expect("two threads locking 300000 times each never collided");
        assert!(shared.waited_ms > 0.0);
        assert!(
            shared
                .trace
                .spans
                .iter()
                .any(|s| s.kind == SpanKind::Blocked)
        );
        let private =
            crate::testing::within(60, "count(Variant::PerThread, 2, 300_000)", move || {
                block_on(count(Variant::PerThread, 2, 300_000))
            })
            .unwrap();
        assert!(
            private.contended <= 1,
            "only the final merge can collide: {}",
            private.contended
        );
        let atomic = crate::testing::within(60, "count(Variant::Atomic, 2, 300_000)", move || {
            block_on(count(Variant::Atomic, 2, 300_000))
        })
        .unwrap();
        assert_eq!(atomic.contended, 0);
        // Structure, not a one-shot ratio of two timings: the private counters' threads never
        // wait while counting (a wait is a Blocked span; only the merge may add one).
        let blocked = |m: &Measured| {
            m.trace
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Blocked)
                .count()
        };
        assert!(
            blocked(&private) <= 1,
            "private counting waited (only the merge may): {:?}",
            private.trace
        );
        assert_eq!(
            blocked(&atomic),
            0,
            "atomic adds never wait: {:?}",
            atomic.trace
        );
    }

    #[test]
    fn waits_merge_and_alternate_with_counting() {
        let mut w = Waits::new();
        w.record(1.0, 1.02);
        w.record(1.03, 1.5); // within MERGE_MS: one span
        w.record(3.0, 3.5);
        assert_eq!(w.count, 3);
        let spans = w.into_spans(0, Lane::Worker(0), 0.0, 5.0);
        let kinds: Vec<SpanKind> = spans.iter().map(|s| s.kind).collect();
        use SpanKind::*;
        assert_eq!(kinds, vec![Run, Blocked, Run, Blocked, Run]);
        assert!(
            spans.windows(2).all(|p| p[0].end == p[1].start),
            "contiguous"
        );
    }
}
