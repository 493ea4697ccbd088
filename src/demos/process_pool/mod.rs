//! The process pool (ProcessPoolExecutor) that the process demos share: `pool.rs`.

pub mod pool;
