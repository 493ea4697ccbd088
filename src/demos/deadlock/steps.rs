//! The deadlock stepped by hand: two threads, two locks, each thread's lock operations one step
//! at a time. A thread whose next `acquire` names a lock the other holds cannot step; when
//! neither can, that is the deadlock, and the wait-for cycle is drawn. With one global order
//! the search shows no schedule reaches it.

use super::{LOCK_NAMES, Variant};
use crate::core::stepping::{ActorPicture, Machine, Picture, Verdict};

pub const THREADS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Op {
    Acquire(usize),
    Work,
    Release(usize),
}

/// Both threads' lock operations, the holders, and how far each thread got.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Locks {
    pub order: Variant,
    holder: [Option<usize>; 2],
    pc: [usize; THREADS],
}

impl Locks {
    pub fn new(order: Variant) -> Locks {
        Locks {
            order,
            holder: [None; 2],
            pc: [0; THREADS],
        }
    }

    fn program(&self, t: usize) -> [Op; 5] {
        let [first, second] = self.order.locks_for(t);
        [
            Op::Acquire(first),
            Op::Acquire(second),
            Op::Work,
            Op::Release(second),
            Op::Release(first),
        ]
    }

    fn next_op(&self, t: usize) -> Option<Op> {
        self.program(t).get(self.pc[t]).copied()
    }

    fn line(op: Op) -> String {
        let py = |l: usize| LOCK_NAMES[l].replace(' ', "_").to_lowercase();
        match op {
            Op::Acquire(l) => format!("{}.acquire()", py(l)),
            Op::Work => "balance += 1   # both locks held".into(),
            Op::Release(l) => format!("{}.release()", py(l)),
        }
    }

    /// The lock `t` waits for and who holds it, when `t` is blocked.
    fn blocked_on(&self, t: usize) -> Option<(usize, usize)> {
        match self.next_op(t) {
            Some(Op::Acquire(l)) => self.holder[l].filter(|&h| h != t).map(|h| (l, h)),
            _ => None,
        }
    }

    pub fn deadlocked(&self) -> bool {
        (0..THREADS).any(|t| self.next_op(t).is_some()) && self.runnable().is_empty()
    }

    fn status(&self, t: usize) -> String {
        match (self.next_op(t), self.blocked_on(t)) {
            (None, _) => "finished".into(),
            (_, Some((l, h))) => format!("waits for {}, held by thread {h}", LOCK_NAMES[l]),
            _ => "runnable".into(),
        }
    }
}

impl Machine for Locks {
    fn actors(&self) -> Vec<String> {
        (0..THREADS).map(|t| format!("thread {t}")).collect()
    }

    fn runnable(&self) -> Vec<usize> {
        (0..THREADS)
            .filter(|&t| self.next_op(t).is_some() && self.blocked_on(t).is_none())
            .collect()
    }

    fn step(&mut self, t: usize) -> String {
        let Some(op) = self.next_op(t) else {
            return format!("thread {t} has finished");
        };
        self.pc[t] += 1;
        match op {
            Op::Acquire(l) => self.holder[l] = Some(t),
            Op::Release(l) => self.holder[l] = None,
            Op::Work => {}
        }
        let mut said = format!("thread {t}: {}", Locks::line(op));
        if self.deadlocked() {
            said += ": now each thread waits for a lock the other holds";
        }
        said
    }

    fn picture(&self) -> Picture {
        let actors = (0..THREADS)
            .map(|t| ActorPicture {
                name: format!("thread {t}"),
                code: self.program(t).into_iter().map(Locks::line).collect(),
                at: self.next_op(t).map(|_| self.pc[t]),
                status: self.status(t),
                stack: LOCK_NAMES
                    .iter()
                    .enumerate()
                    .filter(|(l, _)| self.holder[*l] == Some(t))
                    .map(|(_, n)| format!("holds {n}"))
                    .collect(),
            })
            .collect();
        let shared = (0..2)
            .map(|l| {
                (
                    LOCK_NAMES[l].to_string(),
                    self.holder[l].map_or("free".into(), |h| format!("held by thread {h}")),
                )
            })
            .collect();
        let waits = (0..THREADS)
            .filter_map(|t| {
                self.blocked_on(t).map(|(l, h)| {
                    (
                        format!("thread {t}"),
                        LOCK_NAMES[l].to_string(),
                        format!("thread {h}"),
                    )
                })
            })
            .collect();
        let verdict = if self.deadlocked() {
            Some(Verdict {
                text: "Deadlock: the wait-for graph has a cycle, so no thread can ever go on."
                    .into(),
                bad: true,
            })
        } else if self.runnable().is_empty() {
            Some(Verdict {
                text: "Both threads finished.".into(),
                bad: false,
            })
        } else {
            None
        };
        Picture {
            actors,
            shared,
            waits,
            verdict,
        }
    }

    fn found(&self) -> bool {
        self.deadlocked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::stepping::{Search, random_schedule, replay, search};

    #[test]
    fn each_taking_its_first_lock_is_the_deadlock_and_the_cycle_is_drawn() {
        let (m, events) = replay(&Locks::new(Variant::Opposite), &[0, 1]);
        assert!(m.deadlocked(), "{events:?}");
        let p = m.picture();
        assert_eq!(
            p.waits,
            vec![
                ("thread 0".into(), "lock B".into(), "thread 1".into()),
                ("thread 1".into(), "lock A".into(), "thread 0".into())
            ],
            "a cycle: 0 waits for 1 and 1 waits for 0"
        );
        assert_eq!(p.verdict.map(|v| v.bad), Some(true));
    }

    #[test]
    fn a_blocked_thread_cannot_step() {
        let (m, _) = replay(&Locks::new(Variant::Global), &[0]);
        assert_eq!(m.runnable(), vec![0], "thread 1 waits for lock A");
        assert_eq!(
            m.picture().actors[1].status,
            "waits for lock A, held by thread 0"
        );
    }

    #[test]
    fn the_search_reaches_the_deadlock_only_in_opposite_orders() {
        assert_eq!(
            search(&Locks::new(Variant::Opposite), 10_000),
            Search::Found(vec![0, 1])
        );
        assert!(matches!(
            search(&Locks::new(Variant::Global), 10_000),
            Search::Unreachable { .. }
        ));
        for seed in 0..100 {
            let start = Locks::new(Variant::Global);
            let (m, _) = replay(&start, &random_schedule(&start, seed));
            assert!(
                !m.deadlocked() && m.runnable().is_empty(),
                "one global order always finishes"
            );
        }
    }
}
