//! The worker pool as the pages see it (the app starts it and provides it as context), and the
//! gate thread demos put in front of their Run button.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum PoolState {
    Starting,
    Ready(usize),
    Unavailable(String),
}

pub fn use_pool() -> RwSignal<PoolState> {
    expect_context::<RwSignal<PoolState>>()
}

/// Shows the children only when the worker pool is running; otherwise says why not.
#[component]
pub fn ThreadGate(children: ChildrenFn) -> impl IntoView {
    let pool = use_pool();
    move || {
        match pool.get() {
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
}
