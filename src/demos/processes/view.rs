//! The page of the separate-memory demo.

use super::{INFO, Measured, PROCESSES, PYTHON_SOURCE, run};
use crate::core::stats::median;
use crate::widgets::{DemoPage, Knobs, Prediction, RunState};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Each process here is a Web Worker that instantiates the playground's WebAssembly module on \
     its own, with a fresh memory no one else can see: the same program, a separate copy of every \
     variable. It talks to the page only by messages, like a multiprocessing.Process.",
    "Each process sets the global value GLOBAL to its own number and reports it back; the page's \
     GLOBAL does not move. Then worker threads do the same: they share the page's memory, so the \
     page sees their writes (the last one wins). The start-up columns compare creating a process (a \
     new Worker that fetches and compiles the wasm module and gets a fresh memory) with handing a job \
     to a worker thread that was started when the page loaded.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[PROCESSES], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let n = knobs.get(PROCESSES).get_untracked() as usize;
        state.start(async move {
            state.say(format!("starting {n} processes, each with its own memory"));
            run(n).await
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn results(m: Measured) -> impl IntoView {
    let process_start =
        median(&m.processes.iter().map(|r| r.start_ms).collect::<Vec<_>>()).unwrap_or(0.0);
    let thread_start = median(&m.thread_start_ms);
    let verdict = format!(
        "The page's GLOBAL was {} before, {} after the processes set theirs{}. Starting a process took {:.0} ms (median){}.",
        m.page_before,
        m.page_after_processes,
        if m.thread_values.is_empty() {
            String::new()
        } else {
            format!(
                ", and {} after the threads set theirs",
                m.page_after_threads
            )
        },
        process_start,
        thread_start
            .map(|t| format!("; starting a thread {t:.1} ms"))
            .unwrap_or_else(|| "; threads are not available on this page".into()),
    );
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"who"</th><th>"set GLOBAL to"</th><th>"reads back"</th><th>"start-up"</th></tr></thead>
                <tbody>
                    {m.processes.iter().map(|r| view! {
                        <tr data-process=r.process data-set=r.set_to data-read=r.reads_back data-start-ms=r.start_ms>
                            <td>{format!("process {}", r.process)}</td><td>{r.set_to}</td><td>{r.reads_back}</td>
                            <td>{format!("{:.0} ms", r.start_ms)}</td>
                        </tr>
                    }).collect_view()}
                    {m.thread_values.iter().zip(&m.thread_start_ms).enumerate().map(|(i, (v, s))| view! {
                        <tr data-thread=i data-set=*v>
                            <td>{format!("thread {i}")}</td><td>{*v}</td><td>{format!("page reads {}", m.page_after_threads)}</td>
                            <td>{format!("{s:.1} ms")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="verdict" data-page-before=m.page_before data-page-after-processes=m.page_after_processes
                data-page-after-threads=m.page_after_threads>{verdict}</p>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Measured> {
    Prediction::new(
        |k| {
            format!(
                "{} processes each set the page's global to their own number: what will the page read after them?",
                k.get(PROCESSES).get()
            )
        },
        "",
        |m: &Measured| Some(m.page_after_processes as f64),
    )
}
