//! A path through the playground: every page in the order the ideas build on each other
//! (waiting -> the loop -> threads -> sharing -> processes -> choosing), each with the one
//! question it answers. The home page starts it; each page on it ends with the next one.

use crate::core::catalog::DemoInfo;
use crate::demos;
use leptos::prelude::*;

/// One page on the path.
pub struct Stop {
    pub stage: &'static str,
    pub id: &'static str,
    /// The question the page answers, as a learner would ask it.
    pub answers: &'static str,
}

const fn stop(stage: &'static str, id: &'static str, answers: &'static str) -> Stop {
    Stop { stage, id, answers }
}

pub const PATH: &[Stop] = &[
    stop(
        "Waiting",
        "concurrent-waits",
        "Why do N waits started together take about one wait, not N?",
    ),
    stop(
        "Waiting",
        "coroutines",
        "When does a coroutine run: when it is called, when it becomes a task, or when it is awaited?",
    ),
    stop(
        "Waiting",
        "fetch",
        "What does waiting together buy with real requests, and what happens when one fails?",
    ),
    stop(
        "The loop",
        "async-queue",
        "How do tasks hand work to each other, and stop a fast producer from piling it up?",
    ),
    stop(
        "The loop",
        "blocking",
        "What freezes the event loop, and how do you keep it responsive?",
    ),
    stop(
        "The loop",
        "to-thread",
        "What do you do with a blocking call you cannot await?",
    ),
    stop(
        "The loop",
        "loop-lag",
        "How do you catch the callback that held the loop too long?",
    ),
    stop(
        "The loop",
        "semaphore",
        "How do you let at most k tasks run at once?",
    ),
    stop(
        "The loop",
        "timeouts",
        "How do you stop waiting for a task that takes too long?",
    ),
    stop(
        "The loop",
        "await-race",
        "If only one task runs at a time, can the event loop still lose updates?",
    ),
    stop(
        "The loop",
        "concurrency-vs-parallelism",
        "Is taking turns on one loop the same as running in parallel?",
    ),
    stop(
        "Threads",
        "threads",
        "What do start and join cost, and what does join wait for?",
    ),
    stop(
        "Threads",
        "thread-pool",
        "With a pool, in which order do results come back: submit or map?",
    ),
    stop(
        "Threads",
        "gil",
        "Why do threads speed up waiting but not CPU work under the GIL?",
    ),
    stop(
        "Threads",
        "parallel-cpu",
        "How much faster is CPU work on every core, really?",
    ),
    stop(
        "Sharing",
        "race-condition",
        "How can counter += 1 on two threads lose updates, and why does CPython's GIL almost always hide it?",
    ),
    stop(
        "Sharing",
        "lock-cost",
        "What does a shared lock cost, and what avoids it?",
    ),
    stop(
        "Sharing",
        "deadlock",
        "How do two locks stop two threads forever, and how do you prevent it?",
    ),
    stop(
        "Sharing",
        "sync-primitives",
        "How do threads signal each other: start together, wait until something is true, meet between phases?",
    ),
    stop(
        "Sharing",
        "bounded-queue",
        "How does a bounded queue keep producers and consumers in step?",
    ),
    stop(
        "Processes",
        "processes",
        "Do processes share the program's memory?",
    ),
    stop(
        "Processes",
        "queue-pipe",
        "What does a message to another process cost?",
    ),
    stop(
        "Processes",
        "shared-memory",
        "Can processes share memory after all, and is it safer than threads sharing it?",
    ),
    stop(
        "Processes",
        "process-pool",
        "When is a process pool worth the messages it sends?",
    ),
    stop(
        "Processes",
        "subprocess",
        "How do you run another program and get its output, status or timeout?",
    ),
    stop(
        "Processes",
        "crash-isolation",
        "What happens to the others when one process crashes?",
    ),
    stop(
        "Choosing",
        "memory-cost",
        "What does each coroutine, thread and process cost in memory?",
    ),
    stop("Choosing", "compare", "Which model fits my job?"),
];

fn info(id: &str) -> &'static DemoInfo {
    demos::find(id).expect("every stop on the path is a demo (a test checks it)")
}

/// The stages in order, each with its stops.
pub fn stages() -> Vec<(&'static str, Vec<&'static Stop>)> {
    let mut out: Vec<(&'static str, Vec<&'static Stop>)> = Vec::new();
    for s in PATH {
        match out.last_mut() {
            Some((stage, stops)) if *stage == s.stage => stops.push(s),
            _ => out.push((s.stage, vec![s])),
        }
    }
    out
}

/// The home page's "start here": the path by stage, every page a link.
#[component]
pub fn StartHere() -> impl IntoView {
    let first = info(PATH[0].id);
    view! {
        <section class="path" data-testid="path" aria-labelledby="path-title">
            <h2 id="path-title">"Start here: a path through the ideas"</h2>
            <ol class="path-stages">
                {stages().into_iter().map(|(stage, stops)| view! {
                    <li><strong>{stage}": "</strong>
                        {stops.into_iter().enumerate().map(|(i, s)| view! {
                            {(i > 0).then_some(" → ")}<a href=format!("#/{}", s.id)>{info(s.id).title}</a>
                        }).collect_view()}
                    </li>
                }).collect_view()}
            </ol>
            <p><a class="path-start" data-testid="path-start" href=format!("#/{}", first.id)>{format!("Start with {} →", first.title)}</a></p>
        </section>
    }
}

/// The end of a page on the path: the question it answered and the next page.
#[component]
pub fn NextOnPath(id: String) -> impl IntoView {
    let at = PATH.iter().position(|s| s.id == id)?;
    let next = PATH.get(at + 1);
    Some(view! {
        <nav class="path-next" data-testid="path-next" aria-label="The path">
            <p>{format!("Step {} of {} on the path. This page answered: ", at + 1, PATH.len())}<em>{PATH[at].answers}</em></p>
            {match next {
                Some(n) => view! {
                    <p><a data-testid="path-next-link" href=format!("#/{}", n.id)>{format!("Next: {} →", info(n.id).title)}</a>" "{n.answers}</p>
                }.into_any(),
                None => view! { <p>"The end of the path. " <a href="#/">"Back to all demos"</a></p> }.into_any(),
            }}
        </nav>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_visits_every_demo_once_with_its_question() {
        let mut ids: Vec<&str> = PATH.iter().map(|s| s.id).collect();
        ids.sort();
        let mut all: Vec<&str> = demos::ALL.iter().map(|d| d.id).collect();
        all.sort();
        assert_eq!(ids, all);
        assert!(PATH.iter().all(|s| s.answers.ends_with('?')));
        let order: Vec<&str> = stages().into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            order,
            [
                "Waiting",
                "The loop",
                "Threads",
                "Sharing",
                "Processes",
                "Choosing"
            ],
            "each stage in one run, in order"
        );
    }
}
