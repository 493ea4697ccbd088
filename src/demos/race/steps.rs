//! `counter += 1` on two threads, one CPython 3.11 bytecode at a time, scheduled by the learner.
//!
//! The listing is the loop of `plain()` in python/demo_race_condition.py as `dis` shows it under
//! CPython 3.11 (tests/python.rs checks it against the real interpreter). Under the 3.11 rules a
//! thread can lose the GIL only where the interpreter checks for a switch request: when a
//! thread starts and at `JUMP_BACKWARD` (the end of each loop round); never between the load
//! and the store, so no interleaving loses an update. A free-threaded build has no GIL, so any
//! instruction boundary is a switch, and losing an update is three steps away.

use crate::core::stepping::{ActorPicture, Machine, Picture, Verdict};

/// Each thread runs `for _ in range(ROUNDS): counter += 1`.
pub const ROUNDS: u8 = 2;
pub const THREADS: usize = 2;

/// The loop's bytecode, as `dis` prints it under CPython 3.11.
pub const CODE: [&str; 7] = [
    "FOR_ITER",
    "STORE_FAST _",
    "LOAD_GLOBAL counter",
    "LOAD_CONST 1",
    "BINARY_OP +=",
    "STORE_GLOBAL counter",
    "JUMP_BACKWARD",
];
const FOR_ITER: usize = 0;
const JUMP_BACKWARD: usize = 6;

/// Where a thread may be switched out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rules {
    /// CPython 3.11: only where the interpreter checks its eval breaker.
    Cpython311,
    /// A free-threaded build: between any two instructions.
    FreeThreaded,
}

impl Rules {
    pub const ALL: [Rules; 2] = [Rules::Cpython311, Rules::FreeThreaded];

    pub fn key(self) -> &'static str {
        match self {
            Rules::Cpython311 => "3.11",
            Rules::FreeThreaded => "free",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Rules::Cpython311 => "CPython 3.11 switch points (with the GIL)",
            Rules::FreeThreaded => "free-threaded (a switch anywhere)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Thread {
    pc: usize,
    rounds_left: u8,
    stack: Vec<i64>,
    /// The counter's value this thread loaded, until it stores.
    read: Option<i64>,
    done: bool,
    /// Just passed a point where the interpreter checks for a switch request.
    at_check: bool,
}

/// Two threads adding to one global, under the chosen switching rules.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Counter {
    pub rules: Rules,
    pub counter: i64,
    /// Stores done so far: what the counter would be if nothing were lost.
    pub adds: i64,
    threads: [Thread; THREADS],
    /// The thread that ran last (under 3.11 it holds the GIL until a check point).
    holder: Option<usize>,
}

impl Counter {
    pub fn new(rules: Rules) -> Counter {
        let thread = Thread {
            pc: FOR_ITER,
            rounds_left: ROUNDS,
            stack: vec![],
            read: None,
            done: false,
            at_check: true,
        };
        Counter {
            rules,
            counter: 0,
            adds: 0,
            threads: [thread.clone(), thread],
            holder: None,
        }
    }

    /// Updates lost so far: adds that were done but are not in the counter.
    pub fn lost(&self) -> i64 {
        self.adds - self.counter
    }

    fn name(t: usize) -> String {
        format!("thread {t}")
    }

    fn status(&self, t: usize) -> String {
        let th = &self.threads[t];
        if th.done {
            return "finished".into();
        }
        match self.rules {
            Rules::FreeThreaded => "runnable (no GIL)".into(),
            Rules::Cpython311 if self.holder == Some(t) && th.at_check => {
                "holds the GIL, at a switch point".into()
            }
            Rules::Cpython311 if self.holder == Some(t) => "holds the GIL".into(),
            Rules::Cpython311 if self.runnable().contains(&t) => "may take the GIL".into(),
            Rules::Cpython311 => "waits for the GIL".into(),
        }
    }

    fn store(&mut self, t: usize, value: i64) -> String {
        let before = self.counter;
        let read = self.threads[t].read.take().unwrap_or(before);
        self.counter = value;
        self.adds += 1;
        let name = Counter::name(t);
        if before > read {
            format!(
                "{name}: STORE_GLOBAL writes counter = {value} over {before}. It read {read}; the other thread's \
                 add since then is overwritten: an update is lost"
            )
        } else {
            format!("{name}: STORE_GLOBAL writes counter = {value}")
        }
    }

    fn verdict(&self) -> Option<Verdict> {
        let finished = self.threads.iter().all(|t| t.done);
        let expected = ROUNDS as i64 * THREADS as i64;
        match (finished, self.lost()) {
            (true, 0) => Some(Verdict {
                text: format!("Finished: counter = {expected}, nothing lost."),
                bad: false,
            }),
            (true, lost) => Some(Verdict {
                text: format!(
                    "Finished: counter = {} after {expected} adds: {lost} update(s) lost.",
                    self.counter
                ),
                bad: true,
            }),
            (false, lost) if lost > 0 => Some(Verdict {
                text: format!(
                    "An update is lost: {} adds done, counter = {}.",
                    self.adds, self.counter
                ),
                bad: true,
            }),
            _ => None,
        }
    }
}

impl Machine for Counter {
    fn actors(&self) -> Vec<String> {
        (0..THREADS).map(Counter::name).collect()
    }

    fn runnable(&self) -> Vec<usize> {
        let alive = (0..THREADS).filter(|&t| !self.threads[t].done);
        match (self.rules, self.holder) {
            (Rules::Cpython311, Some(h)) if !self.threads[h].done && !self.threads[h].at_check => {
                vec![h]
            }
            _ => alive.collect(),
        }
    }

    fn step(&mut self, t: usize) -> String {
        self.holder = Some(t);
        let name = Counter::name(t);
        let th = &mut self.threads[t];
        let pc = th.pc;
        th.at_check = pc == JUMP_BACKWARD;
        th.pc = (pc + 1) % CODE.len();
        match pc {
            FOR_ITER if th.rounds_left == 0 => {
                th.done = true;
                format!("{name}: FOR_ITER finds range() exhausted: the thread returns")
            }
            FOR_ITER => {
                th.rounds_left -= 1;
                th.stack.push((ROUNDS - th.rounds_left - 1) as i64);
                format!("{name}: FOR_ITER takes the next number")
            }
            1 => {
                th.stack.pop();
                format!("{name}: STORE_FAST _")
            }
            2 => {
                th.stack.push(self.counter);
                th.read = Some(self.counter);
                format!("{name}: LOAD_GLOBAL reads counter = {}", self.counter)
            }
            3 => {
                th.stack.push(1);
                format!("{name}: LOAD_CONST 1")
            }
            4 => {
                let (b, a) = (th.stack.pop().unwrap_or(0), th.stack.pop().unwrap_or(0));
                th.stack.push(a + b);
                format!("{name}: BINARY_OP computes {a} + {b} = {}", a + b)
            }
            5 => {
                let value = th.stack.pop().unwrap_or(0);
                self.store(t, value)
            }
            _ => format!(
                "{name}: JUMP_BACKWARD to the loop's top; the interpreter checks for a switch request here"
            ),
        }
    }

    fn picture(&self) -> Picture {
        let actors = (0..THREADS)
            .map(|t| {
                let th = &self.threads[t];
                ActorPicture {
                    name: Counter::name(t),
                    code: CODE.iter().map(|s| s.to_string()).collect(),
                    at: (!th.done).then_some(th.pc),
                    status: self.status(t),
                    stack: vec![format!("stack: {:?}", th.stack)],
                }
            })
            .collect();
        let shared = vec![
            ("counter".into(), self.counter.to_string()),
            ("adds done".into(), self.adds.to_string()),
            ("lost".into(), self.lost().to_string()),
        ];
        Picture {
            actors,
            shared,
            waits: vec![],
            verdict: self.verdict(),
        }
    }

    fn found(&self) -> bool {
        self.lost() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::stepping::{Search, random_schedule, replay, search};

    #[test]
    fn one_thread_after_the_other_loses_nothing() {
        let steps: Vec<usize> = [0; 15].into_iter().chain([1; 15]).collect();
        let (m, events) = replay(&Counter::new(Rules::FreeThreaded), &steps);
        assert_eq!(
            events.len(),
            30,
            "15 instructions a thread: 2 rounds of 7, then FOR_ITER ends it"
        );
        assert_eq!((m.counter, m.lost()), (4, 0));
        assert!(m.runnable().is_empty());
        assert_eq!(m.picture().verdict.map(|v| v.bad), Some(false));
    }

    #[test]
    fn a_switch_between_load_and_store_loses_an_update_free_threaded() {
        // Thread 0 reads 0 and stops at its store; thread 1 adds once; thread 0 writes 1 over 1.
        let steps = [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0];
        let (m, events) = replay(&Counter::new(Rules::FreeThreaded), &steps);
        assert_eq!(events.len(), steps.len());
        assert_eq!((m.adds, m.counter, m.lost()), (2, 1, 1));
        assert!(
            events.last().unwrap().contains("an update is lost"),
            "{events:?}"
        );
        assert!(m.found());
    }

    #[test]
    fn under_311_the_holder_keeps_running_until_jump_backward() {
        let m = Counter::new(Rules::Cpython311);
        assert_eq!(m.runnable(), vec![0, 1], "either thread may start");
        let (m, _) = replay(&m, &[0, 0, 0]);
        assert_eq!(m.runnable(), vec![0], "mid-round only the GIL holder runs");
        let (m, _) = replay(&m, &[0, 0, 0, 0]);
        assert_eq!(
            m.runnable(),
            vec![0, 1],
            "after JUMP_BACKWARD the other may take over"
        );
        let (same, _) = replay(&Counter::new(Rules::Cpython311), &[0, 0, 0, 1]);
        assert_eq!(
            same.adds, 0,
            "a step of a thread that cannot run ends the replay"
        );
    }

    #[test]
    fn the_search_finds_a_loss_free_threaded_and_proves_none_under_311() {
        let Search::Found(steps) = search(&Counter::new(Rules::FreeThreaded), 100_000) else {
            panic!("a loss is reachable")
        };
        assert!(replay(&Counter::new(Rules::FreeThreaded), &steps).0.found());
        assert!(
            steps.len() <= 12,
            "the shortest losing interleaving is short: {steps:?}"
        );
        let proof = search(&Counter::new(Rules::Cpython311), 100_000);
        // Exactly the states the 3.11 rules can reach: a change to the rules or the search that
        // reaches more (or fewer) changes this count.
        assert_eq!(
            proof,
            Search::Unreachable { states: 121 },
            "the whole 3.11 state space, searched"
        );
    }

    /// What the narration says each store overwrote: `before - read` for "writes counter = v
    /// over before. It read read", 0 for a store that overwrote nothing.
    fn overwritten_by(event: &str) -> i64 {
        let number_after = |word: &str| -> Option<i64> {
            let rest = &event[event.find(word)? + word.len()..];
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        };
        match (number_after(" over "), number_after("It read ")) {
            (Some(before), Some(read)) => before - read,
            _ => 0,
        }
    }

    #[test]
    fn lost_counts_exactly_the_adds_the_stores_overwrote_in_any_schedule() {
        // `lost()` is adds - counter; checked here against what each store overwrote as the
        // events tell it, counted one store at a time, so a store that drops or keeps an add
        // it should not shows as a difference.
        let mut kinds = std::collections::BTreeSet::new();
        for seed in 0..200 {
            let start = Counter::new(Rules::FreeThreaded);
            let (m, events) = replay(&start, &random_schedule(&start, seed));
            assert!(m.runnable().is_empty(), "a random schedule runs to the end");
            assert_eq!(m.adds, 4);
            let stores = events.iter().filter(|e| e.contains("STORE_GLOBAL")).count();
            assert_eq!(stores, 4, "seed {seed}: one store per add: {events:?}");
            let overwritten: i64 = events.iter().map(|e| overwritten_by(e)).sum();
            assert_eq!(m.lost(), overwritten, "seed {seed}: {events:?}");
            assert!(
                (2..=4).contains(&m.counter),
                "seed {seed}: two threads of two adds keep at least 2"
            );
            kinds.insert(m.lost() > 0);
        }
        assert_eq!(
            kinds.len(),
            2,
            "200 random schedules both lose and keep every update"
        );
    }
}
