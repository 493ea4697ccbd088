//! The page of the coroutines-and-tasks demo.

use super::steps::{EventLoop, Way};
use super::{INFO, Measured, PYTHON_SOURCE, TASKS, Variant, WAIT_MS, run, waits};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, StepRules, Stepper, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Each task computes for a moment (orange), waits on a timer (blue), then computes again when \
     it resumes. Task 0 waits longest, the last task shortest.",
    "Awaited one by one, each task starts only after the previous one finished. Created as tasks \
     first (asyncio.create_task, here a spawned future) they all start at once, so awaiting them \
     in order takes only as long as the longest; gather does the same in one call. Results come \
     back in the order asked for, even though the short tasks finished first.",
    "All of it runs on one thread: the waits overlap, the orange compute steps never do.",
];

const STEP_INTRO: &str = "the event loop running the Python program's task(i, wait) coroutines (waits 0.3, 0.2 \
    and 0.1 s), one callback a step: its ready queue, its timers, which await suspends whom and when a timer \
    wakes a task. Time here is virtual (computing advances it 3 ms; with nothing ready the loop jumps to the next \
    timer); the run above is measured on this page's own loop.";

fn step_rules() -> Vec<StepRules<EventLoop>> {
    Way::ALL
        .iter()
        .map(|&w| StepRules {
            key: w.key(),
            title: w.title(),
            start: EventLoop::new(w),
        })
        .collect()
}

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[TASKS, WAIT_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let w = waits(
            knobs.get(TASKS).get_untracked() as usize,
            knobs.get(WAIT_MS).get_untracked() as f64,
        );
        state.start(async move {
            let w = &w;
            state
                .steps(
                    Variant::ALL.to_vec(),
                    |m| m.title().to_string(),
                    move |m| async move { Ok(run(m, w).await) },
                )
                .await
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(results)}
            <Stepper knobs query=query.clone() rules=step_rules() intro=STEP_INTRO/>
        </DemoPage>
    }
}

fn order(tasks: &[usize]) -> String {
    tasks
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn results(runs: Vec<Measured>) -> impl IntoView {
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"awaited"</th><th>"measured total"</th><th>"results returned"</th><th>"tasks finished"</th></tr></thead>
                <tbody>{runs.iter().map(|m| view! {
                    <tr data-mode=format!("{:?}", m.mode) data-total-ms=m.total_ms>
                        <td>{m.mode.title()}</td><td>{format!("{:.0} ms", m.total_ms)}</td>
                        <td>{order(&m.results)}</td><td>{order(&m.completion_order)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <Timelines runs={runs.into_iter().map(|m| (m.mode.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} tasks, the longest waiting {} ms, awaited one by one: how long in total?",
                k.get(TASKS).get(),
                k.get(WAIT_MS).get()
            )
        },
        "ms",
        |runs: &Vec<Measured>| {
            runs.iter()
                .find(|r| r.mode == Variant::Sequential)
                .map(|r| r.total_ms)
        },
    )
}
