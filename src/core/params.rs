//! Demo parameters: bounded numeric knobs read from the URL, clamped with a notice.
//!
//! Every control on a demo page is a `Knob`; its value lives in the URL's hash query so a link
//! reproduces the setup, and a bad value (out of range, not a number) falls back with a message
//! the page shows, instead of breaking anything.

/// A bounded integer control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knob {
    pub key: &'static str,
    pub label: &'static str,
    pub min: u64,
    pub max: u64,
    pub default: u64,
    pub step: u64,
}

impl Knob {
    /// Clamps into range; the second value explains any change.
    pub fn clamp(&self, value: u64) -> (u64, Option<String>) {
        if value < self.min || value > self.max {
            let fixed = value.clamp(self.min, self.max);
            let why = format!(
                "{} = {value} is outside {}..={}; using {fixed}",
                self.label, self.min, self.max
            );
            (fixed, Some(why))
        } else {
            (value, None)
        }
    }

    /// Reads the knob from parsed query pairs: default when absent, a notice when unusable.
    pub fn read(&self, query: &[(String, String)]) -> (u64, Option<String>) {
        let Some((_, raw)) = query.iter().find(|(k, _)| k == self.key) else {
            return (self.default, None);
        };
        match raw.trim().replace('_', "").parse::<u64>() {
            Ok(value) => self.clamp(value),
            Err(_) => (
                self.default,
                Some(format!(
                    "{} = {raw:?} is not a whole number; using {}",
                    self.label, self.default
                )),
            ),
        }
    }
}

/// Splits `a=1&b=two` into pairs; pieces without `=` get an empty value. No percent-decoding
/// beyond `%20`/`+`: every value here is a number.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            let clean = |s: &str| s.replace('+', " ").replace("%20", " ");
            (clean(k), clean(v))
        })
        .collect()
}

/// The inverse of `parse_query` for the knobs' current values.
pub fn to_query(values: &[(&str, u64)]) -> String {
    values
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TASKS: Knob = Knob {
        key: "n",
        label: "tasks",
        min: 1,
        max: 20,
        default: 5,
        step: 1,
    };

    #[test]
    fn absent_value_is_the_default_without_notice() {
        assert_eq!(TASKS.read(&parse_query("d=100")), (5, None));
    }

    #[test]
    fn out_of_range_is_clamped_with_a_notice() {
        let (v, notice) = TASKS.read(&parse_query("n=500"));
        assert_eq!(v, 20);
        assert!(notice.unwrap().contains("outside 1..=20"));
        assert_eq!(TASKS.read(&parse_query("n=0")).0, 1);
    }

    #[test]
    fn garbage_falls_back_to_default_with_a_notice() {
        for q in ["n=abc", "n=-3", "n=", "n=1e9", "n"] {
            let (v, notice) = TASKS.read(&parse_query(q));
            assert_eq!(v, 5, "{q}");
            assert!(notice.is_some(), "{q}");
        }
    }

    #[test]
    fn query_round_trips() {
        let q = to_query(&[("n", 7), ("d", 250)]);
        assert_eq!(q, "n=7&d=250");
        assert_eq!(TASKS.read(&parse_query(&q)), (7, None));
    }
}
