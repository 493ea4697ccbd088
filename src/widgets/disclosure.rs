//! A disclosure whose content is built the first time it is opened: a page can offer many
//! timelines or tables "one click away" without building them all (each costs the main thread
//! its nodes). Once built, the content stays while the page lives, open or closed.

use leptos::prelude::*;

#[component]
pub fn Disclosure(
    /// What the `<summary>` says.
    #[prop(into)]
    summary: String,
    #[prop(optional)] class: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
    children: ChildrenFn,
) -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        <details class=class data-testid=testid on:toggle=move |e| {
            use wasm_bindgen::JsCast;
            if e.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()).is_some_and(|d| d.open()) {
                opened.set(true);
            }
        }>
            <summary>{summary}</summary>
            {move || opened.get().then(|| children())}
        </details>
    }
}
