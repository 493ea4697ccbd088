//! Shared memory between processes (multiprocessing.Value, shared_memory): processes share
//! nothing, unless they map one block of memory on purpose. Then `counter.value += 1` from two
//! processes at once is a read and a write that loses updates, exactly as with threads; the
//! block's lock keeps them, at a price; counting in each process's own memory and adding once is
//! cheap and right; and one message per update (the other way to combine results) is the dearest.

use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};
use crate::core::params::Knob;
use crate::core::process::{Reply, Request, Sharing};
use crate::core::shared::COUNTER;
use crate::core::trace::{Lane, Span, SpanKind, Trace};
use crate::engine::{self, Process, ProcessError, SharedBlock};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "shared-memory",
    title: "Shared memory between processes",
    group: Group::Processes,
    teaser: "multiprocessing.Value: two processes adding to one counter lose updates without its lock; messages are dearer still.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const PROCESSES: Knob = Knob {
    key: "processes",
    label: "processes",
    min: 2,
    max: 4,
    default: 2,
    step: 1,
};
pub const ADDS: Knob = Knob {
    key: "adds",
    label: "adds per process",
    min: 1_000,
    max: 50_000,
    default: 10_000,
    step: 1_000,
};

/// How the processes put their adds together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// In the shared block, one of `Sharing`'s ways.
    Shared(Sharing),
    /// No shared memory: every add is a message to the page, which keeps the count.
    Messages,
}

impl Way {
    pub const ALL: [Way; 4] = [
        Way::Shared(Sharing::Unlocked),
        Way::Shared(Sharing::Locked),
        Way::Shared(Sharing::Local),
        Way::Messages,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Way::Shared(Sharing::Unlocked) => "counter.value += 1, no lock",
            Way::Shared(Sharing::Locked) => "the same under counter.get_lock()",
            Way::Shared(Sharing::Local) => "count alone, add the total once",
            Way::Messages => "a message per add",
        }
    }

    /// The row's key in the page's table and the tests.
    pub fn key(self) -> &'static str {
        match self {
            Way::Shared(Sharing::Unlocked) => "unlocked",
            Way::Shared(Sharing::Locked) => "locked",
            Way::Shared(Sharing::Local) => "local",
            Way::Messages => "messages",
        }
    }
}

/// One way's run: the counter the processes left, what it should be, and when each added.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub way: Way,
    pub expected: u64,
    pub counter: u64,
    pub total_ms: f64,
    pub trace: Trace,
}

impl Measured {
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.counter)
    }

    /// Microseconds per add, all processes together.
    pub fn us_per_add(&self) -> f64 {
        1000.0 * self.total_ms / self.expected.max(1) as f64
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

fn unexpected(reply: Result<Reply, String>) -> ProcessError {
    ProcessError::Died(format!("an unexpected reply: {reply:?}"))
}

// region:run
/// Every process maps one new block (a `multiprocessing.Value`), all start at once (they wait
/// for each other at a start line in the block) and add; then the page reads the counter.
async fn shared(
    processes: &[Process],
    adds: u64,
    sharing: Sharing,
) -> Result<Measured, ProcessError> {
    let block = SharedBlock::new().map_err(ProcessError::Unavailable)?;
    for p in processes {
        p.attach(&block)?;
    }
    let request = Request::SharedAdd {
        adds,
        way: sharing,
        parties: processes.len() as u64,
    }
    .encode();
    let replies =
        futures::future::join_all(processes.iter().map(|p| p.call(&request, false))).await;
    let mut spans = Vec::new();
    for (i, reply) in replies.into_iter().enumerate() {
        match Reply::decode(&reply?) {
            Ok(Reply::Values(times)) if times.len() == 2 => {
                let (start, end) = (f64::from_bits(times[0]), f64::from_bits(times[1]));
                spans.push(Span {
                    task: i,
                    lane: Lane::Process(i),
                    label: format!("process {i}: {adds} adds"),
                    kind: SpanKind::Run,
                    start,
                    end,
                });
            }
            other => return Err(unexpected(other)),
        }
    }
    let counter = block.load(COUNTER) as u32 as u64;
    let trace = Trace::new(spans);
    let total_ms = trace.end() - trace.start(); // the adding itself: from the start line to the last add
    Ok(Measured {
        way: Way::Shared(sharing),
        expected: adds * processes.len() as u64,
        counter,
        total_ms,
        trace,
    })
}

/// No shared memory: each add is a message from a process, and the page adds it to a count of
/// its own. Each process has `IN_FLIGHT` requests out at a time and gets a new one as each reply
/// comes, so the messages stream and the page never sends many in one go (500 at once held it
/// 30-50 ms).
async fn by_messages(processes: &[Process], adds: u64) -> Result<Measured, ProcessError> {
    use futures::{StreamExt, TryStreamExt};
    const IN_FLIGHT: usize = 50;
    let plus_one = Request::Echo(vec![1]).encode();
    let plus_one = &plus_one;
    let t0 = engine::now_ms();
    let one = |i: usize| async move {
        let start = engine::now_ms();
        let count = futures::stream::iter(0..adds)
            .map(|_| processes[i].call(plus_one, false))
            .buffer_unordered(IN_FLIGHT)
            // the message says "+1"
            .try_fold(0u64, |count, reply| async move {
                Ok(count + reply.get(1).copied().unwrap_or(0) as u64)
            })
            .await?;
        let span = Span {
            task: i,
            lane: Lane::Process(i),
            label: format!("process {i}: {adds} messages"),
            kind: SpanKind::Wait,
            start,
            end: engine::now_ms(),
        };
        Ok::<_, ProcessError>((count, span))
    };
    let mut counter = 0;
    let mut spans = Vec::new();
    for done in futures::future::join_all((0..processes.len()).map(one)).await {
        let (count, span) = done?;
        counter += count;
        spans.push(span);
    }
    let total_ms = engine::now_ms() - t0;
    Ok(Measured {
        way: Way::Messages,
        expected: adds * processes.len() as u64,
        counter,
        total_ms,
        trace: Trace::new(spans),
    })
}

/// Starts the processes once, then tries every way with them; `tell` hears which way runs.
pub async fn run(
    processes: usize,
    adds: u64,
    tell: impl Fn(String),
) -> Result<Vec<Measured>, String> {
    let started = futures::future::join_all((0..processes).map(|_| Process::spawn())).await;
    let processes = started.into_iter().collect::<Result<Vec<_>, _>>()?;
    let mut all = Vec::new();
    for (i, way) in Way::ALL.into_iter().enumerate() {
        tell(format!("{} of {}: {}", i + 1, Way::ALL.len(), way.title()));
        all.push(match way {
            Way::Shared(sharing) => shared(&processes, adds, sharing).await?,
            Way::Messages => by_messages(&processes, adds).await?,
        });
    }
    Ok(all)
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_shared_memory.py),
/// shown byte for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_shared_memory.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn way(all: &[Measured], way: Way) -> &Measured {
        all.iter().find(|m| m.way == way).unwrap()
    }

    #[test]
    fn the_lock_counting_alone_and_messages_keep_every_add_and_no_way_adds_more() {
        let _cpu = crate::testing::shared_cpu();
        let all = block_on(run(3, 5_000, |_| ())).unwrap();
        assert_eq!(all.iter().map(|m| m.way).collect::<Vec<_>>(), Way::ALL);
        for m in &all {
            assert_eq!(m.expected, 15_000);
            assert!(m.counter <= m.expected, "{m:?}");
            assert_eq!(m.trace.spans.len(), 3, "a span per process");
            assert_eq!(m.trace.lanes().len(), 3, "a lane per process");
        }
        for w in [
            Way::Shared(Sharing::Locked),
            Way::Shared(Sharing::Local),
            Way::Messages,
        ] {
            assert_eq!(way(&all, w).lost(), 0, "{w:?}");
        }
    }

    #[test]
    fn a_process_without_a_block_cannot_add_to_it() {
        let p = block_on(Process::spawn()).unwrap();
        let request = Request::SharedAdd {
            adds: 1,
            way: Sharing::Unlocked,
            parties: 1,
        }
        .encode();
        let died = block_on(p.call(&request, false)).unwrap_err();
        assert!(
            matches!(&died, ProcessError::Died(why) if why.contains("no shared block")),
            "{died:?}"
        );
    }
}
