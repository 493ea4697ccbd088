//! The page of the memory-cost demo.

use super::{COROUTINES, INFO, Measured, PROCESSES, PYTHON_SOURCE, run};
use crate::core::reference::{figure, get, source};
use crate::widgets::{DemoPage, Knobs, PoolState, Prediction, RunState, use_pool};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Coroutines: the page gathers many coroutines that all wait on one event, reads how much heap \
     the program holds while they wait (every allocation passes a counting allocator), then sets \
     the event. A suspended coroutine is its state machine plus the task around it: a small object.",
    "Threads: each worker thread of the page's pool needs a stack and thread-local storage, \
     reserved whole out of the one memory the threads share when the pool started with the page \
     (its figure is read from then: a browser cannot add threads later). CPython's thread figure \
     is what is resident: its 8 MB stacks are reserved too, but mostly never touched. Processes: each is a Web Worker with a \
     wasm instance of its own, so a whole memory of its own, however little it does.",
    "Not counted: what the browser itself keeps for each Worker (a JavaScript realm, its code \
     compiled again). CPython's figures come from the reference data, measured by its own script; \
     its process figure is resident memory, pages shared with the parent included.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[COROUTINES, PROCESSES], &query);
    let state = RunState::new(&knobs);
    // Measured while the pool starts, the coroutines' heap would hold the pool's stacks too:
    // Run waits until the pool has started, or is known not to.
    let pool = use_pool();
    let enabled = Signal::derive(move || !matches!(pool.get(), PoolState::Starting));
    let on_run = move || {
        let coroutines = knobs.get(COROUTINES).get_untracked() as usize;
        let processes = knobs.get(PROCESSES).get_untracked() as usize;
        state.start(async move {
            state.say(format!(
                "{coroutines} coroutines waiting, then {processes} processes"
            ));
            run(coroutines, processes).await
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run enabled predict=prediction()>
            <p class="notice" data-testid="cpython-reference">{cpython_note()}</p>
            {move || state.result.get().map(|m| results(m, pool.get_untracked()))}
        </DemoPage>
    }
}

/// A size in bytes, in the unit a person reads at a glance.
fn size(bytes: f64) -> String {
    match bytes {
        b if b < 1024.0 => format!("{b:.0} B"),
        b if b < 1024.0 * 1024.0 => format!("{:.1} KB", b / 1024.0),
        b => format!("{:.1} MB", b / (1024.0 * 1024.0)),
    }
}

fn cpython_note() -> String {
    format!(
        "CPython, each: a coroutine {}, a thread {} resident, a process {} resident (started by {}) ({}).",
        size(1024.0 * figure("kb_per_coroutine")),
        size(1024.0 * figure("kb_per_thread")),
        size(1024.0 * figure("kb_per_process")),
        get("kb_per_process_start_method").unwrap_or("?"),
        source()
    )
}

/// One row: what, how many, the bytes they hold together, each, and CPython's figure each.
fn row(
    key: &'static str,
    what: String,
    count: usize,
    total: f64,
    cpython_kb: f64,
) -> impl IntoView {
    let each = total / count.max(1) as f64;
    view! {
        <tr data-what=key data-count=count data-bytes=total data-each=each>
            <td>{what}</td><td>{count}</td><td>{size(total)}</td><td>{size(each)}</td><td>{size(1024.0 * cpython_kb)}</td>
        </tr>
    }
}

fn results(m: Measured, pool: PoolState) -> impl IntoView {
    let processes_total: usize = m.processes.iter().map(|p| p.memory_bytes).sum();
    let process_each = processes_total as f64 / m.processes.len().max(1) as f64;
    let thread_row = match (m.threads, pool) {
        (Some(t), _) => row("threads", "worker threads and their starter (stacks reserved)".into(), t.threads, t.heap_bytes as f64, figure("kb_per_thread")).into_any(),
        (None, PoolState::Unavailable(why)) => view! { <tr data-what="threads"><td colspan="5">{format!("worker threads: none on this page ({why})")}</td></tr> }.into_any(),
        (None, _) => view! { <tr data-what="threads"><td colspan="5">"worker threads: none measured on this page"</td></tr> }.into_any(),
    };
    let verdict = format!(
        "A suspended coroutine held {} here; {}a process {} of its own (the page's own memory is {}). Thousands of waits fit in one process; each thread or process is a real cost.",
        size(m.coroutines.bytes_each()),
        m.threads
            .map(|t| format!(
                "a worker thread reserved {} of the shared memory for its stack; ",
                size(t.heap_bytes as f64 / t.threads.max(1) as f64)
            ))
            .unwrap_or_default(),
        size(process_each),
        size(m.page_memory_bytes as f64),
    );
    view! {
        <section class="results" data-testid="results">
            <div class="scroll" tabindex="0" role="region" aria-label="a wide table: scroll sideways">
            <table class="numbers">
                <thead><tr><th>"what"</th><th>"how many"</th><th>"they hold"</th><th>"each"</th><th>"CPython, each"</th></tr></thead>
                <tbody>
                    {row("coroutines", "coroutines waiting on one event".into(), m.coroutines.count, m.coroutines.heap_bytes as f64, figure("kb_per_coroutine"))}
                    {thread_row}
                    {row("processes", "processes, each its own wasm memory".into(), m.processes.len(), processes_total as f64, figure("kb_per_process"))}
                </tbody>
            </table>
            </div>
            <p class="verdict" data-page-memory=m.page_memory_bytes>{verdict}</p>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Measured> {
    Prediction::new(
        |k| {
            format!(
                "{} coroutines all wait on one event: how many bytes does each hold?",
                k.get(COROUTINES).get()
            )
        },
        "bytes",
        |m: &Measured| Some(m.coroutines.bytes_each()),
    )
}
