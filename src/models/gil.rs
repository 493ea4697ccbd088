//! The GIL, simulated: CPython's global interpreter lock as a lock on real threads. A thread
//! must hold it to run a slice of "bytecode", hands it over once it has run for the switch
//! interval if another thread waits, and releases it while it waits on I/O. The gil demo and
//! the compare matrix both run their threads through `hold_in_slices`.
//!
//! One difference from CPython, said on the pages too: waiting threads get the lock first come,
//! first served. CPython's forced switch only makes the holder drop it; which waiter the OS
//! wakes next is not guaranteed.

use crate::core::trace::SpanKind;
use crate::engine;
use std::collections::VecDeque;
use std::sync::Mutex;

/// CPython's default `sys.getswitchinterval()`.
pub const SWITCH_MS: f64 = 5.0;

/// The simulated lock. Waiting threads queue up and get it in turn, as CPython's "new GIL"
/// (3.2+) forces a hand-over to a waiting thread after the switch interval.
///
/// A release wakes only the thread whose turn it is (it parks; the release unparks it). Waking
/// every waiter, as a condition variable's `notify_all` does, had all of them take the state's
/// lock to learn that it was not their turn: on 2 cores with 8 threads that herd cost a quarter
/// of the time at every switch, so the simulation ran slower than the one thread it stands for
/// (0.76x in the browser), where CPython's GIL costs little beside sequential.
#[derive(Default)]
pub struct Gil {
    state: Mutex<GilState>,
}

#[derive(Default)]
struct GilState {
    holder: Option<usize>,
    queue: VecDeque<(usize, std::thread::Thread)>,
}

impl Gil {
    pub fn acquire(&self, thread: usize) {
        let mut s = self.state.lock().unwrap();
        s.queue.push_back((thread, std::thread::current()));
        while !(s.holder.is_none() && s.queue.front().map(|(t, _)| *t) == Some(thread)) {
            drop(s);
            // Returns at once if the release that made it our turn came first (park's token).
            std::thread::park();
            s = self.state.lock().unwrap();
        }
        s.queue.pop_front();
        s.holder = Some(thread);
    }

    pub fn release(&self) {
        let mut s = self.state.lock().unwrap();
        s.holder = None;
        if let Some((_, next)) = s.queue.front() {
            next.unpark();
        }
    }

    /// Another thread asked for the lock (CPython's gil_drop_request).
    pub fn wanted(&self) -> bool {
        !self.state.lock().unwrap().queue.is_empty()
    }
}

/// Runs `step` until it says there is no more work (each call a short piece of work), holding
/// `gil` when there is one: waits for it, and after each `SWITCH_MS` of running hands it over
/// if another thread wants it (the forced switch). `record(kind, start)` is told of each wait
/// (`Blocked`, ending now) and each slice that ran (`Run`, ending now).
pub fn hold_in_slices(
    gil: Option<&Gil>,
    thread: usize,
    mut step: impl FnMut() -> bool,
    mut record: impl FnMut(SpanKind, f64),
) {
    let Some(gil) = gil else {
        let start = engine::now_ms();
        while step() {}
        record(SpanKind::Run, start);
        return;
    };
    let wait = engine::now_ms();
    gil.acquire(thread);
    record(SpanKind::Blocked, wait);
    let mut slice = engine::now_ms();
    while step() {
        if engine::now_ms() - slice >= SWITCH_MS && gil.wanted() {
            record(SpanKind::Run, slice);
            gil.release(); // the forced switch
            let wait = engine::now_ms();
            gil.acquire(thread);
            record(SpanKind::Blocked, wait);
            slice = engine::now_ms();
        }
    }
    record(SpanKind::Run, slice);
    gil.release();
}
