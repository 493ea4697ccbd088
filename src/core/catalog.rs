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
    pub const ALL: [Group; 4] = [Group::EventLoop, Group::Threads, Group::Processes, Group::Compare];

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
