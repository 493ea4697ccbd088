//! The page of the Event / Condition / Barrier / RLock demo.

use super::{INFO, Outcome, PYTHON_SOURCE, THREADS, Variant, WAIT_MS, run};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Four small experiments on real threads. Event: the threads block on start.wait() until one \
     thread calls start.set(), and then all go at once. Condition: a thread waits until enough items \
     are in; every notify wakes it, it checks, and goes back to waiting until the condition is true \
     (always wait in a loop, or with wait_for). Barrier: threads with uneven work meet after every \
     phase, so the fast ones wait (grey) for the slowest.",
    "RLock: the thread that holds it may take it again (a function that calls another that locks \
     the same lock); it is free once released as often as taken. A plain Lock taken again by its \
     holder waits for itself forever: here it is asked without waiting, and answers that it is taken.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[THREADS, WAIT_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let threads = knobs.get(THREADS).get_untracked() as usize;
        let wait = knobs.get(WAIT_MS).get_untracked() as f64;
        state.start(async move {
            Ok(state
                .steps(
                    Variant::ALL.to_vec(),
                    |v| v.title().into(),
                    |v| run(v, threads, wait),
                )
                .await?)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run gated=true predict=prediction()>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn results(all: Vec<Outcome>) -> impl IntoView {
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"primitive"</th><th class="text">"what happened"</th><th>"kept its promise"</th></tr></thead>
                <tbody>{all.iter().map(|o| view! {
                    <tr data-variant=format!("{:?}", o.variant) data-kept=o.kept.to_string()>
                        <td>{o.variant.title()}</td><td class="text">{o.text.clone()}</td>
                        <td class:bad=!o.kept>{if o.kept { "yes" } else { "no" }}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            {all.into_iter().map(|o| view! { <Timeline trace=o.trace caption=o.variant.title()/> }).collect_view()}
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Outcome>> {
    Prediction::new(
        |k| {
            format!(
                "A thread waits on a Condition until {} producers have each added an item and called notify_all(): how many times will it be woken?",
                k.get(THREADS).get()
            )
        },
        "times",
        |all: &Vec<Outcome>| {
            all.iter()
                .find(|o| o.variant == Variant::Condition)
                .map(|o| o.wakeups as f64)
        },
    )
}
