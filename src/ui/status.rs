//! The status line (is the page cross-origin isolated, how many worker threads) and the gate
//! that thread demos put in front of their Run button.

use crate::engine;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug, PartialEq)]
pub enum PoolState {
    Starting,
    Ready(usize),
    Unavailable(String),
}

/// Threads for the thread demos even on a 2-core machine: races, deadlocks, pools and queues
/// are about threads that wait, and need more of them than cores. CPU demos use one per core.
const MIN_POOL_THREADS: usize = 4;
const MAX_POOL_THREADS: usize = 16;

/// Starts the shared-memory worker pool (one per page load).
pub fn start_pool() -> RwSignal<PoolState> {
    let state = RwSignal::new(PoolState::Starting);
    spawn_local(async move {
        let threads = engine::hardware_concurrency().clamp(MIN_POOL_THREADS, MAX_POOL_THREADS);
        state.set(match engine::init_threads(threads).await {
            Ok(n) => PoolState::Ready(n),
            Err(why) => PoolState::Unavailable(why),
        });
    });
    state
}

pub fn use_pool() -> RwSignal<PoolState> {
    expect_context::<RwSignal<PoolState>>()
}

#[component]
pub fn StatusLine() -> impl IntoView {
    let pool = use_pool();
    let isolated = engine::cross_origin_isolated();
    let cores = engine::hardware_concurrency();
    view! {
        <span class=if isolated { "ok" } else { "warn" } data-testid="isolation">
            {if isolated { "cross-origin isolated" } else { "not cross-origin isolated" }}
        </span>
        <span data-testid="threads">{move || match pool.get() {
            PoolState::Starting => "starting worker threads…".to_string(),
            PoolState::Ready(n) => format!("{n} worker thread{} · {cores} core{} reported",
                if n == 1 { "" } else { "s" }, if cores == 1 { "" } else { "s" }),
            PoolState::Unavailable(_) => "no worker threads".to_string(),
        }}</span>
    }
}

/// Shows the children only when the worker pool is running; otherwise says why not.
#[component]
pub fn ThreadGate(children: ChildrenFn) -> impl IntoView {
    let pool = use_pool();
    move || match pool.get() {
        PoolState::Ready(_) => children().into_any(),
        PoolState::Starting => view! { <p class="notice">"Starting the worker threads…"</p> }.into_any(),
        PoolState::Unavailable(why) => view! {
            <p class="notice warn" data-testid="no-threads">
                "This demo needs worker threads, and " {why} ". Serve the playground with the "
                "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp "
                "headers (trunk serve does) to run it."
            </p>
        }
        .into_any(),
    }
}
