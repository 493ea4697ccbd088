//! The recommendation: from the shape of a job to a model, with reasons that cite what the
//! matrix measured in this browser when it has (and say so when it has not).
//!
//! The advice is for Python's models, since that is what the learner will write; each reason
//! names the measurement behind it.

/// What a job looks like, as the user describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobShape {
    /// Share of each task's time spent waiting (network, disk, timers), 0–100.
    pub waiting_percent: u64,
    pub tasks: u64,
    /// Data each task takes in and gives back, in KB.
    pub data_kb: u64,
    /// Tasks read and change the same state while they run.
    pub shares_state: bool,
}

/// Python's ways to run a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Sequential,
    /// asyncio.
    EventLoop,
    /// concurrent.futures.ThreadPoolExecutor.
    ThreadPool,
    /// concurrent.futures.ProcessPoolExecutor.
    ProcessPool,
}

impl Choice {
    pub fn title(self) -> &'static str {
        match self {
            Choice::Sequential => "plain sequential code",
            Choice::EventLoop => "asyncio (one event loop)",
            Choice::ThreadPool => "a thread pool (ThreadPoolExecutor)",
            Choice::ProcessPool => "a process pool (ProcessPoolExecutor)",
        }
    }
}

/// Speedups over sequential that the matrix measured here (None: not measured yet).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evidence {
    pub cores: usize,
    pub cpu_event_loop: Option<Figure>,
    pub cpu_threads: Option<Figure>,
    pub cpu_threads_gil: Option<Figure>,
    pub cpu_processes: Option<Figure>,
    pub io_event_loop: Option<Figure>,
    pub io_threads: Option<Figure>,
}

/// A measured speedup, or one the matrix judged impossible (more than the model's lanes can
/// give): the guide cites the first and names the second as noise, never as a result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Figure {
    Speedup(f64),
    Noise(f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    pub choice: Choice,
    pub reasons: Vec<String>,
}

/// Above this share of waiting a job is I/O-bound.
pub const IO_BOUND_PERCENT: u64 = 50;
/// Above this much data per task, copying it to a process costs more than it is worth.
pub const HEAVY_DATA_KB: u64 = 1024;

fn measured(label: &str, figure: Option<Figure>) -> String {
    match figure {
        Some(Figure::Speedup(s)) => format!("{label} gave {s:.1}× here"),
        Some(Figure::Noise(s)) => format!("{label}: {s:.1}× in this run, more than its lanes can give, so noise, not a result (run again)"),
        None => format!("{label}: not measured yet (run the matrix above)"),
    }
}

pub fn recommend(job: JobShape, evidence: Evidence) -> Advice {
    let mut reasons = Vec::new();
    if job.tasks <= 1 {
        reasons.push("One task: there is nothing to overlap or split.".into());
        return Advice { choice: Choice::Sequential, reasons };
    }
    if job.waiting_percent >= IO_BOUND_PERCENT {
        reasons.push(format!(
            "Mostly waiting ({}%): the waits can overlap on one thread, and more cores would sit idle. {}; {}.",
            job.waiting_percent,
            measured("the event loop on waiting work", evidence.io_event_loop),
            measured("threads on the same waits", evidence.io_threads),
        ));
        if job.shares_state {
            reasons.push("Shared state is simpler here: one task runs at a time and switches only at an await. But \
                a read, an await, then a write still races with the other tasks: hold an asyncio.Lock across \
                such an await.".into());
        }
        reasons.push("Processes would add start-up and copying and win nothing: the time is spent waiting, not computing.".into());
        reasons.push("If the waits are in a library with no async version (requests, many database drivers), \
            use threads instead (ThreadPoolExecutor), or call it from the loop with asyncio.to_thread.".into());
        return Advice { choice: Choice::EventLoop, reasons };
    }
    if evidence.cores <= 1 {
        reasons.push("Mostly computing, on one core: nothing can run in parallel, and switching between tasks only adds cost.".into());
        return Advice { choice: Choice::Sequential, reasons };
    }
    reasons.push(format!(
        "Mostly computing ({}% waiting) on {} cores: only parallel work gets faster. {}.",
        job.waiting_percent,
        evidence.cores,
        [measured("An event loop on computing work", evidence.cpu_event_loop), measured("processes", evidence.cpu_processes)].join("; "),
    ));
    if job.shares_state || job.data_kb >= HEAVY_DATA_KB {
        let why = if job.shares_state {
            "the tasks share state, which processes could only pass back and forth as copies"
        } else {
            "each task carries a lot of data, and every byte sent to a process is copied (see Queues and pipes)"
        };
        reasons.push(format!(
            "Threads, because {why}. In CPython the GIL lets one thread compute at a time ({}), so do the \
             computing in code that releases it (NumPy, a Rust or C extension) or on a free-threaded build; \
             {}.",
            measured("threads under the simulated GIL", evidence.cpu_threads_gil),
            measured("threads without a GIL", evidence.cpu_threads),
        ));
        return Advice { choice: Choice::ThreadPool, reasons };
    }
    reasons.push(format!(
        "Separate processes, because in CPython the GIL keeps threads from computing in parallel ({}); each \
         process has its own interpreter. {}. Send tasks in chunks if they are small.",
        measured("threads under the simulated GIL", evidence.cpu_threads_gil),
        measured("Threads without a GIL", evidence.cpu_threads),
    ));
    Advice { choice: Choice::ProcessPool, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(waiting_percent: u64, tasks: u64, data_kb: u64, shares_state: bool) -> JobShape {
        JobShape { waiting_percent, tasks, data_kb, shares_state }
    }

    #[test]
    fn a_job_that_is_all_waiting_never_gets_processes() {
        for tasks in [2, 10, 10_000] {
            for data_kb in [0, 10, 100_000] {
                for shares in [false, true] {
                    for cores in [1, 2, 16] {
                        let advice = recommend(shape(100, tasks, data_kb, shares), Evidence { cores, ..Default::default() });
                        assert_ne!(advice.choice, Choice::ProcessPool, "{tasks} {data_kb} {shares} {cores}");
                        assert_eq!(advice.choice, Choice::EventLoop);
                    }
                }
            }
        }
    }

    #[test]
    fn a_cpu_job_without_shared_state_on_several_cores_never_gets_the_event_loop() {
        for waiting in [0, 10, 49] {
            for cores in [2, 4, 64] {
                for data_kb in [0, 100, 10_000] {
                    let advice = recommend(shape(waiting, 100, data_kb, false), Evidence { cores, ..Default::default() });
                    assert_ne!(advice.choice, Choice::EventLoop);
                    assert_ne!(advice.choice, Choice::Sequential);
                }
            }
        }
    }

    #[test]
    fn the_reasons_cite_the_measurements_or_say_they_are_missing() {
        let job = shape(0, 100, 1, false);
        let none = recommend(job, Evidence { cores: 2, ..Default::default() });
        assert!(none.reasons.join(" ").contains("not measured yet"));
        let figure = |s| Some(Figure::Speedup(s));
        let some = recommend(job, Evidence { cores: 2, cpu_threads: figure(1.9), cpu_threads_gil: figure(1.0), cpu_processes: figure(1.8), ..Default::default() });
        let text = some.reasons.join(" ");
        assert_eq!(some.choice, Choice::ProcessPool);
        assert!(text.contains("1.0×") && text.contains("1.9×") && text.contains("1.8×"), "{text}");
        // A figure the matrix judged impossible is named as noise, not cited as a gain.
        let noisy = recommend(job, Evidence { cores: 2, cpu_event_loop: Some(Figure::Noise(1.2)), ..Default::default() });
        let text = noisy.reasons.join(" ");
        assert!(text.contains("1.2× in this run") && text.contains("noise, not a result") && !text.contains("gave 1.2×"), "{text}");
    }

    #[test]
    fn shared_state_or_heavy_data_points_to_threads_and_one_task_or_core_to_sequential() {
        let cores2 = Evidence { cores: 2, ..Default::default() };
        assert_eq!(recommend(shape(0, 100, 1, true), cores2).choice, Choice::ThreadPool);
        assert_eq!(recommend(shape(0, 100, 50_000, false), cores2).choice, Choice::ThreadPool);
        assert_eq!(recommend(shape(0, 1, 1, false), cores2).choice, Choice::Sequential);
        assert_eq!(recommend(shape(0, 100, 1, false), Evidence { cores: 1, ..Default::default() }).choice, Choice::Sequential);
    }
}
