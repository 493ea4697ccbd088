//! The landing page: what this is, and every demo grouped as in the side bar.

use crate::demos;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let pool = super::use_pool();
    let groups = [demos::Group::EventLoop, demos::Group::Threads, demos::Group::Processes, demos::Group::Compare];
    let cards = groups
        .into_iter()
        .filter(|g| demos::ALL.iter().any(|d| d.group == *g))
        .map(|group| {
            let items = demos::ALL
                .iter()
                .filter(|d| d.group == group)
                .map(|d| {
                    // Thread demos say so, and say when this page cannot run them.
                    let tag = d.needs_threads.then(|| view! {
                        <em class="tag" class:warn=move || matches!(pool.get(), super::PoolState::Unavailable(_))>
                            {move || match pool.get() {
                                super::PoolState::Unavailable(_) => "needs worker threads: not available here",
                                _ => "worker threads",
                            }}
                        </em>
                    });
                    view! {
                        <a class="card" href=format!("#/{}", d.id)>
                            <strong>{d.title}</strong><span>{d.teaser}</span>{tag}
                        </a>
                    }
                })
                .collect_view();
            view! { <h2>{group.title()}</h2><div class="cards">{items}</div> }
        })
        .collect_view();
    view! {
        <section class="home">
            <h1>"See how concurrency really behaves"</h1>
            <p class="lead">"The ideas Python teaches with asyncio, threading and multiprocessing, run for real in "
                "your browser: the event loop is the page's own, threads are Web Workers sharing memory. "
                "Every number is measured in this run, on this machine; every timeline is drawn from recorded spans."</p>
            {cards}
        </section>
    }
}
