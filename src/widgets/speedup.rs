//! A CPU speedup as a table shows it: the figure, or the figure marked as noise when it is more
//! than the lanes that computed can give (two cores cannot make a job 2.5x faster: the baseline
//! ran slower than the same work elsewhere, a cold start or a busy machine). Never shown as a
//! result then, on any page (`core::stats` is the judge).

use crate::core::stats::impossible_speedup;
use leptos::prelude::*;

/// What `speedup` reads as, with `lanes` able to compute at the same instant (short enough for a
/// table on a phone; `NoiseNote` says the rest once, under the table).
pub fn speedup_text(speedup: f64, lanes: usize) -> String {
    if impossible_speedup(speedup, lanes) { format!("{speedup:.2}× · noise") } else { format!("{speedup:.2}×") }
}

/// A table cell with the speedup (`data-speedup`), marked `noisy` when physics forbids it.
#[component]
pub fn SpeedupCell(speedup: f64, lanes: usize) -> impl IntoView {
    let noisy = impossible_speedup(speedup, lanes);
    let title = noisy.then(|| format!("more than {lanes} lane{} computing at once can give", if lanes == 1 { "" } else { "s" }));
    view! { <td data-speedup=speedup data-noisy=noisy.to_string() class:noisy=noisy title=title>{speedup_text(speedup, lanes)}</td> }
}

/// Under a table where some speedup is marked noise (`any`): what that means, and what to do.
#[component]
pub fn NoiseNote(any: bool) -> impl IntoView {
    any.then(|| {
        view! {
            <p class="notice warn" data-testid="noisy">
                "A speedup marked noise is more than the lanes that computed can give (two cores cannot make                  a job more than twice as fast): the run it is measured against was slowed by something                  else, a busy machine or code the browser had not yet found hot. It is not a result: run again."
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_speedup_over_the_lanes_is_said_to_be_noise() {
        assert_eq!(speedup_text(1.87, 2), "1.87×");
        assert_eq!(speedup_text(2.17, 2), "2.17× · noise");
        assert_eq!(speedup_text(1.02, 1), "1.02×");
        assert_eq!(speedup_text(1.3, 1), "1.30× · noise", "one lane cannot beat itself by 30%");
    }
}
