//! A bounded producer/consumer queue between threads (queue.Queue(maxsize)): a producer that
//! finds the queue full blocks until a consumer takes an item; a consumer that finds it empty
//! blocks until a producer puts one. The trace shows every block; the throughput is measured for
//! a few queue sizes.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Span, SpanKind, Trace};
use crate::engine;
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "bounded-queue",
    title: "Producers, consumers and a bounded queue",
    group: Group::Threads,
    teaser: "queue.Queue(maxsize) between threads: producers block when it is full, consumers when empty.",
    needs_threads: true,
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
    max: 400,
    default: 40,
    step: 4,
};
pub const PRODUCE_MS: Knob = Knob {
    key: "produce",
    label: "produce an item (ms)",
    min: 0,
    max: 200,
    default: 5,
    step: 1,
};
pub const CONSUME_MS: Knob = Knob {
    key: "consume",
    label: "consume an item (ms)",
    min: 0,
    max: 200,
    default: 12,
    step: 1,
};
pub const MAXSIZE: Knob = Knob {
    key: "maxsize",
    label: "queue size",
    min: 1,
    max: 64,
    default: 4,
    step: 1,
};

/// A blocking queue of at most `maxsize` items that can be closed (no more puts) so that
/// consumers know when to stop. It remembers the most items it ever held.
pub struct BoundedQueue<T> {
    state: Mutex<QueueState<T>>,
    not_full: Condvar,
    not_empty: Condvar,
    maxsize: usize,
}

struct QueueState<T> {
    items: VecDeque<T>,
    closed: bool,
    most: usize,
}

impl<T> BoundedQueue<T> {
    pub fn new(maxsize: usize) -> Self {
        assert!(maxsize > 0);
        BoundedQueue {
            state: Mutex::new(QueueState {
                items: VecDeque::new(),
                closed: false,
                most: 0,
            }),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
            maxsize,
        }
    }

    /// Puts `item`, blocking while the queue is full; says whether it had to wait.
    pub fn put(&self, item: T) -> bool {
        let mut s = self.state.lock().unwrap();
        let waited = s.items.len() >= self.maxsize;
        while s.items.len() >= self.maxsize {
            s = self.not_full.wait(s).unwrap();
        }
        s.items.push_back(item);
        s.most = s.most.max(s.items.len());
        self.not_empty.notify_one();
        waited
    }

    /// Takes an item, blocking while the queue is empty; None once it is closed and drained.
    /// Also says whether it had to wait.
    pub fn get(&self) -> (Option<T>, bool) {
        let mut s = self.state.lock().unwrap();
        let waited = s.items.is_empty() && !s.closed;
        loop {
            if let Some(item) = s.items.pop_front() {
                self.not_full.notify_one();
                return (Some(item), waited);
            }
            if s.closed {
                return (None, waited);
            }
            s = self.not_empty.wait(s).unwrap();
        }
    }

    pub fn close(&self) {
        self.state.lock().unwrap().closed = true;
        self.not_empty.notify_all();
    }

    pub fn most_held(&self) -> usize {
        self.state.lock().unwrap().most
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setup {
    pub producers: usize,
    pub consumers: usize,
    pub items: usize,
    pub produce_ms: f64,
    pub consume_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub maxsize: usize,
    pub wall_ms: f64,
    pub items_per_s: f64,
    /// Every item was consumed exactly once.
    pub all_consumed_once: bool,
    pub most_held: usize,
    /// Time blocked on a full queue (producers) and on an empty one (consumers), summed.
    pub blocked_full_ms: f64,
    pub blocked_empty_ms: f64,
    pub trace: Trace,
}

/// The sizes compared for a chosen size: 1, it, and four times it.
pub fn sizes(chosen: usize) -> Vec<usize> {
    let mut s = vec![1, chosen, chosen * 4];
    s.dedup();
    s
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

const FULL: &str = "blocked: queue full";
const EMPTY: &str = "blocked: queue empty";

// region:run
pub async fn run(setup: Setup, maxsize: usize) -> Result<Measured, engine::OffloadError> {
    let queue = Arc::new(BoundedQueue::<usize>::new(maxsize));
    let producers_left = Arc::new(Mutex::new(setup.producers));
    let q = Arc::clone(&queue);
    let t0 = engine::now_ms();
    let threads = engine::on_threads(setup.producers + setup.consumers, move |t| {
        let lane = engine::lane(t);
        let mut spans = Vec::new();
        let mut span =
            |label: String, kind, start| spans.push(Span::since(t, lane, label, kind, start));
        let mut consumed = Vec::new();
        if t < setup.producers {
            // Producer t makes items t, t + P, t + 2P, …
            for item in (t..setup.items).step_by(setup.producers) {
                let start = engine::now_ms();
                engine::block_for(setup.produce_ms);
                span(
                    format!("producer {t}: makes item {item}"),
                    SpanKind::Wait,
                    start,
                );
                let start = engine::now_ms();
                if q.put(item) {
                    span(format!("producer {t}: {FULL}"), SpanKind::Blocked, start);
                }
            }
            let mut left = producers_left.lock().unwrap();
            *left -= 1;
            if *left == 0 {
                q.close(); // the last producer tells the consumers there is no more
            }
        } else {
            loop {
                let start = engine::now_ms();
                let (item, waited) = q.get();
                if waited {
                    span(format!("consumer {t}: {EMPTY}"), SpanKind::Blocked, start);
                }
                let Some(item) = item else { break };
                let start = engine::now_ms();
                engine::block_for(setup.consume_ms);
                span(
                    format!("consumer {t}: uses item {item}"),
                    SpanKind::Wait,
                    start,
                );
                consumed.push(item);
            }
        }
        (spans, consumed)
    })
    .await?;
    let wall_ms = engine::now_ms() - t0;
    let (spans, consumed): (Vec<_>, Vec<_>) = threads.into_iter().unzip();
    let mut consumed: Vec<usize> = consumed.into_iter().flatten().collect();
    consumed.sort();
    let trace = Trace::new(spans.into_iter().flatten().collect());
    let blocked = |what: &str| {
        trace
            .spans
            .iter()
            .filter(|s| s.label.ends_with(what))
            .map(Span::duration)
            .sum()
    };
    Ok(Measured {
        maxsize,
        wall_ms,
        items_per_s: setup.items as f64 / (wall_ms / 1000.0),
        all_consumed_once: consumed == (0..setup.items).collect::<Vec<_>>(),
        most_held: queue.most_held(),
        blocked_full_ms: blocked(FULL),
        blocked_empty_ms: blocked(EMPTY),
        trace,
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_bounded_queue.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_bounded_queue.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn setup(produce_ms: f64, consume_ms: f64) -> Setup {
        Setup {
            producers: 2,
            consumers: 2,
            items: 24,
            produce_ms,
            consume_ms,
        }
    }

    #[test]
    fn slow_consumers_make_producers_block_on_a_full_queue() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = crate::testing::within(60, "run(setup(1.0, 8.0), 2)", move || {
            block_on(run(setup(1.0, 8.0), 2))
        })
        .unwrap();
        assert!(m.all_consumed_once);
        assert!(m.most_held <= 2, "never more than maxsize: {}", m.most_held);
        assert!(m.blocked_full_ms > 10.0, "{m:?}");
    }

    #[test]
    fn slow_producers_make_consumers_block_on_an_empty_queue() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = crate::testing::within(60, "run(setup(8.0, 1.0), 4)", move || {
            block_on(run(setup(8.0, 1.0), 4))
        })
        .unwrap();
        assert!(m.all_consumed_once);
        assert!(m.blocked_empty_ms > 10.0, "{m:?}");
        // Relative, not a fixed margin: consumers waiting on an empty queue is the story; any
        // wait on a full one (a consumer descheduled on a busy machine) is a small fraction.
        assert!(
            m.blocked_full_ms < m.blocked_empty_ms / 10.0,
            "consumers keep up, so the queue barely fills: {m:?}"
        );
    }

    #[test]
    fn sizes_compared() {
        assert_eq!(sizes(4), vec![1, 4, 16]);
        assert_eq!(sizes(1), vec![1, 4]);
    }
}
