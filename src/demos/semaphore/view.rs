//! The page of the semaphore demo.

use super::{INFO, LIMIT, Measured, PYTHON_SOURCE, TASKS, Variant, WAIT_MS, run};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "A semaphore of k permits lets at most k tasks into their critical part (blue: a request) at \
     once; the rest wait for a permit (grey) without blocking the loop. N tasks then take about \
     ⌈N / k⌉ rounds.",
    "The same limit without a semaphore: start only k worker coroutines and let them take jobs \
     from a shared queue. No task waits for a permit, because no more than k exist.",
    "The table counts, from the recorded spans, the most requests that were ever in flight at one instant.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[TASKS, LIMIT, WAIT_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let n = knobs.get(TASKS).get_untracked() as usize;
        let k = knobs.get(LIMIT).get_untracked() as usize;
        let d = knobs.get(WAIT_MS).get_untracked() as f64;
        state.start(async move {
            let modes = vec![Variant::Semaphore, Variant::WorkerQueue];
            let all = state.steps(
                modes,
                |m| m.title().to_string(),
                |m| async move { Ok(run(m, n, k, d).await) },
            );
            all.await.map(|all| (k, all))
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(|(k, runs)| results(k, runs))}
        </DemoPage>
    }
}

fn results(k: usize, runs: Vec<Measured>) -> impl IntoView {
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"limited by"</th><th>"measured total"</th><th>"most in flight at once"</th></tr></thead>
                <tbody>{runs.iter().map(|m| {
                    let most = m.critical().max_concurrency();
                    view! {
                        <tr data-mode=format!("{:?}", m.mode) data-total-ms=m.total_ms data-most=most>
                            <td>{m.mode.title()}</td><td>{format!("{:.0} ms", m.total_ms)}</td>
                            <td>{format!("{most} (limit {k})")}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            <Timelines runs={runs.into_iter().map(|m| (m.mode.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<(usize, Vec<Measured>)> {
    Prediction::new(
        |k| {
            format!(
                "{} requests of {} ms each, at most {} at once (asyncio.Semaphore): how long in total?",
                k.get(TASKS).get(),
                k.get(WAIT_MS).get(),
                k.get(LIMIT).get()
            )
        },
        "ms",
        |(_, runs): &(usize, Vec<Measured>)| {
            runs.iter()
                .find(|r| r.mode == Variant::Semaphore)
                .map(|r| r.total_ms)
        },
    )
}
