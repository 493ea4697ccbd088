//! The page of the semaphore demo.

use super::{run, Measured, Mode, INFO, LIMIT, PYTHON_SOURCE, TASKS, WAIT_MS};
use crate::ui::{DemoFrame, Knobs, RunPanel, Timeline};
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

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
    let running = RwSignal::new(false);
    let phase = RwSignal::new(String::new());
    let result: RwSignal<Option<(usize, Vec<Measured>)>> = RwSignal::new(None);
    let on_run = move || {
        let n = knobs.get(TASKS).get_untracked() as usize;
        let k = knobs.get(LIMIT).get_untracked() as usize;
        let d = knobs.get(WAIT_MS).get_untracked() as f64;
        running.set(true);
        result.set(None);
        spawn_local_scoped_with_cancellation(async move {
            let mut all = Vec::new();
            for (i, mode) in [Mode::Semaphore, Mode::WorkerQueue].into_iter().enumerate() {
                phase.set(format!("{} of 2: {}", i + 1, mode.title()));
                all.push(run(mode, n, k, d).await);
            }
            result.set(Some((k, all)));
            running.set(false);
        });
    };
    view! {
        <DemoFrame info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE>
            <RunPanel knobs running phase on_run/>
            {move || result.get().map(|(k, runs)| results(k, runs))}
        </DemoFrame>
    }
}

fn results(k: usize, runs: Vec<Measured>) -> impl IntoView {
    let axis = runs.iter().map(|m| m.trace.end() - m.trace.start()).fold(0.0, f64::max);
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
            {runs.into_iter().map(|m| view! { <Timeline trace=m.trace caption=m.mode.title() axis_ms=axis/> }).collect_view()}
        </section>
    }
}
