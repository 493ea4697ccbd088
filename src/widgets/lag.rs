//! What the page's heartbeat tells the pages: the `Lag` context (set up by the app's status line)
//! and the pulse a page can show.

use crate::core::lag::SlowCallback;
use crate::models::heartbeat::{self, SharedMeter};
use leptos::prelude::*;

/// How many slow callbacks the page keeps to show.
pub const SHOWN: usize = 10;

/// What the heartbeat reports to the page; shared through context.
#[derive(Clone, Copy)]
pub struct Lag {
    pub meter: StoredValue<SharedMeter>,
    /// Ticks so far: the heartbeat a page can show.
    pub beats: RwSignal<u64>,
    /// The worst lag of the last second.
    pub recent_ms: RwSignal<f64>,
    /// The newest slow callbacks (at most `SHOWN`, newest first) and how many there were in all:
    /// the page keeps no unbounded list.
    pub reports: RwSignal<Vec<SlowCallback>>,
    pub report_count: RwSignal<usize>,
    /// The title of the page on screen, and whether a run is in progress on it.
    pub page: RwSignal<String>,
    pub running: RwSignal<bool>,
    /// How many pulses (`Heartbeat`) are on screen: while any is, the heartbeat ticks at its
    /// shown period, otherwise at the status line's slower one (`models::heartbeat`). Counted,
    /// not set and restored, so two pages' pulses may come and go in either order.
    pub pulses_shown: RwSignal<usize>,
}

impl Lag {
    pub fn meter(&self) -> SharedMeter {
        self.meter.get_value()
    }

    /// The period the heartbeat ticks at (tracked): its shown one while a pulse is on screen.
    pub fn period_ms(&self) -> f64 {
        if self.pulses_shown.get() > 0 {
            heartbeat::PERIOD_MS
        } else {
            heartbeat::BACKGROUND_PERIOD_MS
        }
    }
}

pub fn use_lag() -> Lag {
    expect_context::<Lag>()
}

pub fn describe(r: &SlowCallback) -> String {
    format!("the loop was held {:.0} ms on {}", r.held_ms, r.context)
}

/// The page's pulse, driven by the loop's own timer ticks: a light that steps along a strip and
/// a counter. (A CSS animation would not do: browsers run those off the main thread, so it
/// would keep moving while the loop is frozen.)
#[component]
pub fn Heartbeat() -> impl IntoView {
    const CELLS: u64 = 25;
    let lag = use_lag();
    lag.pulses_shown.update(|n| *n += 1);
    on_cleanup(move || lag.pulses_shown.update(|n| *n = n.saturating_sub(1)));
    let cells = (0..CELLS)
        .map(|i| view! { <span class:lit=move || lag.beats.get() % CELLS == i></span> })
        .collect_view();
    view! {
        <div class="heartbeat" data-testid="heartbeat" data-beats=move || lag.beats.get()>
            <span class="label">"heartbeat"</span>
            <span class="strip" aria-hidden="true">{cells}</span>
            <span class="count">{move || format!("tick {}", lag.beats.get())}</span>
        </div>
    }
}
