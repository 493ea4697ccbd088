//! The page of the real-requests demo.

use super::{DELAY_MS, FAILING, INFO, Measured, PYTHON_SOURCE, REQUESTS, Variant, plan, run};
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timelines};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Each request is a real fetch of a resource from this page's own server, past the browser's \
     cache. A local server answers in about a millisecond, so each request can first wait a \
     simulated network delay (dashed): it is a timer, not a network, and is labelled so. The \
     real fetch times are in the table.",
    "Awaited one by one, each request starts when the previous one ended: the total is the sum. \
     Started all at once (asyncio.gather), they wait together: the total is about the slowest one. \
     Waiting costs the loop nothing, so one thread handles them all.",
    "A failing request ends red with its error; the others finish normally. One failure is a \
     missing resource (HTTP 404). The other asks for 127.0.0.1:9, another origin, which this \
     page's content security policy (connect-src 'self') refuses before any connection is tried: \
     the browser reports a network error. In the Python program the same request goes to a port \
     where nothing listens, and aiohttp reports the refused connection (ClientConnectorError, \
     a ConnectionRefusedError underneath). The browser also logs the failed requests in its \
     console: those entries are the deliberate failures.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[REQUESTS, DELAY_MS, FAILING], &query);
    let state = RunState::new(&knobs);
    let on_run = move || {
        let p = plan(
            knobs.get(REQUESTS).get_untracked() as usize,
            knobs.get(FAILING).get_untracked() as usize,
            "",
        );
        let delay = knobs.get(DELAY_MS).get_untracked() as f64;
        state.start(async move {
            let (p, n) = (&p, p.len());
            let label = move |m: &Variant| format!("{n} requests {}", m.title());
            state
                .steps(Variant::ALL.to_vec(), label, move |m| async move {
                    Ok(run(m, p, delay).await)
                })
                .await
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(results)}
        </DemoPage>
    }
}

fn results(runs: Vec<Measured>) -> impl IntoView {
    let requests = runs.last().map(|m| m.results.clone()).unwrap_or_default();
    let failed = requests.iter().filter(|r| r.outcome.is_err()).count();
    view! {
        <section class="results" data-testid="results">
            <table class="numbers">
                <thead><tr><th>"requests"</th><th>"measured total"</th><th>"real fetch time, summed"</th><th>"failed"</th></tr></thead>
                <tbody>{runs.iter().map(|m| view! {
                    <tr data-mode=format!("{:?}", m.mode) data-total-ms=m.total_ms>
                        <td>{m.mode.title()}</td><td>{format!("{:.0} ms", m.total_ms)}</td>
                        <td>{format!("{:.1} ms", m.results.iter().map(|r| r.fetch_ms).sum::<f64>())}</td>
                        <td>{m.results.iter().filter(|r| r.outcome.is_err()).count()}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            {(failed > 0).then(|| view! {
                <p class="notice warn" data-testid="fetch-errors">{format!(
                    "{failed} request{} failed, as planned; the other {} finished.",
                    if failed == 1 { "" } else { "s" }, requests.len() - failed)}</p>
            })}
            <Timelines runs={runs.into_iter().map(|m| (m.mode.title().to_string(), m.trace)).collect::<Vec<_>>()}/>
            <h2>"Each request (all at once)"</h2>
            <table class="numbers">
                <thead><tr><th>"request"</th><th class="text">"asked for"</th><th>"outcome"</th><th>"real fetch"</th></tr></thead>
                <tbody>{requests.into_iter().map(|r| view! {
                    <tr data-request=r.request data-ok=r.outcome.is_ok().to_string()>
                        <td>{r.request}</td><td class="text" title=r.url.clone()>{r.what}</td>
                        <td>{match &r.outcome { Ok(bytes) => format!("{bytes} bytes"), Err(e) => e.clone() }}</td>
                        <td>{format!("{:.1} ms", r.fetch_ms)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<Vec<Measured>> {
    Prediction::new(
        |k| {
            format!(
                "{} requests of {} ms each, all started at once: how long until the last one answers?",
                k.get(REQUESTS).get(),
                k.get(DELAY_MS).get()
            )
        },
        "ms",
        |runs: &Vec<Measured>| {
            runs.iter()
                .find(|r| r.mode == Variant::Concurrent)
                .map(|r| r.total_ms)
        },
    )
}
