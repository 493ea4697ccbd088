//! The page of the deadlock demo, with the wait-for cycle drawn as a graph.

use super::steps::Locks;
use super::{HOLD_MS, INFO, LOCK_NAMES, Link, Measured, PYTHON_SOURCE, Variant, run};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, StepRules, Stepper, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Two threads each need both locks. Thread 0 takes A then B; thread 1 takes B then A. \
     Each takes its first lock, holds it a while, then waits for its second, which the other \
     holds: neither can ever go on. That is a deadlock.",
    "The watchdog keeps a wait-for graph (who holds which lock, who waits for which) and checks \
     it each time a thread starts to wait. A cycle means deadlock: the thread that closed it \
     releases its lock and backs off (red), the other finishes, then it starts over. With one \
     global lock order (both A then B) no cycle can form.",
    "The watchdog is this playground's. CPython has none: two threads deadlocked on \
     threading.Lock wait forever, and the program hangs. lock.acquire(timeout=…) returns False \
     instead of waiting forever, and faulthandler.dump_traceback_later(…) prints where every \
     thread is stuck; the fix is still one global lock order.",
];

const STEP_INTRO: &str = "the two threads' lock operations, one step at a time, with no watchdog. A thread whose \
    next acquire() names a lock the other holds cannot step; when neither can, the wait-for graph has a cycle: the \
    deadlock. With one global order the search shows that no schedule reaches it. The measured run above is Rust on \
    real threads, with a watchdog that recovers.";

fn step_rules() -> Vec<StepRules<Locks>> {
    [Variant::Opposite, Variant::Global]
        .map(|o| StepRules {
            key: o.key(),
            title: o.title(),
            start: Locks::new(o),
        })
        .into()
}

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[HOLD_MS], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let hold = knobs.get(HOLD_MS).get_untracked() as f64;
        state.start(async move {
            let orders = vec![Variant::Opposite, Variant::Global];
            Ok(state
                .steps(orders, |o| o.title().into(), |o| run(o, hold))
                .await?)
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run gated=true predict=prediction()>
            {move || state.result.get().map(results)}
            <Stepper knobs query=query.clone() rules=step_rules() goal="a deadlock" intro=STEP_INTRO/>
        </DemoPage>
    }
}

fn describe(cycle: &[Link]) -> String {
    cycle
        .iter()
        .map(|l| {
            format!(
                "thread {} holds {} and waits for {}",
                l.thread, LOCK_NAMES[l.holds], LOCK_NAMES[l.waits_for]
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn results(all: Vec<Measured>) -> impl IntoView {
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"lock order"</th><th class="text">"deadlock found"</th><th>"workers finished"</th><th>"time"</th></tr></thead>
                <tbody>{all.iter().map(|m| view! {
                    <tr data-order=format!("{:?}", m.order) data-deadlock=m.cycle.is_some().to_string()
                        data-finished=m.completed.iter().filter(|c| **c).count()>
                        <td>{m.order.title()}</td>
                        <td class="text">{m.cycle.as_deref().map(describe).unwrap_or_else(|| "no".into())}</td>
                        <td>{format!("{} of {}", m.completed.iter().filter(|c| **c).count(), m.completed.len())}</td>
                        <td>{format!("{:.0} ms", m.wall_ms)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            {all.iter().find_map(|m| m.cycle.clone()).map(|c| view! { <CycleGraph cycle=c/> })}
            <Timelines runs={all.into_iter().map(|m| (m.order.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
        </section>
    }
}

/// The wait-for cycle: threads and locks on a circle, "holds" arrows from each lock to its
/// holder, "waits for" arrows from each thread to the lock it wants.
#[component]
fn CycleGraph(cycle: Vec<Link>) -> impl IntoView {
    // Nodes around a circle in cycle order: thread, the lock it waits for, that lock's holder, …
    let nodes: Vec<(String, bool)> = cycle
        .iter()
        .flat_map(|l| {
            [
                (format!("thread {}", l.thread), true),
                (LOCK_NAMES[l.waits_for].to_string(), false),
            ]
        })
        .collect();
    let n = nodes.len() as f64;
    let (cx, cy, r) = (200.0, 120.0, 80.0);
    let at = |i: usize| {
        let angle = std::f64::consts::PI * (2.0 * i as f64 / n - 0.75);
        (cx + r * 1.6 * angle.cos(), cy + r * angle.sin())
    };
    let edges = (0..nodes.len())
        .map(|i| {
            let ((x0, y0), (x1, y1)) = (at(i), at((i + 1) % nodes.len()));
            // Stop short of the node's box so the arrowhead shows.
            let (dx, dy) = (x1 - x0, y1 - y0);
            let len = (dx * dx + dy * dy).sqrt();
            let (sx, sy) = (x0 + dx / len * 38.0, y0 + dy / len * 22.0);
            let (ex, ey) = (x1 - dx / len * 42.0, y1 - dy / len * 24.0);
            let label = if nodes[i].1 { "waits for" } else { "held by" };
            view! {
                <line class=if nodes[i].1 { "edge waits" } else { "edge holds" } x1=sx y1=sy x2=ex y2=ey marker-end="url(#arrow)"/>
                <text class="edge-label" x=(sx + ex) / 2.0 y=(sy + ey) / 2.0 - 6.0 text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let boxes = nodes
        .iter()
        .enumerate()
        .map(|(i, (name, is_thread))| {
            let (x, y) = at(i);
            view! {
                <rect class=if *is_thread { "node thread" } else { "node lock" } x=x - 40.0 y=y - 15.0 width="80" height="30" rx="6"/>
                <text class="node-label" x=x y=y + 5.0 text-anchor="middle">{name.clone()}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="cycle" data-testid="cycle">
            <figcaption>"The cycle the watchdog found (the timelines show which Web Worker ran each thread)"</figcaption>
            <svg viewBox="0 0 400 240" role="img" aria-label=describe(&cycle)>
                <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z"/></marker></defs>
                {edges}
                {boxes}
            </svg>
        </figure>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |_| "Both lock orders run once: in how many will the watchdog find a deadlock?".to_string(),
        "runs",
        |all: &Vec<Measured>| Some(all.iter().filter(|m| m.cycle.is_some()).count() as f64),
    )
}
