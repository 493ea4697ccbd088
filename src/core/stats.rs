//! Small statistics for noisy machines: medians and ratios, never a lone time.

/// The median of the samples (mean of the middle two for an even count); None when empty.
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// How many times faster `new` is than `baseline` (both durations).
pub fn speedup(baseline: f64, new: f64) -> f64 {
    if new > 0.0 {
        baseline / new
    } else {
        f64::INFINITY
    }
}

/// The speedup run by run: run i of `new` against run i of `baseline`, measured beside it (a
/// round of every variant back to back), then the median of those ratios (None without a pair).
/// On a machine whose pace changes between rounds (this project's 2-vCPU VMs flip between two
/// speeds ~1.8x apart for 0.1 s to seconds at a time) each ratio compares two runs that saw the
/// same pace, where a ratio of two medians mixes in each one's own share of slow spells.
pub fn paired_speedup(baseline: &[f64], new: &[f64]) -> Option<f64> {
    let ratios: Vec<f64> = baseline
        .iter()
        .zip(new)
        .map(|(b, n)| speedup(*b, *n))
        .collect();
    median(&ratios)
}

/// Slack for timer noise when judging a speedup against what the lanes can give.
pub const SPEEDUP_SLACK: f64 = 1.05;

/// The most `lanes` lanes computing at once can give, with slack for the timers: `lanes` x 1.05,
/// and 1.1x for one lane (one loop, or threads under a GIL: a short run's timer noise is larger
/// beside a single lane's gain of nothing).
pub fn speedup_ceiling(lanes: usize) -> f64 {
    if lanes <= 1 {
        1.1
    } else {
        lanes as f64 * SPEEDUP_SLACK
    }
}

/// True when `speedup` is more than `lanes` lanes computing at once can give: physics forbids
/// it, so the baseline ran slower than the same work elsewhere (a busy machine, a cold lane),
/// and the figure is noise, not a result. (`lanes` is what can compute at the same instant: the
/// cores used, or 1 for an event loop or threads under a GIL.)
pub fn impossible_speedup(speedup: f64, lanes: usize) -> bool {
    speedup > speedup_ceiling(lanes)
}

/// A CPU-bound model that computes the same work as sequential, on one lane or more, should not
/// be more than a tenth slower than it: below this its start-up or switching cost, or something
/// else running on the machine, took the time. Possible, unlike an impossible speedup, but not
/// to be read as the model's result without a second run.
pub const SPEEDUP_FLOOR: f64 = 0.9;

/// How to read a CPU-bound speedup over sequential, against what its `lanes` can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Within [`SPEEDUP_FLOOR`, `speedup_ceiling(lanes)`]: a result.
    Result,
    /// Above the ceiling: noise (see `impossible_speedup`).
    Noise,
    /// Below the floor: the model's overhead or a busy machine; run again to tell which.
    Suspect,
}

pub fn read_cpu_speedup(speedup: f64, lanes: usize) -> Reading {
    if impossible_speedup(speedup, lanes) {
        Reading::Noise
    } else if speedup < SPEEDUP_FLOOR {
        Reading::Suspect
    } else {
        Reading::Result
    }
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
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
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
    fn a_paired_speedup_compares_each_run_with_the_one_beside_it() {
        // The machine ran at half speed in round 2: both variants felt it, so its ratio is 2 as
        // round 1's; the medians' ratio (100 / 60) would mix in how the slow round fell.
        let (baseline, new) = ([100.0, 200.0, 100.0], [50.0, 100.0, 60.0]);
        assert_eq!(paired_speedup(&baseline, &new), Some(2.0));
        assert!(
            (speedup(median(&baseline).unwrap(), median(&new).unwrap()) - 100.0 / 60.0).abs()
                < 1e-12
        );
        assert_eq!(paired_speedup(&[], &new), None, "no pair, no speedup");
    }

    #[test]
    fn a_speedup_above_the_lanes_is_noise() {
        assert!(!impossible_speedup(1.9, 2));
        assert!(!impossible_speedup(2.09, 2), "within the timer's slack");
        assert!(impossible_speedup(2.25, 2), "two cores cannot give 2.25x");
        assert!(
            impossible_speedup(1.15, 1),
            "one loop cannot beat sequential by 15%"
        );
        assert!(!impossible_speedup(0.5, 1), "slower is possible");
        assert!(impossible_speedup(1.2, 0), "no lanes counts as one");
    }

    #[test]
    fn a_cpu_speedup_is_read_against_its_lanes_floor_and_ceiling() {
        assert_eq!(read_cpu_speedup(1.0, 1), Reading::Result);
        assert_eq!(
            read_cpu_speedup(1.09, 1),
            Reading::Result,
            "one lane: [0.9, 1.1]"
        );
        assert_eq!(read_cpu_speedup(1.12, 1), Reading::Noise);
        assert_eq!(
            read_cpu_speedup(0.76, 1),
            Reading::Suspect,
            "a GIL that costs a quarter is not a result yet"
        );
        assert_eq!(read_cpu_speedup(1.9, 2), Reading::Result);
        assert_eq!(read_cpu_speedup(2.25, 2), Reading::Noise);
        assert_eq!(read_cpu_speedup(0.89, 2), Reading::Suspect);
        assert_eq!(
            read_cpu_speedup(0.9, 2),
            Reading::Result,
            "the floor itself is in range"
        );
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
