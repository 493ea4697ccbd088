//! The catalogue's types: what the table of contents says of a demo. Plain data: the list of
//! demos is `demos::ALL`, the pages are the app's table.

/// The groups of the playground's table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    EventLoop,
    Threads,
    Processes,
    Compare,
}

impl Group {
    /// In the order of the side bar and the home page.
    pub const ALL: [Group; 4] = [
        Group::EventLoop,
        Group::Threads,
        Group::Processes,
        Group::Compare,
    ];

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
    /// What the page runs in place of what Python has, when a browser cannot do the real thing
    /// (shown on the page, labelled "Stand-in").
    pub stand_in: Option<&'static str>,
    /// Its run holds the page's main thread on purpose (bounded, and said on the page): the
    /// checks that no run holds it over 50 ms leave it out.
    pub freezes_on_purpose: bool,
}

/// The stand-in of every page about processes: a browser cannot start OS processes.
pub const PROCESS_STAND_IN: &str = "\"processes\" here are Web Workers, each with its own wasm instance and memory: \
    nothing shared unless handed a block of shared memory, only messages, as with multiprocessing; but they live in the \
    browser's one OS process and have no PID. In Python, keep the code that starts processes under \
    if __name__ == \"__main__\": where workers are started by spawn (Windows, macOS) or forkserver (Linux's default \
    since 3.14) each one imports your file again.";
