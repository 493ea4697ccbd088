//! Locks that know who holds them and who waits for them: the wait-for graph a deadlock
//! watchdog needs. A wait that would close a cycle is refused at once (the caller is told the
//! cycle) instead of lasting forever, so a demo of a deadlock never hangs the page.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// One edge pair of a wait-for cycle: `thread` holds `holds` and waits for `waits_for`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub thread: usize,
    pub holds: usize,
    pub waits_for: usize,
}

/// Locks that know their holders and waiters, so a wait that would never end is seen at once.
pub struct LockTable {
    state: Mutex<Table>,
    changed: Condvar,
}

#[derive(Default)]
struct Table {
    holder: HashMap<usize, usize>,
    waiting: HashMap<usize, usize>,
}

impl Table {
    /// Follows thread → lock it waits for → that lock's holder → … back to `start`, if it does.
    fn cycle_from(&self, start: usize) -> Option<Vec<Link>> {
        let mut links = Vec::new();
        let mut thread = start;
        loop {
            let waits_for = *self.waiting.get(&thread)?;
            let next = *self.holder.get(&waits_for)?;
            let holds = self
                .holder
                .iter()
                .find(|(_, h)| **h == thread)
                .map(|(l, _)| *l)?;
            links.push(Link {
                thread,
                holds,
                waits_for,
            });
            if next == start {
                return Some(links);
            }
            if links.len() > self.waiting.len() {
                return None; // a cycle that does not include `start`: its own members will see it
            }
            thread = next;
        }
    }
}

impl Default for LockTable {
    fn default() -> Self {
        LockTable {
            state: Mutex::new(Table::default()),
            changed: Condvar::new(),
        }
    }
}

impl LockTable {
    /// Takes `lock` for `thread`, waiting while another holds it, unless waiting would close a
    /// cycle in the wait-for graph: then it returns the cycle instead of waiting forever.
    pub fn acquire(&self, thread: usize, lock: usize) -> Result<(), Vec<Link>> {
        let mut t = self.state.lock().unwrap();
        loop {
            if !t.holder.contains_key(&lock) {
                t.waiting.remove(&thread);
                t.holder.insert(lock, thread);
                return Ok(());
            }
            t.waiting.insert(thread, lock);
            if let Some(cycle) = t.cycle_from(thread) {
                t.waiting.remove(&thread);
                return Err(cycle);
            }
            // The timeout is a safety net only: every release notifies.
            t = self
                .changed
                .wait_timeout(t, Duration::from_millis(50))
                .unwrap()
                .0;
        }
    }

    pub fn release(&self, thread: usize, lock: usize) {
        let mut t = self.state.lock().unwrap();
        if t.holder.get(&lock) == Some(&thread) {
            t.holder.remove(&lock);
        }
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_finds_longer_cycles_too() {
        let mut t = Table::default();
        // Thread i holds lock i and waits for lock (i + 1) mod 3.
        for i in 0..3 {
            t.holder.insert(i, i);
            t.waiting.insert(i, (i + 1) % 3);
        }
        assert_eq!(t.cycle_from(0).map(|c| c.len()), Some(3));
        t.waiting.remove(&2);
        assert_eq!(t.cycle_from(0), None);
    }
}
