//! Reusable concurrency machinery that more than one demo (or the app) runs: built on `core` and
//! `engine`, knowing no demo and no UI.
//!
//! - `heartbeat`: the always-on loop-lag heartbeat (status line, loop-lag and blocking demos).
//! - `cooperative`: CPU work on the event loop in slices short enough that the page never
//!   freezes (concurrency vs parallelism, compare matrix).
//! - `gil`: the simulated GIL and its one time-slice loop (gil demo, compare matrix).
//! - `process_pool`: a pool of processes that replaces crashed ones (process pool, crash
//!   isolation, compare).
//! - `lock_table`: locks that keep the wait-for graph (the deadlock watchdog).

pub mod cooperative;
pub mod gil;
pub mod heartbeat;
pub mod lock_table;
pub mod process_pool;
