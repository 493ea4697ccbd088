//! The status line: is the page cross-origin isolated, how many worker threads, which build.

use crate::engine;
use crate::widgets::{use_pool, PoolState};
use leptos::prelude::*;
use leptos::task::spawn_local;

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
