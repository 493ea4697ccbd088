//! Hash routing: `#/demo-id?knob=value&…`. Works on any static host and under any sub-path,
//! and keeps every demo's parameters in the URL so that a link reproduces the setup.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The demo id, or "" for the home page.
    pub page: String,
    pub query: Vec<(String, String)>,
}

/// Parses `#/id?query` (also tolerates a missing `/`, a trailing `/`, or no hash at all).
pub fn parse(hash: &str) -> Route {
    let rest = hash.trim_start_matches('#').trim_start_matches('/');
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    Route {
        page: path.trim_end_matches('/').to_string(),
        query: crate::core::params::parse_query(query),
    }
}

fn current() -> Route {
    parse(
        &web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default(),
    )
}

/// The current route, updated on every `hashchange`.
pub fn use_hash_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(current());
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let next = current();
        if next.page != route.get_untracked().page {
            scroll_to_top();
        }
        set_route.set(next);
    });
    on_cleanup(move || handle.remove());
    route
}

fn scroll_to_top() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_page_and_query() {
        let r = parse("#/parallel-cpu?size=100&repeats=3");
        assert_eq!(r.page, "parallel-cpu");
        assert_eq!(
            r.query,
            vec![
                ("size".into(), "100".into()),
                ("repeats".into(), "3".into())
            ]
        );
    }

    #[test]
    fn odd_hashes_are_tolerated() {
        for (hash, page) in [
            ("", ""),
            ("#", ""),
            ("#/", ""),
            ("#parallel-cpu", "parallel-cpu"),
            ("#/x/", "x"),
            ("#/x?", "x"),
        ] {
            assert_eq!(parse(hash).page, page, "{hash:?}");
        }
    }
}
