//! "Share this result": the numbers with the machine's core count and browser, to copy as text
//! or download as JSON. The page's address (which holds the parameters) goes with them.

use crate::core::report::{Report, ReportRow};
use leptos::prelude::*;

/// The report of a result shown on this page.
pub fn report(demo: &str, rows: Vec<ReportRow>) -> Report {
    let window = web_sys::window();
    let link = window
        .as_ref()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let platform = window
        .as_ref()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_else(|| "unknown browser".into());
    Report {
        demo: demo.into(),
        link,
        cores: crate::engine::hardware_concurrency(),
        platform,
        rows,
    }
}

/// Puts `text` on the clipboard (navigator.clipboard.writeText), if the browser lets the page.
async fn copy(text: String) -> Result<(), String> {
    let clipboard = web_sys::window()
        .map(|w| js_sys::Reflect::get(&w.navigator(), &"clipboard".into()))
        .and_then(Result::ok)
        .filter(|c| !c.is_undefined())
        .ok_or("this browser gives the page no clipboard")?;
    let write =
        js_sys::Reflect::get(&clipboard, &"writeText".into()).map_err(|_| "no writeText")?;
    let promise = js_sys::Function::from(write)
        .call1(&clipboard, &text.into())
        .map_err(|_| "the copy was refused")?;
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
        .await
        .map(|_| ())
        .map_err(|_| "the copy was refused".to_string())
}

#[component]
pub fn ShareResult(report: Report, file_name: &'static str) -> impl IntoView {
    let text = report.to_text();
    let said = RwSignal::new(String::new());
    let to_copy = text.clone();
    let on_copy = move |_| {
        let text = to_copy.clone();
        leptos::task::spawn_local(async move {
            said.set(match copy(text).await {
                Ok(()) => "Copied.".into(),
                Err(why) => format!("Not copied ({why}): select the text above and copy it."),
            });
        });
    };
    view! {
        <details class="share" data-testid="share">
            <summary>"Share this result"</summary>
            <textarea readonly rows="6" data-testid="share-text" aria-label="this result as text, to copy">{text}</textarea>
            <div class="share-actions">
                <button type="button" class="run secondary" on:click=on_copy>"Copy as text"</button>
                <a class="run secondary" data-testid="share-json" href=report.json_data_url() download=file_name>"Download JSON"</a>
                <span aria-live="polite">{move || said.get()}</span>
            </div>
        </details>
    }
}
