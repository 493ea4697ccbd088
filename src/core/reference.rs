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

/// Where the figures come from, for a page to cite: "measured by <script> on <interpreter>, <OS>,
/// <cores> cores, <date>", each field as the data file has it.
pub fn source() -> String {
    let field = |k| get(k).unwrap_or("?");
    format!(
        "measured by {} on {}, {}, {} cores, {}",
        field("script"),
        field("python"),
        field("os"),
        field("cores"),
        field("date")
    )
}

/// The start methods a process figure is measured under, with where each is the default, for a
/// page to name beside the figure: the cost of starting a process depends on it.
pub const START_METHODS: &[(&str, &str)] = &[
    ("fork", "Linux's default before 3.14"),
    ("forkserver", "Linux's default from 3.14"),
    ("spawn", "macOS, Windows"),
];

/// "fork (Linux's default before 3.14): 1.7 ms; forkserver (...): 10 ms; spawn (...): 30 ms":
/// a process's start and join under each start method.
pub fn process_start_join() -> String {
    START_METHODS
        .iter()
        .map(|(method, where_default)| {
            let ms = figure(&format!("process_start_join_ms_{method}"));
            format!("{method} ({where_default}): {ms:.1} ms")
        })
        .collect::<Vec<_>>()
        .join("; ")
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
        "process_start_join_ms_fork",
        "process_start_join_ms_forkserver",
        "process_start_join_ms_spawn",
        "gathered_1000_sleeps_of_0.2_s",
        "kb_per_coroutine",
        "kb_per_thread",
        "kb_per_process",
    ];

    #[test]
    fn the_data_names_its_source_and_holds_every_cited_figure() {
        for key in [
            "script",
            "os",
            "python",
            "cores",
            "date",
            "free_threaded",
            "cpu_two_processes_start_method",
            "kb_per_process_start_method",
        ] {
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

    /// Every process figure says which start method it was measured under.
    #[test]
    fn every_process_figure_names_its_start_method() {
        let methods: Vec<&str> = START_METHODS.iter().map(|(m, _)| *m).collect();
        for key in [
            "cpu_two_processes_start_method",
            "kb_per_process_start_method",
        ] {
            let method = get(key).unwrap_or("missing");
            assert!(methods.contains(&method), "{key} = {method}");
        }
        let text = process_start_join();
        for (method, where_default) in START_METHODS {
            assert!(
                text.contains(&format!("{method} ({where_default}): ")),
                "{text}"
            );
        }
        assert!(!text.contains("NaN"), "{text}");
        let fork = figure("process_start_join_ms_fork");
        let spawn = figure("process_start_join_ms_spawn");
        assert!(
            fork < spawn,
            "spawn starts a fresh interpreter: dearer than fork ({fork} ms, {spawn} ms)"
        );
    }
}
