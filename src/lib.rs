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
    /// they say so loudly on stderr and do not run (they never pass silently by asserting less).
    pub fn has_two_cores(test: &str) -> bool {
        let cores = crate::engine::hardware_concurrency();
        if cores < 2 {
            eprintln!("SKIPPED {test}: needs 2 cores, this machine has {cores}");
        }
        cores >= 2
    }
}
