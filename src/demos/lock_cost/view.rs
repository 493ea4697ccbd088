//! The page of the lock-cost demo.

use super::{INFO, Measured, PYTHON_SOURCE, THOUSANDS, THREADS, Variant, count};
use crate::core::stats::grouped;
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "All three count to the same total on the same threads. With one shared lock taken for every \
     add, the threads spend much of their time queueing for it (grey on the timeline): a lock \
     makes its critical section run one thread at a time, and the hand-over itself costs.",
    "A private counter per thread needs no lock until the one merge at the end; an atomic add \
     shares one counter without a lock but still makes the cores pass its cache line back and \
     forth. Share as little as you can, as rarely as you can.",
    "In Python the standard library has no atomic integer: a shared counter needs a Lock (or \
     multiprocessing.Value's lock between processes), and the cheap way is the private counter, \
     each thread's total returned (a thread pool's results) and added once.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[THREADS, THOUSANDS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let threads = knobs.get(THREADS).get_untracked() as usize;
        let adds = knobs.get(THOUSANDS).get_untracked() * 1000;
        state.start(async move {
            Ok(state
                .steps(
                    Variant::ALL.to_vec(),
                    |s| s.title().into(),
                    |s| count(s, threads, adds),
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

fn results(all: Vec<Measured>) -> impl IntoView {
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"strategy"</th><th>"total"</th><th>"wall time"</th><th>"per add"</th>
                    <th>"waits for the lock"</th><th>"time waiting, summed"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-strategy=format!("{:?}", m.strategy) data-wall-ms=m.wall_ms data-waited-ms=m.waited_ms
                        data-contended=m.contended data-exact=(m.total == m.expected).to_string()>
                        <td>{m.strategy.title()}</td>
                        <td>{format!("{}{}", grouped(m.total), if m.total == m.expected { " ✓" } else { " ✗" })}</td>
                        <td>{format!("{:.1} ms", m.wall_ms)}</td>
                        <td>{format!("{:.1} ns", m.wall_ms * 1e6 / m.expected.max(1) as f64)}</td>
                        <td>{grouped(m.contended)}</td><td>{format!("{:.1} ms", m.waited_ms)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <Timelines runs={all.into_iter().map(|m| (m.strategy.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} threads each add {} thousand times through one shared lock: how long will it take?",
                k.get(THREADS).get(),
                k.get(THOUSANDS).get()
            )
        },
        "ms",
        |all: &Vec<Measured>| {
            all.iter()
                .find(|m| m.strategy == Variant::SharedLock)
                .map(|m| m.wall_ms)
        },
    )
}
