//! Predict, then run: a page asks one question before its run ("5 waits of 200 ms, gathered:
//! how long?"); the guess is taken when Run is pressed and shown beside the measurement after.
//! Skippable (leave it empty). The tally stays in this browser's localStorage, nowhere else.

use super::Knobs;
use crate::core::catalog::DemoInfo;
use leptos::prelude::*;
use std::sync::Arc;

/// A guess within this share of the measurement counts as close.
const CLOSE: f64 = 0.25;

/// One page's question and where its answer is in the run's result.
pub struct Prediction<T> {
    /// The question for the knobs as set now.
    pub question: fn(&Knobs) -> String,
    /// What the answer is counted in ("ms", "updates lost").
    pub unit: &'static str,
    /// The measured answer (None: this run cannot answer, e.g. it failed halfway).
    pub measured: Arc<dyn Fn(&T) -> Option<f64> + Send + Sync>,
}

impl<T> Prediction<T> {
    pub fn new(
        question: fn(&Knobs) -> String,
        unit: &'static str,
        measured: impl Fn(&T) -> Option<f64> + Send + Sync + 'static,
    ) -> Self {
        Prediction {
            question,
            unit,
            measured: Arc::new(measured),
        }
    }
}

/// How far a guess is from the measurement, in words.
pub fn judge(guess: f64, measured: f64) -> (bool, String) {
    let off = if measured.abs() < 1e-9 {
        guess.abs()
    } else {
        (guess - measured).abs() / measured.abs()
    };
    let close = off <= CLOSE || (guess - measured).abs() < 0.5;
    let how = if (guess - measured).abs() < 0.5 {
        "spot on".to_string()
    } else if measured.abs() < 1e-9 {
        "the measurement is 0".to_string()
    } else {
        format!(
            "{} by {:.0}%",
            if guess > measured { "over" } else { "under" },
            off * 100.0
        )
    };
    (close, how)
}

fn figure(v: f64, unit: &str) -> String {
    let number = if v.fract().abs() < 1e-9 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

/// The question, the guess and the verdict. Not generic over the run's result (`DemoPage`
/// turns that into `answer`), so the 22 pages share one copy of this code.
#[component]
pub fn PredictBox(
    info: &'static DemoInfo,
    question: fn(&Knobs) -> String,
    unit: &'static str,
    /// This run's measured answer, once there is one.
    #[prop(into)]
    answer: Signal<Option<f64>>,
    #[prop(into)] running: Signal<bool>,
    knobs: Knobs,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let taken = RwSignal::new(None::<f64>);
    let tally_key = format!("cp-predict:{}", info.id);
    let tally = RwSignal::new(read_tally(&tally_key));
    // The guess counts as it stood when Run was pressed.
    Effect::new(move |_| {
        if running.get() {
            taken.set(
                typed
                    .get_untracked()
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|g| g.is_finite() && *g >= 0.0),
            );
        }
    });
    let outcome = Memo::new(move |_| {
        let guess = taken.get()?;
        let m = answer.get()?;
        Some((guess, m))
    });
    Effect::new(move |_| {
        if let Some((guess, m)) = outcome.get() {
            let (close, _) = judge(guess, m);
            let (tries, hits) = tally.get_untracked();
            let now = (tries + 1, hits + close as u32);
            write_tally(&tally_key, now);
            tally.set(now);
        }
    });
    view! {
        <div class="predict" data-testid="predict">
            <label>
                <span class="predict-question" data-testid="predict-question">{move || question(&knobs)}</span>
                {if unit.is_empty() { " Your guess (optional): ".to_string() } else { format!(" Your guess ({unit}, optional): ") }}
                <input type="number" min="0" step="any" inputmode="decimal" data-testid="predict-guess"
                    prop:value=move || typed.get() on:input=move |e| typed.set(event_target_value(&e))
                    disabled=move || running.get()/>
            </label>
            {move || outcome.get().map(|(guess, m)| {
                let (close, how) = judge(guess, m);
                view! {
                    <p class="predict-result" class:close=close data-testid="predict-result" data-guess=guess data-measured=m data-close=close.to_string()>
                        {format!("You guessed {}; measured {}: {how}.", figure(guess, unit), figure(m, unit))}
                    </p>
                }
            })}
            {move || { let (tries, hits) = tally.get(); (tries > 0).then(|| view! {
                <p class="muted" data-testid="predict-tally">{format!("Your guesses on this page: {tries}, {hits} within {:.0}% (kept in this browser only).", CLOSE * 100.0)}</p>
            }) }}
        </div>
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read_tally(key: &str) -> (u32, u32) {
    let text = storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .unwrap_or_default();
    let mut parts = text
        .split(',')
        .map(|p| p.trim().parse::<u32>().unwrap_or(0));
    let tries = parts.next().unwrap_or(0);
    (tries, parts.next().unwrap_or(0).min(tries))
}

fn write_tally(key: &str, (tries, hits): (u32, u32)) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, &format!("{tries},{hits}"));
    }
}

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn a_figure_without_a_unit_has_no_trailing_space() {
        assert_eq!(super::figure(5.0, ""), "5");
        assert_eq!(super::figure(12.5, "ms"), "12.5 ms");
    }

    #[test]
    fn a_guess_is_judged_by_its_share_of_the_measurement() {
        assert_eq!(judge(200.0, 210.0), (true, "under by 5%".into()));
        assert_eq!(judge(1000.0, 210.0), (false, "over by 376%".into()));
        assert_eq!(judge(0.0, 0.0), (true, "spot on".into()));
        assert_eq!(judge(3.0, 0.0), (false, "the measurement is 0".into()));
        assert!(judge(5.0, 5.2).0);
    }
}
