//! The page runtime: what every demo page does around a run, written once. `RunState` holds a
//! run's signals (running, phase, result, notices, cancel switch) and `start` does the rest:
//! clear the last result, wait for threads a dropped run left busy, spawn the run so that leaving
//! the page drops it, put a failure into the notices, end "running" however it ends. `DemoPage`
//! is the frame, the (optionally gated) run panel and the page's own results.

use super::{
    CancelButton, Canceller, DemoFrame, Knobs, PredictBox, Prediction, RunPanel, ThreadGate,
};
use crate::core::catalog::DemoInfo;
use crate::engine;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use std::future::Future;

/// One page's run: its signals, shared by the controls, the progress line and the results.
pub struct RunState<T: Send + Sync + 'static> {
    pub running: RwSignal<bool>,
    /// What the run is doing now ("2 of 3: …"), shown beside the progress clock.
    pub phase: RwSignal<String>,
    /// The last finished run's result (None while running or before the first run).
    pub result: RwSignal<Option<T>>,
    /// Shared with the knobs: adjusted input and failed runs are said in one place.
    pub notices: RwSignal<Vec<String>>,
    pub canceller: Canceller,
}

impl<T: Send + Sync + 'static> Clone for RunState<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for RunState<T> {}

impl<T: Send + Sync + 'static> RunState<T> {
    pub fn new(knobs: &Knobs) -> RunState<T> {
        RunState {
            running: RwSignal::new(false),
            phase: RwSignal::new(String::new()),
            result: RwSignal::new(None),
            notices: knobs.notices,
            canceller: Canceller::new(),
        }
    }

    /// Starts `run`. Its `Ok` becomes the result; its `Err` goes to the notices. The future is
    /// dropped if the page is left, so a run never outlives its page on the event loop; jobs it
    /// had already handed to worker threads finish on their own, and the next run waits for
    /// them (a spin barrier of the next run must not wait on the last run's threads).
    /// A run's error is a sentence for the page (`?` on an engine error converts it).
    pub fn start(self, run: impl Future<Output = Result<T, String>> + 'static) {
        if self.running.get_untracked() {
            return; // a double click: one run at a time
        }
        self.running.set(true);
        self.result.set(None);
        spawn_local_scoped_with_cancellation(async move {
            if engine::jobs_in_flight() > 0 {
                self.phase
                    .set("waiting for the last run's threads to finish".into());
                engine::settled().await;
            }
            match run.await {
                Ok(result) => self.result.set(Some(result)),
                Err(e) => self.notice(format!("The run could not finish: {e}")),
            }
            self.canceller.disarm();
            self.running.set(false);
        });
    }

    /// Says what the run does now.
    pub fn say(&self, phase: impl Into<String>) {
        self.phase.set(phase.into());
    }

    /// `say`, then wait until the page has drawn it (`engine::after_paint`): before a timed run,
    /// so that drawing the line is not done on the cores the run measures.
    pub async fn say_before_timing(&self, phase: impl Into<String>) {
        self.say(phase);
        crate::engine::after_paint().await;
    }

    /// Adds a notice (a result that needs a word of caution, a step that could not run).
    pub fn notice(&self, text: impl Into<String>) {
        self.notices.update(|all| all.push(text.into()));
    }

    /// The cancel switch for this run: the run races against it; the page's Cancel button
    /// (`DemoPage`'s `cancel`) fires it.
    pub fn cancel_signal(&self) -> crate::core::sync::CancelSignal {
        self.canceller.arm()
    }

    /// Runs `steps` one after another, saying "i of n: label" for each (drawn before the step
    /// starts: `say_before_timing`); the first failure ends the run with its error.
    pub async fn steps<S, R, E, Fut>(
        &self,
        steps: Vec<S>,
        label: impl Fn(&S) -> String,
        mut run: impl FnMut(S) -> Fut,
    ) -> Result<Vec<R>, E>
    where
        Fut: Future<Output = Result<R, E>>,
    {
        let n = steps.len();
        let mut all = Vec::with_capacity(n);
        for (i, step) in steps.into_iter().enumerate() {
            // Each step is a run its page times.
            self.say_before_timing(format!("{} of {n}: {}", i + 1, label(&step)))
                .await;
            all.push(run(step).await?);
        }
        Ok(all)
    }
}

/// Every demo page: the frame (title, explanation, the Rust that ran, the Python program), the
/// run panel (behind the thread gate when `gated`), a Cancel button when `cancel`, then the
/// page's own content (its results, notes) as children.
#[component]
pub fn DemoPage<T: Clone + Send + Sync + 'static>(
    info: &'static DemoInfo,
    explanation: &'static [&'static str],
    rust: &'static str,
    python: &'static str,
    knobs: Knobs,
    state: RunState<T>,
    on_run: impl Fn() + Send + Sync + 'static,
    /// The run needs the worker pool: without it the panel says why instead.
    #[prop(optional)]
    gated: bool,
    /// Show "Cancel run" beside Run.
    #[prop(optional)]
    cancel: bool,
    /// Run stays disabled while this is false (default: always enabled).
    #[prop(optional, into)]
    enabled: Option<Signal<bool>>,
    /// The one guess the page asks for before its run.
    #[prop(optional)]
    predict: Option<Prediction<T>>,
    /// A choice the page offers beyond its number knobs, drawn above them.
    #[prop(optional, into)]
    choice: Option<ViewFn>,
    children: Children,
) -> impl IntoView {
    let on_run = std::sync::Arc::new(on_run);
    let panel = move || {
        let on_run = on_run.clone();
        let enabled = enabled.unwrap_or(Signal::stored(true));
        view! {
            {choice.as_ref().map(|c| c.run())}
            <RunPanel knobs running=state.running phase=state.phase on_run=move || on_run() enabled>
                {cancel.then(|| view! { <CancelButton canceller=state.canceller running=state.running/> })}
            </RunPanel>
        }
    };
    view! {
        <DemoFrame info explanation rust python>
            {if gated { view! { <ThreadGate>{panel.clone()}</ThreadGate> }.into_any() } else { panel().into_any() }}
            {predict.map(|Prediction { question, unit, measured }| {
                let answer = Signal::derive(move || state.result.with(|r| r.as_ref().and_then(|r| measured(r))));
                view! { <PredictBox info question unit answer running=state.running knobs/> }
            })}
            {children()}
        </DemoFrame>
    }
}
