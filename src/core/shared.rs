//! Memory that several processes map at once (multiprocessing.Value, Array, shared_memory): a
//! few 32-bit words, what the processes do with them, and a lock built on them alone.
//!
//! Plain Rust: the words are reached through `SharedWords`, which the browser implements with
//! `Atomics` on a SharedArrayBuffer handed to each process worker, and natively an array of
//! atomics (`Words`). Everything a process does to the block is here, so both run the same steps.

use crate::core::process::Sharing;
use std::sync::atomic::{AtomicI32, Ordering};

/// The shared counter (`counter.value`).
pub const COUNTER: usize = 0;
/// The counter's lock (`counter.get_lock()`): 0 free, 1 held, 2 held with others waiting.
pub const LOCK: usize = 1;
/// How many processes have arrived at the start line.
pub const ARRIVED: usize = 2;
/// Words in a block.
pub const WORDS: usize = 4;

/// Sequentially consistent access to a block of shared 32-bit words.
pub trait SharedWords {
    fn load(&self, i: usize) -> i32;
    fn store(&self, i: usize, value: i32);
    /// Writes `new` if the word holds `current`; returns what it held.
    fn compare_exchange(&self, i: usize, current: i32, new: i32) -> i32;
    /// Sleeps while word `i` holds `expected`, at most `ms` (Atomics.wait; a futex).
    fn wait(&self, i: usize, expected: i32, ms: f64);
    /// Wakes one process sleeping on word `i`.
    fn wake(&self, i: usize);

    fn exchange(&self, i: usize, new: i32) -> i32 {
        let mut seen = self.load(i);
        loop {
            match self.compare_exchange(i, seen, new) {
                old if old == seen => return old,
                old => seen = old,
            }
        }
    }

    fn fetch_add(&self, i: usize, n: i32) -> i32 {
        let mut seen = self.load(i);
        loop {
            match self.compare_exchange(i, seen, seen.wrapping_add(n)) {
                old if old == seen => return old,
                old => seen = old,
            }
        }
    }
}

/// Arrives at the start line and waits until `parties` processes have (a `multiprocessing.Barrier`
/// used once), so that they add at the same time. Gives up after about `patience_ms`, or when
/// `stop` says the process was ended.
pub fn arrive(
    words: &dyn SharedWords,
    parties: u64,
    patience_ms: f64,
    stop: &dyn Fn() -> bool,
) -> Result<(), String> {
    words.fetch_add(ARRIVED, 1);
    let mut waited = 0.0;
    loop {
        let here = words.load(ARRIVED);
        if here as u64 >= parties {
            return Ok(());
        }
        if waited >= patience_ms || stop() {
            return Err(format!(
                "only {here} of {parties} processes reached the start"
            ));
        }
        words.wait(ARRIVED, here, 1.0);
        waited += 1.0;
    }
}

/// Adds 1 to the counter `adds` times, the way `way` says.
pub fn add(words: &dyn SharedWords, adds: u64, way: Sharing) {
    match way {
        Sharing::Unlocked => {
            for _ in 0..adds {
                let value = words.load(COUNTER); // another process may write here...
                words.store(COUNTER, value.wrapping_add(1)); // ...and this write undoes it
            }
        }
        Sharing::Locked => {
            for _ in 0..adds {
                lock(words);
                words.store(COUNTER, words.load(COUNTER).wrapping_add(1));
                unlock(words);
            }
        }
        Sharing::Local => {
            let mut total = 0i32;
            for _ in 0..adds {
                total = std::hint::black_box(total.wrapping_add(1)); // this process's own memory
            }
            lock(words);
            words.store(COUNTER, words.load(COUNTER).wrapping_add(total));
            unlock(words);
        }
    }
}

/// Takes the lock: one atomic step when it is free; otherwise marks it contended and sleeps on
/// it (Drepper's three-state futex mutex, as a process-shared lock is built).
pub fn lock(words: &dyn SharedWords) {
    let mut state = words.compare_exchange(LOCK, 0, 1);
    if state == 0 {
        return;
    }
    if state != 2 {
        state = words.exchange(LOCK, 2);
    }
    while state != 0 {
        words.wait(LOCK, 2, 10.0);
        state = words.exchange(LOCK, 2);
    }
}

/// Gives the lock back, waking a sleeper only when someone marked it contended.
pub fn unlock(words: &dyn SharedWords) {
    if words.fetch_add(LOCK, -1) != 1 {
        words.store(LOCK, 0);
        words.wake(LOCK);
    }
}

/// A block of shared words as plain atomics: what the native processes map.
pub struct Words(pub [AtomicI32; WORDS]);

impl Default for Words {
    fn default() -> Words {
        Words(std::array::from_fn(|_| AtomicI32::new(0)))
    }
}

impl SharedWords for Words {
    fn load(&self, i: usize) -> i32 {
        self.0[i].load(Ordering::SeqCst)
    }
    fn store(&self, i: usize, value: i32) {
        self.0[i].store(value, Ordering::SeqCst)
    }
    fn compare_exchange(&self, i: usize, current: i32, new: i32) -> i32 {
        match self.0[i].compare_exchange(current, new, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(old) | Err(old) => old,
        }
    }
    /// std has no futex: yield the core until the word changes or the time is up.
    fn wait(&self, i: usize, expected: i32, ms: f64) {
        let until = std::time::Instant::now() + std::time::Duration::from_secs_f64(ms / 1000.0);
        while self.load(i) == expected && std::time::Instant::now() < until {
            std::thread::yield_now();
        }
    }
    fn wake(&self, _i: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn on_threads(parties: usize, adds: u64, way: Sharing) -> i32 {
        let words = Arc::new(Words::default());
        let threads: Vec<_> = (0..parties)
            .map(|_| {
                let w = Arc::clone(&words);
                std::thread::spawn(move || {
                    arrive(&*w, parties as u64, 10_000.0, &|| false).unwrap();
                    add(&*w, adds, way);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(words.load(LOCK), 0, "the lock is free at the end");
        words.load(COUNTER)
    }

    #[test]
    fn the_lock_and_counting_alone_keep_every_update() {
        for way in [Sharing::Locked, Sharing::Local] {
            assert_eq!(on_threads(3, 20_000, way), 60_000, "{way:?}");
        }
    }

    #[test]
    fn a_read_then_a_write_loses_updates_when_two_run_at_once() {
        let _cpu = crate::testing::exclusive_cpu(); // two threads must really run together
        // Each try is a few milliseconds; one where the threads overlap loses thousands.
        let lost: Vec<i64> = (0..20)
            .map(|_| 2 * 200_000 - on_threads(2, 200_000, Sharing::Unlocked) as i64)
            .collect();
        assert!(
            lost.iter().all(|&l| l >= 0),
            "never more than was added: {lost:?}"
        );
        assert!(
            lost.iter().any(|&l| l > 0),
            "some try lost an update: {lost:?}"
        );
    }

    #[test]
    fn nobody_starts_before_everyone_arrives() {
        let w = Words::default();
        let err = arrive(&w, 2, 5.0, &|| false).unwrap_err();
        assert!(err.contains("only 1 of 2"), "{err}");
        assert!(
            arrive(&w, 2, 5.0, &|| false).is_ok(),
            "the second one finds the first there"
        );
        assert!(
            arrive(&Words::default(), 2, 60_000.0, &|| true).is_err(),
            "an ended process stops waiting"
        );
    }

    #[test]
    fn an_uncontended_lock_never_sleeps_and_a_contended_one_is_handed_on() {
        let w = Words::default();
        lock(&w);
        assert_eq!(w.load(LOCK), 1);
        unlock(&w);
        assert_eq!(w.load(LOCK), 0);
        w.store(LOCK, 2); // held, someone waiting: the unlock must clear it
        unlock(&w);
        assert_eq!(w.load(LOCK), 0);
    }
}
