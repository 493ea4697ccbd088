//! The heartbeat: an always-on task on the event loop that asks for a timer one period ahead
//! and records when it really fired. A callback that holds the loop delays the next tick; a
//! delay over the threshold is a slow callback (asyncio debug mode's warning). The app's status
//! line runs one for the whole page; the loop-lag and blocking demos read it.

use crate::core::lag::{LagMeter, SlowCallback};
use crate::engine;
use std::sync::{Arc, Mutex};

/// The heartbeat's period where a page shows it (its pulse, its ticks in a timeline): short
/// enough to see a 50 ms hold as one.
pub const PERIOD_MS: f64 = 20.0;
/// The period of the status line's meter while no page shows the heartbeat. A timer is not free:
/// one every 20 ms cost the page ~3% of a core on this machine kind, 1.6-2% at 50 ms (a bare
/// `setTimeout` chain every 20 ms alone 1.5%; per-thread CPU from `/proc`), taken from the
/// workers of every run on every page. At 50 ms a hold of H reads as H - 50 to H: a frozen page
/// still shows.
pub const BACKGROUND_PERIOD_MS: f64 = 50.0;
/// asyncio's default `slow_callback_duration` (0.1 s).
pub const DEFAULT_THRESHOLD_MS: f64 = 100.0;

/// The heartbeat's row in the timelines of the demos that draw it (loop lag, blocking).
pub const HEARTBEAT_TASK: usize = 0;

pub type SharedMeter = Arc<Mutex<LagMeter>>;

pub fn new_meter() -> SharedMeter {
    Arc::new(Mutex::new(LagMeter::new(PERIOD_MS, DEFAULT_THRESHOLD_MS)))
}

/// The heartbeat: forever, ask for a timer one period ahead (the meter's, read at every tick)
/// and record when it really fired.
/// `context` says what the page is doing (None: do not judge, e.g. a hidden tab); `on_tick` is
/// told of every tick and of any slow callback it revealed.
pub async fn watch(
    meter: SharedMeter,
    context: impl Fn() -> Option<String>,
    on_tick: impl Fn(&LagMeter, Option<&SlowCallback>),
) {
    loop {
        let period = meter.lock().unwrap().period_ms;
        engine::sleep_ms(period).await;
        let mut m = meter.lock().unwrap();
        let report = m.tick(engine::now_ms(), context().as_deref());
        on_tick(&m, report.as_ref());
    }
}

/// A threshold set for one run: the meter's own comes back when this is dropped (the run ended,
/// failed, or was cancelled by leaving the page), so one run at 10 ms does not make every later
/// page report 10 ms "slow callbacks".
pub struct Threshold {
    meter: SharedMeter,
    previous: f64,
}

impl Threshold {
    pub fn set(meter: &SharedMeter, threshold_ms: f64) -> Threshold {
        let previous = std::mem::replace(&mut meter.lock().unwrap().threshold_ms, threshold_ms);
        Threshold {
            meter: Arc::clone(meter),
            previous,
        }
    }
}

impl Drop for Threshold {
    fn drop(&mut self) {
        if let Ok(mut m) = self.meter.lock() {
            m.threshold_ms = self.previous;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runs_threshold_is_undone_when_the_run_ends_or_is_dropped() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let meter = new_meter();
        {
            let _t = Threshold::set(&meter, 10.0);
            assert_eq!(meter.lock().unwrap().threshold_ms, 10.0);
        }
        assert_eq!(meter.lock().unwrap().threshold_ms, DEFAULT_THRESHOLD_MS);
        // A run future dropped halfway (the user left the page) restores it too.
        let run = async {
            let _t = Threshold::set(&meter, 10.0);
            futures::future::pending::<()>().await;
        };
        let mut run = Box::pin(run);
        let waker = futures::task::noop_waker();
        let _ = run
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&waker));
        assert_eq!(meter.lock().unwrap().threshold_ms, 10.0);
        drop(run);
        assert_eq!(meter.lock().unwrap().threshold_ms, DEFAULT_THRESHOLD_MS);
    }
}
