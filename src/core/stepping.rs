//! Programs a learner schedules by hand: a deterministic model of the steps a runtime really
//! takes (CPython bytecodes, lock operations, event-loop callbacks), where the learner, a
//! random scheduler or an exhaustive search picks who goes next. A model, and the page says so;
//! the measured run stays beside it.
//!
//! A schedule is the list of actors that took each step, so it fits in a URL and a link replays
//! it exactly.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A program with actors (threads, or the event loop) whose next step someone else picks.
/// Its state is all that matters for what can happen next: equal states have equal futures,
/// which is what lets the search stop at states it has seen.
pub trait Machine: Clone + Eq + Hash {
    /// The actors, in order; a step names one by index.
    fn actors(&self) -> Vec<String>;
    /// The actors that may take the next step now (none: the program ended or is stuck).
    fn runnable(&self) -> Vec<usize>;
    /// One step of `actor`, which must be runnable; what it did, in words.
    fn step(&mut self, actor: usize) -> String;
    /// What the page draws of this state.
    fn picture(&self) -> Picture;
    /// True once the state the search looks for is reached (an update lost, a deadlock).
    fn found(&self) -> bool;
}

/// What a state looks like, for any machine: one column an actor, the shared state, who
/// waits for whom, and a verdict when there is one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picture {
    pub actors: Vec<ActorPicture>,
    /// Shared names and their values (the global counter, the locks, the ready queue).
    pub shared: Vec<(String, String)>,
    /// Wait-for edges: (who waits, for what, held by whom).
    pub waits: Vec<(String, String, String)>,
    pub verdict: Option<Verdict>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActorPicture {
    pub name: String,
    /// The program's lines, as the runtime sees them.
    pub code: Vec<String>,
    /// The line it runs next (None: finished).
    pub at: Option<usize>,
    /// Running, waiting for something, finished.
    pub status: String,
    /// Its private values (a bytecode stack, locals).
    pub stack: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub text: String,
    /// A bad outcome (an update lost, a deadlock) rather than a correct end.
    pub bad: bool,
}

/// The most steps a schedule may hold (a URL is not a place for an endless run).
pub const MAX_STEPS: usize = 400;

/// Replays `steps` from `start`, stopping at the first step whose actor cannot run then.
/// Returns the state reached, what each step did, and how many steps were used.
pub fn replay<M: Machine>(start: &M, steps: &[usize]) -> (M, Vec<String>) {
    let mut m = start.clone();
    let mut events = Vec::new();
    for &actor in steps.iter().take(MAX_STEPS) {
        if !m.runnable().contains(&actor) {
            break;
        }
        events.push(m.step(actor));
    }
    (m, events)
}

/// A schedule as URL text: one digit an actor, e.g. "0011".
pub fn encode(steps: &[usize]) -> String {
    steps
        .iter()
        .filter(|&&a| a < 10)
        .map(|a| char::from(b'0' + *a as u8))
        .collect()
}

/// The schedule in URL text; anything but digits is ignored, and it is cut at `MAX_STEPS`.
pub fn decode(text: &str) -> Vec<usize> {
    text.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| d as usize)
        .take(MAX_STEPS)
        .collect()
}

/// What a search of every interleaving from a state found.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    /// The shortest schedule from the state to a found one.
    Found(Vec<usize>),
    /// Every reachable state was visited (this many) and none is found.
    Unreachable { states: usize },
    /// The search gave up after this many states.
    TooMany { states: usize },
}

/// Breadth-first over every interleaving from `from`: the shortest way to a found state, or
/// proof that none can be reached.
pub fn search<M: Machine>(from: &M, limit: usize) -> Search {
    let mut parent: HashMap<M, Option<(M, usize)>> = HashMap::new();
    parent.insert(from.clone(), None);
    let mut queue = VecDeque::from([from.clone()]);
    while let Some(state) = queue.pop_front() {
        if state.found() {
            return Search::Found(path_to(&parent, state));
        }
        for actor in state.runnable() {
            let mut next = state.clone();
            next.step(actor);
            if !parent.contains_key(&next) {
                if parent.len() >= limit {
                    return Search::TooMany {
                        states: parent.len(),
                    };
                }
                parent.insert(next.clone(), Some((state.clone(), actor)));
                queue.push_back(next);
            }
        }
    }
    Search::Unreachable {
        states: parent.len(),
    }
}

fn path_to<M: Machine>(parent: &HashMap<M, Option<(M, usize)>>, mut state: M) -> Vec<usize> {
    let mut steps = Vec::new();
    while let Some(Some((before, actor))) = parent.get(&state) {
        steps.push(*actor);
        state = before.clone();
    }
    steps.reverse();
    steps
}

/// A random scheduler: from `from`, a runnable actor picked at random each step until nothing
/// can run (or `MAX_STEPS`). `seed` makes it repeatable.
pub fn random_schedule<M: Machine>(from: &M, seed: u64) -> Vec<usize> {
    let mut rng = seed | 1;
    let mut m = from.clone();
    let mut steps = Vec::new();
    while steps.len() < MAX_STEPS {
        let runnable = m.runnable();
        if runnable.is_empty() {
            break;
        }
        // xorshift64: plenty for picking among a few actors.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let actor = runnable[(rng % runnable.len() as u64) as usize];
        m.step(actor);
        steps.push(actor);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two actors that each count to 2; found when both have counted once, in turns.
    #[derive(Clone, PartialEq, Eq, Hash, Debug)]
    struct Counts([u8; 2]);

    impl Machine for Counts {
        fn actors(&self) -> Vec<String> {
            vec!["a".into(), "b".into()]
        }
        fn runnable(&self) -> Vec<usize> {
            (0..2).filter(|&i| self.0[i] < 2).collect()
        }
        fn step(&mut self, actor: usize) -> String {
            self.0[actor] += 1;
            format!("{actor} counts {}", self.0[actor])
        }
        fn picture(&self) -> Picture {
            Picture::default()
        }
        fn found(&self) -> bool {
            self.0 == [2, 1]
        }
    }

    #[test]
    fn a_schedule_replays_until_a_step_that_cannot_run() {
        let (m, events) = replay(&Counts([0, 0]), &[0, 1, 0, 0, 1]);
        assert_eq!(
            m.0,
            [2, 1],
            "the third step of actor 0 could not run: replay stops there"
        );
        assert_eq!(events, vec!["0 counts 1", "1 counts 1", "0 counts 2"]);
    }

    #[test]
    fn a_schedule_survives_the_url() {
        assert_eq!(decode(&encode(&[0, 1, 1, 0])), vec![0, 1, 1, 0]);
        assert_eq!(decode("0x1<script>1"), vec![0, 1, 1], "only digits count");
        assert_eq!(decode(&"1".repeat(10_000)).len(), MAX_STEPS);
    }

    #[test]
    fn the_search_finds_the_shortest_way_or_proves_there_is_none() {
        let Search::Found(steps) = search(&Counts([0, 0]), 1000) else {
            panic!("reachable")
        };
        assert_eq!(steps.len(), 3);
        assert!(replay(&Counts([0, 0]), &steps).0.found());
        assert_eq!(
            search(&Counts([0, 2]), 1000),
            Search::Unreachable { states: 3 }
        );
        assert_eq!(search(&Counts([0, 0]), 2), Search::TooMany { states: 2 });
    }

    #[test]
    fn a_random_schedule_runs_to_the_end_and_repeats_with_its_seed() {
        let steps = random_schedule(&Counts([0, 0]), 42);
        assert_eq!(steps.len(), 4);
        assert!(replay(&Counts([0, 0]), &steps).0.runnable().is_empty());
        assert_eq!(steps, random_schedule(&Counts([0, 0]), 42));
    }
}
