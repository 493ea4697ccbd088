//! The always-on loop-lag meter of the status line: starts the heartbeat on the page's event
//! loop, tells it what the page is doing (which demo, whether a run is going), and shows the
//! lag and any slow callbacks it caught.

use crate::core::lag::SlowCallback;
use crate::demos::loop_lag::{self, SharedMeter};
use crate::engine;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the heartbeat reports to the page; shared through context.
#[derive(Clone, Copy)]
pub struct Lag {
    pub meter: StoredValue<SharedMeter>,
    /// Ticks so far: the heartbeat a page can show.
    pub beats: RwSignal<u64>,
    /// The worst lag of the last second.
    pub recent_ms: RwSignal<f64>,
    pub reports: RwSignal<Vec<SlowCallback>>,
    /// The title of the page on screen, and whether a run is in progress on it.
    pub page: RwSignal<String>,
    pub running: RwSignal<bool>,
}

impl Lag {
    pub fn meter(&self) -> SharedMeter {
        self.meter.get_value()
    }
}

pub fn start_monitor() -> Lag {
    let lag = Lag {
        meter: StoredValue::new(loop_lag::new_meter()),
        beats: RwSignal::new(0),
        recent_ms: RwSignal::new(0.0),
        reports: RwSignal::new(Vec::new()),
        page: RwSignal::new(String::new()),
        running: RwSignal::new(false),
    };
    let context = move || {
        if page_hidden() {
            return None; // browsers throttle a hidden tab's timers on purpose: not a stall
        }
        let page = lag.page.get_untracked();
        let page = if page.is_empty() { "the home page".to_string() } else { page };
        Some(if lag.running.get_untracked() { format!("{page} (run in progress)") } else { page })
    };
    let on_tick = move |m: &crate::core::lag::LagMeter, report: Option<&SlowCallback>| {
        lag.beats.update(|b| *b += 1);
        lag.recent_ms.set(m.worst_lag_since(engine::now_ms(), 1000.0));
        if let Some(r) = report {
            lag.reports.update(|all| all.push(r.clone()));
        }
    };
    spawn_local(loop_lag::watch(lag.meter(), context, on_tick));
    lag
}

fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

pub fn use_lag() -> Lag {
    expect_context::<Lag>()
}

/// "loop lag 2 ms" and, once there are any, the slow callbacks caught (newest first).
#[component]
pub fn LagStatus() -> impl IntoView {
    let lag = use_lag();
    let count = move || lag.reports.with(|r| r.len());
    view! {
        <span data-testid="lag" class:warn={move || lag.recent_ms.get() > 50.0}>
            {move || format!("loop lag {:.0} ms", lag.recent_ms.get())}
        </span>
        <Show when=move || { count() > 0 }>
            <details class="slow-callbacks" data-testid="slow-callbacks">
                <summary>{move || format!("{} slow callback{}", count(), if count() == 1 { "" } else { "s" })}</summary>
                <ol reversed>
                    {move || lag.reports.get().into_iter().rev().take(10).map(|r| view! {
                        <li data-held-ms=r.held_ms>{describe(&r)}</li>
                    }).collect_view()}
                </ol>
            </details>
        </Show>
    }
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
