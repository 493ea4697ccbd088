//! The frame of every demo page: title, explanation, the interactive part, then the Rust that
//! ran next to the equivalent Python.

use crate::core::catalog::DemoInfo;
use leptos::prelude::*;

#[component]
pub fn DemoFrame(
    info: &'static DemoInfo,
    /// A few sentences: what to look at and why it happens.
    explanation: &'static [&'static str],
    rust: &'static str,
    python: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <article class="demo" data-demo=info.id>
            <header>
                <p class="group">{info.group.title()}</p>
                <h1>{info.title}</h1>
                {explanation.iter().map(|p| view! { <p class="explain">{*p}</p> }).collect_view()}
                {info.stand_in.map(|s| view! { <p class="notice stand-in" data-testid="stand-in"><strong>"Stand-in: "</strong>{s}</p> })}
            </header>
            {children()}
            <section class="code">
                <details open>
                    <summary>"The Rust that ran"</summary>
                    // Focusable, so a keyboard can scroll a long line into view.
                    <pre tabindex="0" aria-label="The Rust that ran"><code class="rust">{rust}</code></pre>
                </details>
                <details open>
                    <summary>"The same in Python"</summary>
                    <pre tabindex="0" aria-label="The same in Python"><code class="python">{python}</code></pre>
                </details>
            </section>
        </article>
    }
}
