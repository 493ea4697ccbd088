//! The page of the parallel-CPU demo.

use super::{
    INFO, PYTHON_SOURCE, REPEATS, Row, SIZE_K, SplitRun, expected_primes, run_split, summarise,
};
use crate::core::stats::grouped;
use crate::engine;
use crate::widgets::{
    DemoPage, Knobs, NoiseNote, PoolState, Prediction, RunState, Speedup, SpeedupCell, Timeline,
    use_pool,
};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Counting primes below a limit by trial division is pure computation: no waiting, so an event \
     loop cannot speed it up. Here the numbers are cut into many stripes that 1, 2, … P worker \
     threads (Web Workers sharing one wasm memory) take one at a time as they come free, really \
     at the same time: a thread slowed by something else takes fewer, and none waits long for \
     the last.",
    "Speedup is the 1-thread time divided by the P-thread time, taken in each round (a round runs \
     every thread count back to back, so a machine that slows down between rounds slows them \
     alike) and the median of the rounds shown; efficiency is speedup per thread. Expect close to \
     P on an idle machine with P cores, less when other programs compete. On a virtual machine \
     the \"cores\" may be hyperthreads: a round now and then in which P threads give about 1x, \
     each thread at half speed, is most likely the host running two of them on one physical core.",
    "The answer is checked against a sieve, a different algorithm. In CPython, threads would not \
     speed this up (the GIL) unless on a free-threaded build; processes would.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[SIZE_K, REPEATS], &query);
    let pool = use_pool();
    let state = RunState::new(&knobs);
    let on_run = move || {
        let PoolState::Ready(pool_threads) = pool.get_untracked() else {
            return;
        };
        // One thread per core at most: beyond that threads only take turns on the cores.
        let max_threads = pool_threads.min(engine::hardware_concurrency());
        let limit = knobs.get(SIZE_K).get_untracked() * 1000;
        let repeats = knobs.get(REPEATS).get_untracked() as usize;
        state.start(async move { Ok((limit, measure(limit, repeats, max_threads, state).await?)) });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run gated=true predict=prediction()>
            {move || state.result.get().map(|(limit, rows)| results(limit, rows))}
        </DemoPage>
    }
}

/// Runs the job for 1..=max_threads threads, `repeats` times each, every run on the pool: after
/// one run not measured (the browser first runs new code on its baseline compiler, several times
/// slower, until the code is found hot), round by round, every thread count in each round. A
/// machine that slows down midway then slows every thread count alike and the speedups stay fair;
/// run one thread count after another, a 2-vCPU VM whose own pace drifts by up to 1.8x within
/// seconds would put the drift into the speedup.
async fn measure(
    limit: u64,
    repeats: usize,
    max_threads: usize,
    state: RunState<(u64, Vec<Row>)>,
) -> Result<Vec<Row>, engine::OffloadError> {
    state.say("checking the answer with a sieve");
    let expected = engine::offload(move || expected_primes(limit)).await?;
    state.say("warming up (not measured)");
    engine::offload(move || run_split(limit, max_threads)).await?;
    let mut runs: Vec<Vec<SplitRun>> = (0..max_threads)
        .map(|_| Vec::with_capacity(repeats))
        .collect();
    for r in 1..=repeats {
        for threads in 1..=max_threads {
            state
                .say_before_timing(format!(
                    "run {r} of {repeats}: {threads} thread{}",
                    if threads == 1 { "" } else { "s" }
                ))
                .await;
            runs[threads - 1].push(engine::offload(move || run_split(limit, threads)).await?);
        }
    }
    Ok(summarise(&runs, expected))
}

fn results(limit: u64, rows: Vec<Row>) -> impl IntoView {
    let axis = rows.iter().map(|r| r.last.wall_ms).fold(0.0, f64::max);
    let all_checked = rows.iter().all(|r| r.checked);
    let primes = rows.first().map(|r| r.last.primes).unwrap_or(0);
    // Each row's threads run on a core of their own (the page asks for no more threads than cores).
    let speedups: Vec<Speedup> = rows
        .iter()
        .map(|r| Speedup::new(r.speedup, r.threads))
        .collect();
    let best = super::best(&rows).cloned();
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"threads"</th><th>"wall time (median)"</th><th>"speedup"</th><th>"efficiency"</th><th>"answer"</th></tr></thead>
                <tbody>
                    {rows.iter().zip(&speedups).map(|(r, &speedup)| {
                        view! {
                        <tr data-threads=r.threads data-wall-ms=r.wall_ms data-runs-ms={r.runs_ms.iter().map(f64::to_string).collect::<Vec<_>>().join(" ")} data-speedup=r.speedup data-checked=r.checked.to_string()
                            data-noisy=speedup.noisy().to_string() class:noisy=speedup.noisy()>
                            <td>{r.threads}</td>
                            <td>{format!("{:.0} ms", r.wall_ms)}</td>
                            <SpeedupCell speedup/>
                            <td>{format!("{:.0}%", r.efficiency * 100.0)}</td>
                            <td>{if r.checked { "✓ checked" } else { "✗ WRONG" }}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            <NoiseNote speedups/>
            <p class="verdict">
                {format!("{} primes below {}{}. ", grouped(primes), grouped(limit), if all_checked { ", the same as the sieve" } else { ": DIFFERENT from the sieve" })}
                {best.map(|b| format!("Best: {:.2}× with {} threads ({:.0}% efficiency).", b.speedup, b.threads, b.efficiency * 100.0))}
            </p>
            {rows.into_iter().map(|r| {
                let caption = format!("{} thread{} (last run, {:.0} ms)", r.threads, if r.threads == 1 { "" } else { "s" }, r.last.wall_ms);
                view! { <Timeline trace=r.last.trace caption axis_ms=axis/> }
            }).collect_view()}
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<(u64, Vec<Row>)> {
    Prediction::new(
        |k| {
            format!(
                "Counting primes below {} thousand: how many times faster on all worker threads than on one?",
                k.get(SIZE_K).get()
            )
        },
        "×",
        |(_, rows): &(u64, Vec<Row>)| rows.last().map(|r| r.speedup),
    )
}
