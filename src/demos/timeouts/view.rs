//! The page of the timeouts-and-cancellation demo.

use super::{INFO, Measured, Outcome, PYTHON_SOURCE, TASKS, TIMEOUT_MS, needs, run};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Every task must finish within the timeout (asyncio.wait_for). A task that overruns it is \
     cancelled at that instant: its step in progress ends red and it never runs another step. \
     The other tasks are not disturbed.",
    "Cancel stops the whole run (Task.cancel): every unfinished task is cut off where it stands. \
     In Rust a future is cancelled by dropping it, so cancellation can only land at an .await.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[TASKS, TIMEOUT_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let timeout = knobs.get(TIMEOUT_MS).get_untracked() as f64;
        let needs = needs(knobs.get(TASKS).get_untracked() as usize, timeout);
        let signal = state.cancel_signal();
        state.start(async move {
            state.say(format!(
                "{} tasks with a {timeout:.0} ms timeout each",
                needs.len()
            ));
            Ok(run(&needs, timeout, signal).await)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run cancel=true predict=prediction()>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn results(m: Measured) -> impl IntoView {
    let origin = m.trace.start();
    let count = |o: Outcome| m.results.iter().filter(|r| r.outcome == o).count();
    let summary = format!(
        "{} finished, {} timed out, {} cancelled; the run took {:.0} ms.",
        count(Outcome::Done),
        count(Outcome::TimedOut),
        count(Outcome::Cancelled),
        m.total_ms
    );
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"task"</th><th>"needs"</th><th>"outcome"</th><th>"ended at"</th></tr></thead>
                <tbody>{m.results.iter().map(|r| view! {
                    <tr data-task=r.task data-outcome=format!("{:?}", r.outcome)>
                        <td>{r.task}</td><td>{format!("{:.0} ms", r.needs_ms)}</td>
                        <td>{match r.outcome { Outcome::Done => "done", Outcome::TimedOut => "timed out", Outcome::Cancelled => "cancelled" }}</td>
                        <td>{format!("{:.0} ms", r.ended - origin)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="verdict">{summary}</p>
            <Timeline trace=m.trace caption="Each task's steps; red: cut off"/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Measured> {
    Prediction::new(
        |k| {
            format!(
                "{} tasks, each needing longer than the last, under a {} ms timeout: how many finish in time?",
                k.get(TASKS).get(),
                k.get(TIMEOUT_MS).get()
            )
        },
        "tasks",
        |m: &Measured| {
            Some(
                m.results
                    .iter()
                    .filter(|r| r.outcome == Outcome::Done)
                    .count() as f64,
            )
        },
    )
}
