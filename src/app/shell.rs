//! The app shell as static HTML in index.html: header, side bar and the home page's grid paint
//! while the wasm is still loading, so a first visit shows the playground at once, not a blank
//! page. The app removes it when it mounts its own, identical, live shell.
//!
//! It is made from the same catalogue and the same words as the live views, and a test keeps
//! index.html equal to `static_html()` (`UPDATE_SHELL=1 cargo test --lib shell` rewrites it).

#[cfg(test)]
use crate::core::catalog::DemoInfo;

/// The header's line under the brand.
pub const TAGLINE: &str = "asyncio, threading and multiprocessing, live in your browser";
/// The home page's headline and lead paragraph.
pub const HEADLINE: &str = "See how concurrency really behaves";
pub const LEAD: &str = "The ideas of Python's asyncio, threading and multiprocessing, run for real in Rust in your \
    browser (no Python runs here; each page shows the Python program that does the same): the page's own event loop, \
    threads sharing one memory, processes sharing none unless handed a block of it. What a run shows is measured in \
    that run, on this machine, except what is labelled otherwise: CPython's figures (reference data, their source named \
    beside them), the simulated GIL and the step-by-step models.";

// Only the test that keeps index.html needs the HTML; the app renders the live shell.
#[cfg(test)]
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
fn card(d: &DemoInfo) -> String {
    let tag = if d.needs_threads {
        r#"<em class="tag">worker threads</em>"#
    } else {
        ""
    };
    format!(
        r##"<a class="card" href="#/{}"><strong>{}</strong><span>{}</span>{tag}</a>"##,
        d.id,
        escape(d.title),
        escape(d.teaser)
    )
}

/// The home page's "start here", as `path::StartHere` renders it.
#[cfg(test)]
fn start_here() -> String {
    use super::path::{PATH, stages};
    let title = |id: &str| escape(crate::demos::find(id).map_or("", |d| d.title));
    let items: String = stages()
        .into_iter()
        .map(|(stage, stops)| {
            let links: Vec<String> = stops
                .iter()
                .map(|s| format!(r##"<a href="#/{}">{}</a>"##, s.id, title(s.id)))
                .collect();
            format!(
                "<li><strong>{}: </strong>{}</li>",
                escape(stage),
                links.join(" → ")
            )
        })
        .collect();
    format!(
        r##"<section class="path" aria-labelledby="path-title"><h2 id="path-title">Start here: a path through the ideas</h2><ol class="path-stages">{items}</ol><p><a class="path-start" href="#/{}">Start with {} →</a></p></section>"##,
        PATH[0].id,
        title(PATH[0].id)
    )
}

/// The shell's HTML: what the live app shows on its home page, minus anything live.
#[cfg(test)]
pub fn static_html() -> String {
    let mut nav = String::new();
    let mut cards = String::new();
    for (group, demos) in super::by_group() {
        let demos: Vec<&DemoInfo> = demos.collect();
        let links: String = demos
            .iter()
            .map(|d| format!(r##"<li><a href="#/{}">{}</a></li>"##, d.id, escape(d.title)))
            .collect();
        nav += &format!("<h2>{}</h2><ul>{links}</ul>", escape(group.title()));
        cards += &format!(
            r#"<h2>{}</h2><div class="cards">{}</div>"#,
            escape(group.title()),
            demos.iter().map(|d| card(d)).collect::<String>()
        );
    }
    format!(
        r##"<div id="shell">
<header class="topbar"><a class="brand" href="#/">concurrency playground</a><span class="tagline">{}</span></header>
<div class="layout"><nav class="sidebar" aria-label="Demos">{nav}</nav>
<main><section class="home"><h1>{}</h1><p class="lead">{}</p>{}{cards}</section></main></div>
<footer class="statusline"><span id="boot" class="boot" role="status">Loading the playground…</span></footer>
</div>"##,
        escape(TAGLINE),
        escape(HEADLINE),
        escape(LEAD),
        start_here()
    )
}

#[cfg(test)]
mod tests {
    const BEGIN: &str = "<!-- shell: made by src/app/shell.rs -->\n";
    const END: &str = "\n<!-- shell end -->";

    #[test]
    fn index_html_holds_the_shell_the_catalogue_makes() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/index.html");
        let index = std::fs::read_to_string(path).unwrap();
        let (a, b) = (
            index
                .find(BEGIN)
                .expect("index.html has the shell's begin marker"),
            index.find(END).expect("and its end marker"),
        );
        let want = super::static_html();
        if std::env::var_os("UPDATE_SHELL").is_some() {
            std::fs::write(path, format!("{}{BEGIN}{want}{}", &index[..a], &index[b..])).unwrap();
            return;
        }
        assert!(
            index[a + BEGIN.len()..b] == want,
            "index.html's static shell differs from the catalogue: run `UPDATE_SHELL=1 cargo test --lib shell`"
        );
        for d in crate::demos::ALL {
            assert!(
                want.contains(&format!("href=\"#/{}\"", d.id)),
                "{} missing from the shell",
                d.id
            );
        }
    }
}
