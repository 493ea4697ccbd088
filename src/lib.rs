//! concurrency-playground: see and measure how concurrency really behaves, in the browser.
//!
//! - [`core`]: the trace, the workloads, statistics, parameters. No platform.
//! - [`engine`]: the single platform seam (native std threads vs browser event loop + workers).
//! - [`demos`]: one module per demo, its logic (tested natively) and its page.
//! - [`ui`]: the Leptos app shell and the components every page shares.
//!
//! ARCHITECTURE.md has the bird's-eye view.

pub mod core;
pub mod demos;
pub mod engine;
pub mod ui;

/// Helpers for the crate's own tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::{Mutex, MutexGuard};

    /// Held by the tests whose result depends on having the cores to themselves (a speedup, a
    /// race between two running threads): cargo runs tests in parallel, and two such tests at
    /// once would each see half a machine.
    pub fn exclusive_cpu() -> MutexGuard<'static, ()> {
        static CPU: Mutex<()> = Mutex::new(());
        CPU.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
