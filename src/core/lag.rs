//! Event-loop lag: a heartbeat that asks for a timer every `period` and notes when it really
//! fires. On a free loop the ticks come on time; while a callback holds the loop they cannot
//! come at all, so the gaps between ticks are the stalls a user feels. This is asyncio debug
//! mode's "slow callback" warning, measured from outside the callback.

use crate::core::trace::{Lane, Span, SpanKind};
use std::collections::VecDeque;

/// How many tick times are kept (at 20 ms a tick, about 80 s of history).
const HISTORY: usize = 4096;
/// How many slow-callback reports are kept.
const REPORTS: usize = 50;

/// One stretch in which the loop ran nothing else for longer than the threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct SlowCallback {
    /// When the loop got free again (ms on the shared clock).
    pub at: f64,
    /// How long the loop was held: the gap between ticks minus the period asked for.
    pub held_ms: f64,
    /// What was on screen (and running) at the time.
    pub context: String,
}

#[derive(Clone, Debug)]
pub struct LagMeter {
    pub period_ms: f64,
    pub threshold_ms: f64,
    ticks: VecDeque<f64>,
    reports: VecDeque<SlowCallback>,
    total_reports: usize,
}

impl LagMeter {
    pub fn new(period_ms: f64, threshold_ms: f64) -> LagMeter {
        LagMeter {
            period_ms,
            threshold_ms,
            ticks: VecDeque::new(),
            reports: VecDeque::new(),
            total_reports: 0,
        }
    }

    /// Records a tick at `now`. `context` says what was going on; None means "do not judge this
    /// gap" (a hidden tab, whose timers the browser slows down on purpose), and restarts the count.
    pub fn tick(&mut self, now: f64, context: Option<&str>) -> Option<SlowCallback> {
        let Some(context) = context else {
            self.ticks.clear();
            return None;
        };
        let report = self.ticks.back().and_then(|&last| {
            let held_ms = now - last - self.period_ms;
            (held_ms > self.threshold_ms).then(|| SlowCallback {
                at: now,
                held_ms,
                context: context.to_string(),
            })
        });
        if self.ticks.len() == HISTORY {
            self.ticks.pop_front();
        }
        self.ticks.push_back(now);
        if let Some(r) = &report {
            if self.reports.len() == REPORTS {
                self.reports.pop_front();
            }
            self.reports.push_back(r.clone());
            self.total_reports += 1;
        }
        report
    }

    /// Asks for ticks every `period_ms` from now on. The ticks so far were asked for at the old
    /// period, so a change forgets them (as a hidden tab does): a gap of the old period must not
    /// read as lag at the new one.
    pub fn set_period(&mut self, period_ms: f64) {
        if period_ms != self.period_ms {
            self.period_ms = period_ms;
            self.ticks.clear();
        }
    }

    /// The lag of the latest tick: how much later than asked it came (0 on a free loop, give or
    /// take the timer's granularity).
    pub fn current_lag(&self) -> f64 {
        let mut last = self.ticks.iter().rev();
        match (last.next(), last.next()) {
            (Some(b), Some(a)) => (b - a - self.period_ms).max(0.0),
            _ => 0.0,
        }
    }

    /// The worst lag among the ticks of the last `window_ms` before `now`.
    pub fn worst_lag_since(&self, now: f64, window_ms: f64) -> f64 {
        self.gaps_within(now - window_ms, now)
            .map(|g| (g - self.period_ms).max(0.0))
            .fold(0.0, f64::max)
    }

    /// The longest time in [from, to] with no tick: edges count, so a loop that was held for the
    /// whole window reports the whole window.
    pub fn worst_gap(&self, from: f64, to: f64) -> f64 {
        let inside: Vec<f64> = self
            .ticks
            .iter()
            .copied()
            .filter(|t| *t >= from && *t <= to)
            .collect();
        let mut edges = Vec::with_capacity(inside.len() + 2);
        edges.push(from);
        edges.extend(inside);
        edges.push(to);
        edges.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max)
    }

    /// The ticks recorded in [from, to].
    pub fn ticks_between(&self, from: f64, to: f64) -> usize {
        self.ticks
            .iter()
            .filter(|t| **t >= from && **t <= to)
            .count()
    }

    /// Every stretch in [from, to] longer than twice the period without a tick, as a span of the
    /// heartbeat (task `task` on the event loop): the picture of a frozen loop.
    pub fn stalls(&self, from: f64, to: f64, task: usize) -> Vec<Span> {
        let mut edges = vec![from];
        edges.extend(self.ticks.iter().copied().filter(|t| *t > from && *t < to));
        edges.push(to);
        edges
            .windows(2)
            .filter(|w| w[1] - w[0] > 2.0 * self.period_ms)
            .map(|w| Span {
                task,
                lane: Lane::EventLoop,
                label: format!("heartbeat: no tick for {:.0} ms", w[1] - w[0]),
                kind: SpanKind::Blocked,
                start: w[0],
                end: w[1],
            })
            .collect()
    }

    /// The latest reports, oldest first (the most recent `REPORTS`).
    pub fn reports(&self) -> impl Iterator<Item = &SlowCallback> {
        self.reports.iter()
    }

    /// How many slow callbacks were seen since the page loaded.
    pub fn total_reports(&self) -> usize {
        self.total_reports
    }

    /// The gaps between the ticks in [from, to], newest first. Read from the newest tick back
    /// (ticks only grow): the status line asks every tick for the last second, not the history.
    fn gaps_within(&self, from: f64, to: f64) -> impl Iterator<Item = f64> + '_ {
        let mut ticks = self
            .ticks
            .iter()
            .rev()
            .copied()
            .skip_while(move |t| *t > to)
            .take_while(move |t| *t >= from)
            .peekable();
        std::iter::from_fn(move || {
            let later = ticks.next()?;
            ticks.peek().map(|earlier| later - earlier)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter_with(ticks: &[f64]) -> LagMeter {
        let mut m = LagMeter::new(20.0, 100.0);
        for &t in ticks {
            m.tick(t, Some("test"));
        }
        m
    }

    #[test]
    fn on_time_ticks_report_nothing() {
        let m = meter_with(&[0.0, 20.0, 41.0, 60.0, 81.0]);
        assert_eq!(m.total_reports(), 0);
        assert_eq!(m.current_lag(), 1.0);
        assert!(m.stalls(0.0, 81.0, 0).is_empty());
    }

    #[test]
    fn a_long_gap_is_a_slow_callback_with_its_context() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let mut m = meter_with(&[0.0, 20.0]);
        let r = m
            .tick(290.0, Some("Blocking the loop"))
            .expect("a 250 ms hold is over 100 ms");
        assert_eq!(r.held_ms, 250.0);
        assert_eq!(r.context, "Blocking the loop");
        assert_eq!(m.total_reports(), 1);
        assert_eq!(m.worst_lag_since(290.0, 1000.0), 250.0);
        let stalls = m.stalls(0.0, 300.0, 7);
        assert_eq!(stalls.len(), 1);
        assert_eq!(
            (stalls[0].start, stalls[0].end, stalls[0].task),
            (20.0, 290.0, 7)
        );
    }

    #[test]
    fn the_worst_gap_counts_the_window_edges() {
        let m = meter_with(&[0.0, 20.0, 40.0, 500.0, 520.0]);
        assert_eq!(m.worst_gap(0.0, 520.0), 460.0);
        // A window the loop was held for from start to end has no tick at all.
        assert_eq!(m.worst_gap(100.0, 400.0), 300.0);
        assert_eq!(m.ticks_between(0.0, 100.0), 3);
    }

    #[test]
    fn a_hidden_tab_is_not_judged() {
        let mut m = meter_with(&[0.0, 20.0]);
        m.tick(1000.0, None);
        assert!(m.tick(1020.0, Some("x")).is_none());
        assert_eq!(m.total_reports(), 0);
    }

    #[test]
    fn a_new_period_forgets_the_ticks_of_the_old() {
        let mut m = meter_with(&[0.0, 20.0, 40.0]); // asked every 20 ms
        m.set_period(20.0);
        assert_eq!(
            m.ticks_between(0.0, 40.0),
            3,
            "the same period: nothing forgotten"
        );
        m.set_period(50.0);
        assert_eq!(m.ticks_between(0.0, 40.0), 0);
        m.tick(100.0, Some("x"));
        m.tick(150.0, Some("x"));
        assert_eq!(
            m.worst_lag_since(150.0, 1000.0),
            0.0,
            "a 50 ms gap is on time at 50 ms"
        );
        assert_eq!(m.current_lag(), 0.0);
    }

    #[test]
    fn the_worst_lag_reads_only_the_window() {
        let m = meter_with(&[0.0, 20.0, 300.0, 320.0, 341.0, 360.0]);
        assert_eq!(m.worst_lag_since(360.0, 1000.0), 260.0);
        assert_eq!(
            m.worst_lag_since(360.0, 60.0),
            1.0,
            "only the gaps between ticks inside it"
        );
        assert_eq!(
            m.worst_lag_since(1000.0, 100.0),
            0.0,
            "no tick inside: no lag to read"
        );
    }

    #[test]
    fn history_and_reports_are_bounded() {
        let mut m = LagMeter::new(1.0, 0.5);
        for i in 0..(HISTORY * 2) {
            m.tick(i as f64 * 3.0, Some("x"));
        }
        assert_eq!(m.ticks.len(), HISTORY);
        assert_eq!(m.reports().count(), REPORTS);
        assert_eq!(m.total_reports(), HISTORY * 2 - 1);
    }
}
