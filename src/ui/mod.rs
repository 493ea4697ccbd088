//! The app shell and the pieces every demo page is made of. Leptos (client-side rendering).
//!
//! This code compiles on both targets (so `cargo test` checks it) but only runs in the browser;
//! it reaches the platform only through `crate::engine`.

pub mod chart;
mod controls;
mod frame;
mod home;
mod lag;
mod route;
pub mod share;
mod status;
pub mod timeline;

pub use controls::{CancelButton, Canceller, KnobInput, Knobs, Notices, Progress, RunButton, RunPanel};
pub use frame::DemoFrame;
pub use lag::{describe as describe_slow_callback, use_lag, Heartbeat, Lag};
pub use route::replace_query;
pub use status::{use_pool, PoolState, ThreadGate};
pub use timeline::Timeline;

use crate::demos;
use leptos::prelude::*;

pub fn mount() {
    // The static "Loading…" line in index.html has done its job.
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let route = route::use_hash_route();
    provide_context(status::start_pool());
    let lag = lag::start_monitor();
    provide_context(lag);
    let page = move || {
        let route = route.get();
        let view = match route.page.as_str() {
            "" => home::Home().into_any(),
            id => match demos::page(id, route.query) {
                Some(page) => page,
                None => not_found(id),
            },
        };
        set_title(&route.page);
        lag.page.set(demos::find(&route.page).map(|d| d.title.to_string()).unwrap_or_default());
        view
    };
    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="#/">"concurrency playground"</a>
            <span class="tagline">"asyncio, threading and multiprocessing, live in your browser"</span>
            // On a narrow screen the side bar would fill the first screen: it is hidden there and
            // this link leads to the home page's grid of every demo instead.
            <a class="all-demos" href="#/" hidden=move || route.get().page.is_empty()>"☰ All demos"</a>
        </header>
        <div class="layout">
            <nav class="sidebar" aria-label="Demos">
                <SideNav current=Signal::derive(move || route.get().page)/>
            </nav>
            <main id="main" tabindex="-1">{page}</main>
        </div>
        <footer class="statusline" role="status"><status::StatusLine/><lag::LagStatus/></footer>
    }
}

#[component]
fn SideNav(current: Signal<String>) -> impl IntoView {
    let groups = [demos::Group::EventLoop, demos::Group::Threads, demos::Group::Processes, demos::Group::Compare];
    groups
        .into_iter()
        .filter(|g| demos::ALL.iter().any(|d| d.group == *g))
        .map(|group| {
            let links = demos::ALL
                .iter()
                .filter(|d| d.group == group)
                .map(|d| {
                    let id = d.id;
                    view! {
                        <li><a href=format!("#/{id}")
                            aria-current=move || (current.get() == id).then_some("page")>{d.title}</a></li>
                    }
                })
                .collect_view();
            view! { <h2>{group.title()}</h2><ul>{links}</ul> }
        })
        .collect_view()
}

fn not_found(id: &str) -> AnyView {
    view! {
        <section class="demo">
            <h1>"Not found"</h1>
            <p class="notice">"There is no demo called “" {id.to_string()} "”. " <a href="#/">"See all demos"</a></p>
        </section>
    }
    .into_any()
}

fn set_title(page: &str) {
    let title = match demos::find(page) {
        Some(d) => format!("{} · concurrency playground", d.title),
        None => "concurrency playground".to_string(),
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&title);
    }
}
