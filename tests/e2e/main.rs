//! End-to-end: the release build (`dist/`) in real headless Chromium, served with and without
//! the production headers. Asserts on structure (spans overlap or not, totals far below the
//! sequential sum), never on tight timings. Screenshots go to target/screenshots/.
//!
//! Run with `xtask/run e2e` (or `cargo test --features e2e --test e2e` after `trunk build --release`).

mod crash;
#[path = "../support/mod.rs"]
mod support;

mod demos;
mod fuzz;
mod hosting;
mod learning;
mod offline;
mod pages;
mod robustness;
