//! The always-on loop-lag meter of the status line: starts the heartbeat on the page's event
//! loop, tells it what the page is doing (which demo, whether a run is going), and shows the
//! lag and any slow callbacks it caught.

use crate::core::lag::SlowCallback;
use crate::engine;
use crate::models::heartbeat;
use crate::widgets::{Lag, SHOWN, describe_slow_callback as describe, use_lag};
use leptos::prelude::*;
use leptos::task::spawn_local;

pub fn start_monitor() -> Lag {
    let lag = Lag {
        meter: StoredValue::new(heartbeat::new_meter()),
        beats: RwSignal::new(0),
        recent_ms: RwSignal::new(0.0),
        reports: RwSignal::new(Vec::new()),
        report_count: RwSignal::new(0),
        page: RwSignal::new(String::new()),
        running: RwSignal::new(false),
        pulses_shown: RwSignal::new(0),
    };
    // Every 20 ms where a page shows the pulse, every 50 ms elsewhere (why: models::heartbeat).
    Effect::new(move |_| {
        let period = lag.period_ms();
        lag.meter().lock().unwrap().set_period(period);
    });
    let context = move || {
        if page_hidden() {
            return None; // browsers throttle a hidden tab's timers on purpose: not a stall
        }
        let page = lag.page.get_untracked();
        let page = if page.is_empty() {
            "the home page".to_string()
        } else {
            page
        };
        Some(if lag.running.get_untracked() {
            format!("{page} (run in progress)")
        } else {
            page
        })
    };
    // The status line's figure is redrawn at most four times a second, and only when its whole
    // milliseconds change: a repaint per 20 ms tick took CPU from the workers a run measures.
    let shown_at = std::cell::Cell::new(f64::NEG_INFINITY);
    let on_tick = move |m: &crate::core::lag::LagMeter, report: Option<&SlowCallback>| {
        lag.beats.update(|b| *b += 1);
        let now = engine::now_ms();
        let recent = m.worst_lag_since(now, 1000.0);
        if now - shown_at.get() >= 250.0 && recent.round() != lag.recent_ms.get_untracked().round()
        {
            lag.recent_ms.set(recent);
            shown_at.set(now);
        }
        if report.is_some() {
            // A snapshot of the meter's own bounded list: nothing here grows with the page's age.
            lag.reports.set(
                m.reports()
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .take(SHOWN)
                    .cloned()
                    .collect(),
            );
            lag.report_count.set(m.total_reports());
        }
    };
    spawn_local(heartbeat::watch(lag.meter(), context, on_tick));
    lag
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// "loop lag 2 ms" and, once there are any, the slow callbacks caught (newest first).
#[component]
pub fn LagStatus() -> impl IntoView {
    let lag = use_lag();
    let count = move || lag.report_count.get();
    view! {
        <span data-testid="lag" class:warn={move || lag.recent_ms.get() > 50.0} data-period-ms=move || lag.period_ms()>
            {move || format!("loop lag {:.0} ms", lag.recent_ms.get())}
        </span>
        <Show when=move || { count() > 0 }>
            <details class="slow-callbacks" data-testid="slow-callbacks">
                <summary>{move || format!("{} slow callback{}", count(), if count() == 1 { "" } else { "s" })}</summary>
                <ol reversed>
                    {move || lag.reports.get().into_iter().map(|r| view! {
                        <li data-held-ms=r.held_ms>{describe(&r)}</li>
                    }).collect_view()}
                </ol>
            </details>
        </Show>
    }
}
