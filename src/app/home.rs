//! The landing page: what this is, and every demo grouped as in the side bar.

use crate::widgets::{PoolState, use_pool};
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let pool = use_pool();
    let cards = super::by_group()
        .map(|(group, demos)| {
            let items = demos
                .map(|d| {
                    // Thread demos say so, and say when this page cannot run them.
                    let tag = d.needs_threads.then(|| view! {
                        <em class="tag" class:warn=move || matches!(pool.get(), PoolState::Unavailable(_))>
                            {move || match pool.get() {
                                PoolState::Unavailable(_) => "needs worker threads: not available here",
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
            <h1>{super::shell::HEADLINE}</h1>
            <p class="lead">{super::shell::LEAD}</p>
            <super::path::StartHere/>
            {cards}
        </section>
    }
}
