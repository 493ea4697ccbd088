//! Controls shared by every demo page: bounded number inputs, the Run button, progress, notices.

use crate::core::params::Knob;
use leptos::prelude::*;
use std::time::Duration;

/// The most knobs a page has (the compare page: the matrix's three and the guide's four), a
/// fixed array so that `Knobs` stays `Copy`.
pub const MAX_KNOBS: usize = 8;

/// A page's knobs: their values (read from the URL, clamped) and the page's notices. The URL
/// follows every change, so a link always reproduces what is on screen.
#[derive(Clone, Copy)]
pub struct Knobs {
    pub page: &'static str,
    pub values: &'static [Knob],
    signals: [Option<RwSignal<u64>>; MAX_KNOBS],
    pub notices: RwSignal<Vec<String>>,
    /// More of the page's state for its URL, after the knobs (a stepped schedule): plain
    /// URL-safe text only.
    pub extra: RwSignal<Vec<(&'static str, String)>>,
}

impl Knobs {
    pub fn new(page: &'static str, knobs: &'static [Knob], query: &[(String, String)]) -> Knobs {
        assert!(
            knobs.len() <= MAX_KNOBS,
            "{page}: {} knobs, at most {MAX_KNOBS} a page",
            knobs.len()
        );
        let notices = RwSignal::new(Vec::new());
        let mut signals = [None; MAX_KNOBS];
        for (slot, knob) in signals.iter_mut().zip(knobs) {
            let (value, notice) = knob.read(query);
            if let Some(n) = notice {
                notices.update(|all: &mut Vec<String>| all.push(n));
            }
            *slot = Some(RwSignal::new(value));
        }
        let this = Knobs {
            page,
            values: knobs,
            signals,
            notices,
            extra: RwSignal::new(Vec::new()),
        };
        Effect::new(move |_| {
            let pairs: Vec<(&str, u64)> =
                knobs.iter().map(|k| (k.key, this.get(*k).get())).collect();
            let mut query = crate::core::params::to_query(&pairs);
            for (key, value) in this.extra.get() {
                query += &format!("&{key}={value}");
            }
            super::replace_query(page, &query);
        });
        this
    }

    /// The signal of `knob` (one of this page's).
    pub fn get(&self, knob: Knob) -> RwSignal<u64> {
        let i = self
            .values
            .iter()
            .position(|k| *k == knob)
            .expect("a knob of this page");
        self.signals[i].expect("set in new")
    }

    /// The inputs for all knobs, in order.
    pub fn inputs(&self, disabled: Signal<bool>) -> impl IntoView + use<> {
        let this = *self;
        self.values
            .iter()
            .map(move |k| view! { <KnobInput knob=*k value=this.get(*k) notices=this.notices disabled/> })
            .collect_view()
    }
}

/// A number input for one knob. Out-of-range or garbled input is clamped or ignored, and the
/// reason is added to the page's notices; the run always uses a valid value.
#[component]
pub fn KnobInput(
    knob: Knob,
    value: RwSignal<u64>,
    notices: RwSignal<Vec<String>>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let id = format!("knob-{}", knob.key);
    let on_change = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        let notice = match raw.trim().parse::<u64>() {
            Ok(typed) => {
                let (fixed, notice) = knob.clamp(typed);
                value.set(fixed);
                notice
            }
            Err(_) => Some(format!(
                "{} must be a whole number from {} to {}; kept {}",
                knob.label,
                knob.min,
                knob.max,
                value.get_untracked()
            )),
        };
        // Re-render the field even when the value did not change ("abc" shows the old value).
        value.notify();
        if let Some(n) = notice {
            notices.update(|all| all.push(n));
        }
    };
    view! {
        <label class="knob" for=id.clone()>
            <span>{knob.label}</span>
            <input id=id.clone() type="number" inputmode="numeric" min=knob.min max=knob.max step=knob.step
                data-knob=knob.key prop:value=move || value.get().to_string()
                prop:disabled=move || disabled.get() on:change=on_change/>
            <small>{format!("{}–{}", knob.min, knob.max)}</small>
        </label>
    }
}

#[component]
pub fn RunButton(
    #[prop(into)] running: Signal<bool>,
    #[prop(into)] enabled: Signal<bool>,
    on_run: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <button class="run" data-testid="run" type="button"
            prop:disabled=move || running.get() || !enabled.get()
            on:click=move |_| on_run()>
            {move || if running.get() { "Running…" } else { "Run" }}
        </button>
    }
}

/// The strip every demo page has: notices, the knobs, Run (plus any extra buttons), progress.
/// A run in progress is announced to the loop-lag monitor, so a stall it causes is named.
#[component]
pub fn RunPanel(
    knobs: Knobs,
    running: RwSignal<bool>,
    phase: RwSignal<String>,
    on_run: impl Fn() + 'static,
    /// Run stays disabled while this is false (default: always enabled).
    #[prop(optional, into)]
    enabled: Option<Signal<bool>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    if let Some(lag) = use_context::<super::Lag>() {
        Effect::new(move |_| lag.running.set(running.get()));
        on_cleanup(move || lag.running.set(false));
    }
    let enabled = enabled.unwrap_or(Signal::stored(true));
    view! {
        <Notices notices=knobs.notices/>
        <div class="controls">
            {knobs.inputs(running.into())}
            <RunButton running enabled on_run/>
            {children.map(|c| c())}
        </div>
        <Progress running phase/>
    }
}

/// What the run is doing now, with a clock that keeps ticking: proof that the page is alive.
#[component]
pub fn Progress(
    #[prop(into)] running: Signal<bool>,
    #[prop(into)] phase: Signal<String>,
) -> impl IntoView {
    let started = RwSignal::new(0.0);
    let elapsed = RwSignal::new(0.0);
    Effect::new(move |_| {
        if running.get() {
            started.set(crate::engine::now_ms());
            elapsed.set(0.0);
        }
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if running.get_untracked() {
                elapsed.set(crate::engine::now_ms() - started.get_untracked());
            }
        },
        // Once a second: every repaint takes CPU from the work being measured (at 4 Hz, with
        // the phase's own, the 2-thread prime count lost ~3% on 2 cores).
        Duration::from_millis(1000),
    ) {
        on_cleanup(move || handle.clear());
    }
    // No animated indicator (an indeterminate <progress> repaints every frame: CPU taken from
    // the workers a run measures, ~8% of two cores here); the clock ticks in whole seconds. Only
    // the phase is announced to a screen reader, not every second.
    view! {
        <div class="progress" data-testid="progress" hidden=move || !running.get()>
            <span class="running-mark" aria-hidden="true">"●"</span>
            <span aria-live="polite">{move || phase.get()}</span>
            <span class="elapsed">{move || format!("{:.0} s", elapsed.get() / 1000.0)}</span>
        </div>
    }
}

/// Messages about input that was adjusted or a run that failed; each can be dismissed.
#[component]
pub fn Notices(notices: RwSignal<Vec<String>>) -> impl IntoView {
    view! {
        <div class="notices" data-testid="notices" role="alert">
            {move || notices.get().into_iter().enumerate().map(|(i, text)| view! {
                <p class="notice warn">{text}
                    <button type="button" class="dismiss" aria-label="Dismiss"
                        on:click=move |_| notices.update(|all| { if i < all.len() { all.remove(i); } })>"×"</button>
                </p>
            }).collect_view()}
        </div>
    }
}

/// A page's cancel switch: `arm` at the start of a run gives the signal the run races against;
/// the Cancel button fires it; `disarm` when the run ends.
#[derive(Clone, Copy)]
pub struct Canceller(StoredValue<Option<futures::channel::oneshot::Sender<()>>>);

impl Default for Canceller {
    fn default() -> Canceller {
        Canceller::new()
    }
}

impl Canceller {
    pub fn new() -> Canceller {
        Canceller(StoredValue::new(None))
    }

    pub fn arm(&self) -> crate::core::sync::CancelSignal {
        let (tx, signal) = crate::core::sync::cancel_signal();
        self.0.set_value(Some(tx));
        signal
    }

    pub fn disarm(&self) {
        self.0.set_value(None);
    }

    fn cancel(&self) {
        if let Some(tx) = self.0.try_update_value(|c| c.take()).flatten() {
            let _ = tx.send(());
        }
    }
}

/// "Cancel run", enabled while the run goes on.
#[component]
pub fn CancelButton(canceller: Canceller, #[prop(into)] running: Signal<bool>) -> impl IntoView {
    view! {
        <button class="run secondary" type="button" data-testid="cancel"
            prop:disabled=move || !running.get() on:click=move |_| canceller.cancel()>"Cancel run"</button>
    }
}
