//! The status line: is the page cross-origin isolated, how many worker threads, which build.

use crate::engine;
use crate::widgets::{use_pool, PoolState};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Worker threads in the page's pool. Threads that wait (on a timer, a lock, a queue) need a
/// lane each, however few the cores: races, deadlocks, pools and waiting jobs are about threads
/// that wait, and a pool of 4 would cap 8 waiting threads at 4 at a time, a figure about the
/// pool, not about threads. So the pool has as many as any demo starts (the thread demos' knobs
/// stop at 16); CPU demos use one per core. An idle worker sleeps in `Atomics.wait`: it costs
/// memory (a stack and a JS heap each), no CPU.
const POOL_THREADS: usize = 16;

/// Starts the shared-memory worker pool (one per page load).
pub fn start_pool() -> RwSignal<PoolState> {
    let state = RwSignal::new(PoolState::Starting);
    spawn_local(async move {
        let threads = POOL_THREADS.max(engine::hardware_concurrency());
        state.set(match engine::init_threads(threads).await {
            Ok(n) => {
                engine::mark("pool-ready");
                PoolState::Ready(n)
            }
            Err(why) => PoolState::Unavailable(why),
        });
    });
    state
}

/// What the status line says of the build: a debug build's figures are 10-30x off the
/// optimised build's, so it says so on every page (None for an optimised build).
pub fn build_note() -> Option<&'static str> {
    cfg!(debug_assertions).then_some("debug build: figures are not representative (xtask/run serve serves the optimised one)")
}

/// "debug" or "release", for the tests and the benchmark, which refuse a debug build.
pub fn build_kind() -> &'static str {
    if cfg!(debug_assertions) { "debug" } else { "release" }
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
        // Why there are no threads is on the span too, for whoever hovers it (and the tests).
        <span data-testid="threads" title=move || match pool.get() { PoolState::Unavailable(why) => why, _ => String::new() }>{move || match pool.get() {
            PoolState::Starting => "starting worker threads…".to_string(),
            PoolState::Ready(n) => format!("{n} worker thread{} · {cores} core{} reported",
                if n == 1 { "" } else { "s" }, if cores == 1 { "" } else { "s" }),
            PoolState::Unavailable(_) => "no worker threads".to_string(),
        }}</span>
        {build_note().map(|note| view! { <span class="warn" data-testid="build">{note}</span> })}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_debug_build_says_so_and_an_optimised_one_does_not() {
        // The native tests are a debug build; the e2e suite checks the release page has no note.
        assert_eq!(super::build_note().is_some(), cfg!(debug_assertions));
        assert!(super::build_note().is_none_or(|n| n.contains("not representative")));
        assert_eq!(super::build_kind(), if cfg!(debug_assertions) { "debug" } else { "release" });
    }
}
