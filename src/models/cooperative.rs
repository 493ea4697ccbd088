//! CPU work that shares the event loop: computed in slices with a yield between them, so that a
//! timer, a click or a repaint never waits long for the loop.
//!
//! The loop is fair, not preemptive: a timer that falls due waits behind every task already
//! queued, so what bounds the page's longest hold is one *round* of all the cooperative tasks,
//! not one slice. The slice therefore shrinks as the tasks grow in number.

use crate::core::workload::PrimeJob;
use crate::engine;

/// The longest one round of every cooperative task may hold the loop (under the 50 ms a person
/// notices, with room for the page's own work).
pub const ROUND_MS: f64 = 40.0;

/// No slice is longer than this, however few the tasks (the length of a frame, less margin).
pub const MAX_SLICE_MS: f64 = 10.0;

/// How long each of `tasks` cooperative tasks may compute before it yields.
pub fn slice_ms(tasks: usize) -> f64 {
    (ROUND_MS / tasks.max(1) as f64).clamp(0.5, MAX_SLICE_MS)
}

/// Runs `block(0)`, `block(1)`, … `block(blocks - 1)` on the calling task, yielding to the loop
/// whenever `slice_ms` have passed since the slice began (blocks must be much shorter than a
/// slice). Returns each slice as (start, end) on the engine's clock, for the trace.
pub async fn in_slices(blocks: u64, slice_ms: f64, mut block: impl FnMut(u64)) -> Vec<(f64, f64)> {
    let mut slices = Vec::new();
    let mut start = engine::now_ms();
    for b in 0..blocks {
        block(b);
        let now = engine::now_ms();
        let last = b + 1 == blocks;
        if last || now - start >= slice_ms {
            slices.push((start, now));
            if !last {
                engine::yield_now().await;
                start = engine::now_ms();
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
    fn a_round_of_all_tasks_stays_under_the_budget_and_no_slice_is_long() {
        assert_eq!(slice_ms(1), MAX_SLICE_MS);
        assert_eq!(slice_ms(4), MAX_SLICE_MS);
        for tasks in 1..=40 {
            assert!(slice_ms(tasks) * tasks as f64 <= ROUND_MS + 1e-9, "{tasks} tasks");
        }
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
        assert!(slices.len() >= 2, "5 ms of blocks in 1 ms slices: {slices:?}");
        assert!(slices.windows(2).all(|w| w[0].1 <= w[1].0), "slices do not overlap: {slices:?}");
        assert!(block_on(in_slices(0, 1.0, |_| unreachable!())).is_empty());
    }
}
