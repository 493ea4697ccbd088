//! CPU work that shares the event loop: computed in slices, so that a timer, a click or a
//! repaint never waits long for the loop.
//!
//! The loop is fair, not preemptive: a timer that falls due waits behind every task already
//! queued. If each cooperative task queued a timer of its own to yield, a timer of the page would
//! wait behind all of them, a whole round (two, when their timers fell due together: a 10 ms
//! interval's gap reached 85-99 ms on the compare page with 8 tasks and 40 ms rounds), and
//! shorter slices would only add yields (0.6 ms each). So the tasks share the loop's *turns*:
//! within one turn (one task of the browser's loop) they take slices in turn without leaving it,
//! and once the turn has lasted `TURN_MS` they all wait for the same next turn, one timer queued
//! for all. A timer of the page then waits one turn at most, however many tasks compute.

use crate::core::workload::PrimeJob;
use crate::engine;
use std::cell::RefCell;
use std::task::{Poll, Waker};

/// The longest one turn of the loop computes (under the 50 ms a person notices, with room for
/// the page's own work and a timer's own period).
pub const TURN_MS: f64 = 10.0;

/// No slice is longer than a turn.
pub const MAX_SLICE_MS: f64 = TURN_MS;

/// How long each of `tasks` cooperative tasks computes before the next one's slice: each gets a
/// slice in every turn.
pub fn slice_ms(tasks: usize) -> f64 {
    (TURN_MS / tasks.max(1) as f64).clamp(0.5, MAX_SLICE_MS)
}

/// This thread's turns: when the current one started, which turn it is, whether a task is already
/// waiting on the loop for the next (one timer for all: the others wait for it to say the turn
/// began), and who waits so.
#[derive(Default)]
struct Turns {
    started: f64,
    turn: u64,
    driven: bool,
    waiting: Vec<Waker>,
}

thread_local! {
    static TURNS: RefCell<Turns> = RefCell::default();
}

fn turn_left(now: f64) -> bool {
    TURNS.with(|t| now - t.borrow().started < TURN_MS)
}

/// Waits for the loop's next turn. The first task to ask waits on the loop (one timer) and starts
/// the turn, then the others go on in the order they are polled, as they took their slices.
async fn next_turn() {
    let seen = TURNS.with(|t| t.borrow().turn);
    loop {
        let drive = TURNS.with(|t| {
            let mut t = t.borrow_mut();
            (t.turn == seen).then(|| !std::mem::replace(&mut t.driven, true))
        });
        match drive {
            None => return,
            Some(true) => {
                let driving = Driving;
                engine::yield_now().await;
                drop(driving);
                TURNS.with(|t| {
                    let mut t = t.borrow_mut();
                    t.turn += 1;
                    t.started = engine::now_ms();
                });
                return;
            }
            Some(false) => {
                std::future::poll_fn(|cx| {
                    TURNS.with(|t| {
                        let mut t = t.borrow_mut();
                        if t.turn != seen || !t.driven {
                            return Poll::Ready(());
                        }
                        if !t.waiting.iter().any(|w| w.will_wake(cx.waker())) {
                            t.waiting.push(cx.waker().clone());
                        }
                        Poll::Pending
                    })
                })
                .await
            }
        }
    }
}

/// Held by the task that waits on the loop for everyone: when it is done, or dropped halfway (a
/// cancelled run), the others are woken (to go on, or for one of them to wait on the loop instead).
struct Driving;

impl Drop for Driving {
    fn drop(&mut self) {
        let _ = TURNS.try_with(|t| {
            let mut t = t.borrow_mut();
            t.driven = false;
            t.waiting.drain(..).for_each(Waker::wake);
        });
    }
}

/// Runs `block(0)`, `block(1)`, … `block(blocks - 1)` on the calling task in slices of
/// `slice_ms` (blocks must be much shorter than a slice), starting on a turn of the loop's and
/// waiting for the next once a turn is used up; between slices the other cooperative tasks take
/// theirs. Returns each slice as (start, end) on the engine's clock, for the trace.
pub async fn in_slices(blocks: u64, slice_ms: f64, mut block: impl FnMut(u64)) -> Vec<(f64, f64)> {
    let mut slices = Vec::new();
    let mut slice_start = None;
    for b in 0..blocks {
        let start = match slice_start {
            Some(start) => start,
            None => {
                // A slice begins only within a turn (the others may have used it up meanwhile).
                if !turn_left(engine::now_ms()) {
                    next_turn().await;
                }
                *slice_start.insert(engine::now_ms())
            }
        };
        block(b);
        let now = engine::now_ms();
        let last = b + 1 == blocks;
        if last || now - start >= slice_ms || !turn_left(now) {
            slices.push((start, now));
            slice_start = None;
            if !last && turn_left(now) {
                engine::pass().await;
            }
        }
    }
    slices
}

/// A `PrimeJob` of about `ms` sized where it will not hold the loop: sizing samples the kernel
/// for 30 ms, so it runs on a worker thread, or in slices on the loop where the page has none.
/// (Workers and the loop run the same kernel at the same speed.)
pub async fn sized_job(ms: f64) -> PrimeJob {
    if let Ok(job) = engine::offload(move || PrimeJob::sized_for(ms, engine::now_ms)).await {
        return job;
    }
    let mut fastest: f64 = 0.0;
    for _ in 0..3 {
        fastest = fastest.max(PrimeJob::sample(engine::now_ms)); // 10 ms, then the loop's turn
        engine::yield_now().await;
    }
    PrimeJob::of(ms, fastest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn every_task_gets_a_slice_in_a_turn_and_no_slice_is_long() {
        assert_eq!(slice_ms(1), MAX_SLICE_MS);
        for tasks in 1..=20 {
            assert!(
                slice_ms(tasks) * tasks as f64 <= TURN_MS + 1e-9,
                "{tasks} tasks"
            );
        }
    }

    #[test]
    fn tasks_take_slices_in_turn_and_no_turn_of_the_loop_computes_longer_than_a_turn() {
        // Four tasks of 30 ms each, on one thread: their slices alternate, and no turn begins more
        // blocks than fit in its budget (plus the one that overshoots it). Counted, not timed: a
        // block lasts at least BLOCK_MS however busy the machine, so a preempted thread only
        // fits fewer blocks in a turn, never more; a turn that ran past its budget would fit more.
        const BLOCK_MS: f64 = 0.2;
        let per_turn =
            std::rc::Rc::new(RefCell::new(std::collections::BTreeMap::<u64, usize>::new()));
        let task = |id: usize| {
            let per_turn = per_turn.clone();
            async move {
                let slices = in_slices(150, slice_ms(4), |_| {
                    *per_turn
                        .borrow_mut()
                        .entry(TURNS.with(|t| t.borrow().turn))
                        .or_default() += 1;
                    let t = engine::now_ms();
                    while engine::now_ms() - t < BLOCK_MS {}
                })
                .await;
                slices
                    .into_iter()
                    .map(|(a, b)| (id, a, b))
                    .collect::<Vec<_>>()
            }
        };
        let mut all: Vec<(usize, f64, f64)> = block_on(futures::future::join_all((0..4).map(task)))
            .into_iter()
            .flatten()
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        assert!(
            all.windows(2).all(|w| w[0].2 <= w[1].1),
            "one slice at a time"
        );
        let switches = all.windows(2).filter(|w| w[0].0 != w[1].0).count();
        assert!(
            switches >= all.len() / 2,
            "the tasks take turns: {switches} switches in {} slices",
            all.len()
        );
        let per_turn = per_turn.borrow();
        let most = per_turn.values().copied().max().unwrap_or(0);
        assert_eq!(per_turn.values().sum::<usize>(), 600);
        assert!(
            most <= (TURN_MS / BLOCK_MS) as usize + 1,
            "a turn began {most} blocks of {BLOCK_MS} ms: {per_turn:?}"
        );
    }

    #[test]
    fn every_block_runs_once_in_order_and_slices_tile_the_work() {
        let mut seen = Vec::new();
        let slices = block_on(in_slices(50, 1.0, |b| {
            seen.push(b);
            let t = engine::now_ms();
            while engine::now_ms() - t < 0.1 {}
        }));
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        assert!(
            slices.len() >= 2,
            "5 ms of blocks in 1 ms slices: {slices:?}"
        );
        assert!(
            slices.windows(2).all(|w| w[0].1 <= w[1].0),
            "slices do not overlap: {slices:?}"
        );
        assert!(block_on(in_slices(0, 1.0, |_| unreachable!())).is_empty());
    }
}
