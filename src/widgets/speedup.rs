//! A CPU speedup as a table shows it: the figure, or the figure marked as noise when it is more
//! than the lanes that computed can give (two cores cannot make a job 2.5x faster: the baseline
//! ran slower than the same work elsewhere, a cold start or a busy machine). Never shown as a
//! result then, on any page (`core::stats` is the judge; pages never call it themselves).

use crate::core::stats::impossible_speedup;
use leptos::prelude::*;

/// A measured speedup and how many lanes could compute at once while it was measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Speedup {
    pub value: f64,
    pub lanes: usize,
}

impl Speedup {
    pub fn new(value: f64, lanes: usize) -> Self {
        Speedup { value, lanes }
    }

    /// More than the lanes can give: noise, not a result.
    pub fn noisy(self) -> bool {
        impossible_speedup(self.value, self.lanes)
    }

    /// What it reads as (short enough for a table on a phone; `NoiseNote` says the rest once,
    /// under the table).
    pub fn text(self) -> String {
        if self.noisy() {
            format!("{:.2}× · noise", self.value)
        } else {
            format!("{:.2}×", self.value)
        }
    }
}

/// A table cell with the speedup (`data-speedup`), marked `noisy` when physics forbids it.
#[component]
pub fn SpeedupCell(speedup: Speedup) -> impl IntoView {
    let noisy = speedup.noisy();
    let lanes = speedup.lanes;
    let title = noisy.then(|| {
        format!(
            "more than {lanes} lane{} computing at once can give",
            if lanes == 1 { "" } else { "s" }
        )
    });
    view! { <td data-speedup=speedup.value data-noisy=noisy.to_string() class:noisy=noisy title=title>{speedup.text()}</td> }
}

/// Under a table of `speedups`: when any is noise, what that means and what to do.
#[component]
pub fn NoiseNote(speedups: Vec<Speedup>) -> impl IntoView {
    speedups.iter().any(|s| s.noisy()).then(|| {
        view! {
            <p class="notice warn" data-testid="noisy">
                "A speedup marked noise is more than the lanes that computed can give (two cores cannot make \
                 a job more than twice as fast): the run it is measured against was slowed by something \
                 else, a busy machine or code the browser had not yet found hot. It is not a result: run again."
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_speedup_over_the_lanes_is_said_to_be_noise() {
        assert_eq!(Speedup::new(1.87, 2).text(), "1.87×");
        assert_eq!(Speedup::new(2.17, 2).text(), "2.17× · noise");
        assert_eq!(Speedup::new(1.02, 1).text(), "1.02×");
        assert_eq!(
            Speedup::new(1.3, 1).text(),
            "1.30× · noise",
            "one lane cannot beat itself by 30%"
        );
    }
}
