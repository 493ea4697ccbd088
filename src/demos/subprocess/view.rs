//! The page of the subprocess demo.

use super::{
    Completed, DEFAULT_INPUT, EXIT_CODE, INFO, LINES, MAX_INPUT, PYTHON_SOURCE, TIMEOUT, commands,
    run,
};
use crate::core::trace::Trace;
use crate::engine;
use crate::widgets::{DemoPage, Knobs, Prediction, RunState, Timeline};
use leptos::prelude::*;

const EXPLANATION: &[&str] = &[
    "Six separate programs start at once, each in a Worker of its own running www/subprocess.js: not \
     the playground's wasm, a different program with its own little protocol. Each gets the text below \
     on its standard input; the page collects standard output and error as they arrive, with their \
     times, and the way each ended.",
    "upper and sort are filters; count prints a line every 100 ms (output streams while it runs); \
     fail exits with a status; crash throws; spin loops forever and is terminated at the timeout, \
     as subprocess.run(timeout=…) kills its child. The Python program starts them with \
     asyncio.create_subprocess_exec, so all six run at once and their output is read as it comes \
     (subprocess.run would wait for each in turn and hand its output over at the end). None of it \
     can touch the page or the others.",
];

#[component]
pub fn Page(query: Vec<(String, String)>) -> impl IntoView {
    let knobs = Knobs::new(INFO.id, &[TIMEOUT, LINES, EXIT_CODE], &query);
    let input = RwSignal::new(DEFAULT_INPUT.to_string());
    let state = RunState::new(&knobs);
    let on_run = move || {
        let timeout = knobs.get(TIMEOUT).get_untracked() as f64;
        let argvs = commands(
            knobs.get(LINES).get_untracked(),
            knobs.get(EXIT_CODE).get_untracked(),
        );
        let mut text = input.get_untracked();
        if text.len() > MAX_INPUT {
            let cut = (0..=MAX_INPUT)
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            text.truncate(cut);
            state.notice(format!(
                "The input was longer than {} KB; only its first {} KB was sent",
                MAX_INPUT / 1024,
                MAX_INPUT / 1024
            ));
        }
        state.start(async move {
            state.say(format!(
                "{} programs running; the timeout is {timeout:.0} ms",
                argvs.len()
            ));
            let runs = futures::future::join_all(argvs.into_iter().enumerate().map(|(i, argv)| {
                let text = &text;
                async move {
                    // Program i starts on the loop's turn i, not all six in one: the page
                    // spends some of its thread on each new worker, and a 10 ms timer of the page
                    // then waited 28-74 ms (median 48); started so, 25-54 ms (median 36).
                    // Spacing them 8 ms apart does no better: what is left
                    // is the two cores shared with six starting workers, one of which spins.
                    for _ in 0..i {
                        engine::yield_now().await;
                    }
                    run(argv, text, timeout).await
                }
            }))
            .await;
            Ok((timeout, runs))
        });
    };
    view! {
        <DemoPage info=&INFO explanation=EXPLANATION rust=super::rust_source() python=PYTHON_SOURCE.text() knobs state on_run predict=prediction()>
            <label class="knob stdin">"standard input"
                <textarea rows="3" spellcheck="false" prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev)) disabled=move || state.running.get()></textarea>
            </label>
            {move || state.result.get().map(|(timeout, runs)| results(timeout, runs))}
        </DemoPage>
    }
}

fn shown(c: &Completed, stderr: bool) -> String {
    c.output
        .iter()
        .filter(|o| o.stderr == stderr)
        .map(|o| format!("[{:.0} ms] {}", o.at_ms, o.text.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn results(timeout: f64, runs: Vec<Result<Completed, String>>) -> impl IntoView {
    let rows = runs
        .iter()
        .enumerate()
        .map(|(i, r)| match r {
            Ok(c) => view! {
                <tr data-program=c.argv[0].clone() data-status=format!("{:?}", c.status) data-stdout=c.stdout() data-stderr=c.stderr() data-wall-ms=c.wall_ms>
                    <td class="text"><code>{format!("process {i}: {}", c.argv.join(" "))}</code></td>
                    <td class="text"><pre class="stream">{shown(c, false)}</pre></td>
                    <td class="text"><pre class="stream">{shown(c, true)}</pre></td>
                    <td class=if c.status == crate::engine::ExitStatus::Code(0) { "text" } else { "text bad" }>{c.ending(timeout)}</td>
                    <td>{format!("{:.0} ms", c.wall_ms)}</td>
                </tr>
            }
            .into_any(),
            Err(e) => view! { <tr><td class="text">{format!("process {i}")}</td><td class="text" colspan="4">{e.clone()}</td></tr> }.into_any(),
        })
        .collect_view();
    let spans = runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().ok().map(|c| c.span(i, timeout)))
        .collect();
    view! {
        <section class="results" data-testid="results">
            <div class="scroll" tabindex="0" role="region" aria-label="a wide table: scroll sideways">
                <table class="numbers">
                    <thead><tr><th class="text">"program"</th><th class="text">"standard output (arrival time)"</th><th class="text">"standard error"</th><th class="text">"how it ended"</th><th>"lived"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Timeline trace=Trace::new(spans) caption="One lane per program, from start to exit (red: not a success)"/>
        </section>
    }
}

/// The guess this page asks for before its run.
fn prediction() -> Prediction<(f64, Vec<Result<Completed, String>>)> {
    Prediction::new(
        |k| {
            format!(
                "One of the programs never ends; the timeout is {} ms: after how long is it killed?",
                k.get(TIMEOUT).get()
            )
        },
        "ms",
        |(_, runs): &(f64, Vec<Result<Completed, String>>)| {
            runs.iter()
                .flatten()
                .find(|c| c.timed_out())
                .map(|c| c.wall_ms)
        },
    )
}
