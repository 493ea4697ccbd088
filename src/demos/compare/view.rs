//! The page of the compare-and-choose demo: the matrix, then the guide.

use super::advice::{Evidence, Figure, JobShape, recommend};
use super::matrix::{Run, Variant, Work, Workload, reading, run_all, speedups};
use super::{DATA, INFO, PYTHON_SOURCE, RELEASES_GIL, SHARED, TASKS, THOUSANDS, WAIT, WAITING};
use crate::core::report::ReportRow;
use crate::core::stats::{Reading, SPEEDUP_FLOOR};
use crate::engine;
use crate::widgets::share::{self, ShareResult};
use crate::widgets::{
    DemoPage, Disclosure, Knobs, PoolState, Prediction, RunState, Timeline, use_pool,
};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "One CPU-bound job (tasks that compute) and one I/O-bound job (tasks that wait) run under every \
     model, one model at a time: sequential, the event loop, threads, threads under a simulated GIL, \
     processes started for the run, a thread pool and a warm process pool, with one lane per core. \
     Each bar is a measured wall time (after an untimed warm-up of every model); its speedup is over \
     sequential; its timeline is one click away.",
    "The CPU task is count_primes(n): the primes below n by trial division, as in the Python program \
     beside it. That is Python bytecode, so in CPython the threads take turns holding the GIL (every \
     5 ms), as the simulated GIL's threads do here; a task that is one long call into C, such as \
     sum(range(n)), would keep the GIL from start to end.",
    "Below, the guide: describe your job and it recommends one of Python's models, citing what the \
     matrix just measured here.",
];

/// One workload's runs, model by model (a model that could not run here says why).
type Rows = Vec<(Variant, Result<Run, String>)>;

#[derive(Clone, Debug, Default)]
struct Matrix {
    cpu: Rows,
    io: Rows,
    cancelled: bool,
    /// Threads or processes per pool: one per core.
    lanes: usize,
    tasks: usize,
    cores: usize,
    /// Which run of the page this is: a bar belongs to one run (the key of its row).
    run: u32,
}

impl Matrix {
    fn rows(&self, work: Work) -> &Rows {
        if work == Work::Cpu {
            &self.cpu
        } else {
            &self.io
        }
    }

    fn reading(&self, work: Work, model: Variant) -> Option<Reading> {
        Some(reading(
            work,
            model,
            self.speedup(work, model)?,
            self.tasks,
            self.lanes,
            self.cores,
        ))
    }

    /// A speedup more than the model's lanes can give: noise (see `impossible_speedup`).
    fn noisy(&self, work: Work, model: Variant) -> bool {
        self.reading(work, model) == Some(Reading::Noise)
    }

    fn suspect(&self, work: Work, model: Variant) -> bool {
        self.reading(work, model) == Some(Reading::Suspect)
    }

    /// A speedup for the guide, marked as noise when it is.
    fn figure(&self, work: Work, model: Variant) -> Option<Figure> {
        let s = self.speedup(work, model)?;
        Some(if self.noisy(work, model) {
            Figure::Noise(s)
        } else {
            Figure::Speedup(s)
        })
    }

    fn any(&self, reading: Reading) -> bool {
        [Work::Cpu, Work::Io].into_iter().any(|w| {
            self.rows(w)
                .iter()
                .any(|(m, _)| self.reading(w, *m) == Some(reading))
        })
    }

    fn speedup(&self, work: Work, model: Variant) -> Option<f64> {
        let runs: Vec<Run> = self
            .rows(work)
            .iter()
            .filter_map(|r| r.1.clone().ok())
            .collect();
        speedups(&runs)
            .into_iter()
            .find(|s| s.0 == model)
            .map(|s| s.1)
    }

    /// Every measured run, for sharing.
    fn report_rows(&self) -> Vec<ReportRow> {
        [Work::Cpu, Work::Io]
            .into_iter()
            .flat_map(|work| {
                self.rows(work).iter().filter_map(move |(model, r)| {
                    r.as_ref().ok().map(|r| (work, *model, r.wall_ms))
                })
            })
            .map(|(work, model, wall_ms)| ReportRow {
                label: format!("{}, {}", work.title(), model.title()),
                values: vec![
                    ("wall_ms".into(), wall_ms),
                    (
                        "speedup".into(),
                        self.speedup(work, model).unwrap_or(f64::NAN),
                    ),
                    (
                        "noise".into(),
                        if self.noisy(work, model) { 1.0 } else { 0.0 },
                    ),
                    (
                        "suspect".into(),
                        if self.suspect(work, model) { 1.0 } else { 0.0 },
                    ),
                ],
            })
            .collect()
    }

    fn evidence(&self, cores: usize) -> Evidence {
        Evidence {
            cores,
            cpu_event_loop: self.figure(Work::Cpu, Variant::EventLoop),
            cpu_threads: self.figure(Work::Cpu, Variant::ThreadPool),
            cpu_threads_gil: self.figure(Work::Cpu, Variant::GilThreads),
            cpu_processes: self.figure(Work::Cpu, Variant::ProcessPool),
            io_event_loop: self.figure(Work::Io, Variant::EventLoop),
            io_threads: self.figure(Work::Io, Variant::Threads),
        }
    }
}

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(
        INFO.id,
        &[TASKS, THOUSANDS, WAIT, WAITING, DATA, SHARED, RELEASES_GIL],
        &query,
    );
    let pool_state = use_pool();
    // The matrix fills in cell by cell while it runs, so it is a signal of its own; the run's
    // result is only whether it ran to the end.
    let matrix: RwSignal<Option<Matrix>> = RwSignal::new(None);
    let shown = Memo::new(move |_| matrix.with(Option::is_some));
    let state: RunState<bool> = RunState::new(&knobs);
    let cores = engine::hardware_concurrency();
    let on_run = move || {
        let tasks = knobs.get(TASKS).get_untracked() as usize;
        let cpu = Workload {
            work: Work::Cpu,
            tasks,
            n: knobs.get(THOUSANDS).get_untracked() * 1_000,
            wait_ms: 0.0,
        };
        let io = Workload {
            work: Work::Io,
            tasks,
            n: 0,
            wait_ms: knobs.get(WAIT).get_untracked() as f64,
        };
        let threads_ready = matches!(pool_state.get_untracked(), PoolState::Ready(_));
        let lanes = if threads_ready {
            cores.min(engine::max_threads()).max(1)
        } else {
            cores.max(1)
        };
        let signal = state.cancel_signal();
        let run = matrix.with_untracked(|m| m.as_ref().map_or(0, |m| m.run + 1));
        matrix.set(Some(Matrix {
            lanes,
            tasks,
            cores,
            run,
            ..Matrix::default()
        }));
        state.start(async move {
            let on_cell = |(work, model, outcome)| {
                matrix.update(|m| {
                    if let Some(m) = m {
                        if work == Work::Cpu {
                            m.cpu.push((model, outcome))
                        } else {
                            m.io.push((model, outcome))
                        }
                    }
                })
            };
            let finished = run_all(
                cpu,
                io,
                lanes,
                threads_ready,
                |s| state.say(s),
                on_cell,
                signal,
            )
            .await?;
            matrix.update(|m| {
                if let Some(m) = m {
                    m.cancelled = !finished
                }
            });
            Ok(finished)
        });
    };
    let advice = move || {
        let job = JobShape {
            waiting_percent: knobs.get(WAITING).get(),
            tasks: knobs.get(TASKS).get(),
            data_kb: knobs.get(DATA).get(),
            shares_state: knobs.get(SHARED).get() == 1,
            releases_gil: knobs.get(RELEASES_GIL).get() == 1,
        };
        let evidence = matrix.get().map(|m| m.evidence(cores)).unwrap_or(Evidence {
            cores,
            ..Default::default()
        });
        recommend(job, evidence)
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run cancel=true predict=prediction(matrix)>
            // Built once per page, not once per cell: the matrix fills in cell by cell, and
            // rebuilding every bar and timeline at each cell held the main thread ~85 ms a time.
            {move || shown.get().then(|| view! {
                <section class="results" data-testid="results" data-cancelled=move || matrix.with(|m| m.as_ref().is_some_and(|m| m.cancelled).to_string())>
                    {move || matrix.with(|m| m.as_ref().is_some_and(|m| m.cancelled)).then(|| view! {
                        <p class="notice warn">"Cancelled: the models below ran; the rest did not. Run again to measure them all."</p>
                    })}
                    {move || matrix.with(|m| m.as_ref().is_some_and(|m| m.any(Reading::Noise))).then(|| view! {
                        <p class="notice warn" data-testid="noisy">"Noise, not results: the figures marked \u{201c}noise\u{201d} below are \
                            faster than this machine's cores (or one event loop) can make them. Something else slowed the \
                            sequential run they are compared with."</p>
                    })}
                    {move || matrix.with(|m| m.as_ref().is_some_and(|m| m.any(Reading::Suspect))).then(|| view! {
                        <p class="notice warn" data-testid="suspect">{format!("Suspect: the figures marked \u{201c}suspect\u{201d} \
                            below are more than a tenth slower than one task after another (under {SPEEDUP_FLOOR}\u{d7}), where a \
                            model that computes the same work should not be. Its start-up or switching cost took the time, \
                            or something else running on this machine did: a second run tells which.")}</p>
                    })}
                    {move || (!state.running.get() && matrix.with(|m| m.as_ref().is_some_and(|m| m.any(Reading::Noise) || m.any(Reading::Suspect)))).then(|| view! {
                        <p><button class="run secondary" type="button" data-testid="rerun" on:click=move |_| on_run()>"Run the matrix again"</button></p>
                    })}
                    <WorkloadBars matrix work=Work::Cpu/>
                    <WorkloadBars matrix work=Work::Io/>
                    {move || matrix.with(|m| m.as_ref().map(summary_table))}
                    {move || (!state.running.get()).then(|| matrix.with(|m| m.as_ref().map(|m| {
                        view! { <ShareResult report=share::report(INFO.title, m.report_rows()) file_name="compare-result.json"/> }
                    })))}
                </section>
            })}
            <section class="guide" data-testid="guide">
                <h2>"When to use what"</h2>
                {move || {
                    let a = advice();
                    view! {
                        <p class="verdict" data-choice=format!("{:?}", a.choice)>{format!("For your job: {}.", a.choice.title())}</p>
                        <ul>{a.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                    }
                }}
                <p class="notice">"Describe your job with the last four controls above (they need no run); run the matrix to put this browser's numbers into the reasons."</p>
                {plain_table()}
            </section>
        </DemoPage>
    }
}

/// One workload's bars, a row per model as its cell arrives: a row is built once (its figures
/// are final when it arrives: sequential, the baseline, comes first); only the bars' widths
/// follow the longest run so far.
#[component]
fn WorkloadBars(matrix: RwSignal<Option<Matrix>>, work: Work) -> impl IntoView {
    let keys = move || {
        matrix.with(|m| {
            m.as_ref()
                .map(|m| {
                    m.rows(work)
                        .iter()
                        .map(|(model, _)| (m.run, *model))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let longest = Memo::new(move |_| {
        matrix
            .with(|m| {
                m.as_ref().map_or(0.0, |m| {
                    m.rows(work)
                        .iter()
                        .filter_map(|r| r.1.as_ref().ok())
                        .map(|r| r.wall_ms)
                        .fold(0.0, f64::max)
                })
            })
            .max(1e-3)
    });
    let differ = move || {
        matrix.with(|m| {
            m.as_ref().is_some_and(|m| {
                let totals: std::collections::BTreeSet<u64> = m
                    .rows(work)
                    .iter()
                    .filter_map(|r| r.1.as_ref().ok())
                    .map(|r| r.total)
                    .collect();
                totals.len() > 1
            })
        })
    };
    let bar = move |(_, model): (u32, Variant)| {
        matrix.with_untracked(|m| m.as_ref().map(|m| bar_row(m, work, model, longest)))
    };
    view! {
        <h2>{format!("{} job", work.title())}</h2>
        <ul class="bars" data-work=format!("{work:?}")>
            <For each=keys key=|k| *k children=bar/>
        </ul>
        {move || (work == Work::Cpu && differ()).then(|| view! { <p class="notice warn">"The models' answers DIFFER: a bug."</p> })}
    }
}

/// One model's bar: its wall time, speedup and whether that is noise; its timeline one click away
/// (built when opened).
fn bar_row(m: &Matrix, work: Work, model: Variant, longest: Memo<f64>) -> impl IntoView + use<> {
    let outcome = m
        .rows(work)
        .iter()
        .find(|r| r.0 == model)
        .map(|r| r.1.clone());
    match outcome {
        Some(Ok(r)) => {
            let speedup = m.speedup(work, model);
            let (noisy, suspect) = (m.noisy(work, model), m.suspect(work, model));
            let wall_ms = r.wall_ms;
            // Set through the CSSOM: the content security policy refuses style attributes.
            let width = move || format!("{:.1}%", wall_ms / longest.get() * 100.0);
            let label = format!("{:.0} ms{}{}", r.wall_ms, speedup.map(|s| format!(" · {s:.2}×")).unwrap_or_default(),
                if noisy { " · noise" } else if suspect { " · suspect" } else { "" });
            let drawn = StoredValue::new((r.trace, model.how(m.lanes)));
            view! {
                <li class="bar-row" class:noisy=noisy||suspect data-model=format!("{model:?}") data-wall-ms=r.wall_ms
                    data-speedup=speedup.unwrap_or(0.0) data-noisy=noisy.to_string() data-suspect=suspect.to_string()>
                    <span class="bar-name">{model.title()}</span>
                    <span class="bar-track"><span class="bar" style:width=width></span></span>
                    <span class="bar-value">{label}</span>
                    <Disclosure summary="timeline">
                        {move || drawn.with_value(|(trace, caption)| view! { <Timeline trace=trace.clone() caption=caption.clone()/> })}
                    </Disclosure>
                </li>
            }
            .into_any()
        }
        Some(Err(why)) => view! {
            <li class="bar-row" data-model=format!("{model:?}")>
                <span class="bar-name">{model.title()}</span><span class="bar-value text">{why}</span>
            </li>
        }
        .into_any(),
        None => ().into_any(),
    }
}

/// Both workloads side by side: wall time and speedup per model.
fn summary_table(m: &Matrix) -> impl IntoView + use<> {
    let cell = |work: Work, model: Variant| {
        let wall = m
            .rows(work)
            .iter()
            .find(|r| r.0 == model)
            .and_then(|r| r.1.as_ref().ok())
            .map(|r| r.wall_ms);
        match (wall, m.speedup(work, model)) {
            (Some(w), Some(s)) if m.noisy(work, model) => {
                (format!("{w:.0} ms"), format!("{s:.2}× (noise)"))
            }
            (Some(w), Some(s)) if m.suspect(work, model) => {
                (format!("{w:.0} ms"), format!("{s:.2}× (suspect)"))
            }
            (Some(w), Some(s)) => (format!("{w:.0} ms"), format!("{s:.2}×")),
            (Some(w), None) => (format!("{w:.0} ms"), "—".into()),
            _ => ("—".into(), "—".into()),
        }
    };
    let rows = Variant::ALL
        .into_iter()
        .map(|model| {
            let ((cw, cs), (iw, is)) = (cell(Work::Cpu, model), cell(Work::Io, model));
            view! { <tr data-model=format!("{model:?}")><td>{model.title()}</td><td>{cw}</td><td>{cs}</td><td>{iw}</td><td>{is}</td></tr> }
        })
        .collect_view();
    view! {
        <div class="scroll" tabindex="0" role="region" aria-label="a wide table: scroll sideways">
            <table class="numbers" data-testid="matrix-table">
                <thead><tr><th>"model"</th><th>"CPU-bound"</th><th>"speedup"</th><th>"I/O-bound"</th><th>"speedup"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The plain-language comparison: what differs between the models, whatever the numbers.
fn plain_table() -> impl IntoView {
    const ROWS: &[(&str, &str, &str, &str)] = &[
        (
            "what runs at once",
            "one task at a time, switching at awaits",
            "several, in parallel on several cores (in CPython only one runs Python bytecode at a time: the GIL; code that releases it, and a free-threaded build, run in parallel)",
            "several, in parallel",
        ),
        (
            "memory",
            "one, shared: a task switches only at an await, so a read, an await, then a write still races with the other tasks (asyncio.Lock exists for that)",
            "one, shared: needs locks",
            "one each: nothing shared unless asked for (multiprocessing.Value, Array, shared_memory)",
        ),
        (
            "communication",
            "plain variables",
            "shared variables, queues",
            "messages: every byte copied (or transferred)",
        ),
        (
            "good for",
            "many waits (network, timers)",
            "waits, and computing that releases the GIL",
            "computing in pure Python",
        ),
        (
            "a crash (Python)",
            "an exception ends that task; the others run on (gather raises it, a TaskGroup cancels the rest)",
            "an exception ends that thread (threading.excepthook reports it); `with lock:` releases its lock; the rest run on. A crash (a segfault, os._exit) ends the whole process",
            "an exception in a task is sent back (result() raises it). A worker that dies (os._exit, a segfault) breaks a ProcessPoolExecutor: its other workers are terminated, every pending future raises BrokenProcessPool and so does the next submit (a new pool is needed); multiprocessing.Pool replaces the worker, but the lost task's result never arrives (map waits forever without a timeout)",
        ),
        (
            "a crash (Rust in this browser)",
            "a panic aborts the page's wasm instance: the page must reload",
            "a panic aborts that worker: its held locks stay held forever (see Crash isolation)",
            "only that process's instance ends; this playground's pool replaces it and runs the lost task again (CPython's pools do not: see the row above)",
        ),
    ];
    use crate::core::reference::{figure, get, process_start_join, source};
    // CPython's own costs, from the reference data (its source is named under the table).
    let cpython_rows = [
        (
            "start-up in CPython".to_string(),
            "a task: an object on the loop's queue".to_string(),
            format!(
                "a thread: {:.2} ms to start and join",
                figure("thread_start_join_ms")
            ),
            format!(
                "a process, to start and join, by start method: {}",
                process_start_join()
            ),
        ),
        (
            "memory each in CPython".to_string(),
            format!("a coroutine: {:.1} KB", figure("kb_per_coroutine")),
            format!("a thread: {:.0} KB", figure("kb_per_thread")),
            format!(
                "a process: {:.0} MB resident (started by {}: pages shared with the parent included)",
                figure("kb_per_process") / 1024.0,
                get("kb_per_process_start_method").unwrap_or("?")
            ),
        ),
    ];
    view! {
        <div class="scroll" tabindex="0" role="region" aria-label="a wide table: scroll sideways">
            <table class="numbers plain">
                <thead><tr><th class="text"></th><th class="text">"event loop (asyncio)"</th><th class="text">"threads"</th><th class="text">"processes"</th></tr></thead>
                <tbody>{ROWS.iter().map(|(what, a, t, p)| view! {
                    <tr><th class="text">{*what}</th><td class="text">{*a}</td><td class="text">{*t}</td><td class="text">{*p}</td></tr>
                }).collect_view()}
                {cpython_rows.into_iter().map(|(what, a, t, p)| view! {
                    <tr data-testid="cpython-reference"><th class="text">{what}</th><td class="text">{a}</td><td class="text">{t}</td><td class="text">{p}</td></tr>
                }).collect_view()}</tbody>
            </table>
            <p class="caption">{format!("CPython rows: {}.", source())}</p>
        </div>
    }
}

/// The guess this page asks for: the matrix's CPU-bound process pool against sequential. The
/// matrix fills in as it runs, so the answer is read from it once the run has ended.
fn prediction(matrix: RwSignal<Option<Matrix>>) -> Prediction<bool> {
    Prediction::new(
        |k| {
            format!(
                "{} CPU tasks of count_primes({}): how many times faster will the process pool be than one after another?",
                k.get(TASKS).get(),
                k.get(THOUSANDS).get() * 1_000
            )
        },
        "×",
        move |_: &bool| matrix.with(|m| m.as_ref()?.speedup(Work::Cpu, Variant::ProcessPool)),
    )
}
