//! The page of the asyncio.to_thread demo.

use super::{
    CALL_MS, CALLS, INFO, Measured, PYTHON_SOURCE, TICK_MS, Variant, cpython_default_workers,
    cpython_rounds, run,
};
use crate::engine;
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "A ticker coroutine wants to run every 10 ms. First the blocking calls are made inside \
     coroutines gathered on the loop: each holds the loop's thread until it returns, so they run \
     one after another and nothing else runs meanwhile. This run freezes this page on purpose, for \
     calls × duration (at most 2 s).",
    "Then the same calls go through asyncio.to_thread (loop.run_in_executor with the default \
     thread pool): each blocks a worker thread, not the loop, and the ticker never misses a beat. \
     Here every call gets a worker thread of its own, so they all overlap and the total is about \
     one call. CPython's default executor has min(32, os.cpu_count() + 4) threads, so calls \
     beyond that wait for a free thread and the total is a call per round (the line under the \
     results works it out for this machine). Blocking work that cannot be awaited belongs on a \
     thread; CPU-heavy work under CPython's GIL belongs in a process (see Process pool).",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[CALLS, CALL_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let calls = knobs.get(CALLS).get_untracked() as usize;
        let ms = knobs.get(CALL_MS).get_untracked() as f64;
        state.start(async move {
            Ok(state
                .steps(
                    Variant::ALL.to_vec(),
                    |v| v.title().into(),
                    |v| run(v, calls, ms),
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
    let verdict = match all.as_slice() {
        [inline, threaded] => format!(
            "Inside the coroutines the calls took {:.0} ms and the ticker waited {:.0} ms at once; on threads they took {:.0} ms \
             and the ticker's longest gap was {:.0} ms (it asks for {TICK_MS:.0}).",
            inline.total_ms, inline.worst_gap_ms, threaded.total_ms, threaded.worst_gap_ms
        ),
        _ => String::new(),
    };
    let cpython = match all.as_slice() {
        [_, threaded] => {
            let (cores, calls) = (engine::hardware_concurrency(), threaded.trace.spans.len());
            let rounds = cpython_rounds(calls, cores);
            format!(
                "In CPython on this machine's {cores} cores the default executor has {} threads, so {calls} call{} \
                 through asyncio.to_thread would take {rounds} round{} of one call each.",
                cpython_default_workers(cores),
                if calls == 1 { "" } else { "s" },
                if rounds == 1 { "" } else { "s" },
            )
        }
        _ => String::new(),
    };
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"the blocking calls"</th><th>"time"</th><th>"ticker's longest gap"</th><th>"ticks meanwhile"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-variant=format!("{:?}", m.variant) data-total-ms=m.total_ms data-gap-ms=m.worst_gap_ms data-ticks=m.ticks>
                        <td>{m.variant.title()}</td><td>{format!("{:.0} ms", m.total_ms)}</td>
                        <td>{format!("{:.0} ms", m.worst_gap_ms)}</td><td>{m.ticks}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="verdict">{verdict}</p>
            <p class="notice" data-testid="cpython-rounds">{cpython}</p>
            <Timelines runs={all.into_iter().map(|m| (m.variant.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} blocking calls of {} ms each through asyncio.to_thread: how long in total?",
                k.get(CALLS).get(),
                k.get(CALL_MS).get()
            )
        },
        "ms",
        |all: &Vec<Measured>| {
            all.iter()
                .find(|m| m.variant == Variant::ToThread)
                .map(|m| m.total_ms)
        },
    )
}
