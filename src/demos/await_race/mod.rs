//! A race across an await: tasks on one event loop never run at the same instant, yet
//! `balance = balance + 1` split by an `await` loses updates. Each task reads, awaits, then
//! writes what it read plus one; while it waits the loop runs the others, which read the same
//! old value. An async lock (`asyncio.Lock`) makes the read-await-write one step for the other
//! tasks. With no await between the read and the write nothing is lost: the loop switches tasks
//! only at an await.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::sync::Semaphore;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use std::cell::Cell;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "await-race",
    title: "Race across an await",
    group: Group::EventLoop,
    teaser: "One loop, no threads, and still lost updates: state read before an await and written after it. asyncio.Lock fixes it.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 2,
    max: 20,
    default: 5,
    step: 1,
};
pub const WAIT_MS: Knob = Knob {
    key: "wait",
    label: "await between read and write (ms)",
    min: 1,
    max: 500,
    default: 20,
    step: 1,
};

/// How each task updates the shared balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Read, await, write.
    AcrossAwait,
    /// The same inside `async with lock`.
    Locked,
    /// Await first, then read and write with no await between.
    NoAwaitBetween,
}

impl Variant {
    pub const ALL: [Variant; 3] = [
        Variant::AcrossAwait,
        Variant::Locked,
        Variant::NoAwaitBetween,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Variant::AcrossAwait => "read, await, write",
            Variant::Locked => "the same under asyncio.Lock",
            Variant::NoAwaitBetween => "await, then read and write",
        }
    }
}

/// One run: the balance the tasks left, what it should be, and each task's read-to-write span.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub variant: Variant,
    pub expected: u64,
    pub balance: u64,
    pub total_ms: f64,
    pub trace: Trace,
}

impl Measured {
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.balance)
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// One task's update of the shared balance; its span runs from the read to the write.
async fn add_one(
    task: usize,
    variant: Variant,
    balance: &Cell<u64>,
    lock: &Semaphore,
    wait_ms: f64,
) -> Vec<Span> {
    let mut spans = Vec::new();
    let span = |label: String, kind, start| Span {
        task,
        lane: Lane::EventLoop,
        label,
        kind,
        start,
        end: engine::now_ms(),
    };
    match variant {
        Variant::AcrossAwait => {
            let start = engine::now_ms();
            let value = balance.get(); // read
            engine::sleep_ms(wait_ms).await; // the loop runs the other tasks here
            balance.set(value + 1); // write: what they added meanwhile is lost
            spans.push(span(
                format!("task {task}: read {value}, wrote {}", value + 1),
                SpanKind::Wait,
                start,
            ));
        }
        Variant::Locked => {
            let asked = engine::now_ms();
            let _held = lock.acquire().await; // async with lock:
            spans.push(span(
                format!("task {task}: waits for the lock"),
                SpanKind::Blocked,
                asked,
            ));
            let start = engine::now_ms();
            let value = balance.get();
            engine::sleep_ms(wait_ms).await;
            balance.set(value + 1);
            spans.push(span(
                format!("task {task}: read {value}, wrote {}", value + 1),
                SpanKind::Wait,
                start,
            ));
        }
        Variant::NoAwaitBetween => {
            let asleep = engine::now_ms();
            engine::sleep_ms(wait_ms).await;
            spans.push(span(format!("task {task}: awaits"), SpanKind::Wait, asleep));
            let start = engine::now_ms();
            let value = balance.get(); // no await between the read and the write:
            balance.set(value + 1); // no other task can run in between
            spans.push(span(
                format!("task {task}: read {value}, wrote {}", value + 1),
                SpanKind::Run,
                start,
            ));
        }
    }
    spans
}

/// `tasks` tasks on the one loop, all started together (a TaskGroup), each adding 1.
pub async fn run(variant: Variant, tasks: usize, wait_ms: f64) -> Measured {
    let balance = Cell::new(0);
    let lock = Semaphore::new(1); // asyncio.Lock: one holder at a time
    let t0 = engine::now_ms();
    let all = futures::future::join_all(
        (0..tasks).map(|t| add_one(t, variant, &balance, &lock, wait_ms)),
    )
    .await;
    let total_ms = engine::now_ms() - t0;
    Measured {
        variant,
        expected: tasks as u64,
        balance: balance.get(),
        total_ms,
        trace: Trace::new(all.into_iter().flatten().collect()),
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_await_race.py), shown
/// byte for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_await_race.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn read_await_write_loses_every_update_but_one() {
        let _cpu = crate::testing::shared_cpu();
        let m = block_on(run(Variant::AcrossAwait, 5, 20.0));
        assert_eq!(
            (m.balance, m.lost()),
            (1, 4),
            "every task read 0 before any wrote"
        );
        assert_eq!(
            m.trace.max_concurrency(),
            5,
            "all five were between their read and their write at once"
        );
        assert_eq!(
            m.trace.lanes(),
            vec![Lane::EventLoop],
            "one loop, no threads"
        );
    }

    #[test]
    fn the_lock_keeps_every_update_and_serialises_the_critical_parts() {
        let _cpu = crate::testing::shared_cpu();
        let m = block_on(run(Variant::Locked, 4, 15.0));
        assert_eq!((m.balance, m.lost()), (4, 0));
        let critical = Trace::new(
            m.trace
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Wait)
                .cloned()
                .collect(),
        );
        assert_eq!(critical.max_concurrency(), 1, "{:?}", m.trace);
        assert!(
            m.total_ms >= 4.0 * 15.0,
            "one after another: {}",
            m.total_ms
        );
    }

    #[test]
    fn with_no_await_between_read_and_write_nothing_is_lost() {
        let _cpu = crate::testing::shared_cpu();
        let m = block_on(run(Variant::NoAwaitBetween, 6, 10.0));
        assert_eq!((m.balance, m.lost()), (6, 0));
    }
}
