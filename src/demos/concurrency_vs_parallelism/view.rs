//! The page of the concurrency-vs-parallelism demo.

use super::{
    INFO, Measured, PYTHON_SOURCE, STEP_MS, STEPS, TASKS, Variant, compare, interleaved, parallel,
    step_size,
};
use crate::engine;
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Concurrency is dealing with many things at once; parallelism is doing many things at once. \
     Both runs below do the same tasks: a few steps of pure computation each.",
    "On the event loop the tasks take turns: all of them are in progress together, but one lane \
     computes one step at a time, so the total is the sum of all steps. On the worker threads \
     (one per core) several steps compute at the same instant, so the total shrinks. A step is \
     fixed work (testing a few thousand numbers for primality), sized to the step time on this \
     machine.",
    "The two timelines share one time axis. In CPython the parallel half needs processes: \
     threads would take turns under the GIL like the event loop does (a free-threaded build, \
     3.13t or later, runs them in parallel).",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[TASKS, STEPS, STEP_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let tasks = knobs.get(TASKS).get_untracked() as usize;
        let steps = knobs.get(STEPS).get_untracked() as usize;
        let step_ms = knobs.get(STEP_MS).get_untracked() as f64;
        state.start(async move {
            state.say(format!("1 of 2: {}", Variant::Interleaved.title()));
            engine::yield_now().await;
            let size = step_size(step_ms).await;
            let seq = interleaved(tasks, steps, size).await;
            state.say(format!("2 of 2: {}", Variant::Parallel.title()));
            // One lane per core: more threads than cores would only take turns on them.
            let lanes = engine::hardware_concurrency()
                .min(engine::max_threads())
                .max(1);
            let par = parallel(tasks, steps, size, lanes)
                .await
                .map_err(|e| e.to_string());
            Ok((seq, par, lanes))
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(|(seq, par, lanes)| results(seq, par, lanes))}
        </DemoPage>
    }
}

fn ms(v: f64) -> String {
    format!("{v:.0} ms")
}

fn verdict(seq: &Measured, par: &Result<Measured, String>, lanes: usize) -> String {
    let mut text = format!(
        "Both did {} of computing. Interleaved, {} tasks were in progress together but {} computed at any instant: {}. ",
        ms(seq.cpu_ms),
        seq.in_progress,
        seq.most_at_once,
        ms(seq.wall_ms)
    );
    text += &match par {
        Ok(p) => parallel_verdict(seq, p, lanes),
        Err(e) => format!("The parallel run could not start: {e}."),
    };
    text
}

fn parallel_verdict(seq: &Measured, par: &Measured, lanes: usize) -> String {
    let c = compare(seq, par, lanes);
    let mut text = format!(
        "In parallel, up to {} computed at the same instant: {}, {:.2}x faster",
        par.most_at_once,
        ms(par.wall_ms),
        c.speedup
    );
    if c.speedup > lanes as f64 {
        // More than the lanes can give: say where the rest comes from instead of showing it bare.
        text += &format!(
            ". That is more than {lanes} cores can give: the loop's wall time also holds {} it handed back \
             to the page between slices, so the page never froze. On computing alone: {:.2}x",
            ms(c.yielded_ms),
            c.computing_speedup
        );
    }
    text += if c.noise {
        " (noise: the machine was busy, run again)."
    } else {
        "."
    };
    text
}

fn results(seq: Measured, par: Result<Measured, String>, lanes: usize) -> impl IntoView {
    let axis = seq
        .wall_ms
        .max(
            par.as_ref()
                .map(|p| p.trace.end() - p.trace.start())
                .unwrap_or(0.0),
        )
        .max(seq.trace.end() - seq.trace.start());
    let verdict = verdict(&seq, &par, lanes);
    let rows: Vec<Measured> = std::iter::once(seq.clone())
        .chain(par.clone().ok())
        .collect();
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"run"</th><th>"wall time"</th><th>"computing, summed"</th>
                    <th>"computing at once (most)"</th><th>"tasks in progress at once (most)"</th></tr></thead>
                <tbody>{rows.iter().map(|m| view! {
                    <tr data-mode=format!("{:?}", m.mode) data-wall-ms=m.wall_ms data-most=m.most_at_once data-in-progress=m.in_progress>
                        <td>{m.mode.title()}</td><td>{ms(m.wall_ms)}</td><td>{ms(m.cpu_ms)}</td>
                        <td>{m.most_at_once}</td><td>{m.in_progress}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="verdict">{verdict}</p>
            <Timeline trace=seq.trace caption=Variant::Interleaved.title() axis_ms=axis/>
            {par.map(|p| view! { <Timeline trace=p.trace caption=Variant::Parallel.title() axis_ms=axis/> })}
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<(Measured, Result<Measured, String>, usize)> {
    Prediction::new(
        |k| {
            format!(
                "{} tasks of {} steps of {} ms: how long on the worker threads, one per core?",
                k.get(TASKS).get(),
                k.get(STEPS).get(),
                k.get(STEP_MS).get()
            )
        },
        "ms",
        |(_, par, _): &(Measured, Result<Measured, String>, usize)| {
            par.as_ref().ok().map(|p| p.wall_ms)
        },
    )
}
