//! The page of the concurrent-waits demo.

use super::{INFO, Measured, PYTHON_SOURCE, TASKS, Variant, WAIT_MS, run};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Each task waits on a timer. Awaited one after another, the waits add up: about N × d.",
    "Started together and joined (asyncio.gather, futures::join_all), they wait at the same time on the \
     one event-loop thread, so the whole run takes about d. Nothing runs in parallel here: waiting \
     simply costs no thread.",
    "Both timelines share one time axis; each bar is a task's recorded wait, from start to resume.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[TASKS, WAIT_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let (n, d) = (
            knobs.get(TASKS).get_untracked() as usize,
            knobs.get(WAIT_MS).get_untracked() as f64,
        );
        state.start(async move {
            state.say(format!(
                "1 of 2: awaiting {n} waits of {d} ms one after another"
            ));
            let sequential = run(Variant::Sequential, n, d).await;
            state.say(format!("2 of 2: joining {n} waits of {d} ms"));
            let concurrent = run(Variant::Concurrent, n, d).await;
            Ok((sequential, concurrent))
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(|(seq, con)| results(seq, con))}
        </DemoPage>
    }
}

fn results(seq: Measured, con: Measured) -> impl IntoView {
    let n = seq.trace.spans.len();
    let d = seq.trace.spans.first().map(|s| s.duration()).unwrap_or(0.0);
    let axis = seq.total_ms.max(con.total_ms);
    let ratio = seq.total_ms / con.total_ms.max(1e-9);
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"awaited"</th><th>"measured total"</th><th>"most waits at once"</th></tr></thead>
                <tbody>
                    <tr data-mode="sequential" data-total-ms=seq.total_ms>
                        <td>"one after another"</td><td>{format!("{:.0} ms", seq.total_ms)}</td>
                        <td>{seq.trace.max_concurrency()}</td></tr>
                    <tr data-mode="concurrent" data-total-ms=con.total_ms>
                        <td>"joined (gather)"</td><td>{format!("{:.0} ms", con.total_ms)}</td>
                        <td>{con.trace.max_concurrency()}</td></tr>
                </tbody>
            </table>
            <p class="verdict">{format!(
                "{n} waits of about {d:.0} ms: one after another took {:.0} ms, joined took {:.0} ms ({ratio:.1}× less).",
                seq.total_ms, con.total_ms)}</p>
            <Timeline trace=seq.trace caption="One after another" axis_ms=axis/>
            <Timeline trace=con.trace caption="Joined concurrently" axis_ms=axis/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<(Measured, Measured)> {
    Prediction::new(
        |k| {
            format!(
                "{} waits of {} ms each, awaited together (gather): how long will the concurrent run take?",
                k.get(TASKS).get(),
                k.get(WAIT_MS).get()
            )
        },
        "ms",
        |(_, concurrent): &(Measured, Measured)| Some(concurrent.total_ms),
    )
}
