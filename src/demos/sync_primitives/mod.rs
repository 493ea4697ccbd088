//! threading's other primitives on real threads: an Event as a start signal, a Condition to wait
//! until something is true, a Barrier for phases that wait for everyone, and an RLock its holder
//! may take again (a plain Lock re-entered would wait for itself forever).

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Span, SpanKind, Trace};
use crate::engine;
use std::sync::{Arc, Barrier, Condvar, Mutex, TryLockError};
use std::thread::ThreadId;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "sync-primitives",
    title: "Event, Condition, Barrier, RLock",
    group: Group::Threads,
    teaser: "A start signal, a wait until something is true, phases that wait for all, and a lock its holder can take again.",
    needs_threads: true,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const THREADS: Knob = Knob {
    key: "threads",
    label: "threads",
    min: 2,
    max: 8,
    default: 4,
    step: 1,
};
pub const WAIT_MS: Knob = Knob {
    key: "wait",
    label: "time scale (ms)",
    min: 20,
    max: 1000,
    default: 100,
    step: 10,
};
/// The Barrier experiment's phases.
pub const PHASES: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Event,
    Condition,
    Barrier,
    RLock,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant::Event,
        Variant::Condition,
        Variant::Barrier,
        Variant::RLock,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Variant::Event => "threading.Event: a start signal",
            Variant::Condition => "threading.Condition: wait until it is true",
            Variant::Barrier => "threading.Barrier: phases that wait for all",
            Variant::RLock => "threading.RLock: the holder takes it again",
        }
    }
}

/// What one experiment showed: whether the primitive kept its promise, in words, and its trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub variant: Variant,
    pub kept: bool,
    pub text: String,
    /// The Condition's waiter: how many times it was woken (0 for the others).
    pub wakeups: usize,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// threading.Event: a flag threads wait on; set() wakes them all.
#[derive(Default)]
pub struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    pub fn set(&self) {
        *self.flag.lock().unwrap() = true;
        self.changed.notify_all();
    }

    pub fn wait(&self) {
        let _set = self
            .changed
            .wait_while(self.flag.lock().unwrap(), |set| !*set)
            .unwrap();
    }
}

/// threading.RLock: its holder may take it again; it is free once released as often as taken.
#[derive(Default)]
pub struct RLock {
    state: Mutex<(Option<ThreadId>, usize)>,
    freed: Condvar,
}

impl RLock {
    pub fn acquire(&self) -> usize {
        let me = std::thread::current().id();
        let mut s = self
            .freed
            .wait_while(self.state.lock().unwrap(), |(owner, _)| {
                owner.is_some_and(|o| o != me)
            })
            .unwrap();
        *s = (Some(me), s.1 + 1);
        s.1 // the depth now
    }

    pub fn release(&self) {
        let mut s = self.state.lock().unwrap();
        s.1 -= 1;
        if s.1 == 0 {
            s.0 = None;
            self.freed.notify_one();
        }
    }
}

/// Thread 0 sleeps, then sets the event; the others wait for it.
async fn event(threads: usize, wait_ms: f64) -> Result<Outcome, engine::OffloadError> {
    let start = Arc::new(Event::default());
    let spans = engine::on_threads(threads + 1, move |i| {
        let t = engine::now_ms();
        if i == 0 {
            engine::block_for(wait_ms);
            // Ends at set(): a woken waiter may record its wake before this thread runs again.
            let span = Span::since(
                0,
                engine::lane(0),
                "sleeps, then start.set()",
                SpanKind::Wait,
                t,
            );
            start.set();
            span
        } else {
            start.wait();
            Span::since(
                i,
                engine::lane(i),
                format!("thread {i}: start.wait()"),
                SpanKind::Blocked,
                t,
            )
        }
    })
    .await?;
    let set_at = spans[0].end;
    let woke: Vec<f64> = spans[1..].iter().map(|s| s.end).collect();
    let spread = woke.iter().cloned().fold(f64::MIN, f64::max)
        - woke.iter().cloned().fold(f64::MAX, f64::min);
    let kept = woke.iter().all(|&w| w >= set_at - 1.0);
    let text = format!(
        "{threads} threads waited; none went on before set(), and all woke within {spread:.1} ms of each other."
    );
    Ok(Outcome {
        variant: Variant::Event,
        kept,
        text,
        wakeups: 0,
        trace: Trace::new(spans),
    })
}

/// Thread 0 waits until every producer has added its item; producer i adds after (i + 1) steps.
async fn condition(threads: usize, wait_ms: f64) -> Result<Outcome, engine::OffloadError> {
    let producers = threads;
    let shared = Arc::new((Mutex::new(0_usize), Condvar::new()));
    let results = engine::on_threads(producers + 1, move |i| {
        let (items, cond) = &*shared;
        let t = engine::now_ms();
        if i == 0 {
            let (mut n, mut wakeups) = (items.lock().unwrap(), 0_usize);
            while *n < producers {
                n = cond.wait(n).unwrap(); // with cond: while not ready: cond.wait()
                wakeups += 1;
            }
            (
                Span::since(
                    0,
                    engine::lane(0),
                    format!("waits until {producers} items"),
                    SpanKind::Blocked,
                    t,
                ),
                wakeups,
                *n,
            )
        } else {
            engine::block_for(wait_ms * i as f64 / producers as f64);
            let added = Span::since(
                i,
                engine::lane(i),
                format!("producer {i}: adds an item"),
                SpanKind::Wait,
                t,
            );
            *items.lock().unwrap() += 1;
            cond.notify_all();
            (added, 0, 0)
        }
    })
    .await?;
    let (wakeups, seen) = (results[0].1, results[0].2);
    let last_add = results[1..]
        .iter()
        .map(|r| r.0.end)
        .fold(f64::MIN, f64::max);
    let kept = seen == producers && results[0].0.end >= last_add - 1.0;
    let text = format!(
        "The waiting thread was woken {wakeups} times, went back to waiting {} times (not true yet), and went on with all {seen} items in.",
        wakeups.saturating_sub(1)
    );
    Ok(Outcome {
        variant: Variant::Condition,
        kept,
        text,
        wakeups,
        trace: Trace::new(results.into_iter().map(|r| r.0).collect()),
    })
}

/// PHASES phases of uneven work; everyone waits at the barrier after each.
async fn barrier(threads: usize, wait_ms: f64) -> Result<Outcome, engine::OffloadError> {
    let barrier = Arc::new(Barrier::new(threads));
    let spans = engine::on_threads(threads, move |i| {
        let mut spans = Vec::new();
        for p in 0..PHASES {
            let t = engine::now_ms();
            engine::block_for(wait_ms * (1 + (i + p) % threads) as f64 / threads as f64); // uneven work
            spans.push(Span::since(
                i,
                engine::lane(i),
                format!("phase {p}"),
                SpanKind::Wait,
                t,
            ));
            let t = engine::now_ms();
            barrier.wait(); // barrier.wait()
            spans.push(Span::since(
                i,
                engine::lane(i),
                format!("waits for all after phase {p}"),
                SpanKind::Blocked,
                t,
            ));
        }
        spans
    })
    .await?;
    let spans: Vec<Span> = spans.into_iter().flatten().collect();
    let phase = |p: usize| {
        spans
            .iter()
            .filter(move |s| s.label == format!("phase {p}"))
    };
    let kept = (1..PHASES).all(|p| {
        let began = phase(p).map(|s| s.start).fold(f64::MAX, f64::min);
        began >= phase(p - 1).map(|s| s.end).fold(f64::MIN, f64::max) - 1.0
    });
    let text = format!(
        "{threads} threads, {PHASES} phases of uneven work: no phase began before the slowest thread ended the one before."
    );
    Ok(Outcome {
        variant: Variant::Barrier,
        kept,
        text,
        wakeups: 0,
        trace: Trace::new(spans),
    })
}

/// One thread takes the RLock twice, then tries the same with a plain lock.
async fn rlock(wait_ms: f64) -> Result<Outcome, engine::OffloadError> {
    let (depth, would_block, spans) = engine::offload(move || {
        let (rlock, plain) = (RLock::default(), Mutex::new(()));
        let t = engine::now_ms();
        rlock.acquire(); // with rlock:
        let depth = rlock.acquire(); //     with rlock:  (the holder again)
        engine::block_for(wait_ms / 4.0);
        rlock.release();
        rlock.release();
        let held = Span::since(
            0,
            engine::lane(0),
            format!("RLock taken twice (depth {depth})"),
            SpanKind::Run,
            t,
        );
        let t = engine::now_ms();
        let _outer = plain.lock().unwrap(); // with lock:
        // Taking it again would wait for itself forever: ask without waiting instead.
        let would_block = matches!(plain.try_lock(), Err(TryLockError::WouldBlock));
        (
            depth,
            would_block,
            vec![
                held,
                Span::since(
                    0,
                    engine::lane(0),
                    "Lock re-entered: would wait forever",
                    SpanKind::Failed,
                    t,
                ),
            ],
        )
    })
    .await?;
    let text = format!(
        "The RLock's holder took it again (depth {depth}) and released it twice. A plain Lock re-entered {}.",
        if would_block {
            "would wait for itself forever (asked without waiting: taken)"
        } else {
            "did not block"
        }
    );
    Ok(Outcome {
        variant: Variant::RLock,
        kept: depth == 2 && would_block,
        text,
        wakeups: 0,
        trace: Trace::new(spans),
    })
}

pub async fn run(
    variant: Variant,
    threads: usize,
    wait_ms: f64,
) -> Result<Outcome, engine::OffloadError> {
    match variant {
        Variant::Event => event(threads, wait_ms).await,
        Variant::Condition => condition(threads, wait_ms).await,
        Variant::Barrier => barrier(threads, wait_ms).await,
        Variant::RLock => rlock(wait_ms).await,
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_sync_primitives.py),
/// shown byte for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_sync_primitives.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn every_primitive_keeps_its_promise_on_real_threads() {
        let _cpu = crate::testing::shared_cpu(); // sleeps and waits: little CPU
        for v in Variant::ALL {
            let o =
                crate::testing::within(60, "run(v, 4, 60.0)", move || block_on(run(v, 4, 60.0)))
                    .unwrap();
            assert!(o.kept, "{v:?}: {} {:?}", o.text, o.trace);
        }
    }

    #[test]
    fn the_barrier_holds_the_fast_threads_back() {
        let _cpu = crate::testing::shared_cpu();
        let o = crate::testing::within(60, "run(Variant::Barrier, 3, 60.0)", move || {
            block_on(run(Variant::Barrier, 3, 60.0))
        })
        .unwrap();
        let waits: Vec<f64> = o
            .trace
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Blocked)
            .map(Span::duration)
            .collect();
        assert!(
            waits.iter().any(|&w| w > 10.0),
            "someone waited at the barrier for the slowest: {waits:?}"
        );
        assert_eq!(
            o.trace
                .spans
                .iter()
                .filter(|s| s.label.starts_with("phase"))
                .count(),
            3 * PHASES
        );
    }

    #[test]
    fn the_condition_waiter_goes_back_to_waiting_until_it_is_true() {
        let _cpu = crate::testing::shared_cpu();
        let o = crate::testing::within(60, "run(Variant::Condition, 4, 80.0)", move || {
            block_on(run(Variant::Condition, 4, 80.0))
        })
        .unwrap();
        assert!(
            o.kept && o.text.contains("with all 4 items in"),
            "{}",
            o.text
        );
    }
}
