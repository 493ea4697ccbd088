//! An asyncio.Queue pipeline: producer and consumer tasks on one loop, `await queue.put()` and
//! `await queue.get()`, `task_done()` and `join()`, inside a TaskGroup under `asyncio.timeout`.
//! A bounded queue gives back-pressure: when it is full, producers wait, so it never holds more
//! than `maxsize`; unbounded, a fast producer piles items up.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::sync::AsyncQueue;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use futures::future::{Either, select};
use std::cell::{Cell, RefCell};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "async-queue",
    title: "asyncio.Queue pipeline",
    group: Group::EventLoop,
    teaser: "Producer and consumer tasks, await get and put, task_done and join, a bounded queue's back-pressure, all under asyncio.timeout.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const PRODUCERS: Knob = Knob {
    key: "producers",
    label: "producers",
    min: 1,
    max: 4,
    default: 2,
    step: 1,
};
pub const CONSUMERS: Knob = Knob {
    key: "consumers",
    label: "consumers",
    min: 1,
    max: 4,
    default: 2,
    step: 1,
};
pub const ITEMS: Knob = Knob {
    key: "items",
    label: "items",
    min: 4,
    max: 100,
    default: 20,
    step: 4,
};
pub const MAXSIZE: Knob = Knob {
    key: "maxsize",
    label: "queue maxsize",
    min: 1,
    max: 20,
    default: 3,
    step: 1,
};
pub const CONSUME_MS: Knob = Knob {
    key: "consume",
    label: "consume an item (ms)",
    min: 1,
    max: 200,
    default: 30,
    step: 1,
};
pub const TIMEOUT_MS: Knob = Knob {
    key: "timeout",
    label: "asyncio.timeout (ms)",
    min: 50,
    max: 20_000,
    default: 5_000,
    step: 50,
};
/// The consumers' task numbers start here (after the most producers there can be).
pub const FIRST_CONSUMER: usize = PRODUCERS.max as usize;
/// The timeline's row names, by task number.
pub const TASK_NAMES: &[&str] = &[
    "producer 0",
    "producer 1",
    "producer 2",
    "producer 3",
    "consumer 0",
    "consumer 1",
    "consumer 2",
    "consumer 3",
];
/// Producing an item (a fetch, a parse) takes this long.
pub const PRODUCE_MS: f64 = 5.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Bounded,
    Unbounded,
}

impl Variant {
    pub const ALL: [Variant; 2] = [Variant::Bounded, Variant::Unbounded];

    pub fn title(self) -> &'static str {
        match self {
            Variant::Bounded => "asyncio.Queue(maxsize)",
            Variant::Unbounded => "asyncio.Queue() (unbounded)",
        }
    }
}

/// The pipeline's setup, as the knobs give it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setup {
    pub producers: usize,
    pub consumers: usize,
    pub items: usize,
    pub maxsize: usize,
    pub consume_ms: f64,
    pub timeout_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub variant: Variant,
    /// join() returned before the timeout (else the TaskGroup was cancelled at it).
    pub finished: bool,
    pub wall_ms: f64,
    /// Items consumed, and whether each was consumed exactly once.
    pub consumed: usize,
    pub each_once: bool,
    /// The most items the queue held at once.
    pub most_held: usize,
    /// Producers' time waiting on a full queue, summed.
    pub blocked_ms: f64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

/// Where a run's numbers accumulate while its tasks run.
#[derive(Default)]
struct Tally {
    spans: RefCell<Vec<Span>>,
    consumed: RefCell<Vec<usize>>,
    most_held: Cell<usize>,
    blocked_ms: Cell<f64>,
}

impl Tally {
    fn span(&self, task: usize, label: String, kind: SpanKind, start: f64) {
        self.spans.borrow_mut().push(Span {
            task,
            lane: Lane::EventLoop,
            label,
            kind,
            start,
            end: engine::now_ms(),
        });
    }
}

// region:run
async fn producer(p: usize, mine: Vec<usize>, queue: &AsyncQueue<usize>, tally: &Tally) {
    for item in mine {
        let start = engine::now_ms();
        engine::sleep_ms(PRODUCE_MS).await; // produce it
        tally.span(p, format!("produce {item}"), SpanKind::Wait, start);
        let asked = engine::now_ms();
        queue.put(item).await; // waits while the queue is full: back-pressure
        if engine::now_ms() - asked > 0.5 {
            tally
                .blocked_ms
                .set(tally.blocked_ms.get() + engine::now_ms() - asked);
            tally.span(
                p,
                format!("queue full: put({item}) waits"),
                SpanKind::Blocked,
                asked,
            );
        }
        tally.most_held.set(tally.most_held.get().max(queue.len()));
    }
}

async fn consumer(
    c: usize,
    task: usize,
    queue: &AsyncQueue<usize>,
    tally: &Tally,
    consume_ms: f64,
) {
    loop {
        let item = queue.get().await; // waits while the queue is empty
        let start = engine::now_ms();
        engine::sleep_ms(consume_ms).await; // consume it
        tally.span(
            task,
            format!("consumer {c}: item {item}"),
            SpanKind::Wait,
            start,
        );
        tally.consumed.borrow_mut().push(item);
        queue.task_done();
    }
}

/// async with asyncio.timeout(t), asyncio.TaskGroup() as tg: producers and consumers start;
/// the producers finish, queue.join() waits for the last task_done, the consumers are cancelled.
pub async fn run(variant: Variant, s: Setup) -> Measured {
    let queue = AsyncQueue::new(if variant == Variant::Bounded {
        s.maxsize
    } else {
        0
    });
    let tally = Tally::default();
    let t0 = engine::now_ms();
    let producers = futures::future::join_all((0..s.producers).map(|p| {
        producer(
            p,
            (p..s.items).step_by(s.producers).collect(),
            &queue,
            &tally,
        )
    }));
    let all_done = async {
        producers.await;
        queue.join().await; // every item put has been marked done
    };
    let consumers = futures::future::join_all(
        (0..s.consumers).map(|c| consumer(c, FIRST_CONSUMER + c, &queue, &tally, s.consume_ms)),
    );
    let work = select(Box::pin(all_done), Box::pin(consumers)); // the consumers never end on their own
    let finished = matches!(
        select(work, Box::pin(engine::sleep_ms(s.timeout_ms))).await,
        Either::Left(_)
    );
    // Leaving the select drops (cancels) whatever still waits, as the TaskGroup does.
    let wall_ms = engine::now_ms() - t0;
    let mut consumed = tally.consumed.take();
    let count = consumed.len();
    consumed.sort();
    consumed.dedup();
    Measured {
        variant,
        finished,
        wall_ms,
        consumed: count,
        each_once: consumed.len() == count,
        most_held: tally.most_held.get(),
        blocked_ms: tally.blocked_ms.get(),
        trace: Trace::new(tally.spans.take()),
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_async_queue.py), shown
/// byte for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_async_queue.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn setup(maxsize: usize, timeout_ms: f64) -> Setup {
        Setup {
            producers: 2,
            consumers: 2,
            items: 12,
            maxsize,
            consume_ms: 15.0,
            timeout_ms,
        }
    }

    #[test]
    fn a_bounded_queue_never_overfills_and_producers_wait() {
        let _cpu = crate::testing::shared_cpu();
        let m = block_on(run(Variant::Bounded, setup(2, 10_000.0)));
        assert!(m.finished && m.each_once && m.consumed == 12, "{m:?}");
        assert!(m.most_held <= 2, "held {}", m.most_held);
        assert!(
            m.blocked_ms > 0.0,
            "fast producers waited on the full queue"
        );
        assert!(m.trace.spans.iter().any(|s| s.kind == SpanKind::Blocked));
    }

    #[test]
    fn every_task_has_its_row_name() {
        assert_eq!(
            TASK_NAMES.len(),
            PRODUCERS.max as usize + CONSUMERS.max as usize
        );
        assert_eq!(TASK_NAMES[FIRST_CONSUMER], "consumer 0");
    }

    #[test]
    fn unbounded_the_items_pile_up() {
        let _cpu = crate::testing::shared_cpu();
        let m = block_on(run(Variant::Unbounded, setup(2, 10_000.0)));
        assert!(m.finished && m.each_once && m.consumed == 12);
        assert!(
            m.most_held > 2,
            "producers five times faster than consumers pile up: {}",
            m.most_held
        );
        assert_eq!(m.blocked_ms, 0.0, "put never waits");
    }

    #[test]
    fn the_timeout_cancels_the_whole_group() {
        let _cpu = crate::testing::shared_cpu();
        let m = block_on(run(Variant::Bounded, setup(2, 60.0)));
        assert!(
            !m.finished,
            "12 items of 15 ms on 2 consumers need ~90 ms, not 60"
        );
        assert!(m.consumed < 12 && m.each_once);
    }
}
