//! The page of the thread-pool demo.

use super::{
    CPU_PERCENT, INFO, Measured, PYTHON_SOURCE, TASK_MS, TASKS, Variant, WORKERS, run, tasks,
};
use crate::models::cooperative;
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "A pool of max_workers threads takes tasks from one queue; later tasks are shorter, so they \
     finish first. Each task waits like I/O, then computes for the chosen share of its time (real \
     work: more CPU-bound tasks than cores only take turns on the cores).",
    "Here the pool's threads compute in parallel, one per core. In CPython the computing parts \
     would take turns on one GIL: only the thread holding it runs Python bytecode (it is asked to \
     let go every 5 ms), so pure-Python computing in a thread pool takes at least as long as one thread \
     doing it all; only the waits overlap (a blocked thread releases the GIL), and so does work in \
     code that releases it (hashlib, zlib, NumPy). CPU-bound Python belongs in a process pool, or \
     on a free-threaded build.",
    "submit returns a future per task; as_completed hands each result over the moment it is \
     done. map hands results over in input order: a quick task that finished early is held back \
     until every task before it is done. Same pool, same work: only the order differs.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[WORKERS, TASKS, TASK_MS, CPU_PERCENT], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let workers = knobs.get(WORKERS).get_untracked() as usize;
        let n = knobs.get(TASKS).get_untracked() as usize;
        let longest = knobs.get(TASK_MS).get_untracked() as f64;
        let cpu = knobs.get(CPU_PERCENT).get_untracked() as f64;
        state.start(async move {
            let per_ms = if cpu > 0.0 {
                cooperative::sized_job(10.0).await.per_ms
            } else {
                0.0
            };
            let label = |m: &Variant| format!("{n} tasks on {workers} workers, {}", m.title());
            Ok(state
                .steps(Variant::ALL.to_vec(), label, |m| {
                    run(m, workers, tasks(n, longest, cpu, per_ms))
                })
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
                <thead><tr><th>"handed over by"</th><th class="text">"results received, in order (task @ ms)"</th>
                    <th>"first result"</th><th>"all done"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-mode=format!("{:?}", m.mode) data-order={order(m)} data-first-ms={first_ms(m)}>
                        <td>{m.mode.title()}</td>
                        <td class="text">{m.received.iter().map(|(i, at)| format!("{i} @ {at:.0}")).collect::<Vec<_>>().join(", ")}</td>
                        <td>{format!("{:.0} ms", first_ms(m))}</td>
                        <td>{format!("{:.0} ms", m.total_ms)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            {all.into_iter().map(|m| {
                let caption = format!("{} on {} worker{}", m.mode.title(), m.workers, if m.workers == 1 { "" } else { "s" });
                view! { <Timeline trace=m.trace caption axis_ms=axis/> }
            }).collect_view()}
        </section>
    }
}

fn order(m: &Measured) -> String {
    m.received
        .iter()
        .map(|r| r.0.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn first_ms(m: &Measured) -> f64 {
    m.received.first().map(|r| r.1).unwrap_or(0.0)
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} tasks on {} workers, the first the longest ({} ms): when does map hand over its first result?",
                k.get(TASKS).get(),
                k.get(WORKERS).get(),
                k.get(TASK_MS).get()
            )
        },
        "ms",
        |all: &Vec<Measured>| {
            all.iter()
                .find(|m| m.mode == Variant::Map)?
                .received
                .first()
                .map(|r| r.1)
        },
    )
}
