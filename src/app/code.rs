//! The demos' own code, asked for the first time a demo is shown, not before: the release build
//! keeps it in a second wasm module that a first visit to the home page never downloads
//! (`engine::load_pages`, `xtask/split-wasm`). In other builds it is there at once.

use crate::engine;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
pub struct DemoCode {
    /// None while it loads (or before it is asked for); then whether it can run.
    loaded: RwSignal<Option<Result<(), String>>>,
    asked: StoredValue<bool>,
}

impl DemoCode {
    pub fn new() -> DemoCode {
        DemoCode {
            loaded: RwSignal::new(None),
            asked: StoredValue::new(false),
        }
    }

    /// Whether a demo can be shown now; the first call starts the loading (read in a reactive
    /// closure, it runs again when the code has come).
    pub fn state(self) -> Option<Result<(), String>> {
        if !self.asked.get_value() {
            self.asked.set_value(true);
            self.load();
        }
        self.loaded.get()
    }

    /// Asks again after a failed load (the placeholder's button): the loader forgot the failure.
    fn retry(self) {
        self.loaded.set(None);
        self.load();
    }

    fn load(self) {
        let loaded = self.loaded;
        spawn_local(async move { loaded.set(Some(engine::load_pages().await)) });
    }
}

/// Shown in a demo's place while its code loads, or if it could not: its title, why it waits,
/// and after a failure a button to try again (the network may be back).
pub fn placeholder(
    title: &'static str,
    code: DemoCode,
    state: Option<Result<(), String>>,
) -> AnyView {
    let (text, failed) = match state {
        Some(Err(why)) => (
            format!("The demos' code could not be loaded ({why})."),
            true,
        ),
        _ => ("Loading the demos' code…".to_string(), false),
    };
    view! {
        <section class="demo">
            <h1>{title}</h1>
            <p class="notice" role="status">{text}</p>
            {failed.then(|| view! { <button class="run" type="button" data-testid="retry-code" on:click=move |_| code.retry()>"Try again"</button> })}
        </section>
    }
    .into_any()
}
