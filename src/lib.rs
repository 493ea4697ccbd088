//! concurrency-playground: see and measure how concurrency really behaves, in the browser.
//!
//! Floors that point one way (each only uses the ones listed before it; `tests/tidy.rs` keeps
//! it so):
//! - [`core`]: the trace, the workloads, the catalogue's types, statistics, parameters. No
//!   platform, no UI.
//! - [`engine`]: the single platform seam (native std threads vs browser event loop + workers).
//! - [`models`]: concurrency machinery several demos share (heartbeat, simulated GIL, process
//!   pool, lock table).
//! - [`demos`]: one folder per demo: its rules in `mod.rs`; its page in `view.rs`, which alone
//!   may use [`widgets`].
//! - [`widgets`]: Leptos components and the page runtime that every page uses; know no demo.
//! - [`app`]: the entry point, shell, routing, home page, status line and the page table.
//!
//! ARCHITECTURE.md has the bird's-eye view.

// Per-function optimisation: the kernels for speed in a crate built for size.
#![feature(optimize_attribute)]
// The browser's lanes sleep on a futex word (engine/web_threads.rs).
#![cfg_attr(target_arch = "wasm32", feature(stdarch_wasm_atomic_wait))]

pub mod app;
pub mod core;
pub mod demos;
pub mod engine;
pub mod models;
pub mod widgets;

/// Records that the check `test` did not run, and why: on stderr, and, since libtest hides a
/// passing test's output, as a line `<test>: <why>` in the file `PLAYGROUND_SKIPS` names
/// (`xtask/run test` creates it and prints its lines, counted, at the end). One function for the
/// unit tests, the e2e suites and the Python suite, so a skip is never silent. (In the wasm
/// there is no environment, so only the stderr line.)
pub fn skipped(test: &str, why: &str) {
    let line = format!("{test}: {why}");
    eprintln!("SKIPPED {line}");
    if let Some(path) = std::env::var_os("PLAYGROUND_SKIPS") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| {
                panic!("PLAYGROUND_SKIPS names {path:?}, which cannot be appended to: {e}")
            });
        writeln!(file, "{line}").expect("a line appended to PLAYGROUND_SKIPS");
    }
}

/// Helpers for the crate's own tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

    static CPU: RwLock<()> = RwLock::new(());

    /// Held by the tests whose result depends on having the cores to themselves (a speedup, a
    /// race between two running threads): cargo runs tests in parallel, and two such tests at
    /// once would each see half a machine. Excludes `shared_cpu` holders too.
    pub fn exclusive_cpu() -> RwLockWriteGuard<'static, ()> {
        CPU.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Held by tests that measure time but use little CPU (waits, timeouts): many may run at
    /// once, but never beside a test that saturates the cores.
    pub fn shared_cpu() -> RwLockReadGuard<'static, ()> {
        CPU.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The policy for tests that need two cores to show parallelism: on a machine with fewer,
    /// they do not run and say so through `skip` (they never pass silently by asserting less).
    pub fn has_two_cores(test: &str) -> bool {
        let cores = crate::engine::hardware_concurrency();
        if cores < 2 {
            skip(test, &format!("needs 2 cores, this machine has {cores}"));
        }
        cores >= 2
    }

    pub use crate::skipped as skip;

    /// Runs `body` on a thread of its own and fails, naming `what`, if it has not finished
    /// within `secs`: a broken lock, GIL or deadlock detector hangs its test, and a hang would
    /// hold `cargo test` for good instead of failing it. A panic in `body` is the test's panic.
    pub fn within<T: Send + 'static>(
        secs: u64,
        what: &str,
        body: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let (done, finished) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            let out = body();
            let _ = done.send(());
            out
        });
        match finished.recv_timeout(std::time::Duration::from_secs(secs)) {
            Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
                Ok(out) => out,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                panic!(
                    "{what} did not finish within {secs} s: it hangs (a lock or a wait that never ends)"
                )
            }
        }
    }
}
