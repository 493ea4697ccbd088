//! The page of the crash-isolation demo.

use super::thread_panic::{self, Aftermath, LockState};
use super::{
    Faults, HANG_AT, HANG_MS, INFO, Measured, N, OOM_AT, OOM_LIMIT_MB, PANIC_AT, PROCESSES,
    PYTHON_SOURCE, TASKS, TIMEOUT, run,
};
use crate::engine;
use crate::models::process_pool::{BROKEN_SUBMIT, BROKEN_TASK, Fate, Job, Rules};
use crate::widgets::{
    DemoPage, Knobs, PoolState, Prediction, RunState, ThreadGate, Timeline, use_pool,
};
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

const EXPLANATION: &[&str] = &[
    "A pool of processes maps compute(n) over the tasks, one task per message. Three tasks take \
     their process down: one panics (the process ends on the spot, as a CPython worker does on \
     a segfault or os._exit; a Python exception would not end it), one allocates until its \
     process runs out of memory, one never answers (it blocks, as on a lock nobody releases). \
     Each time only that process dies, because nothing else shares its memory. What the pool \
     does next is a matter of its rules: choose whose below, and run.",
    "Out of memory, here: this build links its wasm with --max-memory=1073741824 (build.rs), so \
     a process's memory cannot grow past 1 GiB (wasm32 itself allows 4 GiB), and the allocator's \
     refusal ends the process. In CPython a failed allocation raises MemoryError inside the \
     worker, both pools hand it back as that task's exception and go on; a worker dies \
     abruptly, as here, when the operating system kills it (Linux's OOM killer).",
    "The timeout: under this playground's rules, how long a task may take before its process is \
     terminated and replaced; under CPython's rules, how long the run waits for the whole map \
     (neither CPython pool ends a hung task; a caller stops waiting with map(..., timeout=) or \
     get(timeout=)). Set a fault's task number to the task count or more to leave that fault out.",
];

/// The rules a link asks for (`rules=executor`); anything else is this playground's.
fn rules_in(query: &[(String, String)]) -> (Rules, Option<String>) {
    match query.iter().find(|(k, _)| k == "rules") {
        None => (Rules::default(), None),
        Some((_, v)) => match Rules::from_key(v) {
            Some(rules) => (rules, None),
            None => (
                Rules::default(),
                Some(format!(
                    "rules: \"{v}\" is not one of playground, executor, pool; using this playground's"
                )),
            ),
        },
    }
}

fn rules_of(knobs: &Knobs) -> Rules {
    knobs
        .extra
        .get()
        .iter()
        .find(|(k, _)| *k == "rules")
        .and_then(|(_, v)| Rules::from_key(v))
        .unwrap_or_default()
}

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(
        INFO.id,
        &[PROCESSES, TASKS, PANIC_AT, OOM_AT, HANG_AT, TIMEOUT],
        &query,
    );
    let (rules, notice) = rules_in(&query);
    knobs.extra.set(vec![("rules", rules.key().to_string())]);
    if let Some(n) = notice {
        knobs.notices.update(|all| all.push(n));
    }
    let state = RunState::new(&knobs);
    let on_run = move || {
        let value = |k| knobs.get(k).get_untracked() as usize;
        let (processes, tasks, timeout) = (value(PROCESSES), value(TASKS), value(TIMEOUT) as f64);
        let faults = Faults {
            panic_at: value(PANIC_AT),
            oom_at: value(OOM_AT),
            hang_at: value(HANG_AT),
        };
        let jobs = faults.jobs(tasks, N, OOM_LIMIT_MB, HANG_MS);
        let faulty = jobs
            .iter()
            .filter(|j| matches!(j, Job::FailOnce(..)))
            .count();
        let rules = knobs
            .extra
            .with_untracked(|e| {
                e.iter()
                    .find(|(k, _)| *k == "rules")
                    .and_then(|(_, v)| Rules::from_key(v))
            })
            .unwrap_or_default();
        state.start(async move {
            let waits = match rules {
                Rules::Playground => String::new(),
                _ => format!("; a lost or hung task never answers: the run stops waiting after {timeout:.0} ms"),
            };
            state.say(format!("{tasks} tasks on {processes} processes under {}, {faulty} of them faulty{waits}", rules.title()));
            run(rules, processes, jobs, timeout).await
        });
    };
    let choice = move || view! { <RulesChoice knobs running=state.running/> };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction() choice>
            {move || state.result.get().map(results)}
            <ThreePools/>
            <ThreadPanic/>
        </DemoPage>
    }
}

/// The choice of whose rules the pool follows, kept in the URL.
#[component]
fn RulesChoice(knobs: Knobs, running: RwSignal<bool>) -> impl IntoView {
    let option = move |rules: Rules| {
        let checked = move || rules_of(&knobs) == rules;
        let pick = move |_| knobs.extra.set(vec![("rules", rules.key().to_string())]);
        // A line each: on a phone a radio button must not end one line and its name begin the next.
        view! {
            <div>
                <label>
                    <input type="radio" name="rules" value=rules.key() prop:checked=checked on:change=pick disabled=move || running.get()/>
                    {rules.title()}
                </label>
            </div>
        }
    };
    view! {
        <fieldset class="rules" data-testid="rules">
            <legend>"The pool follows"</legend>
            {Rules::ALL.into_iter().map(option).collect_view()}
        </fieldset>
    }
}

/// What each pool does when one of its processes dies, as CPython was seen to do it.
#[component]
fn ThreePools() -> impl IntoView {
    view! {
        <section class="contrast" data-testid="three-pools">
            <h2>"Three pools, one crash"</h2>
            <p><strong>"This playground's pool"</strong>" (its own design, not CPython's): the dead process's lane ends red, \
                a replacement starts on a new lane, the lost task runs again there, the other processes never stop, \
                and every answer arrives: the map's answer is right."</p>
            <p><strong>"concurrent.futures.ProcessPoolExecutor"</strong>": a worker that dies abruptly breaks the whole pool. \
                The executor terminates the other workers, and every future still running or pending raises BrokenProcessPool (\""
                {BROKEN_TASK}"\"); answers that arrived before stay. The next submit raises BrokenProcessPool too (\""
                {BROKEN_SUBMIT}"\"): a new pool is needed. This page's Python program does that: it starts a new pool for the tasks \
                without an answer."</p>
            <p><strong>"multiprocessing.Pool"</strong>": the pool starts a new worker in place of the dead one and the other tasks \
                go on, but the task the dead worker held is lost: its result never arrives. pool.map(...) waits for ever; \
                map_async(...).get(timeout) raises multiprocessing.TimeoutError; imap hands out the results before the lost one, then waits."</p>
            <p class="caption">"Seen with CPython 3.11.2, 3.12.1 and 3.13.0 on Linux, under the fork, spawn and forkserver start \
                methods: three workers, one task calling os._exit(1). Neither pool ends a task that hangs: future.result(timeout) \
                and get(timeout) raise TimeoutError and the task keeps running."</p>
        </section>
    }
}

/// Task numbers as short ranges: "0–1, 3, 5–11".
fn ranges(tasks: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tasks.len() {
        let mut j = i;
        while j + 1 < tasks.len() && tasks[j + 1] == tasks[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            tasks[i].to_string()
        } else {
            format!("{}–{}", tasks[i], tasks[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

/// A fate's key (for tests and styles) and what the page says of it.
fn fate_text(fate: &Fate, timeout_ms: f64) -> (&'static str, String) {
    match fate {
        Fate::Answered { tries: 1 } => ("answered", "answered".into()),
        Fate::Answered { .. } => ("rerun", "answered after a rerun on a replacement".into()),
        Fate::Broken => ("broken", "BrokenProcessPool".into()),
        Fate::Lost => (
            "lost",
            format!("no answer: would wait for ever; stopped after {timeout_ms:.0} ms"),
        ),
        Fate::Unanswered { running: true } => (
            "running",
            format!("no answer: still running when the wait stopped after {timeout_ms:.0} ms"),
        ),
        Fate::Unanswered { running: false } => (
            "queued",
            format!("no answer: still queued when the wait stopped after {timeout_ms:.0} ms"),
        ),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn verdict(m: &Measured) -> String {
    let c = m.crashes.len();
    let answered = m.count(|f| matches!(f, Fate::Answered { .. }));
    let mut says = vec![match (m.rules, c) {
        (_, 0) => "No process died.".to_string(),
        (Rules::Playground, 1) => {
            "1 process died, alone; it was replaced and its task ran again.".to_string()
        }
        (Rules::Playground, _) => {
            format!("{c} processes died, each alone; each was replaced and its task ran again.")
        }
        (Rules::Executor, _) => format!(
            "A process died and broke the pool: {} terminated.",
            plural(m.terminated, "other process was", "other processes were")
        ),
        (Rules::MpPool, 1) => {
            "1 process died; it was replaced, and the task it held was lost.".to_string()
        }
        (Rules::MpPool, _) => {
            format!("{c} processes died; each was replaced, and the task it held was lost.")
        }
    }];
    says.push(if m.correct {
        format!("All {} answers are right (total {}).", m.tasks, m.total)
    } else if answered == m.right {
        format!("{answered} of {} answers arrived, all right.", m.tasks)
    } else {
        format!("{answered} of {} answers arrived, NOT all right.", m.tasks)
    });
    let broken = m.count(|f| *f == Fate::Broken);
    if broken > 0 {
        says.push(format!(
            "{} raised BrokenProcessPool.",
            plural(broken, "task", "tasks")
        ));
    }
    let lost = m.count(|f| *f == Fate::Lost);
    if lost > 0 {
        says.push(format!(
            "{} never {}: pool.map would wait for ever; this run stopped waiting after {:.0} ms, where map_async(...).get(timeout) raises TimeoutError.",
            plural(lost, "task", "tasks"),
            if lost == 1 { "answers" } else { "answer" },
            m.timeout_ms
        ));
    }
    let waiting = m.count(|f| matches!(f, Fate::Unanswered { .. }));
    if waiting > 0 {
        says.push(format!(
            "{} had no answer when the run stopped waiting after {:.0} ms.",
            plural(waiting, "task", "tasks"),
            m.timeout_ms
        ));
    }
    if let Some(r) = &m.refused {
        says.push(format!("One more task was refused: {r}."));
    }
    says.push(format!("{:.0} ms in all.", m.wall_ms));
    says.join(" ")
}

fn results(m: Measured) -> impl IntoView {
    let verdict = verdict(&m);
    let mut rows: Vec<(&'static str, String, Vec<usize>)> = Vec::new();
    for (i, fate) in m.fates.iter().enumerate() {
        let (key, text) = fate_text(fate, m.timeout_ms);
        match rows.iter_mut().find(|r| r.0 == key) {
            Some(row) => row.2.push(i),
            None => rows.push((key, text, vec![i])),
        }
    }
    let caption = match m.rules {
        Rules::Playground => {
            "One lane per process: start-up, tasks, each failure (red) and its replacement"
        }
        Rules::Executor => {
            "One lane per process: start-up, tasks, the crash that broke the pool and the processes it terminated (red)"
        }
        Rules::MpPool => {
            "One lane per process: start-up, tasks, each failure (red), its replacement, and any task still running when the wait stopped"
        }
    };
    let answered = m.count(|f| matches!(f, Fate::Answered { .. }));
    let broken = m.count(|f| *f == Fate::Broken);
    let lost = m.count(|f| *f == Fate::Lost);
    let unanswered = m.count(|f| matches!(f, Fate::Unanswered { .. }));
    let (rules, correct, right, terminated) =
        (m.rules.key(), m.correct.to_string(), m.right, m.terminated);
    let refused = m.refused.clone().unwrap_or_default();
    let title = format!("Each task's fate under {}", m.rules.title());
    let rows = rows
        .into_iter()
        .map(|(key, text, tasks)| {
            let (count, list, which) = (
                tasks.len(),
                tasks
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                ranges(&tasks),
            );
            view! {
                <tr data-fate=key data-count=count data-tasks=list>
                    <td>{text}</td><td>{count}</td><td class="text">{which}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="results" data-testid="results">
            <p class="verdict" data-rules=rules data-crashes=m.crashes.len() data-correct=correct data-answered=answered data-broken=broken
                data-lost=lost data-unanswered=unanswered data-right=right data-terminated=terminated data-refused=refused>{verdict}</p>
            <ul class="crashes">{m.crashes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
            <p class="caption">{title}</p>
            <table class="numbers fates" data-testid="fates">
                <thead><tr><th>"fate"</th><th>"tasks"</th><th class="text">"which"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <Timeline trace=m.trace caption/>
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
        LockState::HeldForever => {
            "still held, by a thread that no longer exists: no one can ever take it again (a panic aborts a browser thread on the spot; nothing unwinds)"
        }
        LockState::Poisoned => {
            "released by unwinding, and poisoned: the next user is told the data behind it may be half-changed"
        }
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
    Prediction::new(
        |k| {
            let tasks = k.get(TASKS).get();
            let faults: Vec<&str> = [
                (PANIC_AT, "one panics"),
                (OOM_AT, "one runs out of memory"),
                (HANG_AT, "one hangs"),
            ]
            .into_iter()
            .filter(|(at, _)| k.get(*at).get() < tasks)
            .map(|(_, says)| says)
            .collect();
            let faults = if faults.is_empty() {
                "none fails".to_string()
            } else {
                faults.join(", ")
            };
            format!(
                "Under {}: {tasks} tasks on {} processes; {faults}. How many answers will arrive?",
                rules_of(k).title(),
                k.get(PROCESSES).get()
            )
        },
        "answers",
        |m: &Measured| Some(m.count(|f| matches!(f, Fate::Answered { .. })) as f64),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_short() {
        assert_eq!(ranges(&[0, 1, 3, 5, 6, 7, 11]), "0–1, 3, 5–7, 11");
        assert_eq!(ranges(&[4]), "4");
        assert_eq!(ranges(&[]), "");
    }

    #[test]
    fn a_link_names_the_rules_or_gets_a_notice() {
        let q = |v: &str| vec![("rules".to_string(), v.to_string())];
        assert_eq!(rules_in(&q("executor")), (Rules::Executor, None));
        assert_eq!(rules_in(&q("pool")), (Rules::MpPool, None));
        assert_eq!(rules_in(&[]), (Rules::Playground, None));
        let (rules, notice) = rules_in(&q("fork"));
        assert_eq!(rules, Rules::Playground);
        assert!(notice.is_some_and(|n| n.contains("\"fork\"")));
    }
}
