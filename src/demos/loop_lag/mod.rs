//! The event-loop lag monitor (asyncio debug mode's slow-callback warning). An always-on
//! heartbeat task ticks on the loop; a callback that holds the loop delays the next tick, and a
//! delay over the threshold is reported with what the page was doing. The status line shows it
//! on every page; this demo's page lets a user hold the loop on purpose and watch it caught.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::lag::SlowCallback;
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use crate::models::heartbeat::{HEARTBEAT_TASK, PERIOD_MS, SharedMeter, Threshold};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "loop-lag",
    title: "Event-loop lag monitor",
    group: Group::EventLoop,
    teaser: "asyncio's slow-callback warning: a heartbeat catches whatever holds the loop too long.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: true,
};

pub const HOLD_MS: Knob = Knob {
    key: "hold",
    label: "hold the loop (ms)",
    min: 10,
    max: 2000,
    default: 300,
    step: 10,
};
pub const THRESHOLD_MS: Knob = Knob {
    key: "threshold",
    label: "threshold (ms)",
    min: 10,
    max: 1000,
    default: 100,
    step: 10,
};

/// The row this page draws the callback in (the heartbeat's is `HEARTBEAT_TASK`).
pub const CALLBACK_TASK: usize = 1;

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub hold_ms: f64,
    pub threshold_ms: f64,
    /// The slow-callback report the hold produced, if it was over the threshold.
    pub report: Option<SlowCallback>,
    /// The longest time without a heartbeat tick around the hold.
    pub worst_gap_ms: f64,
    pub trace: Trace,
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// A callback that never yields: it computes for `hold_ms` and only then gives the loop back.
fn hold_the_loop(hold_ms: f64) -> Span {
    let start = engine::now_ms();
    engine::busy_for(hold_ms);
    let label = format!("a callback that holds the loop for {hold_ms:.0} ms");
    Span::since(CALLBACK_TASK, Lane::EventLoop, label, SpanKind::Run, start)
}

pub async fn run(hold_ms: f64, threshold_ms: f64, meter: &SharedMeter) -> Measured {
    // The meter is the whole page's: its own threshold comes back when the run ends or is dropped.
    let _threshold = Threshold::set(meter, threshold_ms);
    engine::sleep_ms(3.0 * PERIOD_MS).await; // a few calm ticks before
    let before = meter.lock().unwrap().total_reports();
    let held = hold_the_loop(hold_ms);
    engine::sleep_ms(3.0 * PERIOD_MS).await; // the heartbeat catches up
    let m = meter.lock().unwrap();
    let (from, to) = (held.start - 2.0 * PERIOD_MS, engine::now_ms());
    let report = (m.total_reports() > before)
        .then(|| m.reports().last().cloned())
        .flatten();
    let mut spans = m.stalls(from, to, HEARTBEAT_TASK);
    spans.push(held.clone());
    Measured {
        hold_ms: held.duration(),
        threshold_ms,
        report,
        worst_gap_ms: m.worst_gap(from, to),
        trace: Trace::new(spans),
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_loop_lag.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_loop_lag.py");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::heartbeat::{new_meter, watch};
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;
    use std::sync::Arc;

    /// One thread, one loop: the heartbeat and the demo share it exactly as in the browser.
    fn on_one_loop<T>(f: impl std::future::Future<Output = T>, meter: &SharedMeter) -> T {
        let mut pool = LocalPool::new();
        let m = Arc::clone(meter);
        pool.spawner()
            .spawn_local(watch(m, || Some("test".into()), |_, _| {}))
            .unwrap();
        pool.run_until(f)
    }

    #[test]
    fn a_hold_over_the_threshold_is_reported_and_drawn() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let meter = new_meter();
        let m = on_one_loop(run(250.0, 100.0, &meter), &meter);
        let report = m.report.expect("250 ms > 100 ms");
        // At least the hold (less one heartbeat period); a busy machine may add to it, not take.
        assert!(report.held_ms >= 250.0 - PERIOD_MS, "{report:?}");
        assert_eq!(report.context, "test");
        assert!(m.worst_gap_ms >= 250.0, "{}", m.worst_gap_ms);
        // The heartbeat's stall covers the hold: nothing ticked while the callback ran.
        let held = m
            .trace
            .spans
            .iter()
            .find(|s| s.task == CALLBACK_TASK)
            .unwrap();
        let stall = m
            .trace
            .spans
            .iter()
            .find(|s| s.task == HEARTBEAT_TASK)
            .expect("a stall span");
        assert!(
            stall.start <= held.start + 1.0 && stall.end >= held.end,
            "{stall:?} vs {held:?}"
        );
    }

    #[test]
    fn a_hold_under_the_threshold_is_not_reported() {
        let meter = new_meter();
        // A 30 ms hold against a 1 s threshold: only a stall far beyond any load could report.
        let m = on_one_loop(run(30.0, 1000.0, &meter), &meter);
        assert_eq!(m.report, None, "{m:?}");
    }
}
