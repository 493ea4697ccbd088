//! The page of the crash-isolation demo.

use super::thread_panic::{self, Aftermath, LockState};
use super::{run, Faults, Measured, HANG_AT, HANG_MS, INFO, N, OOM_AT, OOM_LIMIT_MB, PANIC_AT, PROCESSES, PYTHON_SOURCE, TASKS, TIMEOUT};
use crate::models::process_pool::Job;
use crate::engine;
use crate::widgets::{use_pool, DemoPage, Knobs, PoolState, RunState, ThreadGate, Timeline, Prediction};
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

const EXPLANATION: &[&str] = &[
    "A pool of processes maps compute(n) over the tasks, one task per message. Three tasks take \
     their process down: one panics, one allocates until its process runs out of memory (its \
     wasm instance cannot grow past 1 GiB), one never answers (it blocks, as on a lock nobody \
     releases) and is terminated when the pool's timeout runs out. Each time only that process dies, because nothing else shares its memory: \
     its lane ends red, the pool starts a replacement (a new lane) and runs the lost task again, \
     and the other processes never stop.",
    "Set a fault's task number to the task count or more to leave that fault out.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[PROCESSES, TASKS, PANIC_AT, OOM_AT, HANG_AT, TIMEOUT], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let value = |k| knobs.get(k).get_untracked() as usize;
        let (processes, tasks, timeout) = (value(PROCESSES), value(TASKS), value(TIMEOUT) as f64);
        let faults = Faults { panic_at: value(PANIC_AT), oom_at: value(OOM_AT), hang_at: value(HANG_AT) };
        let jobs = faults.jobs(tasks, N, OOM_LIMIT_MB, HANG_MS);
        let faulty = jobs.iter().filter(|j| matches!(j, Job::FailOnce(..))).count();
        state.start(async move {
            state.say(format!("{tasks} tasks on {processes} processes, {faulty} of them faulty"));
            run(processes, jobs, timeout).await
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(results)}
            <ThreadPanic/>
        </DemoPage>
    }
}

fn results(m: Measured) -> impl IntoView {
    let verdict = format!(
        "{} process{} died, each alone. All {} answers {} (total {}), in {:.0} ms.",
        m.crashes.len(),
        if m.crashes.len() == 1 { "" } else { "es" },
        m.tasks,
        if m.correct { "are right" } else { "are NOT all right" },
        m.total,
        m.wall_ms
    );
    view! {
        <section class="results" data-testid="results">
            <p class="verdict" data-crashes=m.crashes.len() data-correct=m.correct.to_string()>{verdict}</p>
            <ul class="crashes">{m.crashes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
            <Timeline trace=m.trace caption="One lane per process: start-up, tasks, each failure (red) and its replacement"/>
        </section>
    }
}

const THREAD_NOTE: &str = "For contrast, a thread. A worker thread of the shared-memory pool takes a \
    lock, writes half of a shared table and panics. It shared its memory with the page and the other \
    threads, so what it leaves behind is everyone's problem. This costs the page one worker thread \
    until you reload it.";

/// The live contrast: panic one pool thread and show what survived.
#[component]
fn ThreadPanic() -> impl IntoView {
    let pool = use_pool();
    let running = RwSignal::new(false);
    let outcome: RwSignal<Option<Result<Aftermath, String>>> = RwSignal::new(None);
    let on_click = move |_| {
        running.set(true);
        outcome.set(None);
        spawn_local_scoped_with_cancellation(async move {
            let after = thread_panic::panic_a_thread().await;
            // The pool is smaller now: the status line and every thread demo must know.
            pool.set(match engine::pool_threads() {
                0 => PoolState::Unavailable("every worker thread has died; reload the page".into()),
                n => PoolState::Ready(n),
            });
            outcome.set(Some(after));
            running.set(false);
        });
    };
    view! {
        <section class="contrast" data-testid="thread-panic">
            <h2>"A thread that panics"</h2>
            <p>{THREAD_NOTE}</p>
            <ThreadGate>
                <button type="button" class="run secondary" disabled=move || running.get() on:click=on_click>"Panic a pool thread"</button>
            </ThreadGate>
            {move || outcome.get().map(|o| match o {
                Ok(a) => aftermath(a).into_any(),
                Err(e) => view! { <p class="notice warn">{format!("The thread run failed: {e}")}</p> }.into_any(),
            })}
            <details><summary>"The Rust that ran"</summary><pre tabindex="0" aria-label="The Rust that ran: the thread that panics"><code>{thread_panic::rust_source()}</code></pre></details>
        </section>
    }
}

fn aftermath(a: Aftermath) -> impl IntoView {
    let lock = match a.lock {
        LockState::HeldForever => "still held, by a thread that no longer exists: no one can ever take it again (a panic aborts a browser thread on the spot; nothing unwinds)",
        LockState::Poisoned => "released by unwinding, and poisoned: the next user is told the data behind it may be half-changed",
        LockState::Free => "free",
    };
    let lost = a.threads_before.saturating_sub(a.threads_answering);
    view! {
        <table class="numbers aftermath" data-testid="aftermath" data-lock=format!("{:?}", a.lock) data-written=a.written data-threads-before=a.threads_before data-threads-answering=a.threads_answering>
            <tbody>
                <tr><th class="text">"the panic"</th><td class="text">{a.reported}</td></tr>
                <tr><th class="text">"the lock it held"</th><td class="text">{lock}</td></tr>
                <tr><th class="text">"the shared table"</th><td class="text">{format!("{} of {} entries written: the update stopped halfway, in memory everyone shares", a.written, thread_panic::ENTRIES)}</td></tr>
                <tr><th class="text">"the pool"</th><td class="text">{format!("{} of {} threads still answer{}", a.threads_answering, a.threads_before,
                    if lost > 0 { format!("; {lost} gone until the page reloads") } else { String::new() })}</td></tr>
                <tr><th class="text">"the page"</th><td class="text">"still running (it only awaits results from threads; this table is the proof)"</td></tr>
            </tbody>
        </table>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Measured> {
    Prediction::new(|k| format!("{} tasks on {} processes; one panics, one runs out of memory, one hangs: how many crashes will the pool report?", k.get(TASKS).get(), k.get(PROCESSES).get()), "crashes", |m: &Measured| Some(m.crashes.len() as f64))
}
