//! The page of the asyncio.Queue pipeline demo.

use super::{
    CONSUME_MS, CONSUMERS, INFO, ITEMS, MAXSIZE, Measured, PRODUCE_MS, PRODUCERS, PYTHON_SOURCE,
    Setup, TASK_NAMES, TIMEOUT_MS, Variant, run,
};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Producer tasks make items (5 ms each) and await queue.put(); consumer tasks await queue.get(), \
     take their time over each item and call task_done(). The main task waits for the producers, \
     then for queue.join() (every item marked done), then cancels the consumers, which never end \
     on their own. All of it runs inside a TaskGroup under asyncio.timeout: if the time runs out, \
     every task in the group is cancelled at once.",
    "With a bounded queue (maxsize) a full queue makes put() wait (grey): the producers slow down to \
     the consumers' pace and the queue never holds more than maxsize. Unbounded, fast producers \
     pile items up in memory. One loop, no threads: every wait is an await.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(
        INFO.id,
        &[PRODUCERS, CONSUMERS, ITEMS, MAXSIZE, CONSUME_MS, TIMEOUT_MS],
        &query,
    );
    let state = RunState::new(&knobs);
    let on_run = move || {
        let k = |knob| knobs.get(knob).get_untracked();
        let setup = Setup {
            producers: k(PRODUCERS) as usize,
            consumers: k(CONSUMERS) as usize,
            items: k(ITEMS) as usize,
            maxsize: k(MAXSIZE) as usize,
            consume_ms: k(CONSUME_MS) as f64,
            timeout_ms: k(TIMEOUT_MS) as f64,
        };
        state.start(async move {
            state
                .steps(
                    Variant::ALL.to_vec(),
                    |v| v.title().into(),
                    |v| async move { Ok::<_, String>(run(v, setup).await) },
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
        .map(|m| match m.finished {
            true => format!(
                "{}: all {} items consumed once in {:.0} ms; it held at most {}.",
                m.variant.title(),
                m.consumed,
                m.wall_ms,
                m.most_held
            ),
            false => format!(
                "{}: asyncio.timeout cancelled the group after {:.0} ms, with {} items consumed.",
                m.variant.title(),
                m.wall_ms,
                m.consumed
            ),
        })
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"queue"</th><th>"outcome"</th><th>"consumed"</th><th>"most held"</th><th>"producers waited"</th><th>"time"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-variant=format!("{:?}", m.variant) data-finished=m.finished.to_string() data-consumed=m.consumed
                        data-each-once=m.each_once.to_string() data-most-held=m.most_held data-blocked-ms=m.blocked_ms>
                        <td>{m.variant.title()}</td>
                        <td class:bad=!m.finished>{if m.finished { "join() returned" } else { "timed out: cancelled" }}</td>
                        <td>{m.consumed}</td><td>{m.most_held}</td>
                        <td>{format!("{:.0} ms", m.blocked_ms)}</td><td>{format!("{:.0} ms", m.wall_ms)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="verdict">{verdict}</p>
            <Timelines runs={all.into_iter().map(|m| (m.variant.title().to_string(), m.trace)).collect::<Vec<_>>()} task_names=TASK_NAMES/>
            <p class="muted">{format!("Producing an item takes {PRODUCE_MS:.0} ms; both producing and consuming are awaits here (a request, a write), so no CPU is held.")}</p>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} items made every 5 ms by {} producers, consumed in {} ms each by {} consumers: how many will the unbounded queue hold at most?",
                k.get(ITEMS).get(),
                k.get(PRODUCERS).get(),
                k.get(CONSUME_MS).get(),
                k.get(CONSUMERS).get()
            )
        },
        "items",
        |all: &Vec<Measured>| {
            all.iter()
                .find(|m| m.variant == Variant::Unbounded)
                .map(|m| m.most_held as f64)
        },
    )
}
