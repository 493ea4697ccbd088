//! Timeouts and cancellation (asyncio.wait_for, Task.cancel): each task gets a deadline; one
//! that overruns it is cancelled at that instant and the others go on. The user can also cancel
//! the whole run. Cancelling a Rust future means dropping it: it never runs another step.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine;
use futures::future::{Either, select};
use std::pin::pin;
use std::sync::Mutex;

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "timeouts",
    title: "Timeouts and cancellation",
    group: Group::EventLoop,
    teaser: "asyncio.wait_for and Task.cancel: late tasks are cut off, the rest go on; cancel a run.",
    needs_threads: false,
    stand_in: None,
    freezes_on_purpose: false,
};

pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 1,
    max: 12,
    default: 6,
    step: 1,
};
pub const TIMEOUT_MS: Knob = Knob {
    key: "timeout",
    label: "timeout (ms)",
    min: 50,
    max: 3000,
    default: 600,
    step: 50,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    TimedOut,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskResult {
    pub task: usize,
    pub needs_ms: f64,
    pub outcome: Outcome,
    /// When it finished or was cut off.
    pub ended: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub total_ms: f64,
    pub trace: Trace,
    pub results: Vec<TaskResult>,
}

/// Task i needs `timeout × 1.6 × (i + 1) / n`: about the first 60% finish in time.
pub fn needs(tasks: usize, timeout_ms: f64) -> Vec<f64> {
    (0..tasks)
        .map(|i| timeout_ms * 1.6 * (i + 1) as f64 / tasks as f64)
        .collect()
}

pub use crate::core::sync::{CancelSignal, cancel_signal};

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

/// Records a task's steps; the step in progress when the task is cut off ends as a failed span.
struct Recorder {
    task: usize,
    spans: Mutex<Vec<Span>>,
    open: Mutex<Option<(String, f64)>>,
}

impl Recorder {
    fn begin(&self, label: &str) {
        *self.open.lock().unwrap() =
            Some((format!("task {}: {label}", self.task), engine::now_ms()));
    }

    fn end(&self, kind: SpanKind, suffix: &str) {
        if let Some((label, start)) = self.open.lock().unwrap().take() {
            let span = Span::since(
                self.task,
                Lane::EventLoop,
                format!("{label}{suffix}"),
                kind,
                start,
            );
            self.spans.lock().unwrap().push(span);
        }
    }
}

// region:run
/// The work: fetch, parse, fetch again. Every `.await` is a point where it can be cancelled.
async fn job(rec: &Recorder, needs_ms: f64) {
    rec.begin("fetch");
    engine::sleep_ms(needs_ms / 2.0).await;
    rec.end(SpanKind::Wait, "");
    rec.begin("parse");
    engine::busy_for(1.0);
    rec.end(SpanKind::Run, "");
    rec.begin("fetch more");
    engine::sleep_ms(needs_ms / 2.0).await;
    rec.end(SpanKind::Wait, "");
}

/// asyncio.wait_for(job(), timeout), also cut short by the user's cancel.
async fn wait_for(
    task: usize,
    needs_ms: f64,
    timeout_ms: f64,
    cancel: CancelSignal,
) -> (TaskResult, Vec<Span>) {
    let rec = Recorder {
        task,
        spans: Mutex::new(Vec::new()),
        open: Mutex::new(None),
    };
    let outcome = match select(
        pin!(job(&rec, needs_ms)),
        select(pin!(engine::sleep_ms(timeout_ms)), cancel),
    )
    .await
    {
        Either::Left(_) => Outcome::Done,
        Either::Right((Either::Left(_), _)) => Outcome::TimedOut,
        Either::Right((Either::Right(_), _)) => Outcome::Cancelled,
    }; // <- here the losing futures are dropped: the job is gone, mid-step
    match outcome {
        Outcome::TimedOut => rec.end(SpanKind::Failed, " (timed out)"),
        Outcome::Cancelled => rec.end(SpanKind::Failed, " (cancelled)"),
        Outcome::Done => {}
    }
    let result = TaskResult {
        task,
        needs_ms,
        outcome,
        ended: engine::now_ms(),
    };
    (result, rec.spans.into_inner().unwrap())
}

pub async fn run(needs: &[f64], timeout_ms: f64, cancel: CancelSignal) -> Measured {
    let t0 = engine::now_ms();
    let all = futures::future::join_all(
        needs
            .iter()
            .enumerate()
            .map(|(i, &n)| wait_for(i, n, timeout_ms, cancel.clone())),
    )
    .await;
    let total_ms = engine::now_ms() - t0;
    let (results, spans): (Vec<_>, Vec<_>) = all.into_iter().unzip();
    Measured {
        total_ms,
        trace: Trace::new(spans.into_iter().flatten().collect()),
        results,
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_timeouts.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_timeouts.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn late_tasks_time_out_and_the_rest_finish() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let (_keep, never) = cancel_signal();
        let m = block_on(run(&needs(5, 300.0), 300.0, never));
        let outcomes: Vec<Outcome> = m.results.iter().map(|r| r.outcome).collect();
        // Needs 96, 192, 288, 384, 480 ms against a 300 ms timeout. A task that needs 384 ms
        // cannot be done at 300 however loaded the machine; the two first have 100 ms and more
        // to spare (288 is too close to call, so it is not asserted).
        assert_eq!(outcomes[..2], [Outcome::Done, Outcome::Done]);
        assert_eq!(outcomes[3..], [Outcome::TimedOut, Outcome::TimedOut]);
        assert!(
            m.total_ms < 480.0,
            "the run ends at the timeout, not at the slowest task: {}",
            m.total_ms
        );
    }

    #[test]
    fn a_cut_off_task_has_no_span_after_its_cut() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let (_keep, never) = cancel_signal();
        let m = block_on(run(&needs(4, 60.0), 60.0, never));
        for r in m.results.iter().filter(|r| r.outcome != Outcome::Done) {
            let spans: Vec<&Span> = m.trace.spans.iter().filter(|s| s.task == r.task).collect();
            assert!(
                spans.iter().all(|s| s.end <= r.ended),
                "{spans:?} after {}",
                r.ended
            );
            assert_eq!(spans.last().unwrap().kind, SpanKind::Failed);
        }
    }

    #[test]
    fn cancelling_the_run_stops_every_unfinished_task_at_once() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let (tx, signal) = cancel_signal();
        let cancel_at = engine::now_ms() + 50.0;
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            let _ = tx.send(());
        });
        let m = block_on(run(&needs(4, 1000.0), 1000.0, signal));
        assert!(m.total_ms < 400.0, "{}", m.total_ms);
        let cancelled: Vec<&TaskResult> = m
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Cancelled)
            .collect();
        assert_eq!(cancelled.len(), 4, "{:?}", m.results);
        // Nothing recorded after the cancel (allowing the time it takes to be delivered).
        assert!(m.trace.end() < cancel_at + 100.0, "{:?}", m.trace);
    }
}
