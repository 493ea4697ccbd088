//! The event loop stepped one callback at a time, on the program of python/demo_coroutines.py:
//! three `task(i, wait)` coroutines (compute 3 ms, `await asyncio.sleep(wait)`, compute 3 ms)
//! with waits of 0.3, 0.2 and 0.1 s, awaited one by one or created as tasks first.
//!
//! What the model keeps is what asyncio keeps: a ready queue of callbacks run in order, timers
//! that move a sleeping coroutine back to the queue when the loop reaches their time, and the
//! awaiter a finished task wakes. Time is virtual: computing advances it 3 ms; when nothing is
//! ready the loop jumps to the earliest timer. Nothing is measured here; the run above is.

use crate::core::stepping::{ActorPicture, Machine, Picture, Verdict};
use std::collections::VecDeque;

/// The waits of the Python program's full run, in ms.
pub const WAITS: [u32; 3] = [300, 200, 100];
/// Each compute step of a task (`work(0.003)`).
const WORK_MS: u32 = 3;
const TASKS: usize = WAITS.len();

/// How `main` runs the coroutines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Way {
    OneByOne,
    CreateTask,
}

impl Way {
    pub const ALL: [Way; 2] = [Way::CreateTask, Way::OneByOne];

    pub fn key(self) -> &'static str {
        match self {
            Way::OneByOne => "one-by-one",
            Way::CreateTask => "create-task",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Way::OneByOne => "await one by one",
            Way::CreateTask => "create_task, then await",
        }
    }

    fn code(self) -> Vec<String> {
        let lines: &[&str] = match self {
            Way::OneByOne => &[
                "results = [await task(i, w) for i, w in enumerate(waits)]",
                "print(results, finished)",
            ],
            Way::CreateTask => &[
                "tasks = [asyncio.create_task(task(i, w)) for i, w in enumerate(waits)]",
                "results = [await t for t in tasks]",
                "print(results, finished)",
            ],
        };
        lines.iter().map(|s| s.to_string()).collect()
    }
}

/// Who a callback resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    Main,
    Task(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Stage {
    NotStarted,
    /// Suspended in `asyncio.sleep` until this time (ms).
    Sleeping(u32),
    /// Its timer fired: it computes again when its callback runs.
    Woken,
    Done,
}

const TASK_CODE: [&str; 4] = [
    "work(0.003)",
    "await asyncio.sleep(wait)",
    "work(0.003)",
    "return i",
];

/// The loop, its queue and timers, `main` and the three coroutines.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EventLoop {
    pub way: Way,
    /// Virtual time, ms.
    pub clock: u32,
    ready: VecDeque<Who>,
    timers: Vec<(u32, Who)>,
    stages: [Stage; TASKS],
    /// The coroutine `main` awaits now (or will next).
    awaiting: usize,
    main_done: bool,
    finished: Vec<usize>,
}

impl EventLoop {
    pub fn new(way: Way) -> EventLoop {
        EventLoop {
            way,
            clock: 0,
            ready: VecDeque::from([Who::Main]),
            timers: vec![],
            stages: [Stage::NotStarted; TASKS],
            awaiting: 0,
            main_done: false,
            finished: vec![],
        }
    }

    pub fn done(&self) -> bool {
        self.main_done
    }

    /// A coroutine's first part: compute, then sleep; `who` is whose callback the timer wakes.
    fn start(&mut self, i: usize, who: Who) -> String {
        self.clock += WORK_MS;
        let due = self.clock + WAITS[i];
        self.stages[i] = Stage::Sleeping(due);
        self.timers.push((due, who));
        format!(
            "task({i}) computes 3 ms, then awaits asyncio.sleep({}): it suspends; a timer is set for {}",
            WAITS[i] as f64 / 1000.0,
            secs(due)
        )
    }

    /// A woken coroutine's second part: compute, finish.
    fn finish(&mut self, i: usize) -> String {
        self.clock += WORK_MS;
        self.stages[i] = Stage::Done;
        self.finished.push(i);
        format!("task({i}) resumes, computes 3 ms and returns {i}")
    }

    /// `main` runs until it must wait: one callback's worth.
    fn run_main(&mut self) -> String {
        let mut said = vec![];
        if self.way == Way::CreateTask
            && self.stages.iter().all(|s| *s == Stage::NotStarted)
            && self.ready.is_empty()
        {
            self.ready.extend((0..TASKS).map(Who::Task));
            said.push(
                "main creates 3 tasks: each is queued to start, none has run yet".to_string(),
            );
        }
        while self.awaiting < TASKS {
            let i = self.awaiting;
            match (self.way, self.stages[i]) {
                (Way::OneByOne, Stage::NotStarted) => {
                    said.push(format!(
                        "main awaits task({i}) directly: it runs inside main, no task is created"
                    ));
                    said.push(self.start(i, Who::Main));
                    return said.join("; ");
                }
                (Way::OneByOne, Stage::Woken) => said.push(self.finish(i)),
                (_, Stage::Done) => said.push(format!("main gets task {i}'s result ({i})")),
                _ => {
                    said.push(format!("main awaits task {i}, not done yet: main suspends"));
                    return said.join("; ");
                }
            }
            self.awaiting += 1;
        }
        self.main_done = true;
        said.push(format!(
            "main prints results [0, 1, 2], finished {:?}: done at {}",
            self.finished,
            secs(self.clock)
        ));
        said.join("; ")
    }

    fn status(&self, i: usize) -> (Option<usize>, String) {
        match self.stages[i] {
            Stage::NotStarted if self.ready.contains(&Who::Task(i)) => {
                (Some(0), "a task, queued to start".into())
            }
            Stage::NotStarted => (Some(0), "not started".into()),
            Stage::Sleeping(due) => (Some(1), format!("sleeping until {}", secs(due))),
            Stage::Woken => (Some(2), "woken: its callback is queued".into()),
            Stage::Done => (None, "done".into()),
        }
    }

    fn main_picture(&self) -> ActorPicture {
        let line = match (self.way, self.main_done) {
            (_, true) => None,
            (Way::CreateTask, _)
                if self.stages.iter().all(|s| *s == Stage::NotStarted)
                    && !self.ready.contains(&Who::Task(0)) =>
            {
                Some(0)
            }
            (Way::CreateTask, _) => Some(1),
            (Way::OneByOne, _) => Some(0),
        };
        let status = if self.main_done {
            "done".into()
        } else if self.ready.contains(&Who::Main) {
            "queued to run".into()
        } else {
            format!("suspended, awaiting task({})", self.awaiting)
        };
        ActorPicture {
            name: "main()".into(),
            code: self.way.code(),
            at: line,
            status,
            stack: vec![],
        }
    }
}

fn secs(ms: u32) -> String {
    format!("{:.3} s", ms as f64 / 1000.0)
}

fn name(who: Who) -> String {
    match who {
        Who::Main => "main".into(),
        Who::Task(i) => format!("task {i}"),
    }
}

impl Machine for EventLoop {
    fn actors(&self) -> Vec<String> {
        vec!["the event loop".into()]
    }

    fn runnable(&self) -> Vec<usize> {
        if self.ready.is_empty() && self.timers.is_empty() {
            vec![]
        } else {
            vec![0]
        }
    }

    fn step(&mut self, _: usize) -> String {
        if let Some(who) = self.ready.pop_front() {
            return match who {
                Who::Main => format!("runs main: {}", self.run_main()),
                Who::Task(i) if self.stages[i] == Stage::NotStarted => {
                    format!("runs task {i}: {}", self.start(i, who))
                }
                Who::Task(i) => {
                    let mut said = self.finish(i);
                    if self.awaiting == i && !self.main_done {
                        self.ready.push_back(Who::Main);
                        said += "; main awaits it, so main is queued";
                    }
                    format!("runs task {i}: {said}")
                }
            };
        }
        // Nothing ready: sleep until the earliest timer (the first set wins a tie, as in asyncio).
        let Some(next) = (0..self.timers.len()).min_by_key(|&k| self.timers[k].0) else {
            return "nothing to do".into();
        };
        let (due, who) = self.timers.remove(next);
        self.clock = self.clock.max(due);
        let i = match who {
            Who::Task(i) => i,
            Who::Main => self.awaiting,
        };
        self.stages[i] = Stage::Woken;
        self.ready.push_back(who);
        format!(
            "nothing is ready: the loop sleeps until {}, when task({i})'s sleep ends; {} is queued",
            secs(due),
            name(who)
        )
    }

    fn picture(&self) -> Picture {
        let mut actors = vec![self.main_picture()];
        actors.extend((0..TASKS).map(|i| {
            let (at, status) = self.status(i);
            ActorPicture {
                name: format!("task({i}, {})", WAITS[i] as f64 / 1000.0),
                code: TASK_CODE.iter().map(|s| s.to_string()).collect(),
                at,
                status,
                stack: vec![],
            }
        }));
        let list = |v: Vec<String>| {
            if v.is_empty() {
                "empty".to_string()
            } else {
                v.join(", ")
            }
        };
        let mut timers = self.timers.clone();
        timers.sort_by_key(|t| t.0);
        let shared = vec![
            ("clock".into(), secs(self.clock)),
            (
                "ready queue".into(),
                list(self.ready.iter().map(|w| name(*w)).collect()),
            ),
            (
                "timers".into(),
                list(
                    timers
                        .iter()
                        .map(|(due, w)| format!("{} at {}", name(*w), secs(*due)))
                        .collect(),
                ),
            ),
            ("finished".into(), format!("{:?}", self.finished)),
        ];
        let verdict = self.main_done.then(|| Verdict {
            text: format!(
                "Done at {} ({}): results [0, 1, 2] in input order, finished {:?}.",
                secs(self.clock),
                self.way.title(),
                self.finished
            ),
            bad: false,
        });
        Picture {
            actors,
            shared,
            waits: vec![],
            verdict,
        }
    }

    fn found(&self) -> bool {
        self.main_done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::stepping::{random_schedule, replay};

    fn to_the_end(way: Way) -> (EventLoop, Vec<String>) {
        let start = EventLoop::new(way);
        replay(&start, &random_schedule(&start, 1))
    }

    #[test]
    fn tasks_created_first_wait_together_and_finish_shortest_first() {
        let (m, events) = to_the_end(Way::CreateTask);
        assert!(m.done(), "{events:#?}");
        assert_eq!(m.finished, vec![2, 1, 0]);
        assert_eq!(
            m.clock, 306,
            "the longest wait plus the computing before and after it: {events:#?}"
        );
        assert!(
            events[0].contains("creates 3 tasks") && events[0].ends_with("main suspends"),
            "{events:#?}"
        );
        assert!(events[1].contains("asyncio.sleep(0.3)"), "{events:#?}");
    }

    #[test]
    fn awaited_one_by_one_the_waits_add_up() {
        let (m, events) = to_the_end(Way::OneByOne);
        assert!(m.done());
        assert_eq!(m.finished, vec![0, 1, 2]);
        assert_eq!(
            m.clock,
            600 + 6 * WORK_MS,
            "the sum of the waits: {events:#?}"
        );
    }

    #[test]
    fn the_loop_jumps_to_the_earliest_timer_only_when_nothing_is_ready() {
        // main, then the three tasks' starts: 4 callbacks with no timer fired.
        let (m, events) = replay(&EventLoop::new(Way::CreateTask), &[0; 4]);
        assert_eq!(m.clock, 9);
        assert!(events.iter().all(|e| e.starts_with("runs")));
        let (m, events) = replay(&m, &[0]);
        assert!(
            events[0].contains("sleeps until 0.109 s") && events[0].contains("task(2)"),
            "{events:?}"
        );
        assert_eq!(m.clock, 109);
    }
}
