//! The demos. Each is one folder: its rules and measurements (platform-neutral, tested natively)
//! in `mod.rs`, its page in `view.rs`. This file is the catalogue: the one list of demos, in the
//! order of the side bar. It knows no Leptos; the app builds its page table from the same list.
//!
//! Adding a demo: a folder `demos/<name>/` (with `INFO`, `rust_source()`, `PYTHON_SOURCE` and a
//! `view::Page`), and its name in the list below. Nothing else.

pub use crate::core::catalog::{DemoInfo, Group};

/// Calls `$then! { a, b, … }` with every demo module's name, in the side bar's order: the one
/// list from which the modules, `ALL` and the app's page table are all made.
#[macro_export]
macro_rules! with_demos {
    ($then:path) => {
        $then! {
            concurrent_waits, coroutines, fetch, semaphore, timeouts, await_race, async_queue, blocking, to_thread, loop_lag,
            concurrency_vs_parallelism,
            start_join, race, lock_cost, deadlock, sync_primitives, gil, thread_pool, bounded_queue, parallel_cpu,
            processes, shared_memory, pipe, process_pool, subprocess, crash_isolation,
            memory_cost, compare,
        }
    };
}

macro_rules! catalogue {
    ($($demo:ident),* $(,)?) => {
        $(pub mod $demo;)*

        /// Every demo, in the side bar's order.
        pub const ALL: &[DemoInfo] = &[$($demo::INFO),*];

        /// Each demo's "Rust that ran", by id (checked natively: every region exists).
        pub const SOURCES: &[(&str, fn() -> &'static str)] = &[$(($demo::INFO.id, $demo::rust_source)),*];

        /// Each demo's Python program, by id.
        pub const PYTHON: &[(&str, crate::core::region::Shown)] = &[$(($demo::INFO.id, $demo::PYTHON_SOURCE)),*];
    };
}

with_demos!(catalogue);

pub fn find(id: &str) -> Option<&'static DemoInfo> {
    ALL.iter().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_findable() {
        for d in ALL {
            assert_eq!(find(d.id), Some(d));
            assert_eq!(ALL.iter().filter(|o| o.id == d.id).count(), 1);
        }
        assert_eq!(find("nope"), None);
        assert_eq!(ALL.len(), 28);
    }

    #[test]
    fn every_demo_shows_real_rust_cut_from_its_source() {
        assert_eq!(SOURCES.len(), ALL.len());
        for (id, source) in SOURCES {
            let code = source(); // panics if a region marker is missing
            assert!(code.lines().count() >= 3, "{id}: {code:?}");
            assert!(
                !code.contains("region:"),
                "{id}: a marker leaked into the shown code"
            );
            assert!(code.contains("fn "), "{id}: shows no function");
        }
        assert!(concurrent_waits::rust_source().contains("join_all"));
        let file = include_str!("concurrent_waits/mod.rs");
        let (a, b) = crate::core::region::region_range(file, "run");
        assert_eq!(
            concurrent_waits::rust_source(),
            &file[a..b],
            "the cut is the file's own text"
        );
        assert!(
            file[..a].ends_with("// region:run\n")
                && file[b..].trim_start().starts_with("// endregion:run")
        );
        assert!(parallel_cpu::rust_source().contains("count_primes_striped"));
    }
}
