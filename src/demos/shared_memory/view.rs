//! The page of the shared-memory demo.

use super::{ADDS, INFO, Measured, PROCESSES, PYTHON_SOURCE, Way, run};
use crate::core::process::Sharing;
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Processes share no memory, unless they map one block on purpose: multiprocessing.Value is a C \
     int in such a block. Here the page makes a SharedArrayBuffer and hands it to each process (a \
     Web Worker with its own wasm instance); they wait for each other at a start line in the block, \
     then each adds 1 to the counter many times.",
    "counter.value += 1 is a read and then a write. When two processes do it at once, one's write \
     undoes the other's: updates are lost, as with threads (there is no GIL between processes). \
     The Value's lock (counter.get_lock(), built here on Atomics.wait like a futex) keeps every \
     update, and costs a lock and an unlock per add. Counting in each process's own memory and \
     adding the total once is right and nearly free. Without shared memory the other way to \
     combine work is messages: one per add is the dearest of all.",
    "In the browser a process answers only when asked, so each add by message is a request from \
     the page and its answer (two messages); the Python program's children put one message each \
     on a Queue.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[PROCESSES, ADDS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let n = knobs.get(PROCESSES).get_untracked() as usize;
        let adds = knobs.get(ADDS).get_untracked();
        state.start(async move { run(n, adds, move |step| state.say(step)).await });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn results(all: Vec<Measured>) -> impl IntoView {
    let verdict = verdict(&all);
    view! {
        <section class="results" data-testid="results">
            <div class="scroll" tabindex="0" role="region" aria-label="a wide table: scroll sideways">
            <table class="numbers">
                <thead><tr><th>"the processes"</th><th>"counter"</th><th>"expected"</th><th>"lost"</th><th>"time"</th><th>"per add"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-way=m.way.key() data-counter=m.counter data-expected=m.expected data-lost=m.lost() data-total-ms=m.total_ms>
                        <td>{m.way.title()}</td><td>{m.counter}</td><td>{m.expected}</td>
                        <td class:bad=(m.lost() != 0)>{m.lost()}</td><td>{format!("{:.1} ms", m.total_ms)}</td>
                        <td>{format!("{:.2} µs", m.us_per_add())}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            </div>
            <p class="verdict">{verdict}</p>
            <Timelines runs={all.into_iter().map(|m| (m.way.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// What the run showed, in words: the loss, the lock's price, and the messages' price.
fn verdict(all: &[Measured]) -> String {
    let find = |w: Way| all.iter().find(|m| m.way == w);
    let (Some(unlocked), Some(locked), Some(local), Some(messages)) = (
        find(Way::Shared(Sharing::Unlocked)),
        find(Way::Shared(Sharing::Locked)),
        find(Way::Shared(Sharing::Local)),
        find(Way::Messages),
    ) else {
        return String::new();
    };
    let loss = if unlocked.lost() == 0 {
        "Without the lock no update was lost this time: the processes did not collide (try more adds, or run again); the read and the write are still two steps.".to_string()
    } else {
        format!(
            "Without the lock {} of {} updates were lost.",
            unlocked.lost(),
            unlocked.expected
        )
    };
    format!(
        "{loss} The lock kept all {} at {:.2} µs an add; counting alone and adding once took {:.2} µs an add; a message per add {:.2} µs, {:.0} times the lock's price.",
        locked.counter,
        locked.us_per_add(),
        local.us_per_add(),
        messages.us_per_add(),
        messages.us_per_add() / locked.us_per_add().max(1e-9),
    )
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} processes each add 1 to one shared counter {} times with no lock: how many updates will be lost?",
                k.get(PROCESSES).get(),
                k.get(ADDS).get()
            )
        },
        "updates",
        |all: &Vec<Measured>| {
            all.iter()
                .find(|m| m.way == Way::Shared(Sharing::Unlocked))
                .map(|m| m.lost() as f64)
        },
    )
}
