//! The core: plain Rust that knows nothing of the browser or of threads' origin.
//!
//! Everything here compiles and behaves the same on native and on wasm32; the demos build their
//! rules out of these pieces and the native tests exercise them under real std threads.

pub mod catalog;
pub mod lag;
pub mod params;
pub mod process;
pub mod reference;
pub mod region;
pub mod report;
pub mod shared;
pub mod stats;
pub mod stepping;
pub mod sync;
pub mod trace;
pub mod workload;
