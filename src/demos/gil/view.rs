//! The page of the simulated-GIL demo.

use super::{INFO, IO_MS, Measured, PYTHON_SOURCE, THREADS, Variant, WORK_MS, run};
use crate::core::stats::speedup;
use crate::engine;
use crate::models::cooperative;
use crate::models::gil::SWITCH_MS;
use crate::widgets::{
    DemoPage, Knobs, NoiseNote, Prediction, RunState, Speedup, SpeedupCell, Timelines,
};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "This is a simulation of CPython's global interpreter lock, not CPython. The threads are \
     real Web Workers doing real work in one shared memory; what is simulated is the \
     rule: a thread must hold one global lock to run \"bytecode\" (here, testing a block of \
     numbers for primality), hands it over after the 5 ms switch interval when another thread \
     asks, and releases it while it waits on I/O.",
    "With the lock, CPU-bound threads take turns (the slices alternate on the timeline) and two \
     threads finish no sooner than one. Without it, the same threads run side by side. I/O-bound \
     threads still overlap under the lock, because a waiting thread does not hold it.",
    "The GIL is no longer universal: PEP 703 made it optional (the free-threaded build, 3.13t, \
     experimental; supported since 3.14 by PEP 779). There, CPU-bound threads do run in parallel, \
     like the \"no GIL\" row below. The default CPython build still has the GIL.",
];

/// Real CPython on the same kind of machine (not in this browser), from the reference data.
fn cpython_figures() -> String {
    use crate::core::reference::{figure, get, source};
    format!(
        "Real CPython, not in your browser ({}): counting primes took {:.2} s on one thread, {:.2} s on two \
         threads (the GIL: no faster) and {:.2} s on two processes (started by {}). 1000 gathered asyncio.sleep(0.2) took {:.2} s. \
         Free-threaded CPython: {}.",
        source(),
        figure("cpu_one_thread_s"),
        figure("cpu_two_threads_s"),
        figure("cpu_two_processes_s"),
        get("cpu_two_processes_start_method").unwrap_or("?"),
        figure("gathered_1000_sleeps_of_0.2_s"),
        get("free_threaded").unwrap_or("not measured")
    )
}

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[THREADS, WORK_MS, IO_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let threads = knobs.get(THREADS).get_untracked() as usize;
        let work = knobs.get(WORK_MS).get_untracked() as f64;
        let io = knobs.get(IO_MS).get_untracked() as f64;
        state.start(async move {
            let job = cooperative::sized_job(work).await;
            Ok(state
                .steps(
                    Variant::ALL.to_vec(),
                    |s| s.title(threads),
                    |s| run(s, threads, job, io),
                )
                .await?)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run gated=true predict=prediction()>
            <p class="notice warn simulation" data-testid="simulation">
                {format!("Simulation: the lock in these runs follows CPython's rules (switch interval {SWITCH_MS} ms); \
                          the threads, the work and every time shown are real.")}
            </p>
            {move || state.result.get().map(results)}
            <p class="notice" data-testid="cpython-reference">{cpython_figures()}</p>
        </DemoPage>
    }
}

fn results(all: Vec<Measured>) -> impl IntoView {
    let one = all[0].wall_ms;
    let threads = all[1].threads;
    let cores = engine::hardware_concurrency();
    // CPU-bound runs only: an I/O-bound run's speedup says nothing about the lanes.
    let speedups: Vec<Option<Speedup>> = all
        .iter()
        .map(|m| {
            (m.scenario != Variant::IoThreadsGil).then(|| {
                Speedup::new(
                    speedup(one, m.wall_ms),
                    m.scenario.parallel_lanes(threads, cores),
                )
            })
        })
        .collect();
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"run"</th><th>"wall time"</th><th>"bytecode running, summed"</th>
                    <th>"threads running at once (most)"</th><th>"speedup over 1 thread"</th></tr></thead>
                <tbody>{all.iter().zip(speedups.clone()).map(|(m, speedup)| {
                    view! {
                        <tr data-scenario=format!("{:?}", m.scenario) data-wall-ms=m.wall_ms data-most=m.most_running>
                            <td>{m.scenario.title(threads)}</td><td>{format!("{:.0} ms", m.wall_ms)}</td>
                            <td>{format!("{:.0} ms", m.cpu_ms)}</td><td>{m.most_running}</td>
                            {match speedup {
                                Some(speedup) => view! { <SpeedupCell speedup/> }.into_any(),
                                None => view! { <td>"—"</td> }.into_any(),
                            }}
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            <NoiseNote speedups=speedups.into_iter().flatten().collect()/>
            <Timelines runs={all.into_iter().map(|m| (m.scenario.title(threads).to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} threads share {} ms of CPU work under the simulated GIL: how long will it take?",
                k.get(THREADS).get(),
                k.get(WORK_MS).get()
            )
        },
        "ms",
        |all: &Vec<Measured>| {
            all.iter()
                .find(|m| m.scenario == Variant::CpuThreadsGil)
                .map(|m| m.wall_ms)
        },
    )
}
