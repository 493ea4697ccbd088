//! The page of the crash-isolation demo.

use super::{run, Measured, CRASH_AT, INFO, PROCESSES, PYTHON_SOURCE, TASKS};
use crate::ui::{DemoFrame, Knobs, RunPanel, Timeline};
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

const EXPLANATION: &[&str] = &[
    "A pool of processes maps compute(n) over the tasks, one task per message. The chosen task \
     makes its process panic: the process's own wasm instance aborts, and nothing else is hurt, \
     because nothing else shares its memory. Its lane ends red; the pool starts a replacement \
     (a new lane) and runs the lost task again; the other processes never stop.",
    "The dying process sends its panic message out before it goes; the page shows it below.",
];

const THREAD_NOTE: &str = "For contrast, a thread: a panic on a worker thread of the shared-memory \
    pool aborts that worker's instance too, but the thread shared its memory with the page and the \
    other threads. Locks it held stay held, data it was changing stays half-changed, and the pool \
    has one thread fewer until the page is reloaded: the page survives (it only awaits results, \
    and reports the panic), the pool does not come back. That is why this page does not do it \
    live; a process can be replaced, a thread of a shared memory cannot.";

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[PROCESSES, TASKS, CRASH_AT], &query);
    let running = RwSignal::new(false);
    let phase = RwSignal::new(String::new());
    let result: RwSignal<Option<Measured>> = RwSignal::new(None);
    let on_run = move || {
        let processes = knobs.get(PROCESSES).get_untracked() as usize;
        let tasks = knobs.get(TASKS).get_untracked() as usize;
        let crash_at = knobs.get(CRASH_AT).get_untracked() as usize;
        if crash_at >= tasks {
            knobs.notices.update(|v| v.push(format!("task that crashes must be below {tasks} (the task count); task {} crashes instead", tasks - 1)));
        }
        running.set(true);
        result.set(None);
        phase.set(format!("{tasks} tasks on {processes} processes; task {} crashes its process", crash_at.min(tasks - 1)));
        spawn_local_scoped_with_cancellation(async move {
            match run(processes, tasks, crash_at).await {
                Ok(m) => result.set(Some(m)),
                Err(e) => knobs.notices.update(|v| v.push(format!("The run failed: {e}"))),
            }
            running.set(false);
        });
    };
    view! {
        <DemoFrame info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE>
            <RunPanel knobs running phase on_run/>
            {move || result.get().map(results)}
            <p class="notice">{THREAD_NOTE}</p>
        </DemoFrame>
    }
}

fn results(m: Measured) -> impl IntoView {
    let verdict = format!(
        "{} crash{}, contained: {}. All {} answers {} (total {}), in {:.0} ms.",
        m.crashes.len(),
        if m.crashes.len() == 1 { "" } else { "es" },
        m.crashes.join("; "),
        m.tasks,
        if m.correct { "are right" } else { "are NOT all right" },
        m.total,
        m.wall_ms
    );
    view! {
        <section class="results" data-testid="results">
            <p class="verdict" data-crashes=m.crashes.len() data-correct=m.correct.to_string()>{verdict}</p>
            <Timeline trace=m.trace caption="One lane per process: start-up, tasks, the crash (red) and its replacement"/>
        </section>
    }
}
