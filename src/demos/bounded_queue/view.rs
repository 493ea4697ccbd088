//! The page of the producer/consumer demo.

use super::{
    CONSUME_MS, CONSUMERS, INFO, ITEMS, MAXSIZE, Measured, PRODUCE_MS, PRODUCERS, PYTHON_SOURCE,
    Setup, run, sizes,
};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Producer threads make items (a short wait each) and put them on a queue of limited size; \
     consumer threads take them off and use them (another wait). The threads never touch each \
     other's data: the queue is their only meeting point.",
    "When consumers are slower, the queue fills and producers block on put (grey); when producers \
     are slower, consumers block on get. A bigger queue absorbs bursts but cannot make the slower \
     side faster: the throughput is set by it.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(
        INFO.id,
        &[PRODUCERS, CONSUMERS, ITEMS, PRODUCE_MS, CONSUME_MS, MAXSIZE],
        &query,
    );
    let state = RunState::new(&knobs);
    let on_run = move || {
        let get = |k| knobs.get(k).get_untracked();
        let setup = Setup {
            producers: get(PRODUCERS) as usize,
            consumers: get(CONSUMERS) as usize,
            items: get(ITEMS) as usize,
            produce_ms: get(PRODUCE_MS) as f64,
            consume_ms: get(CONSUME_MS) as f64,
        };
        let chosen = get(MAXSIZE) as usize;
        state.start(async move {
            let label = |size: &usize| format!("queue size {size}");
            Ok(state
                .steps(sizes(chosen), label, |size| run(setup, size))
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
    let axis = all
        .iter()
        .map(|m| m.trace.end() - m.trace.start())
        .fold(0.0, f64::max);
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"queue size"</th><th>"throughput"</th><th>"wall time"</th><th>"most items held"</th>
                    <th>"producers blocked (full)"</th><th>"consumers blocked (empty)"</th><th>"every item used once"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-maxsize=m.maxsize data-most=m.most_held data-full-ms=m.blocked_full_ms data-empty-ms=m.blocked_empty_ms
                        data-ok=m.all_consumed_once.to_string()>
                        <td>{m.maxsize}</td><td>{format!("{:.0} items/s", m.items_per_s)}</td><td>{format!("{:.0} ms", m.wall_ms)}</td>
                        <td>{m.most_held}</td><td>{format!("{:.0} ms", m.blocked_full_ms)}</td><td>{format!("{:.0} ms", m.blocked_empty_ms)}</td>
                        <td>{if m.all_consumed_once { "✓" } else { "✗" }}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            {all.into_iter().map(|m| {
                let caption = format!("queue size {}", m.maxsize);
                view! { <Timeline trace=m.trace caption axis_ms=axis/> }
            }).collect_view()}
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} items through a queue of size 1, {} producers ({} ms an item), {} consumers ({} ms an item): how long?",
                k.get(ITEMS).get(),
                k.get(PRODUCERS).get(),
                k.get(PRODUCE_MS).get(),
                k.get(CONSUMERS).get(),
                k.get(CONSUME_MS).get()
            )
        },
        "ms",
        |all: &Vec<Measured>| all.iter().find(|m| m.maxsize == 1).map(|m| m.wall_ms),
    )
}
