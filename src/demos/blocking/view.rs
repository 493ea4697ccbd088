//! The page of the blocking-the-loop demo.

use super::{
    CHUNK_MS, INFO, JOB_MS, Outcome, PYTHON_SOURCE, SAFE_FREEZE_MS, TIMER_MS, Variant, run_variant,
    trace_of,
};
use crate::engine;
use crate::widgets::{DemoPage, Heartbeat, Knobs, Prediction, RunState, Timeline, use_lag};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "The event loop runs one callback at a time and cannot interrupt one (cooperative \
     multitasking). Watch the heartbeat while it runs: it is driven by a timer on the loop.",
    "Run on the loop without a single .await, the job holds it from start to end: the heartbeat, \
     timers, clicks and repaints all wait. Cut into chunks with a yield after each \
     (asyncio.sleep(0)), it lets the loop breathe between chunks; each yield costs a turn of the \
     loop: here a zero-delay timer (a fraction of a millisecond: these timers do not nest, so \
     browsers' 4 ms clamp on deeply nested timers never applies) plus whatever else the loop runs \
     in that turn (the heartbeat, a repaint), so the job takes longer in total. In CPython \
     asyncio.sleep(0) is one pass of the loop, a few microseconds plus the other callbacks.",
    "Sent to a worker thread (asyncio.to_thread), the job runs beside the loop, and the OS \
     schedules both. This playground's worker is a real parallel thread with no GIL, so here the \
     loop pays nothing. In CPython the worker and the loop take turns holding the GIL (the holder \
     is asked to let go every 5 ms, sys.getswitchinterval()), so while the thread runs Python \
     bytecode the loop still ticks, but its timers fire some milliseconds late; work that releases \
     the GIL (hashlib, zlib, NumPy) leaves the loop alone, and pure-Python work belongs in a \
     process for that reason.",
    "The longest gap between heartbeat ticks is the stall a user felt; the timer lag is how late \
     a 50 ms timer set at the start fired. Both come from the loop-lag monitor in the status line.",
];

pub const TASK_NAMES: &[&str] = &["heartbeat", "the job"];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[JOB_MS, CHUNK_MS], &query);
    let lag = use_lag();
    let state = RunState::new(&knobs);
    let consent = RwSignal::new(false);
    let long_freeze = move || knobs.get(JOB_MS).get() > SAFE_FREEZE_MS;
    let enabled = Signal::derive(move || !long_freeze() || consent.get());
    let on_run = move || {
        let job_ms = knobs.get(JOB_MS).get_untracked() as f64;
        let chunk_ms = knobs.get(CHUNK_MS).get_untracked() as f64;
        consent.set(false);
        state.start(async move {
            let meter = lag.meter();
            let job = crate::core::workload::PrimeJob::sized_for(job_ms, engine::now_ms);
            let mut all = Vec::new();
            for (i, v) in Variant::ALL.into_iter().enumerate() {
                state.say(match v {
                    Variant::OnTheLoop => format!(
                        "1 of 3: freezing the page for about {:.1} s on purpose",
                        job_ms / 1000.0
                    ),
                    _ => format!("{} of 3: {}", i + 1, v.title()),
                });
                // Let the page paint the phase and the heartbeat settle before each variant.
                engine::sleep_ms(150.0).await;
                all.push(run_variant(v, job, chunk_ms, &meter).await);
            }
            Ok(all)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run enabled predict=prediction()>
            <Show when=long_freeze>
                <p class="notice warn" data-testid="freeze-warning">
                    <label>
                        <input type="checkbox" data-testid="consent" prop:checked=move || consent.get()
                            on:change=move |ev| consent.set(event_target_checked(&ev))/>
                        {move || format!(" A job this size freezes this page for about {:.1} s (more than {} s): \
                            nothing on it will respond meanwhile. Tick to allow it.",
                            knobs.get(JOB_MS).get() as f64 / 1000.0, SAFE_FREEZE_MS / 1000)}
                    </label>
                </p>
            </Show>
            <Heartbeat/>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

fn verdict(all: &[Outcome]) -> String {
    let find = |v: Variant| all.iter().find(|o| o.variant == v);
    let (Some(on_loop), Some(chunked), Some(worker)) = (
        find(Variant::OnTheLoop),
        find(Variant::Chunked),
        find(Variant::Worker),
    ) else {
        return String::new();
    };
    let mut text = format!(
        "On the loop the heartbeat stopped for {}. In chunks its longest gap was {} and the job took {:+.0}% time. ",
        ms(on_loop.worst_gap_ms),
        ms(chunked.worst_gap_ms),
        (chunked.total_ms / on_loop.total_ms - 1.0) * 100.0
    );
    text += &match &worker.primes {
        Ok(_) => format!(
            "On a worker thread the longest gap was {}.",
            ms(worker.worst_gap_ms)
        ),
        Err(e) => format!("The worker variant could not run: {e}."),
    };
    text
}

fn results(all: Vec<Outcome>) -> impl IntoView {
    let answers: Vec<u64> = all.iter().filter_map(|o| o.primes.clone().ok()).collect();
    let agree = answers.windows(2).all(|w| w[0] == w[1]);
    let trace = trace_of(&all);
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"the job ran"</th><th>"total"</th><th>"longest heartbeat gap"</th>
                    <th>{format!("{TIMER_MS:.0} ms timer fired late by")}</th><th>"heartbeat ticks"</th><th>"primes found"</th></tr></thead>
                <tbody>{all.iter().map(|o| view! {
                    <tr data-variant=format!("{:?}", o.variant) data-total-ms=o.total_ms data-gap-ms=o.worst_gap_ms
                        data-lag-ms=o.timer_lag_ms data-ticks=o.ticks data-ok=o.primes.is_ok().to_string()>
                        <td>{o.variant.title()}</td><td>{ms(o.total_ms)}</td><td>{ms(o.worst_gap_ms)}</td>
                        <td>{ms(o.timer_lag_ms.max(0.0))}</td><td>{o.ticks}</td>
                        <td>{match &o.primes { Ok(n) => n.to_string(), Err(e) => e.clone() }}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="verdict">{verdict(&all)}
                {if agree { " All variants found the same number of primes." } else { " The answers differ: that is a bug, please report it." }}</p>
            <Timeline trace caption="The job (orange) and the heartbeat's silences (grey), all three variants in a row" task_names=TASK_NAMES/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Outcome>> {
    Prediction::new(
        |k| {
            format!(
                "A {} ms CPU job on the loop in one piece: how long will the page go without a heartbeat?",
                k.get(JOB_MS).get()
            )
        },
        "ms",
        |all: &Vec<Outcome>| {
            all.iter()
                .find(|o| o.variant == Variant::OnTheLoop)
                .map(|o| o.worst_gap_ms)
        },
    )
}
