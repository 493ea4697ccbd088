//! Small statistics for noisy machines: medians and ratios, never a lone time.

/// The median of the samples (mean of the middle two for an even count); None when empty.
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 0 { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] })
}

/// How many times faster `new` is than `baseline` (both durations).
pub fn speedup(baseline: f64, new: f64) -> f64 {
    if new > 0.0 { baseline / new } else { f64::INFINITY }
}

/// Slack for timer noise when judging a speedup against what the lanes can give.
pub const SPEEDUP_SLACK: f64 = 1.05;

/// True when `speedup` is more than `lanes` lanes computing at once can give: physics forbids
/// it, so the baseline ran slower than the same work elsewhere (a busy machine, a cold lane),
/// and the figure is noise, not a result. (`lanes` is what can compute at the same instant: the
/// cores used, or 1 for an event loop or threads under a GIL.)
pub fn impossible_speedup(speedup: f64, lanes: usize) -> bool {
    speedup > lanes.max(1) as f64 * SPEEDUP_SLACK
}

/// Speedup per thread: 1.0 is perfect scaling.
pub fn efficiency(speedup: f64, threads: usize) -> f64 {
    speedup / threads.max(1) as f64
}

/// A whole number with thin-space digit groups, e.g. 1 500 000 (readable in any locale).
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_speedup_above_the_lanes_is_noise() {
        assert!(!impossible_speedup(1.9, 2));
        assert!(!impossible_speedup(2.09, 2), "within the timer's slack");
        assert!(impossible_speedup(2.25, 2), "two cores cannot give 2.25x");
        assert!(impossible_speedup(1.15, 1), "one loop cannot beat sequential by 15%");
        assert!(!impossible_speedup(0.5, 1), "slower is possible");
        assert!(impossible_speedup(1.2, 0), "no lanes counts as one");
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn grouping_digits() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_500_000), "1\u{202f}500\u{202f}000");
    }

    #[test]
    fn speedup_and_efficiency() {
        assert_eq!(speedup(100.0, 50.0), 2.0);
        assert_eq!(efficiency(2.0, 2), 1.0);
        assert_eq!(efficiency(1.5, 2), 0.75);
    }
}
