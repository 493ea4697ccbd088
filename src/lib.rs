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
