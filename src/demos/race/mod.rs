//! A race condition: W threads each add 1 to a shared counter M times. Read-then-write loses
//! updates when two threads read the same value; an atomic add and a mutex never do.
//!
//! Rust will not even compile the classic unsynchronised version: two threads may not hold
//! `&mut` to one counter at once.
//!
//! ```compile_fail
//! let mut counter = 0u64;
//! std::thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| for _ in 0..1000 { counter += 1 }); // error[E0499]: `counter` borrowed mutably twice
//!     }
//! });
//! ```
//!
//! So the racy counter here is written in safe Rust with a relaxed atomic load followed by a
//! separate store: each step is atomic, the pair is not, which is exactly `counter += 1`'s race.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Span, SpanKind, Trace};
use crate::engine;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub mod steps;
pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "race-condition",
    title: "Race condition",
    group: Group::Threads,
    teaser: "counter += 1 on several threads can lose updates: here, on real threads, it does; in CPython on a free-threaded build too, but with the GIL (3.10 and later) practically never. An atomic add or a lock never does.",
    needs_threads: true,
    stand_in: None,
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
pub const THOUSANDS: Knob = Knob {
    key: "k",
    label: "adds per thread (thousands)",
    min: 1,
    max: 10000,
    default: 2000,
    step: 1,
};
pub const REPEATS: Knob = Knob {
    key: "repeats",
    label: "repeats",
    min: 1,
    max: 10,
    default: 5,
    step: 1,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    ReadThenWrite,
    AtomicAdd,
    Mutex,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::ReadThenWrite, Variant::AtomicAdd, Variant::Mutex];

    pub fn title(self) -> &'static str {
        match self {
            Variant::ReadThenWrite => "read, then write (counter += 1)",
            Variant::AtomicAdd => "atomic fetch_add",
            Variant::Mutex => "Mutex around the add",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Counted {
    pub method: Variant,
    pub expected: u64,
    pub actual: u64,
    pub wall_ms: f64,
    pub trace: Trace,
}

impl Counted {
    pub fn lost(&self) -> u64 {
        self.expected - self.actual
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// The shared counter, incremented one of three ways.
struct Counter {
    atomic: AtomicU64,
    locked: Mutex<u64>,
}

impl Counter {
    fn add_one(&self, method: Variant) {
        match method {
            // Two steps: another thread can write between our read and our write, and then
            // our write puts back a stale value plus one. Its update is lost.
            Variant::ReadThenWrite => {
                let seen = self.atomic.load(Ordering::Relaxed);
                self.atomic.store(seen + 1, Ordering::Relaxed);
            }
            Variant::AtomicAdd => {
                self.atomic.fetch_add(1, Ordering::Relaxed);
            }
            Variant::Mutex => *self.locked.lock().unwrap() += 1,
        }
    }

    fn total(&self) -> u64 {
        self.atomic.load(Ordering::SeqCst) + *self.locked.lock().unwrap()
    }
}

pub async fn count(
    method: Variant,
    threads: usize,
    adds: u64,
) -> Result<Counted, engine::OffloadError> {
    let counter = Arc::new(Counter {
        atomic: AtomicU64::new(0),
        locked: Mutex::new(0),
    });
    let shared = Arc::clone(&counter);
    // All threads start counting together: a worker that woke late would otherwise find the
    // others already done, and there would be nothing to race with. (A spinning start line: a
    // sleeping barrier wakes its waiters one by one, a millisecond apart in a browser.)
    let arrived = Arc::new(AtomicUsize::new(0));
    let t0 = engine::now_ms();
    let spans = engine::on_threads(threads, move |i| {
        arrived.fetch_add(1, Ordering::SeqCst);
        while arrived.load(Ordering::SeqCst) < threads {
            std::hint::spin_loop();
        }
        let start = engine::now_ms();
        for _ in 0..adds {
            shared.add_one(method);
        }
        let lane = engine::lane(i);
        Span::since(
            i,
            lane,
            format!("thread {i}: {adds} adds"),
            SpanKind::Run,
            start,
        )
    })
    .await?;
    let wall_ms = engine::now_ms() - t0;
    Ok(Counted {
        method,
        expected: threads as u64 * adds,
        actual: counter.total(),
        wall_ms,
        trace: Trace::new(spans),
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_race_condition.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_race_condition.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn read_then_write_loses_updates_on_several_cores() {
        let _cpu = crate::testing::exclusive_cpu();
        if !crate::testing::has_two_cores("read_then_write_loses_updates") {
            return;
        }
        // The race is real but not guaranteed on any one run, least of all when other processes
        // hold the cores (two racing threads must run at the same instant): four threads, longer
        // runs, up to ten tries. Never skipped.
        let lost = (0..10)
            .map(|_| {
                block_on(count(Variant::ReadThenWrite, 4, 500_000))
                    .unwrap()
                    .lost()
            })
            .find(|l| *l > 0);
        assert!(
            lost.is_some(),
            "ten runs of 4 x 500000 racy adds lost nothing"
        );
    }

    #[test]
    fn atomic_and_mutex_never_lose_an_update() {
        let _cpu = crate::testing::exclusive_cpu();
        for method in [Variant::AtomicAdd, Variant::Mutex] {
            for _ in 0..3 {
                let c = block_on(count(method, 4, 50_000)).unwrap();
                assert_eq!(c.actual, 200_000, "{method:?}");
                assert_eq!(c.trace.lanes().len(), 4, "{method:?} ran on four threads");
            }
        }
    }
}
