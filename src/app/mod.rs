//! The app: the entry point, the shell (header, side bar, status line), hash routing, the home
//! page and the page table. The only floor that knows every demo's page; nothing imports it.

mod code;
mod home;
mod lag;
mod path;
mod route;
mod shell;
mod status;

pub use status::{StatusLine, build_note};

use crate::core::catalog::{DemoInfo, Group};
use crate::demos;
use leptos::prelude::*;

/// One demo's page: what the catalogue says of it and the view that shows it.
pub struct Page {
    pub info: &'static DemoInfo,
    pub view: fn(Vec<(String, String)>) -> AnyView,
}

macro_rules! page_table {
    ($($demo:ident),* $(,)?) => {
        /// Every demo's page, in the side bar's order (made from `demos`' one list).
        pub const PAGES: &[Page] = &[$(Page {
            info: &demos::$demo::INFO,
            view: |query| view! { <demos::$demo::view::Page query/> }.into_any(),
        }),*];
    };
}

crate::with_demos!(page_table);

/// The page's entry point. Workers of the pool instantiate this same module and would run it
/// again: only the main thread (the one with a `window`) mounts the app.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if web_sys::window().is_some() {
        mount();
    }
}

pub fn mount() {
    crate::engine::mark("wasm-started");
    crate::engine::on_fatal_panic(show_fatal);
    // What kind of build this is, for the tests and the benchmark (they refuse a debug build).
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("data-build", status::build_kind());
    }
    // The static shell in index.html (and its "Loading…" line) has done its job.
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("shell"))
    {
        shell.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let route = route::use_hash_route();
    provide_context(status::start_pool());
    let lag = lag::start_monitor();
    provide_context(lag);
    let code = code::DemoCode::new();
    let page = move || {
        let route = route.get();
        let view = match route.page.as_str() {
            "" => home::Home().into_any(),
            id => match PAGES.iter().find(|p| p.info.id == id) {
                Some(page) => match code.state() {
                    Some(Ok(())) => {
                        view! { {(page.view)(route.query)} <path::NextOnPath id=id.to_string()/> }
                            .into_any()
                    }
                    state => code::placeholder(page.info.title, code, state),
                },
                None => not_found(id),
            },
        };
        set_title(&route.page);
        lag.page.set(
            demos::find(&route.page)
                .map(|d| d.title.to_string())
                .unwrap_or_default(),
        );
        view
    };
    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="#/">"concurrency playground"</a>
            <span class="tagline">{shell::TAGLINE}</span>
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

/// The table of contents: each group that has demos, with its demos in order (the side bar and
/// the home page list them the same way).
fn by_group() -> impl Iterator<Item = (Group, impl Iterator<Item = &'static DemoInfo>)> {
    Group::ALL
        .into_iter()
        .filter(|g| demos::ALL.iter().any(|d| d.group == *g))
        .map(|group| (group, demos::ALL.iter().filter(move |d| d.group == group)))
}

#[component]
fn SideNav(current: Signal<String>) -> impl IntoView {
    by_group()
        .map(|(group, demos)| {
            let links = demos
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

/// The banner of a panic on the main thread: the app cannot go on, and says so.
fn show_fatal(message: &str) {
    if let Some(banner) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("fatal"))
    {
        banner.set_text_content(Some(&format!(
            "The playground hit an internal error and must be reloaded: {message}"
        )));
        let _ = banner.remove_attribute("hidden");
    }
}
