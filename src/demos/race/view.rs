//! The page of the race-condition demo.

use super::steps::{Counter, Rules};
use super::{Counted, INFO, PYTHON_SOURCE, REPEATS, THOUSANDS, THREADS, Variant, count};
use crate::core::stats::{grouped, median};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, StepRules, Stepper, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Every thread adds 1 to one shared counter, many times. Read-then-write is what counter += 1 \
     does: read the value, add one, write it back. When two threads read the same value, both \
     write value + 1 and one update is lost. Here the threads are real parallel threads with no \
     GIL, so updates are lost, and how many changes from run to run. CPython with the \
     GIL (3.10 and later) switches threads only at a few points between bytecodes, almost never \
     inside counter += 1, so it practically never loses one (see the note below); a free-threaded \
     build does. The race is there either way: in Python only a lock makes the read and the write \
     one step.",
    "An atomic fetch_add does the read and the write as one indivisible step; a Mutex lets one \
     thread at a time do both. Neither loses anything.",
];

/// What CPython does with the classic example, from the reference data (with its source).
fn cpython_note() -> String {
    use crate::core::reference::{figure, source};
    format!(
        "About CPython: in {} tries of two threads doing counter += 1 {} times each, {} lost any update \
         ({}). The interpreter switches threads only at certain points between bytecodes, so a switch \
         rarely falls between the load and the store; the race is still real (python/demo_race_condition.py \
         forces that switch and loses updates every run), and a free-threaded build loses them freely. \
         Rust refuses the unsynchronised version outright: two threads cannot both hold &mut to one counter \
         (a compile_fail doc test checks it).",
        figure("race_tries"),
        grouped(figure("race_adds_per_thread") as u64),
        figure("race_tries_that_lost"),
        source()
    )
}

const STEP_INTRO: &str = "two threads each run plain() from the Python program: for _ in range(2): counter += 1, \
    as the CPython 3.11 bytecode dis shows. Pick which thread runs the next instruction. Under 3.11's rules a thread \
    keeps the GIL until it reaches a switch point (JUMP_BACKWARD, where the interpreter checks for a switch \
    request), so no schedule can split LOAD_GLOBAL from STORE_GLOBAL: the search proves it. Free-threaded, any \
    instruction boundary is a switch. The measured run above is Rust on real threads.";

fn step_rules() -> Vec<StepRules<Counter>> {
    Rules::ALL
        .iter()
        .map(|&r| StepRules {
            key: r.key(),
            title: r.title(),
            start: Counter::new(r),
        })
        .collect()
}

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[THREADS, THOUSANDS, REPEATS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let threads = knobs.get(THREADS).get_untracked() as usize;
        let adds = knobs.get(THOUSANDS).get_untracked() * 1000;
        let repeats = knobs.get(REPEATS).get_untracked() as usize;
        state.start(async move {
            let mut all = Vec::new();
            for method in Variant::ALL {
                let mut runs = Vec::new();
                for r in 1..=repeats {
                    state.say(format!("{}: run {r} of {repeats}", method.title()));
                    runs.push(count(method, threads, adds).await?);
                }
                all.push(runs);
            }
            Ok(all)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run gated=true predict=prediction()>
            {move || state.result.get().map(results)}
            <p class="notice" data-testid="cpython-reference">{cpython_note()}</p>
            <Stepper knobs query=query.clone() rules=step_rules() goal="a lost update" intro=STEP_INTRO/>
        </DemoPage>
    }
}

fn results(all: Vec<Vec<Counted>>) -> impl IntoView {
    let racy_trace = all[0].last().map(|c| c.trace.clone());
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"method"</th><th>"expected"</th><th>"counted, each run"</th><th>"lost, each run"</th><th>"time (median)"</th></tr></thead>
                <tbody>{all.iter().map(|runs| {
                    let lost: Vec<u64> = runs.iter().map(Counted::lost).collect();
                    let total_lost: u64 = lost.iter().sum();
                    let wall = median(&runs.iter().map(|c| c.wall_ms).collect::<Vec<_>>()).unwrap_or(0.0);
                    let list = |v: Vec<u64>| v.into_iter().map(grouped).collect::<Vec<_>>().join(", ");
                    view! {
                        <tr data-method=format!("{:?}", runs[0].method) data-lost=total_lost>
                            <td>{runs[0].method.title()}</td><td>{grouped(runs[0].expected)}</td>
                            <td class="text">{list(runs.iter().map(|c| c.actual).collect())}</td>
                            <td class="text">{list(lost)}</td><td>{format!("{wall:.1} ms")}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            {racy_trace.map(|trace| view! { <Timeline trace caption="Read-then-write, last run: the threads really overlapped"/> })}
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Vec<Counted>>> {
    Prediction::new(
        |k| {
            format!(
                "{} threads each add 1 to one counter {} thousand times, read then write, on these real threads (no GIL): how many updates will the first run lose?",
                k.get(THREADS).get(),
                k.get(THOUSANDS).get()
            )
        },
        "updates",
        |all: &Vec<Vec<Counted>>| all.first()?.first().map(|c| c.lost() as f64),
    )
}
