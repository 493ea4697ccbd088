//! The page of the process-pool demo.

use super::{
    INFO, MILLIONS, Measured, PROCESSES, PYTHON_SOURCE, TASKS, TINY, TINY_N, Variant, run,
};
use crate::core::stats::speedup;
use crate::engine;
use crate::models::process_pool::{Pool, good_chunk};
use crate::widgets::{
    DemoPage, Knobs, NoiseNote, Prediction, RunState, Speedup, SpeedupCell, Timeline,
};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "compute(n) sums 0..n: pure computation. Big tasks run on one thread, on a pool of threads and \
     on a pool of processes (each its own wasm instance, fed by messages). Both pools run their \
     workers side by side here (see the timelines), and the table measures what that gains; in \
     CPython only the process pool would run in parallel, because of the GIL.",
    "Then many tiny tasks: with one message per task the pool spends its time passing messages, \
     not computing, and loses even to one thread. Sending the tasks in chunks (map's chunksize) \
     pays the message cost once per chunk.",
];

/// compute(n) of a warm-up task: enough for the browser to find the code hot, ~1 ms.
const WARM_UP_N: u64 = 300_000;

/// One result row: which workload, and the run or why it could not happen.
type Row = (&'static str, Variant, Result<Measured, String>);

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[PROCESSES, TASKS, MILLIONS, TINY], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let p = knobs.get(PROCESSES).get_untracked() as usize;
        let big = vec![
            knobs.get(MILLIONS).get_untracked() * 1_000_000;
            knobs.get(TASKS).get_untracked() as usize
        ];
        let tiny = vec![TINY_N; knobs.get(TINY).get_untracked() as usize];
        state.start(async move {
            state.say(format!("starting {p} processes"));
            let t = engine::now_ms();
            let mut processes = Pool::start(p)
                .await
                .map_err(|e| format!("the processes could not start: {e}"))?;
            let startup_ms = engine::now_ms() - t;
            // New code runs on the browser's baseline compiler, several times slower, until it is
            // found hot: unmeasured, each runner once on small tasks, or the first measured run
            // (one thread) would be the slow one and the others' speedups over it impossible.
            state.say("warming up (not measured)");
            for runner in [
                Variant::OneThread,
                Variant::ThreadPool,
                Variant::ProcessPool { chunk: 1 },
            ] {
                run(runner, vec![WARM_UP_N; 2 * p], p, &mut processes).await?;
            }
            let plan = [
                ("big", Variant::OneThread),
                ("big", Variant::ThreadPool),
                ("big", Variant::ProcessPool { chunk: 1 }),
                ("tiny", Variant::OneThread),
                ("tiny", Variant::ProcessPool { chunk: 1 }),
                (
                    "tiny",
                    Variant::ProcessPool {
                        chunk: good_chunk(tiny.len(), p),
                    },
                ),
            ];
            let mut rows = Vec::new();
            for (i, (work, runner)) in plan.into_iter().enumerate() {
                state
                    .say_before_timing(format!(
                        "{} of {}: {work} tasks, {}",
                        i + 1,
                        plan.len(),
                        runner.title(p)
                    ))
                    .await;
                let ns = if work == "big" {
                    big.clone()
                } else {
                    tiny.clone()
                };
                rows.push((work, runner, run(runner, ns, p, &mut processes).await));
            }
            processes.terminate();
            Ok((startup_ms, p, rows))
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(|(startup, p, rows)| results(startup, p, rows))}
        </DemoPage>
    }
}

fn results(startup_ms: f64, p: usize, rows: Vec<Row>) -> impl IntoView {
    let baseline = |work: &str| {
        rows.iter()
            .find(|r| r.0 == work && r.1 == Variant::OneThread)
            .and_then(|r| r.2.as_ref().ok())
            .map(|m| m.wall_ms)
    };
    let totals: Vec<(&str, u64)> = rows
        .iter()
        .filter_map(|r| r.2.as_ref().ok().map(|m| (r.0, m.total)))
        .collect();
    let agree = ["big", "tiny"].iter().all(|w| {
        totals
            .iter()
            .filter(|t| t.0 == *w)
            .map(|t| t.1)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            <= 1
    });
    let cores = engine::hardware_concurrency();
    let speedups: Vec<Option<Speedup>> = rows
        .iter()
        .map(|(work, runner, m)| match (baseline(work), m) {
            (Some(b), Ok(m)) => Some(Speedup::new(
                speedup(b, m.wall_ms),
                runner.parallel_lanes(p, m.tasks, cores),
            )),
            _ => None,
        })
        .collect();
    let table = rows
        .iter()
        .zip(speedups.clone())
        .map(|((work, runner, m), speedup)| {
            match m {
                Ok(m) => view! {
                    <tr data-work=*work data-runner=format!("{runner:?}") data-wall-ms=m.wall_ms data-spans=m.trace.spans.len()>
                        <td>{format!("{} {work} tasks", m.tasks)}</td><td class="text">{runner.title(p)}</td>
                        <td>{format!("{:.0} ms", m.wall_ms)}</td>
                        {match speedup {
                            Some(speedup) => view! { <SpeedupCell speedup/> }.into_any(),
                            None => view! { <td>"—"</td> }.into_any(),
                        }}
                    </tr>
                }
                .into_any(),
                Err(e) => view! {
                    <tr data-work=*work data-runner=format!("{runner:?}")>
                        <td>{format!("{work} tasks")}</td><td class="text">{runner.title(p)}</td><td class="text" colspan="2">{e.clone()}</td>
                    </tr>
                }
                .into_any(),
            }
        })
        .collect_view();
    let timelines = rows
        .into_iter()
        .filter(|r| r.1 != Variant::OneThread)
        .filter_map(|(work, runner, m)| m.ok().map(|m| (work, runner, m)))
        .map(|(work, runner, m)| view! { <Timeline trace=m.trace caption=format!("{work} tasks on {}", runner.title(p))/> })
        .collect_view();
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"work"</th><th class="text">"run on"</th><th>"wall time"</th><th>"speedup over one thread"</th></tr></thead>
                <tbody>{table}</tbody>
            </table>
            <NoiseNote speedups=speedups.into_iter().flatten().collect()/>
            <p class="verdict" data-agree=agree.to_string()>{format!(
                "Starting the {p} processes took {startup_ms:.0} ms (not counted above). {}",
                if agree { "Every run found the same answers." } else { "The runs' answers DIFFER: a bug." })}</p>
            {timelines}
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<(f64, usize, Vec<Row>)> {
    Prediction::new(
        |k| {
            format!(
                "{} tiny tasks sent to {} processes one message each: how long in total?",
                k.get(TINY).get(),
                k.get(PROCESSES).get()
            )
        },
        "ms",
        |(_, _, rows): &(f64, usize, Vec<Row>)| {
            rows.iter()
                .find(|r| r.0 == "tiny" && r.1 == Variant::ProcessPool { chunk: 1 })?
                .2
                .as_ref()
                .ok()
                .map(|m| m.wall_ms)
        },
    )
}
