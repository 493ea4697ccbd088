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
    /// The computing happens in code that releases the GIL (hashlib, zlib, NumPy, a C or Rust
    /// extension that does), or on a free-threaded build; not in Python bytecode under the GIL.
    pub releases_gil: bool,
}

/// Python's ways to run a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Sequential,
    /// asyncio, and nothing else: the computing is small enough for the loop's one thread.
    EventLoop,
    /// asyncio for the waits, the computing in threads (asyncio.to_thread).
    EventLoopWithThreads,
    /// asyncio for the waits, the computing in processes (loop.run_in_executor with a
    /// ProcessPoolExecutor).
    EventLoopWithProcesses,
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
            Choice::EventLoopWithThreads => {
                "asyncio for the waits, with the computing in threads (asyncio.to_thread)"
            }
            Choice::EventLoopWithProcesses => {
                "asyncio for the waits, with the computing in a process pool (loop.run_in_executor with a ProcessPoolExecutor)"
            }
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

/// At or above this share of waiting a job is I/O-bound: its waits are worth overlapping.
pub const IO_BOUND_PERCENT: u64 = 50;
/// At or above this share of waiting, each task's computing is short beside its waits: the loop's
/// one thread can do it, if all the tasks' computing together also fits in about one wait.
pub const WAITING_ONLY_PERCENT: u64 = 90;
/// At or above this much data per task, pickling it to a process and back is worth avoiding.
pub const HEAVY_DATA_KB: u64 = 1024;

fn measured(label: &str, figure: Option<Figure>) -> String {
    match figure {
        Some(Figure::Speedup(s)) => format!("{label} gave {s:.1}× here"),
        Some(Figure::Noise(s)) => format!(
            "{label}: {s:.1}× in this run, more than its lanes can give, so noise, not a result (run again)"
        ),
        None => format!("{label}: not measured yet (run the matrix above)"),
    }
}

/// The computing of every task, done one after another on the loop's one thread, takes no
/// longer than about one task's wait (tasks × computing share ≤ waiting share).
fn computing_fits_the_loop(job: JobShape) -> bool {
    job.waiting_percent >= WAITING_ONLY_PERCENT
        && job.tasks.saturating_mul(100 - job.waiting_percent.min(100)) <= job.waiting_percent
}

pub fn recommend(job: JobShape, evidence: Evidence) -> Advice {
    let mut reasons = Vec::new();
    if job.tasks <= 1 {
        reasons.push("One task: there is nothing to overlap or split.".into());
        return Advice {
            choice: Choice::Sequential,
            reasons,
        };
    }
    if job.waiting_percent >= IO_BOUND_PERCENT {
        return waiting_job(job, evidence, reasons);
    }
    if evidence.cores <= 1 {
        reasons.push("Mostly computing, on one core: nothing can run in parallel, and switching between tasks only adds cost.".into());
        return Advice {
            choice: Choice::Sequential,
            reasons,
        };
    }
    reasons.push(format!(
        "Mostly computing ({}% waiting) on {} cores: only parallel work gets faster. {}.",
        job.waiting_percent,
        evidence.cores,
        [
            measured("An event loop on computing work", evidence.cpu_event_loop),
            measured("processes", evidence.cpu_processes)
        ]
        .join("; "),
    ));
    if job.releases_gil {
        reasons.push(format!(
            "Threads, because the computing releases the GIL (hashlib on large buffers, zlib, NumPy, an extension \
             that releases it) or runs on a free-threaded build (3.13t, 3.14t): there threads compute in parallel, \
             and they share memory, so nothing is copied to them. {}.",
            measured("Threads without a GIL", evidence.cpu_threads),
        ));
        if job.shares_state {
            reasons.push("The shared state needs a lock (threading.Lock) wherever a thread reads and then writes it.".into());
        }
        return Advice {
            choice: Choice::ThreadPool,
            reasons,
        };
    }
    reasons.push(format!(
        "Separate processes, because the computing is Python bytecode and in CPython only the thread that holds \
         the GIL runs bytecode: threads take turns and gain about nothing ({}); each process has its own \
         interpreter and its own GIL. {}. Send tasks in chunks if they are small (map's chunksize).",
        measured("threads under the simulated GIL", evidence.cpu_threads_gil),
        measured("Threads without a GIL (as on a free-threaded build)", evidence.cpu_threads),
    ));
    if job.shares_state {
        reasons.push("The shared state can live in shared memory: multiprocessing.Value and Array (with their lock, \
            get_lock()) or multiprocessing.shared_memory (see Shared memory between processes). Better still, give \
            each task its own part and combine the results the pool returns."
            .into());
    }
    if job.data_kb >= HEAVY_DATA_KB {
        reasons.push("Each task carries a lot of data, and every argument and result sent to a process is pickled \
            and copied (see Queues and pipes): put large arrays in multiprocessing.shared_memory (NumPy can work on \
            it in place) and send only their names, or let each process read its own input."
            .into());
    }
    Advice {
        choice: Choice::ProcessPool,
        reasons,
    }
}

/// A job that is at least half waiting: the waits overlap on the event loop; the computing
/// stays on the loop's one thread only when it is small, else it goes to threads or processes.
fn waiting_job(job: JobShape, evidence: Evidence, mut reasons: Vec<String>) -> Advice {
    reasons.push(format!(
        "Waiting {}% of the time: the waits overlap on one thread, and a waiting coroutine holds no thread. {}; {}.",
        job.waiting_percent,
        measured("the event loop on waiting work", evidence.io_event_loop),
        measured("threads on the same waits", evidence.io_threads),
    ));
    if job.shares_state {
        reasons.push("Shared state is simpler on the loop: one task runs at a time and switches only at an await. But \
            a read, an await, then a write still races with the other tasks: hold an asyncio.Lock across \
            such an await."
            .into());
    }
    reasons.push(
        "If the waits are in a library with no async version (requests, many database drivers), \
        call it with asyncio.to_thread, or use a ThreadPoolExecutor instead of the loop."
            .into(),
    );
    if computing_fits_the_loop(job) {
        reasons.push(format!(
            "The computing ({}% of each task, {} tasks) runs on the loop's one thread, one piece after another, \
             and together it fits in about one wait: processes would add start-up and copying and win nothing.",
            100 - job.waiting_percent,
            job.tasks,
        ));
        return Advice {
            choice: Choice::EventLoop,
            reasons,
        };
    }
    reasons.push(format!(
        "But {}% of each task computes, and on the loop all of it runs on one thread, one piece after another \
         ({} tasks), while nothing else on the loop runs (see Blocking the loop): send the computing off the loop \
         and await it.",
        100 - job.waiting_percent,
        job.tasks,
    ));
    if job.releases_gil {
        reasons.push("The computing releases the GIL (or runs on a free-threaded build), so asyncio.to_thread runs it \
            in parallel with the loop and the other tasks' computing."
            .into());
        return Advice {
            choice: Choice::EventLoopWithThreads,
            reasons,
        };
    }
    reasons.push(format!(
        "The computing is Python bytecode: in a thread (asyncio.to_thread) it would take turns with the loop for the \
         GIL and slow it down, and gain no parallelism ({}). In a ProcessPoolExecutor, through \
         loop.run_in_executor, it runs beside the loop on another core, and the awaiting task waits like any other.",
        measured("threads under the simulated GIL", evidence.cpu_threads_gil),
    ));
    Advice {
        choice: Choice::EventLoopWithProcesses,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(waiting_percent: u64, tasks: u64, data_kb: u64, shares_state: bool) -> JobShape {
        JobShape {
            waiting_percent,
            tasks,
            data_kb,
            shares_state,
            releases_gil: false,
        }
    }

    fn releasing(job: JobShape) -> JobShape {
        JobShape {
            releases_gil: true,
            ..job
        }
    }

    fn on(cores: usize) -> Evidence {
        Evidence {
            cores,
            ..Default::default()
        }
    }

    fn says(advice: &Advice, words: &str) -> bool {
        advice.reasons.join(" ").contains(words)
    }

    /// CPython: a coroutine suspended at an await holds no thread, so any number of waits overlap
    /// on the loop's one thread; a job that only waits gets the loop, never processes.
    #[test]
    fn waits_overlap_on_one_thread_so_a_job_all_waiting_gets_the_event_loop() {
        for tasks in [2, 10, 10_000] {
            for data_kb in [0, 10, 100_000] {
                for shares in [false, true] {
                    for gil in [false, true] {
                        for cores in [1, 2, 16] {
                            let job = JobShape {
                                releases_gil: gil,
                                ..shape(100, tasks, data_kb, shares)
                            };
                            assert_eq!(
                                recommend(job, on(cores)).choice,
                                Choice::EventLoop,
                                "{job:?} {cores}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// CPython: the loop runs one callback at a time on one thread, so the computing of every task
    /// adds up there (the Blocking page). Half-waiting work, or small computing times many tasks,
    /// has its computing sent off the loop.
    #[test]
    fn the_loop_computes_one_piece_at_a_time_so_computing_that_adds_up_leaves_the_loop() {
        for (waiting, tasks) in [(50, 2), (60, 8), (70, 2), (85, 4), (90, 100), (95, 50)] {
            for cores in [1, 2, 16] {
                let advice = recommend(shape(waiting, tasks, 10, false), on(cores));
                assert_eq!(
                    advice.choice,
                    Choice::EventLoopWithProcesses,
                    "{waiting}% waiting, {tasks} tasks"
                );
                assert!(says(&advice, "Blocking the loop"), "{advice:?}");
            }
        }
        // Small computing that fits in one wait stays on the loop.
        assert_eq!(
            recommend(shape(90, 9, 10, false), on(2)).choice,
            Choice::EventLoop
        );
        assert_eq!(
            recommend(shape(99, 50, 10, false), on(2)).choice,
            Choice::EventLoop
        );
    }

    /// CPython: a thread running Python bytecode takes turns with the loop's thread for the GIL, so
    /// asyncio.to_thread only suits computing that releases the GIL; bytecode goes to processes.
    #[test]
    fn mixed_work_sends_bytecode_to_processes_and_gil_releasing_code_to_threads() {
        let job = shape(60, 8, 10, false);
        let bytecode = recommend(job, on(2));
        assert_eq!(bytecode.choice, Choice::EventLoopWithProcesses);
        assert!(
            says(&bytecode, "run_in_executor")
                && says(&bytecode, "take turns with the loop for the GIL"),
            "{bytecode:?}"
        );
        assert_eq!(
            recommend(releasing(job), on(2)).choice,
            Choice::EventLoopWithThreads
        );
    }

    /// CPython: only the thread holding the GIL runs bytecode, so pure-Python CPU work gains
    /// nothing from threads (about 1.0×); processes each have their own GIL. That holds whatever
    /// the state or data: shared state and big data change how the processes get them.
    #[test]
    fn the_gil_serialises_bytecode_so_pure_python_cpu_work_gets_processes() {
        for waiting in [0, 10, 49] {
            for cores in [2, 4, 64] {
                for data_kb in [0, 100, 10_000] {
                    for shares in [false, true] {
                        let advice = recommend(shape(waiting, 100, data_kb, shares), on(cores));
                        assert_eq!(
                            advice.choice,
                            Choice::ProcessPool,
                            "{waiting} {cores} {data_kb} {shares}"
                        );
                        assert!(
                            says(&advice, "only the thread that holds the GIL runs bytecode"),
                            "{advice:?}"
                        );
                    }
                }
            }
        }
    }

    /// CPython: processes share state through multiprocessing.Value, Array and shared_memory.
    #[test]
    fn pure_python_cpu_work_with_shared_state_gets_processes_with_shared_memory() {
        let advice = recommend(shape(0, 100, 1, true), on(2));
        assert_eq!(advice.choice, Choice::ProcessPool);
        assert!(
            says(&advice, "multiprocessing.Value and Array")
                && says(&advice, "multiprocessing.shared_memory"),
            "{advice:?}"
        );
        assert!(!says(
            &recommend(shape(0, 100, 1, false), on(2)),
            "multiprocessing.Value"
        ));
    }

    /// CPython: arguments and results go to a process pickled; shared_memory avoids the copy.
    #[test]
    fn pure_python_cpu_work_with_heavy_data_gets_processes_that_share_the_data() {
        let advice = recommend(shape(0, 100, HEAVY_DATA_KB, false), on(2));
        assert_eq!(advice.choice, Choice::ProcessPool);
        assert!(
            says(&advice, "pickled") && says(&advice, "shared_memory"),
            "{advice:?}"
        );
        assert!(!says(
            &recommend(shape(0, 100, HEAVY_DATA_KB - 1, false), on(2)),
            "pickled"
        ));
    }

    /// CPython: hashlib (on large buffers), zlib, NumPy and extensions that release the GIL compute
    /// in parallel in threads, as does everything on a free-threaded build.
    #[test]
    fn cpu_work_that_releases_the_gil_gets_threads() {
        for shares in [false, true] {
            for data_kb in [1, 50_000] {
                let advice = recommend(releasing(shape(0, 100, data_kb, shares)), on(2));
                assert_eq!(advice.choice, Choice::ThreadPool);
                assert!(says(&advice, "releases the GIL"), "{advice:?}");
                assert_eq!(says(&advice, "threading.Lock"), shares, "{advice:?}");
            }
        }
    }

    /// Nothing runs in parallel on one core, and one task has nothing to overlap.
    #[test]
    fn one_task_or_one_core_for_computing_gets_sequential_code() {
        assert_eq!(
            recommend(shape(0, 1, 1, false), on(2)).choice,
            Choice::Sequential
        );
        assert_eq!(
            recommend(shape(100, 1, 1, false), on(2)).choice,
            Choice::Sequential
        );
        assert_eq!(
            recommend(shape(0, 100, 1, false), on(1)).choice,
            Choice::Sequential
        );
        assert_eq!(
            recommend(releasing(shape(0, 100, 1, false)), on(1)).choice,
            Choice::Sequential
        );
    }

    #[test]
    fn the_reasons_cite_the_measurements_or_say_they_are_missing() {
        let job = shape(0, 100, 1, false);
        let none = recommend(job, on(2));
        assert!(says(&none, "not measured yet"));
        let figure = |s| Some(Figure::Speedup(s));
        let some = recommend(
            job,
            Evidence {
                cores: 2,
                cpu_threads: figure(1.9),
                cpu_threads_gil: figure(1.0),
                cpu_processes: figure(1.8),
                ..Default::default()
            },
        );
        let text = some.reasons.join(" ");
        assert_eq!(some.choice, Choice::ProcessPool);
        assert!(
            text.contains("1.0×") && text.contains("1.9×") && text.contains("1.8×"),
            "{text}"
        );
        // A figure the matrix judged impossible is named as noise, not cited as a gain.
        let noisy = recommend(
            job,
            Evidence {
                cores: 2,
                cpu_event_loop: Some(Figure::Noise(1.2)),
                ..Default::default()
            },
        );
        let text = noisy.reasons.join(" ");
        assert!(
            text.contains("1.2× in this run")
                && text.contains("noise, not a result")
                && !text.contains("gave 1.2×"),
            "{text}"
        );
    }
}
