//! The demos. Each is one module: its rules and measurements (platform-neutral, tested
//! natively) in `mod.rs`, its page in `view.rs`.

pub mod blocking;
pub mod compare;
pub mod bounded_queue;
pub mod concurrency_vs_parallelism;
pub mod concurrent_waits;
pub mod coroutines;
pub mod crash_isolation;
pub mod deadlock;
pub mod fetch;
pub mod gil;
pub mod lock_cost;
pub mod loop_lag;
pub mod parallel_cpu;
pub mod pipe;
pub mod process_pool;
pub mod processes;
pub mod race;
pub mod semaphore;
pub mod start_join;
pub mod subprocess;
pub mod thread_pool;
pub mod timeouts;

/// The groups of the playground's table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    EventLoop,
    Threads,
    Processes,
    Compare,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::EventLoop => "Event loop (asyncio)",
            Group::Threads => "Threads (threading)",
            Group::Processes => "Processes (multiprocessing)",
            Group::Compare => "Compare and choose",
        }
    }
}

/// One entry of the table of contents; `id` is the URL path (`#/id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub group: Group,
    pub teaser: &'static str,
    /// Needs the shared-memory worker pool.
    pub needs_threads: bool,
}

pub const ALL: &[DemoInfo] = &[concurrent_waits::INFO, coroutines::INFO, fetch::INFO, semaphore::INFO, timeouts::INFO, blocking::INFO, loop_lag::INFO, concurrency_vs_parallelism::INFO, start_join::INFO, race::INFO, lock_cost::INFO, deadlock::INFO, gil::INFO, thread_pool::INFO, bounded_queue::INFO, parallel_cpu::INFO, processes::INFO, pipe::INFO, process_pool::INFO, subprocess::INFO, crash_isolation::INFO, compare::INFO];

/// The page of demo `id`, given its URL query.
pub fn page(id: &str, query: Vec<(String, String)>) -> Option<leptos::prelude::AnyView> {
    use leptos::prelude::*;
    Some(match id {
        id if id == concurrent_waits::INFO.id => view! { <concurrent_waits::view::Page query/> }.into_any(),
        id if id == coroutines::INFO.id => view! { <coroutines::view::Page query/> }.into_any(),
        id if id == fetch::INFO.id => view! { <fetch::view::Page query/> }.into_any(),
        id if id == semaphore::INFO.id => view! { <semaphore::view::Page query/> }.into_any(),
        id if id == timeouts::INFO.id => view! { <timeouts::view::Page query/> }.into_any(),
        id if id == blocking::INFO.id => view! { <blocking::view::Page query/> }.into_any(),
        id if id == loop_lag::INFO.id => view! { <loop_lag::view::Page query/> }.into_any(),
        id if id == concurrency_vs_parallelism::INFO.id => view! { <concurrency_vs_parallelism::view::Page query/> }.into_any(),
        id if id == start_join::INFO.id => view! { <start_join::view::Page query/> }.into_any(),
        id if id == race::INFO.id => view! { <race::view::Page query/> }.into_any(),
        id if id == lock_cost::INFO.id => view! { <lock_cost::view::Page query/> }.into_any(),
        id if id == deadlock::INFO.id => view! { <deadlock::view::Page query/> }.into_any(),
        id if id == gil::INFO.id => view! { <gil::view::Page query/> }.into_any(),
        id if id == thread_pool::INFO.id => view! { <thread_pool::view::Page query/> }.into_any(),
        id if id == bounded_queue::INFO.id => view! { <bounded_queue::view::Page query/> }.into_any(),
        id if id == parallel_cpu::INFO.id => view! { <parallel_cpu::view::Page query/> }.into_any(),
        id if id == processes::INFO.id => view! { <processes::view::Page query/> }.into_any(),
        id if id == pipe::INFO.id => view! { <pipe::view::Page query/> }.into_any(),
        id if id == process_pool::INFO.id => view! { <process_pool::view::Page query/> }.into_any(),
        id if id == subprocess::INFO.id => view! { <subprocess::view::Page query/> }.into_any(),
        id if id == crash_isolation::INFO.id => view! { <crash_isolation::view::Page query/> }.into_any(),
        id if id == compare::INFO.id => view! { <compare::view::Page query/> }.into_any(),
        _ => return None,
    })
}

pub fn find(id: &str) -> Option<&'static DemoInfo> {
    ALL.iter().find(|d| d.id == id)
}

/// The lines of `source` between `// region:NAME` and `// endregion:NAME`: what a demo page
/// shows as "the Rust that ran" is the real code, cut from the module's own file.
pub fn region<'a>(source: &'a str, name: &str) -> &'a str {
    let start_marker = format!("// region:{name}\n");
    let end_marker = format!("// endregion:{name}");
    let start = source.find(&start_marker).map(|i| i + start_marker.len());
    let end = source.find(&end_marker);
    match (start, end) {
        (Some(s), Some(e)) if s <= e => source[s..e].trim_end(),
        _ => panic!("region {name} is missing"),
    }
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
    }

    #[test]
    fn regions_are_cut_from_real_source() {
        let code = concurrent_waits::rust_source();
        assert!(code.contains("join_all"), "{code}");
        assert!(!code.contains("region:"));
        assert!(parallel_cpu::rust_source().contains("count_primes_striped"));
    }
}
