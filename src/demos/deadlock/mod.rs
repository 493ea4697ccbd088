//! Deadlock: two workers take two locks in opposite order and each waits for the lock the other
//! holds. A watchdog keeps the wait-for graph (who holds which lock, who waits for which) and
//! checks it whenever a thread starts to wait: a cycle is a deadlock. The thread that closed it
//! backs off (releases what it holds, waits, starts over), so the other finishes first and then
//! it does: the page never hangs. Taking the locks in one global order makes a cycle impossible.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Span, SpanKind, Trace};
use crate::engine;
use crate::models::lock_table::{Link, LockTable};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod steps;
pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "deadlock",
    title: "Deadlock",
    group: Group::Threads,
    teaser: "Two locks taken in opposite order: a watchdog finds the cycle, draws it and recovers.",
    needs_threads: true,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const HOLD_MS: Knob = Knob {
    key: "hold",
    label: "hold the first lock (ms)",
    min: 20,
    max: 2000,
    default: 200,
    step: 10,
};

pub const LOCK_NAMES: [&str; 2] = ["lock A", "lock B"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Worker 0 takes A then B, worker 1 takes B then A.
    Opposite,
    /// Both take A then B.
    Global,
}

impl Variant {
    pub fn title(self) -> &'static str {
        match self {
            Variant::Opposite => "opposite orders (A→B and B→A)",
            Variant::Global => "one global order (A→B for both)",
        }
    }

    /// Its name in a URL.
    pub fn key(self) -> &'static str {
        match self {
            Variant::Opposite => "opposite",
            Variant::Global => "global",
        }
    }

    pub fn locks_for(self, thread: usize) -> [usize; 2] {
        match (self, thread) {
            (Variant::Opposite, 1) => [1, 0],
            _ => [0, 1],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub order: Variant,
    /// The cycle the watchdog found, if any.
    pub cycle: Option<Vec<Link>>,
    /// Which workers completed their work (took both locks, after backing off if need be).
    pub completed: Vec<bool>,
    pub wall_ms: f64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// One worker: take the first lock, hold it a while, take the second, work, release both.
/// If the watchdog reports a cycle, recover: release the first lock, back off, start over.
fn worker(
    thread: usize,
    order: Variant,
    locks: &LockTable,
    hold_ms: f64,
) -> (bool, Option<Vec<Link>>, Vec<Span>) {
    let [first, second] = order.locks_for(thread);
    let (a, b) = (LOCK_NAMES[first], LOCK_NAMES[second]);
    let (mut spans, mut found) = (Vec::new(), None);
    for _attempt in 0..3 {
        let t = engine::now_ms();
        locks
            .acquire(thread, first)
            .expect("a first lock never closes a cycle");
        if engine::now_ms() - t > 0.5 {
            spans.push(Span::since(
                thread,
                engine::lane(thread),
                format!("waits for {a}"),
                SpanKind::Blocked,
                t,
            ));
        }
        let t = engine::now_ms();
        engine::block_for(hold_ms);
        spans.push(Span::since(
            thread,
            engine::lane(thread),
            format!("holds {a}"),
            SpanKind::Wait,
            t,
        ));
        let t = engine::now_ms();
        match locks.acquire(thread, second) {
            Ok(()) => {
                spans.push(Span::since(
                    thread,
                    engine::lane(thread),
                    format!("holds {a}, waits for {b}"),
                    SpanKind::Blocked,
                    t,
                ));
                let t = engine::now_ms();
                engine::busy_for(hold_ms / 4.0);
                spans.push(Span::since(
                    thread,
                    engine::lane(thread),
                    format!("holds {a} and {b}: works"),
                    SpanKind::Run,
                    t,
                ));
                locks.release(thread, second);
                locks.release(thread, first);
                return (true, found, spans);
            }
            Err(cycle) => {
                locks.release(thread, first); // let the other one finish
                found = Some(cycle);
                let t = engine::now_ms();
                engine::block_for(hold_ms / 2.0);
                spans.push(Span::since(
                    thread,
                    engine::lane(thread),
                    format!("deadlock found: released {a}, backs off"),
                    SpanKind::Failed,
                    t,
                ));
            }
        }
    }
    (false, found, spans)
}

pub async fn run(order: Variant, hold_ms: f64) -> Result<Measured, engine::OffloadError> {
    let locks = Arc::new(LockTable::default());
    let arrived = Arc::new(AtomicUsize::new(0));
    let t0 = engine::now_ms();
    let results = engine::on_threads(2, move |thread| {
        arrived.fetch_add(1, Ordering::SeqCst); // both start together
        while arrived.load(Ordering::SeqCst) < 2 {
            std::hint::spin_loop();
        }
        worker(thread, order, &locks, hold_ms)
    })
    .await?;
    let wall_ms = engine::now_ms() - t0;
    let completed = results.iter().map(|r| r.0).collect();
    let cycle = results.iter().find_map(|r| r.1.clone());
    let trace = Trace::new(results.into_iter().flat_map(|r| r.2).collect());
    Ok(Measured {
        order,
        cycle,
        completed,
        wall_ms,
        trace,
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_deadlock.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_deadlock.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn opposite_orders_always_deadlock_and_the_watchdog_recovers() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        // Both start at a barrier; the other thread must take its first lock while this one
        // holds its own: a 200 ms window, wide enough for a thread descheduled on a busy machine.
        for _ in 0..3 {
            let m = crate::testing::within(60, "run(Variant::Opposite, 200.0)", move || {
                block_on(run(Variant::Opposite, 200.0))
            })
            .unwrap();
            let cycle = m.cycle.expect("the watchdog fired");
            assert_eq!(cycle.len(), 2, "{cycle:?}");
            // Each holds what the other waits for.
            assert_eq!(cycle[0].holds, cycle[1].waits_for);
            assert_eq!(cycle[1].holds, cycle[0].waits_for);
            assert_eq!(
                m.completed,
                vec![true, true],
                "one backed off and retried; both finished"
            );
            assert_eq!(
                m.trace
                    .spans
                    .iter()
                    .filter(|s| s.kind == SpanKind::Failed)
                    .count(),
                1
            );
        }
    }

    #[test]
    fn one_global_order_never_deadlocks() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        for _ in 0..5 {
            let m = crate::testing::within(60, "run(Variant::Global, 20.0)", move || {
                block_on(run(Variant::Global, 20.0))
            })
            .unwrap();
            assert_eq!(m.cycle, None);
            assert_eq!(m.completed, vec![true, true]);
        }
    }
}
