//! Separate memory (multiprocessing.Process): N processes each set "the same" global value in
//! their own memory; read back, each has its own, and the page still sees the old one. The same
//! change made from worker threads is seen by everyone: they share one memory. Starting a process
//! (a Worker instantiating its own wasm module) costs far more than starting a thread.

use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};
use crate::core::params::Knob;
use crate::core::process::{GLOBAL, Reply, Request};
use crate::engine::{self, Process, ProcessError};
use std::sync::atomic::Ordering;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "processes",
    title: "Processes: separate memory",
    group: Group::Processes,
    teaser: "multiprocessing.Process: each process changes its own copy of a global; threads share one.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const PROCESSES: Knob = Knob {
    key: "processes",
    label: "processes",
    min: 1,
    max: 8,
    default: 3,
    step: 1,
};

#[derive(Clone, Debug, PartialEq)]
pub struct ProcessRow {
    pub process: usize,
    /// From spawn to "ready" (its own wasm instance compiled in and started).
    pub start_ms: f64,
    pub set_to: u64,
    pub reads_back: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub page_before: u64,
    pub processes: Vec<ProcessRow>,
    /// The page's global after the processes set theirs.
    pub page_after_processes: u64,
    /// What each thread set, what the page read after the threads ran, and their start costs.
    pub thread_values: Vec<u64>,
    pub page_after_threads: u64,
    pub thread_start_ms: Vec<f64>,
}

fn value_of(reply: Vec<u8>) -> Result<u64, ProcessError> {
    match Reply::decode(&reply) {
        Ok(Reply::Value(v)) => Ok(v),
        other => Err(ProcessError::Died(format!(
            "an unexpected reply: {other:?}"
        ))),
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
async fn start_and_set(i: usize, value: u64) -> Result<(Process, ProcessRow), ProcessError> {
    let t = engine::now_ms();
    let p = Process::spawn().await?;
    let start_ms = engine::now_ms() - t;
    value_of(p.call(&Request::SetGlobal(value).encode(), false).await?)?;
    Ok((
        p,
        ProcessRow {
            process: i,
            start_ms,
            set_to: value,
            reads_back: 0,
        },
    ))
}

pub async fn run(processes: usize) -> Result<Measured, String> {
    let page_before = GLOBAL.load(Ordering::SeqCst);
    // Processes: each sets GLOBAL = 100 + i in its own memory, then we ask each for its value.
    let started =
        futures::future::join_all((0..processes).map(|i| start_and_set(i, 100 + i as u64))).await;
    let mut rows = Vec::new();
    for s in started {
        let (p, mut row) = s.map_err(|e| e.to_string())?;
        row.reads_back = value_of(
            p.call(&Request::GetGlobal.encode(), false)
                .await
                .map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        p.terminate();
        rows.push(row);
    }
    let page_after_processes = GLOBAL.load(Ordering::SeqCst);
    // Threads: each sets GLOBAL = 200 + i in the one memory they share with the page.
    let t0 = engine::now_ms();
    let threads = engine::on_threads(processes, move |i| {
        let started = engine::now_ms() - t0;
        GLOBAL.store(200 + i as u64, Ordering::SeqCst);
        (200 + i as u64, started)
    })
    .await
    .map_err(|e| e.to_string());
    let (thread_values, thread_start_ms, page_after_threads) = match threads {
        Ok(t) => {
            let after = GLOBAL.load(Ordering::SeqCst);
            GLOBAL.store(page_before, Ordering::SeqCst); // put the page's value back
            let (values, starts) = t.into_iter().unzip();
            (values, starts, after)
        }
        Err(_) => (Vec::new(), Vec::new(), page_before),
    };
    Ok(Measured {
        page_before,
        processes: rows,
        page_after_processes,
        thread_values,
        page_after_threads,
        thread_start_ms,
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_processes.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_processes.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn processes_keep_their_own_value_and_threads_share_one() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let m = block_on(run(3)).unwrap();
        for row in &m.processes {
            assert_eq!(row.reads_back, row.set_to, "{row:?}");
        }
        assert_eq!(
            m.page_after_processes, m.page_before,
            "no process touched the page's value"
        );
        assert!(
            m.thread_values.contains(&m.page_after_threads),
            "a thread's write is the page's value: {m:?}"
        );
        assert_eq!(GLOBAL.load(Ordering::SeqCst), m.page_before, "restored");
    }
}
