//! What a "process" does with a request: the body of every process's main loop, bytes in and
//! bytes out, in the browser (a Web Worker's own wasm instance) and natively (a thread that owns
//! its state). It lives in the engine because it uses the engine's clock and waits; the protocol
//! itself is plain data in `core::process`.

use crate::core::process::{Reply, Request, sum_to};
use crate::core::shared::{self, SharedWords};
use crate::core::workload::count_primes_below;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a process does with one request. `killed` says the process was terminated: natively a
/// thread cannot be killed, so its long requests check it and stop (a Web Worker is simply ended).
/// `global` is the process's own global value: in the
/// browser a static in the process's own wasm memory, natively a value its thread owns.
/// `shared` is the block of memory the page handed it, if any (`Process::attach`).
pub fn handle(
    request: Request,
    global: &AtomicU64,
    shared: Option<&dyn SharedWords>,
    killed: &dyn Fn() -> bool,
) -> Reply {
    match request {
        Request::SetGlobal(v) => {
            global.store(v, Ordering::SeqCst);
            Reply::Value(v)
        }
        Request::GetGlobal => Reply::Value(global.load(Ordering::SeqCst)),
        Request::SumTo(n) => Reply::Value(sum_to(n)),
        Request::SumMany(ns) => Reply::Values(ns.into_iter().map(sum_to).collect()),
        Request::CountPrimes(ns) => Reply::Values(ns.into_iter().map(count_primes_below).collect()),
        Request::Echo(p) => Reply::Echo(p),
        Request::Panic => panic!("a process crashed on purpose"),
        Request::Consume(p) => Reply::Value(p.len() as u64),
        Request::Spin(ms) => {
            let start = super::now_ms();
            while super::now_ms() - start < ms as f64 && !killed() {
                super::busy_for(1.0);
            }
            Reply::Value(ms)
        }
        Request::Hog { limit_mb } => hog(limit_mb),
        Request::Sleep(ms) => {
            let end = super::now_ms() + ms as f64;
            while super::now_ms() < end && !killed() {
                super::block_for((end - super::now_ms()).min(5.0));
            }
            Reply::Value(ms)
        }
        Request::Memory => Reply::Values(vec![
            super::instance_memory_bytes() as u64,
            super::heap_in_use() as u64,
        ]),
        Request::SharedAdd { adds, way, parties } => {
            let words = shared.expect("a shared-memory request, but no shared block was attached");
            if let Err(why) = shared::arrive(words, parties, 10_000.0, killed) {
                panic!("{why}");
            }
            let start = super::now_ms();
            shared::add(words, adds, way);
            Reply::Values(vec![start.to_bits(), super::now_ms().to_bits()])
        }
    }
}

/// Grows a heap of 16 MB blocks until an allocation fails (in the browser the instance's memory
/// stops at 1 GiB) or `limit_mb` is reached, then panics saying which: a process that runs out
/// of memory. The blocks are taken, not written: the instance's memory grows all the same (that
/// is what runs out), and writing 1 GiB on a 2-core machine held the page's own thread up to
/// 145 ms while it ran (page faults, then freeing it all when the process died).
fn hog(limit_mb: u64) -> ! {
    const BLOCK: usize = 16 << 20;
    let mut held: Vec<Vec<u8>> = Vec::new();
    loop {
        if (held.len() * BLOCK) as u64 >= limit_mb << 20 {
            panic!("out of memory: reached this process's limit of {limit_mb} MB");
        }
        let mut block = Vec::new();
        if block.try_reserve_exact(BLOCK).is_err() || held.try_reserve(1).is_err() {
            panic!(
                "out of memory: an allocation failed after {} MB",
                (held.len() * BLOCK) >> 20
            );
        }
        held.push(std::hint::black_box(block));
    }
}

/// Decodes, handles, encodes: a process's whole main loop body, bytes in and bytes out.
pub fn serve(
    bytes: &[u8],
    global: &AtomicU64,
    shared: Option<&dyn SharedWords>,
    killed: &dyn Fn() -> bool,
) -> Vec<u8> {
    match Request::decode(bytes) {
        Ok(request) => handle(request, global, shared, killed).encode(),
        Err(e) => panic!("a process got a bad request: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consume_answers_with_the_length_and_spin_holds_the_cpu() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let g = AtomicU64::new(0);
        assert_eq!(
            handle(Request::Consume(vec![0; 1000]), &g, None, &|| false),
            Reply::Value(1000)
        );
        let t = super::super::now_ms();
        assert_eq!(
            handle(Request::Spin(30), &g, None, &|| false),
            Reply::Value(30)
        );
        assert!(super::super::now_ms() - t >= 30.0);
    }

    #[test]
    fn hog_dies_of_its_memory_limit() {
        let _cpu = crate::testing::shared_cpu(); // 48 MB: not beside a test that weighs the heap
        super::super::contain_panics_on_this_thread(); // not a pool thread's panic
        let died = std::panic::catch_unwind(|| hog(48)).unwrap_err();
        let message = died.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            message.contains("out of memory") && message.contains("48 MB"),
            "{message}"
        );
    }

    #[test]
    fn each_global_is_its_own() {
        let (a, b) = (AtomicU64::new(0), AtomicU64::new(0));
        assert_eq!(
            handle(Request::SetGlobal(5), &a, None, &|| false),
            Reply::Value(5)
        );
        assert_eq!(
            handle(Request::GetGlobal, &b, None, &|| false),
            Reply::Value(0)
        );
        assert_eq!(
            serve(&Request::GetGlobal.encode(), &a, None, &|| false),
            Reply::Value(5).encode()
        );
    }

    #[test]
    fn a_killed_process_stops_its_long_request_at_once() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let g = AtomicU64::new(0);
        for request in [Request::Spin(5_000), Request::Sleep(5_000)] {
            let t = super::super::now_ms();
            handle(request, &g, None, &|| true);
            assert!(super::super::now_ms() - t < 1_000.0, "did not stop");
        }
    }
}
