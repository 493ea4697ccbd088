//! The page of the start-and-join demo.

use super::{INFO, Measured, PYTHON_SOURCE, THREADS, WAIT_MS, run, waits};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Each thread is started, then blocks in a wait of its own length (time.sleep in Python). \
     Thread 0 waits longest. They all wait at the same time, each on its own lane, and the page \
     does not wait for them: it only awaits the join.",
    "join() returns when the last thread has ended, so the total is about the longest wait, not \
     the sum. The start column is what handing a job to a thread cost here: the page's worker \
     threads are started once, when the page loads, and reused (Python's Thread.start creates an OS \
     thread each time, which costs more).",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[THREADS, WAIT_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let w = waits(
            knobs.get(THREADS).get_untracked() as usize,
            knobs.get(WAIT_MS).get_untracked() as f64,
        );
        state.start(async move {
            state.say(format!("{} threads started, waiting for the join", w.len()));
            Ok(run(w).await?)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run gated=true predict=prediction()>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn results(m: Measured) -> impl IntoView {
    let longest = m.ended_ms.iter().cloned().fold(0.0, f64::max);
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"thread"</th><th>"started after"</th><th>"ended at"</th></tr></thead>
                <tbody>{m.start_ms.iter().zip(&m.ended_ms).enumerate().map(|(i, (s, e))| view! {
                    <tr data-thread=i data-start-ms=*s data-end-ms=*e>
                        <td>{i}</td><td>{format!("{s:.1} ms")}</td><td>{format!("{e:.0} ms")}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="verdict" data-joined-ms=m.joined_ms>{format!(
                "join() returned at {:.0} ms; the last thread ended at {longest:.0} ms.", m.joined_ms)}</p>
            <Timeline trace=m.trace caption="One lane per thread; the main thread awaits the join" task_names=&["main thread"]/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Measured> {
    Prediction::new(
        |k| {
            format!(
                "{} threads, the longest waiting {} ms: when does the last join() return?",
                k.get(THREADS).get(),
                k.get(WAIT_MS).get()
            )
        },
        "ms",
        |m: &Measured| Some(m.joined_ms),
    )
}
