//! The matrix: one job, CPU-bound or I/O-bound, run under every model, each measured the same
//! way (wall time from start to the last answer, and a span per piece of work).
//!
//! A CPU task is count_primes(n) (the primes below n, by trial division: `core::workload`); an
//! I/O task is a wait of `wait_ms`: awaited on the event loop, a blocking sleep on a thread or in
//! a process.

use crate::core::process::{Reply, Request};
use crate::core::stats::{Reading, impossible_speedup, read_cpu_speedup};
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::core::workload::{count_primes_below, count_primes_in};
use crate::engine::{self, Process};
use crate::models::cooperative;
use crate::models::gil::{Gil, hold_in_slices};
use crate::models::process_pool::{Job, Pool};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    Sequential,
    EventLoop,
    Threads,
    GilThreads,
    Processes,
    ThreadPool,
    ProcessPool,
}

impl Variant {
    pub const ALL: [Variant; 7] = [
        Variant::Sequential,
        Variant::EventLoop,
        Variant::Threads,
        Variant::GilThreads,
        Variant::Processes,
        Variant::ThreadPool,
        Variant::ProcessPool,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Variant::Sequential => "sequential",
            Variant::EventLoop => "event loop",
            Variant::Threads => "threads",
            Variant::GilThreads => "threads under a GIL (simulated)",
            Variant::Processes => "processes",
            Variant::ThreadPool => "thread pool",
            Variant::ProcessPool => "process pool",
        }
    }

    /// How the model spreads the work, for the table.
    pub fn how(self, lanes: usize) -> String {
        match self {
            Variant::Sequential => "one thread, one task after another".into(),
            Variant::EventLoop => format!(
                "one thread, tasks interleaved, each yielding every {:.0} ms or less",
                cooperative::MAX_SLICE_MS
            ),
            Variant::Threads => format!(
                "a thread per task, started and joined (at most {} here)",
                engine::max_threads()
            ),
            Variant::GilThreads => format!(
                "a thread per task, one lock to compute (at most {} here)",
                engine::max_threads()
            ),
            Variant::Processes => {
                format!("{lanes} processes started for the run (start-up counted)")
            }
            Variant::ThreadPool => format!("{lanes} pool threads taking tasks"),
            Variant::ProcessPool => format!("{lanes} processes already running, tasks in chunks"),
        }
    }

    /// How many lanes can make progress at the same instant on `work`: a speedup over
    /// sequential above this (`core::stats::impossible_speedup`) is noise, not a result.
    /// Computing needs a core per lane, and the event loop or a GIL lets one compute at a time;
    /// waiting needs no core, so up to one lane per task can wait at once.
    pub fn parallel_lanes(self, work: Work, tasks: usize, lanes: usize, cores: usize) -> usize {
        let threads = tasks.min(engine::max_threads()).max(1);
        let n = match (work, self) {
            (_, Variant::Sequential) => 1,
            (Work::Cpu, Variant::EventLoop | Variant::GilThreads) => 1,
            (Work::Cpu, Variant::Threads) => threads.min(cores),
            (Work::Cpu, _) => lanes.min(cores),
            (Work::Io, Variant::EventLoop) => tasks,
            (Work::Io, Variant::Threads | Variant::GilThreads) => threads,
            (Work::Io, _) => lanes.min(tasks),
        };
        n.max(1)
    }

    /// Needs the shared-memory worker pool.
    pub fn needs_threads(self) -> bool {
        !matches!(
            self,
            Variant::EventLoop | Variant::Processes | Variant::ProcessPool
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Work {
    Cpu,
    Io,
}

impl Work {
    pub fn title(self) -> &'static str {
        match self {
            Work::Cpu => "CPU-bound",
            Work::Io => "I/O-bound",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Workload {
    pub work: Work,
    pub tasks: usize,
    /// count_primes(n) per CPU task.
    pub n: u64,
    /// The wait per I/O task.
    pub wait_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub model: Variant,
    pub wall_ms: f64,
    /// The sum of every CPU task's answer (equal across models, or something is wrong).
    pub total: u64,
    pub trace: Trace,
}

/// Numbers a CPU task tests between two looks at the clock (on the loop, under the GIL): ~0.1 ms
/// of trial division near a million, well under a slice.
const BLOCK: u64 = 1_000;

/// The primes below `n` for task `task` of `tasks`, in slices with a yield between them
/// (`cooperative`): CPU work that shares the event loop instead of freezing it (its answer
/// equals `count_primes_below(n)`). A span per slice: the timeline shows the tasks taking turns.
async fn count_primes_cooperatively(
    task: usize,
    tasks: usize,
    n: u64,
    label: String,
) -> (u64, Vec<Span>) {
    let mut total = 0u64;
    let slices = cooperative::in_slices(n.div_ceil(BLOCK), cooperative::slice_ms(tasks), |b| {
        total += count_primes_in(b * BLOCK, ((b + 1) * BLOCK).min(n));
    })
    .await;
    let spans = slices
        .into_iter()
        .map(|(start, end)| Span {
            task,
            lane: Lane::EventLoop,
            label: label.clone(),
            kind: SpanKind::Run,
            start,
            end,
        })
        .collect();
    (total, spans)
}

fn task_label(w: &Workload, i: usize) -> String {
    match w.work {
        Work::Cpu => format!("task {i}: count_primes({})", w.n),
        Work::Io => format!("task {i}: wait {:.0} ms", w.wait_ms),
    }
}

/// One task on the calling thread (blocking for I/O); under `gil` it computes only while
/// holding it, and lets it go every `SWITCH_MS` when another thread asks, and while it waits.
fn task_on_thread(w: &Workload, i: usize, thread: usize, gil: Option<&Gil>) -> (u64, Vec<Span>) {
    let lane = engine::lane(thread);
    let mut spans = Vec::new();
    match (w.work, gil) {
        (Work::Io, _) => {
            let start = engine::now_ms();
            engine::block_for(w.wait_ms);
            spans.push(Span::since(
                i,
                lane,
                task_label(w, i),
                SpanKind::Wait,
                start,
            ));
            (0, spans)
        }
        (Work::Cpu, None) => {
            let start = engine::now_ms();
            let answer = count_primes_below(w.n);
            spans.push(Span::since(i, lane, task_label(w, i), SpanKind::Run, start));
            (answer, spans)
        }
        (Work::Cpu, Some(gil)) => {
            let (mut total, mut k) = (0u64, 0u64);
            let step = || {
                let end = (k + BLOCK).min(w.n);
                total += count_primes_in(k, end);
                k = end;
                k < w.n
            };
            hold_in_slices(Some(gil), thread, step, |kind, start| {
                let label = if kind == SpanKind::Run {
                    task_label(w, i)
                } else {
                    "waits for the GIL".into()
                };
                spans.push(Span::since(i, lane, label, kind, start));
            });
            (total, spans)
        }
    }
}

/// `threads` threads taking the tasks in turn from a shared counter.
async fn on_threads(w: Workload, threads: usize, gil: bool) -> Result<(u64, Vec<Span>), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let gil = gil.then(|| Arc::new(Gil::default()));
    let per_thread = engine::on_threads(threads, move |t| {
        let (mut total, mut spans) = (0u64, Vec::new());
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= w.tasks {
                return (total, spans);
            }
            let (answer, mut s) = task_on_thread(&w, i, t, gil.as_deref());
            total = total.wrapping_add(answer);
            spans.append(&mut s);
        }
    })
    .await
    .map_err(|e| e.to_string())?;
    Ok(per_thread
        .into_iter()
        .fold((0, Vec::new()), |(t, mut all), (answer, mut s)| {
            all.append(&mut s);
            (t.wrapping_add(answer), all)
        }))
}

fn request(w: &Workload) -> Request {
    match w.work {
        Work::Cpu => Request::CountPrimes(vec![w.n]),
        Work::Io => Request::Sleep(w.wait_ms.round() as u64),
    }
}

/// `lanes` processes started now, task i on process i mod lanes, then terminated.
async fn on_new_processes(w: Workload, lanes: usize) -> Result<(u64, Vec<Span>), String> {
    let lanes = lanes.min(w.tasks).max(1);
    let drivers = (0..lanes).map(|p| async move {
        let start = engine::now_ms();
        let process = Process::spawn().await.map_err(|e| e.to_string())?;
        let mut spans = vec![Span::since(
            p,
            Lane::Process(p),
            format!("process {p}: starts"),
            SpanKind::Wait,
            start,
        )];
        let mut total = 0u64;
        for i in (p..w.tasks).step_by(lanes) {
            let start = engine::now_ms();
            let reply = process
                .call(&request(&w).encode(), false)
                .await
                .map_err(|e| e.to_string())?;
            let answer = match Reply::decode(&reply) {
                Ok(Reply::Values(answers)) if answers.len() == 1 => answers[0],
                Ok(Reply::Value(slept)) if w.work == Work::Io => slept,
                _ => return Err("an unexpected reply".to_string()),
            };
            total = total.wrapping_add(if w.work == Work::Cpu { answer } else { 0 });
            let kind = if w.work == Work::Cpu {
                SpanKind::Run
            } else {
                SpanKind::Wait
            };
            spans.push(Span::since(
                i,
                Lane::Process(p),
                task_label(&w, i),
                kind,
                start,
            ));
        }
        process.terminate();
        Ok::<_, String>((total, spans))
    });
    let all = futures::future::try_join_all(drivers).await?;
    Ok(all
        .into_iter()
        .fold((0, Vec::new()), |(t, mut spans), (answer, mut s)| {
            spans.append(&mut s);
            (t.wrapping_add(answer), spans)
        }))
}

// region:matrix
/// Runs `w` under `model`. `lanes` is how many threads or processes the pools use (one per
/// core); `pool` is a process pool of that size, already started.
pub async fn run(
    model: Variant,
    w: Workload,
    lanes: usize,
    pool: &mut Pool,
) -> Result<Run, String> {
    let t0 = engine::now_ms();
    let (total, spans) = match model {
        Variant::Sequential => on_threads(w, 1, false).await?,
        Variant::EventLoop => {
            let tasks = (0..w.tasks).map(|i| async move {
                match w.work {
                    Work::Cpu => {
                        count_primes_cooperatively(i, w.tasks, w.n, task_label(&w, i)).await
                    }
                    Work::Io => {
                        let start = engine::now_ms();
                        engine::sleep_ms(w.wait_ms).await;
                        (
                            0,
                            vec![Span::since(
                                i,
                                Lane::EventLoop,
                                task_label(&w, i),
                                SpanKind::Wait,
                                start,
                            )],
                        )
                    }
                }
            });
            let done = futures::future::join_all(tasks).await;
            let total = done.iter().fold(0u64, |t, d| t.wrapping_add(d.0));
            (total, done.into_iter().flat_map(|d| d.1).collect())
        }
        Variant::Threads => on_threads(w, w.tasks.min(engine::max_threads()).max(1), false).await?,
        Variant::GilThreads => {
            on_threads(w, w.tasks.min(engine::max_threads()).max(1), true).await?
        }
        Variant::ThreadPool => on_threads(w, lanes, false).await?,
        Variant::Processes => on_new_processes(w, lanes).await?,
        Variant::ProcessPool => {
            let jobs = vec![
                if w.work == Work::Cpu {
                    Job::Primes(w.n)
                } else {
                    Job::Wait(w.wait_ms.round() as u64)
                };
                w.tasks
            ];
            let chunk = crate::models::process_pool::good_chunk(w.tasks, pool.size());
            let out = pool.map(&jobs, chunk).await.map_err(|e| e.to_string())?;
            (
                out.results.into_iter().fold(0u64, u64::wrapping_add),
                out.spans,
            )
        }
    };
    Ok(Run {
        model,
        wall_ms: engine::now_ms() - t0,
        total,
        trace: Trace::new(spans),
    })
}
// endregion:matrix

/// One cell of the matrix as it is measured: which job, which model, and its run (or why it
/// could not run here).
pub type Cell = (Work, Variant, Result<Run, String>);

/// The one protocol of the matrix, for the compare page and the benchmark alike, so their
/// figures compare like with like: a process pool of `lanes` started once; an untimed warm-up
/// of every model on a small job (no model pays for code being compiled or workers waking up on
/// the others' behalf); then every model on `cpu`, then on `io`, one at a time. Each cell goes
/// to `on_cell` as soon as it is measured; `say` is told what runs now; a model that needs
/// threads where there are none (`threads_ready` false) is a cell with the reason. Resolves to
/// false if `cancel` fired before the end (the cells so far were delivered).
pub async fn run_all(
    cpu: Workload,
    io: Workload,
    lanes: usize,
    threads_ready: bool,
    say: impl Fn(String),
    mut on_cell: impl FnMut(Cell),
    cancel: crate::core::sync::CancelSignal,
) -> Result<bool, String> {
    use futures::future::{Either, select};
    say(format!("starting a pool of {lanes} processes"));
    let mut pool = Pool::start(lanes)
        .await
        .map_err(|e| format!("the process pool could not start: {e}"))?;
    say("warming up (not measured)".into());
    for model in Variant::ALL
        .into_iter()
        .filter(|m| threads_ready || !m.needs_threads())
    {
        for w in [
            Workload {
                tasks: lanes,
                n: 20_000,
                ..cpu
            },
            Workload {
                tasks: lanes,
                wait_ms: 1.0,
                ..io
            },
        ] {
            let _ = run(model, w, lanes, &mut pool).await;
        }
    }
    let plan: Vec<(Workload, Variant)> = [cpu, io]
        .into_iter()
        .flat_map(|w| Variant::ALL.map(|m| (w, m)))
        .collect();
    let mut finished = true;
    for (i, (w, model)) in plan.iter().copied().enumerate() {
        say(format!(
            "{} of {}: {} job, {}",
            i + 1,
            plan.len(),
            w.work.title(),
            model.title()
        ));
        // The last cell's bar and this line are drawn before the model's run, not during it.
        engine::after_paint().await;
        let outcome = if model.needs_threads() && !threads_ready {
            Err(
                "needs worker threads, which this page does not have (see the status line)"
                    .to_string(),
            )
        } else {
            match select(
                std::pin::pin!(run(model, w, lanes, &mut pool)),
                cancel.clone(),
            )
            .await
            {
                Either::Left((outcome, _)) => outcome,
                Either::Right(_) => {
                    finished = false;
                    break;
                }
            }
        };
        on_cell((w.work, model, outcome));
    }
    pool.terminate();
    Ok(finished)
}

/// The speedup of each run over the sequential one (None without a sequential run).
pub fn speedups(runs: &[Run]) -> Vec<(Variant, f64)> {
    let Some(base) = runs.iter().find(|r| r.model == Variant::Sequential) else {
        return Vec::new();
    };
    runs.iter()
        .map(|r| {
            (
                r.model,
                crate::core::stats::speedup(base.wall_ms, r.wall_ms),
            )
        })
        .collect()
}

/// How to read `model`'s speedup over sequential on `work`, with `tasks` tasks, `lanes` per pool
/// and `cores`: a result, noise (more than its lanes can give), or suspect (a CPU-bound model
/// more than a tenth slower than sequential). Waiting has no floor: a model with fewer lanes
/// than tasks waits longer, and that is its result. The compare page and the benchmark both
/// judge by this.
pub fn reading(
    work: Work,
    model: Variant,
    speedup: f64,
    tasks: usize,
    lanes: usize,
    cores: usize,
) -> Reading {
    let lanes = model.parallel_lanes(work, tasks, lanes, cores);
    match work {
        _ if model == Variant::Sequential => Reading::Result,
        Work::Cpu => read_cpu_speedup(speedup, lanes),
        Work::Io if impossible_speedup(speedup, lanes) => Reading::Noise,
        Work::Io => Reading::Result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_cpu_model_is_suspect_a_slow_waiting_one_is_a_result() {
        let read = |work, model, s| reading(work, model, s, 8, 2, 2);
        assert_eq!(
            read(Work::Cpu, Variant::GilThreads, 0.76),
            Reading::Suspect,
            "the browser's GIL cell of 12-02"
        );
        assert_eq!(read(Work::Cpu, Variant::GilThreads, 0.95), Reading::Result);
        assert_eq!(read(Work::Cpu, Variant::ProcessPool, 2.25), Reading::Noise);
        assert_eq!(read(Work::Cpu, Variant::Sequential, 1.0), Reading::Result);
        assert_eq!(
            read(Work::Io, Variant::Processes, 0.5),
            Reading::Result,
            "2 lanes for 8 waits: slower, truly"
        );
        assert_eq!(read(Work::Io, Variant::ProcessPool, 2.5), Reading::Noise);
    }

    #[test]
    fn computing_cannot_beat_the_cores_and_waiting_can() {
        // The run that prompted this: a process pool "2.25x" and an event loop "1.15x" on 2 cores.
        let cpu = |v: Variant| v.parallel_lanes(Work::Cpu, 8, 2, 2);
        assert!(impossible_speedup(2.25, cpu(Variant::ProcessPool)));
        assert!(impossible_speedup(1.15, cpu(Variant::EventLoop)));
        assert!(impossible_speedup(1.15, cpu(Variant::GilThreads)));
        assert!(!impossible_speedup(1.9, cpu(Variant::ThreadPool)));
        assert_eq!(
            cpu(Variant::Threads),
            2,
            "eight threads still share two cores"
        );
        // Eight overlapping waits give up to 8x on any number of cores.
        assert!(!impossible_speedup(
            7.97,
            Variant::EventLoop.parallel_lanes(Work::Io, 8, 2, 2)
        ));
        assert!(impossible_speedup(
            2.5,
            Variant::ProcessPool.parallel_lanes(Work::Io, 8, 2, 2)
        ));
    }
    use futures::executor::block_on;

    fn all_models(w: Workload, lanes: usize) -> Vec<Run> {
        let mut pool = block_on(Pool::start(lanes)).unwrap();
        let runs = Variant::ALL
            .iter()
            .map(|m| block_on(run(*m, w, lanes, &mut pool)).unwrap())
            .collect();
        pool.terminate();
        runs
    }

    #[test]
    fn every_model_computes_the_same_answer() {
        let _cpu = crate::testing::exclusive_cpu();
        let w = Workload {
            work: Work::Cpu,
            tasks: 5,
            n: 100_000,
            wait_ms: 0.0,
        };
        let runs = all_models(w, 2);
        let expected = 5 * crate::core::workload::count_primes_sieve(100_000);
        for r in &runs {
            assert_eq!(r.total, expected, "{:?}", r.model);
            assert!(!r.trace.spans.is_empty(), "{:?} recorded its work", r.model);
        }
    }

    #[test]
    fn on_waiting_work_overlapping_models_beat_sequential_and_one_loop_never_runs_two_at_once() {
        let _cpu = crate::testing::exclusive_cpu(); // it computes on the loop too
        let w = Workload {
            work: Work::Io,
            tasks: 4,
            n: 0,
            wait_ms: 80.0,
        };
        let runs = all_models(w, 2);
        let by = |m: Variant| runs.iter().find(|r| r.model == m).unwrap();
        let sequential = by(Variant::Sequential).wall_ms;
        assert!(sequential >= 4.0 * 80.0, "one after another: {sequential}");
        for m in [Variant::EventLoop, Variant::Threads, Variant::GilThreads] {
            assert!(
                by(m).wall_ms < sequential * 0.6,
                "{m:?} overlaps the waits: {} vs {sequential}",
                by(m).wall_ms
            );
        }
        assert!(
            by(Variant::EventLoop)
                .trace
                .spans
                .iter()
                .all(|s| s.lane == Lane::EventLoop)
        );
        let w = Workload {
            work: Work::Cpu,
            tasks: 3,
            n: 300_000,
            wait_ms: 0.0,
        };
        let mut pool = block_on(Pool::start(1)).unwrap();
        let on_loop = block_on(run(Variant::EventLoop, w, 1, &mut pool)).unwrap();
        let computing = Trace::new(
            on_loop
                .trace
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Run)
                .cloned()
                .collect(),
        );
        assert_eq!(
            computing.max_concurrency(),
            1,
            "on one loop, one slice at a time"
        );
        pool.terminate();
        assert!(by(Variant::Sequential).trace.max_concurrency() == 1);
    }

    #[test]
    fn under_the_gil_only_one_thread_computes_at_a_time() {
        let _cpu = crate::testing::exclusive_cpu();
        let w = Workload {
            work: Work::Cpu,
            tasks: 3,
            n: 300_000,
            wait_ms: 0.0,
        };
        let mut pool = block_on(Pool::start(1)).unwrap();
        let gil = block_on(run(Variant::GilThreads, w, 2, &mut pool)).unwrap();
        let computing = Trace::new(
            gil.trace
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Run)
                .cloned()
                .collect(),
        );
        assert_eq!(
            computing.max_concurrency(),
            1,
            "one holder of the GIL at a time"
        );
        assert!(
            gil.trace.spans.iter().any(|s| s.kind == SpanKind::Blocked),
            "the others waited for it"
        );
        pool.terminate();
    }

    #[test]
    fn speedups_are_over_the_sequential_run() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let run = |model, wall_ms| Run {
            model,
            wall_ms,
            total: 0,
            trace: Trace::new(vec![]),
        };
        let s = speedups(&[run(Variant::Sequential, 100.0), run(Variant::Threads, 50.0)]);
        assert_eq!(s, vec![(Variant::Sequential, 1.0), (Variant::Threads, 2.0)]);
        assert!(speedups(&[run(Variant::Threads, 50.0)]).is_empty());
    }
}
