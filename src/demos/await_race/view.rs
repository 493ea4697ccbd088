//! The page of the race-across-an-await demo.

use super::{INFO, Measured, PYTHON_SOURCE, TASKS, Variant, WAIT_MS, run};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "One event loop, one thread: two tasks never run at the same instant. Yet each task here reads \
     the shared balance, awaits (a sleep standing for a database call or a request), then writes \
     what it read plus one. While one waits, the loop runs the others, and they read the same old \
     value: the writes overwrite each other.",
    "asyncio.Lock makes the read, the await and the write one step for every other task (they queue, \
     grey on the timeline), so nothing is lost, at the price of running the waits one after another. \
     With no await between the read and the write nothing is lost either: the loop switches tasks \
     only at an await. The event loop needs locks exactly where state spans an await.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[TASKS, WAIT_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let tasks = knobs.get(TASKS).get_untracked() as usize;
        let wait = knobs.get(WAIT_MS).get_untracked() as f64;
        state.start(async move {
            state
                .steps(
                    Variant::ALL.to_vec(),
                    |v| v.title().into(),
                    |v| async move { Ok::<_, String>(run(v, tasks, wait).await) },
                )
                .await
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn results(all: Vec<Measured>) -> impl IntoView {
    let verdict = all
        .iter()
        .map(|m| {
            let title = m.variant.title();
            format!(
                "{}{}: {} of {} updates kept, {} lost.",
                title[..1].to_uppercase(),
                &title[1..],
                m.balance,
                m.expected,
                m.lost()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"each task"</th><th>"balance"</th><th>"expected"</th><th>"lost"</th><th>"time"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-variant=format!("{:?}", m.variant) data-balance=m.balance data-lost=m.lost() data-total-ms=m.total_ms>
                        <td>{m.variant.title()}</td><td>{m.balance}</td><td>{m.expected}</td>
                        <td class:bad=(m.lost() != 0)>{m.lost()}</td><td>{format!("{:.0} ms", m.total_ms)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="verdict">{verdict}</p>
            <Timelines runs={all.into_iter().map(|m| (m.variant.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} tasks on one loop each add 1 to a balance, reading it before an await and writing after: what will the balance be?",
                k.get(TASKS).get()
            )
        },
        "",
        |all: &Vec<Measured>| {
            all.iter()
                .find(|m| m.variant == Variant::AcrossAwait)
                .map(|m| m.balance as f64)
        },
    )
}
