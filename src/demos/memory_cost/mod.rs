//! What each costs in memory: many coroutines, the worker threads, N processes, measured in this
//! run. A coroutine is a small object on the heap; a thread is a stack (here reserved out of the
//! one shared memory) and thread-locals; a process is a whole memory of its own. CPython's
//! figures for the same three come from the reference data, with their source.

use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};
use crate::core::params::Knob;
use crate::core::process::{Reply, Request};
use crate::engine::{self, PoolMemory, Process, ProcessError};
use futures::FutureExt;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "memory-cost",
    title: "What each costs in memory",
    group: Group::Compare,
    teaser: "10,000 coroutines, the worker threads, N processes: the bytes each holds, measured, beside CPython's.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const COROUTINES: Knob = Knob {
    key: "coroutines",
    label: "coroutines",
    min: 1_000,
    max: 50_000,
    default: 10_000,
    step: 1_000,
};
pub const PROCESSES: Knob = Knob {
    key: "processes",
    label: "processes",
    min: 1,
    max: 8,
    default: 4,
    step: 1,
};

/// The coroutines, all suspended at once.
#[derive(Clone, Debug, PartialEq)]
pub struct Coroutines {
    pub count: usize,
    /// Heap bytes held while every one of them waited.
    pub heap_bytes: usize,
    /// From creating the first to all of them suspended.
    pub ms: f64,
}

/// One process's own memory.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessMemory {
    pub start_ms: f64,
    /// The size of its wasm instance's memory (0 natively, where a process is a thread).
    pub memory_bytes: usize,
    pub heap_bytes: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub coroutines: Coroutines,
    /// What starting the worker pool took (None natively, or when it did not start).
    pub threads: Option<PoolMemory>,
    /// The page's own instance, for scale.
    pub page_memory_bytes: usize,
    pub processes: Vec<ProcessMemory>,
}

impl Coroutines {
    pub fn bytes_each(&self) -> f64 {
        self.heap_bytes as f64 / self.count.max(1) as f64
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// A coroutine that waits for an event (`await event.wait()`).
async fn waiter(event: futures::future::Shared<futures::channel::oneshot::Receiver<()>>) {
    let _ = event.await;
}

/// `n` coroutines gathered, all suspended on one event; the heap is read while they all wait,
/// then the event is set and they finish.
pub async fn coroutines(n: usize) -> Coroutines {
    let (set, event) = futures::channel::oneshot::channel::<()>();
    let event = event.shared();
    let before = engine::heap_in_use();
    let t0 = engine::now_ms();
    let all = futures::future::join_all((0..n).map(|_| waiter(event.clone())));
    let watch = async {
        engine::yield_now().await; // by now every coroutine ran up to its await
        let held = (
            engine::heap_in_use().saturating_sub(before),
            engine::now_ms() - t0,
        );
        let _ = set.send(()); // event.set(): they all finish
        held
    };
    let (_, (heap_bytes, ms)) = futures::future::join(all, watch).await;
    Coroutines {
        count: n,
        heap_bytes,
        ms,
    }
}

/// Starts a process and asks it what memory it has.
async fn process_memory() -> Result<ProcessMemory, ProcessError> {
    let t0 = engine::now_ms();
    let p = Process::spawn().await?;
    let start_ms = engine::now_ms() - t0;
    let reply = p.call(&Request::Memory.encode(), false).await?;
    p.terminate();
    match Reply::decode(&reply) {
        Ok(Reply::Values(v)) if v.len() == 2 => Ok(ProcessMemory {
            start_ms,
            memory_bytes: v[0] as usize,
            heap_bytes: v[1] as usize,
        }),
        other => Err(ProcessError::Died(format!(
            "an unexpected reply: {other:?}"
        ))),
    }
}

pub async fn run(coroutine_count: usize, process_count: usize) -> Result<Measured, String> {
    let coroutines = coroutines(coroutine_count).await;
    let _ = engine::start_lanes().await; // the lanes start after the page's first paint: count them too
    let threads = engine::pool_memory(); // recorded when the threads started with the page
    let started = futures::future::join_all((0..process_count).map(|_| process_memory())).await;
    let processes = started.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(Measured {
        coroutines,
        threads,
        page_memory_bytes: engine::instance_memory_bytes(),
        processes,
    })
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_memory_cost.py),
/// shown byte for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_memory_cost.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn suspended_coroutines_hold_a_little_heap_each_and_give_it_back() {
        // Other tests allocate meanwhile, a little each (the one that takes 48 MB holds the CPU
        // lock too): 50,000 coroutines hold megabytes, far above their noise.
        let _cpu = crate::testing::exclusive_cpu();
        let before = engine::heap_in_use();
        let c = block_on(coroutines(50_000));
        let each = c.bytes_each();
        assert!(
            (16.0..4096.0).contains(&each),
            "{each} bytes a coroutine: {c:?}"
        );
        let after = engine::heap_in_use();
        assert!(
            after < before + c.heap_bytes / 2,
            "they were freed: {before} -> {after}, held {}",
            c.heap_bytes
        );
    }

    #[test]
    fn every_process_answers_with_its_memory() {
        // Enough coroutines that their heap stands far above what other tests allocate meanwhile.
        let _cpu = crate::testing::exclusive_cpu();
        let m = block_on(run(20_000, 3)).unwrap();
        assert_eq!(m.processes.len(), 3);
        assert!(m.processes.iter().all(|p| p.start_ms >= 0.0), "{m:?}");
        // Natively a process is a thread: no wasm instance of its own (0 bytes), and the heap it
        // reports is the one counting allocator's, which holds at least what this test holds.
        for p in &m.processes {
            assert_eq!(p.memory_bytes, 0, "natively no instance memory: {p:?}");
            assert!(p.heap_bytes > 0, "the process read the heap: {p:?}");
        }
        assert_eq!(
            m.threads, None,
            "natively the pool's stacks are not on the heap"
        );
        let each = m.coroutines.bytes_each();
        assert!(
            (16.0..4096.0).contains(&each),
            "20,000 suspended coroutines held {each} bytes each: {:?}",
            m.coroutines
        );
    }
}
