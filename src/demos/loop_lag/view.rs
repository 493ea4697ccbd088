//! The page of the loop-lag demo: hold the loop on purpose and watch the monitor catch it.

use super::{HOLD_MS, INFO, Measured, PYTHON_SOURCE, THRESHOLD_MS, run};
use crate::widgets::{
    DemoPage, Heartbeat, Knobs, Prediction, RunState, Timeline, describe_slow_callback, use_lag,
};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "A heartbeat task on the page's event loop asks for a timer every 20 ms and notes when it \
     really fires. While anything else holds the loop (a callback that computes without an \
     .await), the timer cannot fire: the gap between ticks is how long the page was frozen.",
    "A gap longer than the threshold is reported like asyncio's debug mode does it \
     (\"Executing <Handle …> took 0.301 seconds\"), with the page and whether a run was going. \
     The meter in the status line below is the same monitor; it runs on every page, every 50 ms \
     where no heartbeat is shown (a timer every 20 ms forever costs a few percent of a core).",
];

pub const TASK_NAMES: &[&str] = &["heartbeat", "the callback"];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[HOLD_MS, THRESHOLD_MS], &query);
    let lag = use_lag();
    let state = RunState::new(&knobs);
    let on_run = move || {
        let hold = knobs.get(HOLD_MS).get_untracked() as f64;
        let threshold = knobs.get(THRESHOLD_MS).get_untracked() as f64;
        state.start(async move {
            state.say(format!(
                "holding the loop for {hold:.0} ms: the page freezes on purpose"
            ));
            Ok(run(hold, threshold, &lag.meter()).await)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            <Heartbeat/>
            {move || state.result.get().map(results)}
            <section class="log">
                <h2>"Slow callbacks caught since the page loaded"</h2>
                {move || {
                    let all = lag.reports.get();
                    if all.is_empty() {
                        view! { <p>"None yet."</p> }.into_any()
                    } else {
                        view! { <ol reversed data-testid="report-log">
                            {all.iter().map(|r| view! { <li>{describe_slow_callback(r)}</li> }).collect_view()}
                        </ol> }.into_any()
                    }
                }}
            </section>
        </DemoPage>
    }
}

fn results(m: Measured) -> impl IntoView {
    let verdict = match &m.report {
        Some(r) => format!(
            "Reported: the loop was held for {:.0} ms, over the {:.0} ms threshold.",
            r.held_ms, m.threshold_ms
        ),
        None => format!(
            "Not reported: the hold stayed under the {:.0} ms threshold.",
            m.threshold_ms
        ),
    };
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"callback held the loop"</th><th>"longest gap between heartbeat ticks"</th><th>"threshold"</th><th>"reported"</th></tr></thead>
                <tbody><tr data-hold-ms=m.hold_ms data-gap-ms=m.worst_gap_ms data-reported=m.report.is_some().to_string()>
                    <td>{format!("{:.0} ms", m.hold_ms)}</td><td>{format!("{:.0} ms", m.worst_gap_ms)}</td>
                    <td>{format!("{:.0} ms", m.threshold_ms)}</td><td>{if m.report.is_some() { "yes" } else { "no" }}</td>
                </tr></tbody>
            </table>
            <p class="verdict">{verdict}</p>
            <Timeline trace=m.trace caption="The callback (orange) and the heartbeat's silence (grey)" task_names=TASK_NAMES/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Measured> {
    Prediction::new(
        |k| {
            format!(
                "A callback holds the loop for {} ms: what will the longest gap between heartbeats be?",
                k.get(HOLD_MS).get()
            )
        },
        "ms",
        |m: &Measured| Some(m.worst_gap_ms),
    )
}
