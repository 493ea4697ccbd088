//! Asynchronous I/O with real requests (the aiohttp example): K `fetch`es to the playground's
//! own origin, awaited one by one vs all at once. A local server answers in well under a
//! millisecond, so an optional delay per request stands in for a network; it is labelled as
//! simulated and the real fetch times are always shown. Requests that fail (a missing resource,
//! a network error) end as failed spans; the others finish.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "fetch",
    title: "Asynchronous I/O: real requests",
    group: Group::EventLoop,
    teaser: "aiohttp-style fetches of real resources, one by one vs all at once; failures stay contained.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const REQUESTS: Knob = Knob {
    key: "requests",
    label: "requests",
    min: 1,
    max: 12,
    default: 6,
    step: 1,
};
pub const DELAY_MS: Knob = Knob {
    key: "delay",
    label: "simulated delay (ms)",
    min: 0,
    max: 2000,
    default: 300,
    step: 50,
};
pub const FAILING: Knob = Knob {
    key: "failing",
    label: "failing requests",
    min: 0,
    max: 3,
    default: 1,
    step: 1,
};

/// The resource every good request asks for (copied into the build from www/data).
pub const RESOURCE: &str = "data/items.json";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    OneByOne,
    Concurrent,
}

impl Variant {
    pub const ALL: [Variant; 2] = [Variant::OneByOne, Variant::Concurrent];

    pub fn title(self) -> &'static str {
        match self {
            Variant::OneByOne => "awaited one by one",
            Variant::Concurrent => "all at once (gather)",
        }
    }
}

/// What request `i` asks for: its URL (relative to `base`, the page's origin) and a
/// description. The failing ones are spread among the good ones (requests 1, 3, 5), alternating
/// a missing resource with an address on another origin, which the page's content security policy
/// (connect-src 'self') refuses before any connection is tried: a network error to the page.
pub fn plan(requests: usize, failing: usize, base: &str) -> Vec<(String, &'static str)> {
    let failing_at = |i: usize| i % 2 == 1 && i / 2 < failing;
    (0..requests)
        .map(|i| match (failing_at(i), (i / 2) % 2) {
            (false, _) => (format!("{base}{RESOURCE}?request={i}"), "a JSON document"),
            (true, 0) => (
                format!("{base}data/missing-{i}.json"),
                "a resource that does not exist",
            ),
            (true, _) => (
                "http://127.0.0.1:9/unreachable".to_string(),
                "another origin: refused by this page's security policy",
            ),
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestResult {
    pub request: usize,
    pub url: String,
    pub what: &'static str,
    /// "200 OK, 5566 bytes" or why it failed.
    pub outcome: Result<usize, String>,
    /// How long the real fetch took (no simulated delay in it).
    pub fetch_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub mode: Variant,
    pub total_ms: f64,
    pub results: Vec<RequestResult>,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// One request: the simulated network delay (if any), then the real fetch.
async fn get(
    request: usize,
    url: String,
    what: &'static str,
    delay_ms: f64,
) -> (RequestResult, Vec<Span>) {
    let mut spans = Vec::new();
    if delay_ms > 0.0 {
        let start = engine::now_ms();
        engine::sleep_ms(delay_ms).await;
        spans.push(Span::since(
            request,
            Lane::EventLoop,
            format!("request {request}: simulated delay"),
            SpanKind::Simulated,
            start,
        ));
    }
    let start = engine::now_ms();
    let outcome = match engine::fetch(&url).await {
        Ok(r) if (200..300).contains(&r.status) => Ok(r.bytes),
        Ok(r) => Err(format!("HTTP {}", r.status)),
        Err(e) => Err(e),
    };
    let fetch_ms = engine::now_ms() - start;
    let (label, kind) = match &outcome {
        Ok(bytes) => (
            format!("request {request}: fetch, {bytes} bytes"),
            SpanKind::Wait,
        ),
        Err(e) => (
            format!("request {request}: fetch failed: {e}"),
            SpanKind::Failed,
        ),
    };
    spans.push(Span::since(request, Lane::EventLoop, label, kind, start));
    (
        RequestResult {
            request,
            url,
            what,
            outcome,
            fetch_ms,
        },
        spans,
    )
}

pub async fn run(mode: Variant, plan: &[(String, &'static str)], delay_ms: f64) -> Measured {
    let t0 = engine::now_ms();
    let requests = plan
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, (url, what))| get(i, url, what, delay_ms));
    let all = match mode {
        Variant::OneByOne => {
            let mut all = Vec::new();
            for r in requests {
                all.push(r.await); // the next request starts only when this one is done
            }
            all
        }
        Variant::Concurrent => futures::future::join_all(requests).await,
    };
    let (results, spans): (Vec<_>, Vec<_>) = all.into_iter().unzip();
    Measured {
        mode,
        total_ms: engine::now_ms() - t0,
        results,
        trace: Trace::new(spans.into_iter().flatten().collect()),
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_fetch.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_fetch.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use std::io::{BufRead, BufReader, Write};

    /// A local HTTP server: 200 with a small body for the resource, 404 for anything else.
    fn serve() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                // Read the whole request before answering: closing on unread bytes resets.
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let body = if line.contains(RESOURCE) {
                    "{\"items\": []}"
                } else {
                    ""
                };
                let status = if body.is_empty() {
                    "404 Not Found"
                } else {
                    "200 OK"
                };
                let _ = write!(
                    stream,
                    "HTTP/1.0 {status}\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        base
    }

    #[test]
    fn the_plan_spreads_both_kinds_of_failure() {
        let p = plan(6, 2, "");
        assert_eq!(p.iter().filter(|(u, _)| u.starts_with(RESOURCE)).count(), 4);
        assert!(p[1].0.contains("missing"));
        assert!(p[3].0.contains(":9/"));
        assert_eq!(
            plan(3, 3, "")
                .iter()
                .filter(|(u, _)| !u.starts_with(RESOURCE))
                .count(),
            1,
            "only odd requests fail"
        );
    }

    #[test]
    fn one_by_one_never_overlaps_and_at_once_does() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let base = serve();
        let p = plan(4, 0, &base);
        let seq = block_on(run(Variant::OneByOne, &p, 40.0));
        let par = block_on(run(Variant::Concurrent, &p, 40.0));
        assert!(!seq.trace.any_overlap(), "{:?}", seq.trace);
        assert!(par.trace.max_concurrency() >= 3, "{:?}", par.trace);
        assert!(
            seq.total_ms >= 160.0,
            "four delays in a row: {}",
            seq.total_ms
        );
        assert!(
            par.total_ms < 0.6 * seq.total_ms,
            "{} vs {}",
            par.total_ms,
            seq.total_ms
        );
        assert!(
            seq.results.iter().all(|r| r.outcome == Ok(13)),
            "{:?}",
            seq.results
        );
    }

    #[test]
    fn failed_requests_are_reported_and_the_rest_finish() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let base = serve();
        // Request 3's address is refused by the page's security policy in the browser; here every
        // failure is a 404 or a refused connection to a port of our own choosing.
        let mut p = plan(5, 2, &base);
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap(); // dropped: closed
        p[3].0 = format!("http://{closed}/unreachable");
        let m = block_on(run(Variant::Concurrent, &p, 0.0));
        assert_eq!(m.results[1].outcome, Err("HTTP 404".into()));
        assert!(
            m.results[3]
                .outcome
                .as_ref()
                .is_err_and(|e| e.starts_with("network error")),
            "{:?}",
            m.results[3]
        );
        for i in [0, 2, 4] {
            assert!(m.results[i].outcome.is_ok(), "{:?}", m.results[i]);
        }
        let failed: Vec<usize> = m
            .trace
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Failed)
            .map(|s| s.task)
            .collect();
        assert_eq!(failed, vec![1, 3]);
    }
}
