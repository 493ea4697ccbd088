//! The trace: who ran what, where, and when. Every timeline in the app is drawn from one.
//!
//! Times are milliseconds on one clock shared by every thread (see `engine::now_ms`), so spans
//! recorded on different workers can be compared directly.

use std::fmt;

/// Where a span ran: the single event-loop thread, a worker thread of the shared-memory pool,
/// or an isolated "process".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    EventLoop,
    Worker(usize),
    Process(usize),
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lane::EventLoop => write!(f, "event loop"),
            Lane::Worker(k) => write!(f, "worker {k}"),
            Lane::Process(k) => write!(f, "process {k}"),
        }
    }
}

/// What a span was doing; decides its colour on a timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// Computing: holding a CPU.
    Run,
    /// Waiting without holding a CPU (a timer, I/O).
    Wait,
    /// Blocked on another party (a lock, a full queue).
    Blocked,
    /// Ended in an error.
    Failed,
    /// A stand-in for something the playground cannot do for real here (a network's latency),
    /// always labelled as simulated on screen.
    Simulated,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// Which task of the run this span belongs to (0-based).
    pub task: usize,
    pub lane: Lane,
    pub label: String,
    pub kind: SpanKind,
    /// Milliseconds on the shared clock.
    pub start: f64,
    pub end: f64,
}

impl Span {
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }

    /// True when the two spans share some instant (touching ends do not count).
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// The recorded spans of one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    pub spans: Vec<Span>,
}

impl Trace {
    pub fn new(spans: Vec<Span>) -> Self {
        Trace { spans }
    }

    pub fn push(&mut self, span: Span) {
        self.spans.push(span);
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Earliest start, or 0 for an empty trace.
    pub fn start(&self) -> f64 {
        self.spans
            .iter()
            .map(|s| s.start)
            .reduce(f64::min)
            .unwrap_or(0.0)
    }

    /// Latest end, or 0 for an empty trace.
    pub fn end(&self) -> f64 {
        self.spans
            .iter()
            .map(|s| s.end)
            .reduce(f64::max)
            .unwrap_or(0.0)
    }

    /// The distinct lanes, in display order.
    pub fn lanes(&self) -> Vec<Lane> {
        let mut lanes: Vec<Lane> = self.spans.iter().map(|s| s.lane).collect();
        lanes.sort();
        lanes.dedup();
        lanes
    }

    /// The largest number of spans alive at one instant (a sweep over start/end events).
    pub fn max_concurrency(&self) -> usize {
        self.max_concurrency_within(0.0)
    }

    /// The same, when the spans' clocks may disagree by up to `slack_ms` (threads that read
    /// clocks of their own): an overlap no longer than that is no evidence, and is not counted.
    pub fn max_concurrency_within(&self, slack_ms: f64) -> usize {
        let mut events: Vec<(f64, i32)> = Vec::with_capacity(self.spans.len() * 2);
        for s in &self.spans {
            events.push((s.start, 1));
            events.push(((s.end - slack_ms).max(s.start), -1));
        }
        // Ends sort before starts at the same instant: touching spans are not concurrent.
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut alive, mut most) = (0i32, 0i32);
        for (_, delta) in events {
            alive += delta;
            most = most.max(alive);
        }
        most as usize
    }

    /// True when any two spans overlap in time.
    pub fn any_overlap(&self) -> bool {
        self.max_concurrency() > 1
    }

    /// True when two spans on different lanes overlap: work really ran side by side.
    pub fn parallel_on_distinct_lanes(&self) -> bool {
        self.spans.iter().enumerate().any(|(i, a)| {
            self.spans[i + 1..]
                .iter()
                .any(|b| a.lane != b.lane && a.overlaps(b))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: Lane, start: f64, end: f64) -> Span {
        Span {
            task: 0,
            lane,
            label: String::new(),
            kind: SpanKind::Run,
            start,
            end,
        }
    }

    #[test]
    fn touching_spans_are_not_concurrent() {
        let t = Trace::new(vec![
            span(Lane::EventLoop, 0.0, 10.0),
            span(Lane::EventLoop, 10.0, 20.0),
        ]);
        assert_eq!(t.max_concurrency(), 1);
        assert!(!t.any_overlap());
    }

    #[test]
    fn max_concurrency_counts_the_busiest_instant() {
        let t = Trace::new(vec![
            span(Lane::Worker(0), 0.0, 10.0),
            span(Lane::Worker(1), 5.0, 15.0),
            span(Lane::Worker(2), 6.0, 7.0),
            span(Lane::Worker(3), 12.0, 20.0),
        ]);
        assert_eq!(t.max_concurrency(), 3);
        assert!(t.parallel_on_distinct_lanes());
        assert_eq!(t.lanes().len(), 4);
        assert_eq!((t.start(), t.end()), (0.0, 20.0));
    }

    #[test]
    fn overlap_on_one_lane_is_not_parallelism() {
        let t = Trace::new(vec![
            span(Lane::EventLoop, 0.0, 10.0),
            span(Lane::EventLoop, 5.0, 15.0),
        ]);
        assert!(t.any_overlap());
        assert!(!t.parallel_on_distinct_lanes());
    }

    #[test]
    fn an_overlap_within_the_clocks_disagreement_is_not_counted() {
        let span = |lane, start, end| Span {
            task: 0,
            lane: Lane::Worker(lane),
            label: String::new(),
            kind: SpanKind::Run,
            start,
            end,
        };
        let handed_on = Trace::new(vec![span(0, 0.0, 10.0), span(1, 9.95, 20.0)]);
        assert_eq!(handed_on.max_concurrency(), 2);
        assert_eq!(handed_on.max_concurrency_within(0.1), 1);
        let together = Trace::new(vec![span(0, 0.0, 10.0), span(1, 5.0, 20.0)]);
        assert_eq!(
            together.max_concurrency_within(0.1),
            2,
            "a real overlap still counts"
        );
    }
}
