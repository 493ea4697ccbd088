//! The contrast: a thread of the shared-memory pool panics halfway through an update it makes
//! under a lock. What it leaves behind is measured, not told: the state of the lock, how much of
//! the shared table it had written, and how many pool threads still answer.
//!
//! The answers differ by platform, and the page shows whichever is true where it runs: in the
//! browser a panic aborts the worker's instance on the spot (the lock stays held by a thread
//! that no longer exists, and the pool has one thread fewer until the page reloads); natively
//! the panic unwinds, which releases the lock but marks it poisoned, and the thread is simply gone.

use crate::engine::{self, OffloadError};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, TryLockError};

/// The shared table the thread updates under `TABLE`'s lock.
pub const ENTRIES: usize = 1_000;
/// It panics after writing this many entries.
pub const PANICS_AFTER: usize = 500;

static TABLE: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// Entries written so far, readable without the lock: shared memory lets the page watch.
static WRITTEN: AtomicUsize = AtomicUsize::new(0);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockState {
    /// Nobody holds it.
    Free,
    /// Released by unwinding, marked as possibly broken: the next user must decide.
    Poisoned,
    /// Still held, by a thread that is gone: nobody can ever take it again.
    HeldForever,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Aftermath {
    /// The panic, as the pool reported it.
    pub reported: String,
    pub lock: LockState,
    /// Entries of the table written before the panic (the update is half done).
    pub written: usize,
    pub threads_before: usize,
    /// Distinct pool threads that took a probe job within the deadline afterwards.
    pub threads_answering: usize,
}

fn lock_state() -> LockState {
    match TABLE.try_lock() {
        Ok(_) => LockState::Free,
        Err(TryLockError::Poisoned(_)) => LockState::Poisoned,
        Err(TryLockError::WouldBlock) => LockState::HeldForever,
    }
}

/// Sends one short probe job per thread the page had, of each kind (computing, and standing by
/// for jobs that wait), and counts the distinct threads that take one before `deadline_ms` (a
/// dead thread never does).
async fn threads_answering(compute: usize, lanes: usize, deadline_ms: f64) -> usize {
    let answered = std::sync::Arc::new(Mutex::new(BTreeSet::new()));
    // Each probe holds its thread a moment, so one thread cannot take them all.
    let probe = {
        let answered = answered.clone();
        move || {
            engine::block_for(50.0);
            if let Ok(mut seen) = answered.lock() {
                seen.insert(format!("{:?}", std::thread::current().id()));
            }
        }
    };
    for _ in 0..compute {
        let probe = engine::offload(probe.clone());
        engine::spawn(async move {
            let _ = probe.await;
        });
    }
    if lanes > 0 {
        let probes = engine::on_threads(lanes, move |_| probe());
        engine::spawn(async move {
            let _ = probes.await;
        });
    }
    // try_lock: this may be the browser's main thread, which must never wait on a lock.
    let seen = || answered.try_lock().map(|s| s.len()).unwrap_or(0);
    let start = engine::now_ms();
    while seen() < compute + lanes && engine::now_ms() - start < deadline_ms {
        engine::sleep_ms(25.0).await;
    }
    seen()
}

// region:thread_panic
/// Panics a pool thread in the middle of a locked update and reports what survived.
pub async fn panic_a_thread() -> Result<Aftermath, String> {
    let compute = engine::compute_threads();
    let threads_before = engine::pool_threads();
    if threads_before == 0 {
        return Err("there is no worker pool on this page".into());
    }
    if lock_state() == LockState::HeldForever {
        return Err(
            "the lock is still held by the thread that panicked before: a thread that took it now \
                    would wait forever. Reload the page to try again"
                .into(),
        );
    }
    WRITTEN.store(0, Ordering::SeqCst);
    let outcome = engine::on_threads(1, |_| {
        let mut table = TABLE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.clear();
        for i in 0..ENTRIES {
            table.push(1);
            WRITTEN.store(i + 1, Ordering::SeqCst);
            if i + 1 == PANICS_AFTER {
                panic!("a thread panicked halfway through its update");
            }
        }
    })
    .await;
    let reported = match outcome {
        Err(OffloadError::Panicked(message)) => message,
        Err(other) => return Err(other.to_string()),
        Ok(_) => return Err("the thread did not panic".into()),
    };
    let lock = lock_state();
    // The lanes still counted (a lane that panicked is counted out): a probe each, yet only the
    // distinct threads that take one count, so a dead lane counted in would still not answer.
    let threads_answering = threads_answering(compute, engine::lane_threads(), 1_000.0).await;
    Ok(Aftermath {
        reported,
        lock,
        written: WRITTEN.load(Ordering::SeqCst),
        threads_before,
        threads_answering,
    })
}
// endregion:thread_panic

pub fn rust_source() -> &'static str {
    crate::region!("thread_panic.rs", "thread_panic")
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn natively_the_panic_unwinds_poisons_the_lock_and_leaves_half_an_update() {
        let _cpu = crate::testing::exclusive_cpu();
        let after = block_on(panic_a_thread()).unwrap();
        assert!(
            after.reported.contains("halfway through its update"),
            "{after:?}"
        );
        assert_eq!(
            after.lock,
            LockState::Poisoned,
            "unwinding released the lock and poisoned it"
        );
        assert_eq!(after.written, PANICS_AFTER, "the update stopped halfway");
        // Natively the thread that panicked was a std thread of its own: the pool lost none.
        assert_eq!(
            after.threads_answering, after.threads_before,
            "every pool thread still answers: {after:?}"
        );
    }
}
