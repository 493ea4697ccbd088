//! The status line: is the page cross-origin isolated, how many worker threads, which build.

use crate::engine;
use crate::widgets::{PoolState, use_pool};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Starts the page's worker threads (once per page load): first the compute pool, one per core,
/// which is all the CPU demos need, so they can run while the rest start; then the lanes, a
/// thread each for jobs that wait (engine/web_threads.rs says why two kinds). The state counts
/// both once both are up.
pub fn start_pool() -> RwSignal<PoolState> {
    let state = RwSignal::new(PoolState::Starting);
    // The workers start in this call, while the page renders, not when the task first runs.
    let compute = engine::init_threads(engine::hardware_concurrency());
    spawn_local(async move {
        match compute.await {
            Ok(n) => {
                engine::mark("pool-ready");
                state.set(PoolState::Ready(n));
            }
            Err(why) => return state.set(PoolState::Unavailable(why)),
        }
        let lanes = engine::start_lanes().await;
        engine::mark("lanes-ready");
        if let Err(why) = lanes {
            web_sys::console::warn_1(&format!("no threads for waiting jobs: {why}").into());
        }
        state.set(PoolState::Ready(engine::pool_threads()));
    });
    state
}

/// What the status line says of the build: a debug build's figures are 10-30x off the
/// optimised build's, so it says so on every page (None for an optimised build).
pub fn build_note() -> Option<&'static str> {
    cfg!(debug_assertions).then_some(
        "debug build: figures are not representative (xtask/run serve serves the optimised one)",
    )
}

/// "debug" or "release", for the tests and the benchmark, which refuse a debug build.
pub fn build_kind() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
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
        // Why there are no threads is on the span too, for whoever hovers it (and the tests);
        // data-state says whether every thread is up (the tests wait for "ready").
        <span data-testid="threads"
            data-state=move || match pool.get() {
                PoolState::Starting => "starting",
                PoolState::Ready(_) if engine::lanes_now().is_none() => "partial",
                PoolState::Ready(_) => "ready",
                PoolState::Unavailable(_) => "unavailable",
            }
            title=move || match pool.get() {
                PoolState::Unavailable(why) => why,
                PoolState::Ready(_) => format!(
                    "{} compute (one per core), the rest run jobs that wait, one each{}",
                    engine::compute_threads(),
                    engine::lanes_trouble().map(|t| format!("; {t}")).unwrap_or_default()
                ),
                PoolState::Starting => String::new(),
            }>{move || match pool.get() {
            PoolState::Starting => "starting worker threads…".to_string(),
            PoolState::Ready(n) => format!("{n} worker thread{}{} · {cores} core{} reported",
                if n == 1 { "" } else { "s" },
                if engine::lanes_now().is_none() { ", more starting for waiting jobs…" } else { "" },
                if cores == 1 { "" } else { "s" }),
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
        assert_eq!(
            super::build_kind(),
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
        );
    }
}
