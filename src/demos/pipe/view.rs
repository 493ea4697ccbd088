//! The page of the queues-and-pipes demo.

use super::{
    Exchange, INFO, LARGEST, PYTHON_SOURCE, ROUNDS, STREAM, Transport, decade_label, measure,
    size_label, sizes_up_to,
};
use crate::engine::{self, Process};
use crate::widgets::chart::{LogLogChart, Series};
use crate::widgets::{DemoPage, Knobs, PoolState, Prediction, RunState, use_pool};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "A process shares no memory, so a message to it is copied: postMessage makes a structured clone \
     of the bytes, as multiprocessing pickles them into a pipe. A buffer can instead be transferred: \
     moved to the other side, gone from this one, with no copy. Between threads of one memory a \
     message is only a pointer to bytes both can already see, whatever its size.",
    "For each size: the median round trip of one message echoed back, and a stream of messages (four \
     in flight, each answered with its length) for throughput. Here every message is also copied \
     into and out of each side's wasm memory: transferring saves postMessage's copies, not those. \
     The browser's clock counts in steps of about 5 µs (100 µs on a page that is not \
     cross-origin isolated), so the threads' times sit at its limit.",
];

/// One transport's measurements, or why it could not run here.
type Row = (Transport, Result<Vec<Exchange>, String>);

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[ROUNDS, STREAM, LARGEST], &query);
    let pool = use_pool();
    let state = RunState::new(&knobs);
    let on_run = move || {
        let rounds = knobs.get(ROUNDS).get_untracked() as usize;
        let stream = knobs.get(STREAM).get_untracked() as usize;
        let sizes = sizes_up_to(knobs.get(LARGEST).get_untracked());
        let threads_ready = matches!(pool.get_untracked(), PoolState::Ready(n) if n >= 2);
        state.start(async move {
            state.say("starting the consumer process");
            let t = engine::now_ms();
            let process = Process::spawn()
                .await
                .map_err(|e| format!("the process could not start: {e}"))?;
            let startup_ms = engine::now_ms() - t;
            let mut rows = Vec::new();
            for transport in Transport::ALL {
                if transport == Transport::Threads && !threads_ready {
                    rows.push((
                        transport,
                        Err("no worker threads on this page (see the status line)".to_string()),
                    ));
                    continue;
                }
                let on_size = |size: usize| {
                    state.say(format!(
                        "{}: {} messages",
                        transport.title(),
                        size_label(size as f64)
                    ))
                };
                rows.push((
                    transport,
                    measure(transport, Some(&process), &sizes, rounds, stream, on_size).await,
                ));
            }
            process.terminate();
            Ok((startup_ms, rows))
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            {move || state.result.get().map(|(startup, rows)| results(startup, rows))}
        </DemoPage>
    }
}

fn ms(v: f64) -> String {
    if v < 0.1 {
        format!("{:.0} µs", v * 1000.0)
    } else if v < 10.0 {
        format!("{v:.2} ms")
    } else {
        format!("{v:.0} ms")
    }
}

fn rate(mb_s: f64) -> String {
    if mb_s < 1.0 {
        format!("{:.0} KB/s", mb_s * 1024.0)
    } else {
        format!("{mb_s:.0} MB/s")
    }
}

fn results(startup_ms: f64, rows: Vec<Row>) -> impl IntoView {
    let sizes: Vec<usize> = rows
        .iter()
        .find_map(|r| r.1.as_ref().ok())
        .map(|xs| xs.iter().map(|x| x.size).collect())
        .unwrap_or_default();
    let cell = |t: Transport, size: usize| {
        rows.iter()
            .find(|r| r.0 == t)
            .and_then(|r| r.1.as_ref().ok())
            .and_then(|xs| xs.iter().find(|x| x.size == size))
            .cloned()
    };
    let body = sizes
        .iter()
        .map(|&size| {
            let cells = Transport::ALL.map(|t| cell(t, size));
            let trip = |c: &Option<Exchange>| c.as_ref().map(|c| ms(c.round_trip_ms)).unwrap_or_else(|| "—".into());
            let tput = |c: &Option<Exchange>| c.as_ref().map(|c| rate(c.mb_per_s())).unwrap_or_else(|| "—".into());
            let msgs = |c: &Option<Exchange>| c.as_ref().map(|c| format!("{:.0}", c.messages_per_s())).unwrap_or_else(|| "—".into());
            view! {
                <tr data-size=size data-copied-ms=cells[0].as_ref().map(|c| c.round_trip_ms) data-transferred-ms=cells[1].as_ref().map(|c| c.round_trip_ms) data-threads-ms=cells[2].as_ref().map(|c| c.round_trip_ms) data-threads-pointer=cells[2].as_ref().map(|c| c.same_buffer.to_string())>
                    <td class="nowrap">{size_label(size as f64)}</td>
                    <td>{trip(&cells[0])}</td><td>{trip(&cells[1])}</td><td>{trip(&cells[2])}</td>
                    <td>{tput(&cells[0])}</td><td>{tput(&cells[1])}</td><td>{msgs(&cells[2])}</td>
                </tr>
            }
        })
        .collect_view();
    let failures = rows
        .iter()
        .filter_map(|(t, r)| {
            r.as_ref()
                .err()
                .map(|e| view! { <p class="notice warn">{format!("{}: {e}", t.title())}</p> })
        })
        .collect_view();
    let series = |pick: fn(&Exchange) -> f64| -> Vec<Series> {
        rows.iter()
            .zip(["s0", "s1", "s2"])
            .filter_map(|((t, r), class)| {
                r.as_ref().ok().map(|xs| Series {
                    name: t.title().into(),
                    class,
                    points: xs.iter().map(|x| (x.size as f64, pick(x))).collect(),
                })
            })
            .collect()
    };
    let largest = sizes.last().copied().unwrap_or(0);
    let ratio = cell(Transport::Copied, largest)
        .zip(cell(Transport::Threads, largest))
        .map(|(p, t)| p.round_trip_ms / t.round_trip_ms.max(1e-6));
    let verdict = format!(
        "Starting the process took {}. {}",
        ms(startup_ms),
        ratio.map(|r| format!("At {}, a round trip to a process (copied) took {r:.0}× as long as between threads.", size_label(largest as f64))).unwrap_or_default()
    );
    view! {
        <section class="results" data-testid="results">
            {failures}
            <p class="verdict">{verdict}</p>
            <LogLogChart series=series(|x| x.round_trip_ms) caption="Round trip of one message (median), by size".into()
                x_label="message size" y_label="round trip" x_format=size_label y_format=decade_label/>
            <div class="scroll" tabindex="0" role="region" aria-label="a wide table: scroll sideways">
                <table class="numbers">
                    <thead>
                        <tr><th rowspan="2">"size"</th><th colspan="3">"round trip (median)"</th><th colspan="3">"stream throughput"</th></tr>
                        <tr>
                            {Transport::ALL.map(|t| view! { <th>{t.title()}</th> }).into_iter().collect_view()}
                            <th>"process, copied"</th><th>"process, transferred"</th><th>"threads: messages/s (no bytes move)"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<(f64, Vec<Row>)> {
    Prediction::new(
        |_| {
            "How long does a new process (a worker with its own wasm instance) take to start?"
                .to_string()
        },
        "ms",
        |(startup_ms, _): &(f64, Vec<Row>)| Some(*startup_ms),
    )
}
