//! The CPython figures some pages cite: measured by `python/reference.py` (`xtask/run
//! python-reference`) and written with their source to `python/reference.txt`, compiled in here.
//! A page never quotes a CPython number of its own: it reads it here and names where it came from.

/// The data file, as the script wrote it: `key = value` lines, `#` comments.
const DATA: &str = include_str!("../../python/reference.txt");

/// The value of `key` in the reference data.
pub fn get(key: &str) -> Option<&'static str> {
    DATA.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
}

/// A figure, as a number.
pub fn num(key: &str) -> Option<f64> {
    get(key)?.parse().ok()
}

/// A figure for a page to show (NaN, shown as "NaN", if the data lacks it: the native test
/// `the_data_names_its_source_and_holds_every_cited_figure` keeps that from happening).
pub fn figure(key: &str) -> f64 {
    num(key).unwrap_or(f64::NAN)
}

/// Where the figures come from, for a page to cite: "measured by python/reference.py on CPython
/// 3.11.2, 2 cores, 2026-11-23".
pub fn source() -> String {
    let field = |k| get(k).unwrap_or("?");
    format!(
        "measured by {} on {}, {} cores, {}",
        field("script"),
        field("python"),
        field("cores"),
        field("date")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every figure a page cites, by key.
    const CITED: &[&str] = &[
        "cpu_one_thread_s",
        "cpu_two_threads_s",
        "cpu_two_processes_s",
        "race_tries",
        "race_adds_per_thread",
        "race_tries_that_lost",
        "thread_start_join_ms",
        "process_start_join_ms",
        "gathered_1000_sleeps_of_0.2_s",
        "kb_per_coroutine",
        "kb_per_thread",
        "kb_per_process",
    ];

    #[test]
    fn the_data_names_its_source_and_holds_every_cited_figure() {
        for key in ["script", "python", "cores", "date", "free_threaded"] {
            assert!(
                get(key).is_some_and(|v| !v.is_empty()),
                "{key} missing from python/reference.txt"
            );
        }
        assert!(
            get("python").unwrap().starts_with("CPython 3."),
            "{:?}",
            get("python")
        );
        for key in CITED {
            assert!(
                num(key).is_some_and(f64::is_finite),
                "{key} missing or not a number"
            );
        }
        assert!(
            source().starts_with("measured by python/reference.py on CPython 3."),
            "{}",
            source()
        );
        assert_eq!(get("nope"), None);
    }
}
