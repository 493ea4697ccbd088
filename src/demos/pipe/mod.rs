//! Queues and pipes (multiprocessing.Queue, Pipe): what it costs to pass a message to another
//! process, by size. Two measures for each size: the round trip of one message (it is echoed
//! back, like a ping over a Pipe) and a stream of messages, several in flight at once (a Queue
//! feeding a consumer that answers each with its length). Three ways to pass them: to a
//! process, copied (structured clone); to a process, transferred (the buffer is moved, not
//! copied); between two threads of one shared memory, where a message is a pointer.

use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};
use crate::core::params::Knob;
use crate::core::process::{Reply, Request};
use crate::core::stats::median;
use crate::engine::{self, Process};
use futures::{StreamExt, TryStreamExt};
use std::sync::{Arc, Mutex, mpsc};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "queue-pipe",
    title: "Queues and pipes",
    group: Group::Processes,
    teaser: "What a message to another process costs, from bytes to megabytes: copied, transferred, or a pointer between threads.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const ROUNDS: Knob = Knob {
    key: "rounds",
    label: "round trips per size",
    min: 3,
    max: 200,
    default: 15,
    step: 1,
};
pub const STREAM: Knob = Knob {
    key: "stream",
    label: "messages per stream",
    min: 2,
    max: 200,
    default: 20,
    step: 1,
};
pub const LARGEST: Knob = Knob {
    key: "largest",
    label: "largest message (KB)",
    min: 1,
    max: 16_384,
    default: 4_096,
    step: 1,
};

/// The message sizes measured: bytes to megabytes.
pub const SIZES: [usize; 6] = [16, 1 << 10, 64 << 10, 1 << 20, 4 << 20, 16 << 20];
/// A stream never has more than this many bytes in messages (big messages stream fewer).
pub const STREAM_BYTES: usize = 64 << 20;
/// Messages in flight at once in a stream.
pub const WINDOW: usize = 4;

/// The sizes up to `largest_kb` (the smallest always).
pub fn sizes_up_to(largest_kb: u64) -> Vec<usize> {
    SIZES
        .iter()
        .copied()
        .filter(|s| *s == SIZES[0] || *s as u64 <= largest_kb * 1024)
        .collect()
}

/// How many messages of `size` a stream sends: as asked, within `STREAM_BYTES`, at least two.
pub fn stream_len(size: usize, wanted: usize) -> usize {
    wanted.min(STREAM_BYTES / size).max(2)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Copied,
    Transferred,
    Threads,
}

impl Transport {
    pub const ALL: [Transport; 3] = [
        Transport::Copied,
        Transport::Transferred,
        Transport::Threads,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Transport::Copied => "process, copied",
            Transport::Transferred => "process, transferred",
            Transport::Threads => "threads, shared memory",
        }
    }
}

/// One size over one transport.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    pub size: usize,
    /// Median of the round trips.
    pub round_trip_ms: f64,
    pub stream_messages: usize,
    pub stream_ms: f64,
    /// The round trip brought back the very buffer that was sent (its address did not change):
    /// a pointer travelled, not the bytes.
    pub same_buffer: bool,
}

impl Exchange {
    pub fn mb_per_s(&self) -> f64 {
        (self.size * self.stream_messages) as f64
            / (1 << 20) as f64
            / (self.stream_ms.max(1e-3) / 1000.0)
    }

    pub fn messages_per_s(&self) -> f64 {
        self.stream_messages as f64 / (self.stream_ms.max(1e-3) / 1000.0)
    }
}

/// A payload whose every byte is checked when it comes back: byte i is i mod 251 (a period
/// prime to every power of two, so a shifted or cut copy never compares equal). Made on the
/// page's thread for messages up to 16 MB, so by copying what is there already (a period to
/// start with, then doubling: bulk copies) rather than with a division per byte.
pub fn payload(size: usize) -> Vec<u8> {
    const PERIOD: usize = 251;
    let mut out: Vec<u8> = (0..PERIOD.min(size)).map(|i| i as u8).collect();
    out.reserve(size - out.len());
    while out.len() < size {
        // The length is a multiple of the period here, so the copy continues the pattern.
        let n = out.len().min(size - out.len());
        out.extend_from_within(..n);
    }
    out
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "exchange")
}

// region:exchange
/// Round trips then a stream of `size`-byte messages with a process, copied or transferred.
pub async fn over_process(
    process: &Process,
    transfer: bool,
    size: usize,
    rounds: usize,
    stream: usize,
) -> Result<Exchange, String> {
    let sent = payload(size);
    let echo = Request::Echo(sent.clone()).encode();
    let mut round_trips = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = engine::now_ms();
        let reply = process
            .call(&echo, transfer)
            .await
            .map_err(|e| e.to_string())?;
        round_trips.push(engine::now_ms() - t);
        if Reply::decode(&reply) != Ok(Reply::Echo(sent.clone())) {
            return Err(format!("a {size}-byte message came back changed"));
        }
    }
    // The stream: `WINDOW` messages in flight, each answered with its length only.
    let n = stream_len(size, stream);
    let consume = Request::Consume(sent).encode();
    let t = engine::now_ms();
    let replies: Vec<Vec<u8>> = futures::stream::iter(0..n)
        .map(|_| process.call(&consume, transfer))
        .buffered(WINDOW)
        .try_collect()
        .await
        .map_err(|e| e.to_string())?;
    let stream_ms = engine::now_ms() - t;
    if replies
        .iter()
        .any(|r| Reply::decode(r) != Ok(Reply::Value(size as u64)))
    {
        return Err("a streamed message arrived short".into());
    }
    // A process's answer is always decoded into a buffer of its own: the bytes crossed.
    Ok(Exchange {
        size,
        round_trip_ms: median(&round_trips).unwrap_or(0.0),
        stream_messages: n,
        stream_ms,
        same_buffer: false,
    })
}

enum Message {
    /// Bounced back and forth: the one buffer changes owner, its bytes never move.
    Ping(Vec<u8>),
    /// One buffer shared by every message of the stream.
    Stream(Arc<Vec<u8>>),
    /// The consumer's answer to a stream: the bytes it received.
    Received(usize),
}

/// The same exchange between two threads over channels (a producer and a consumer).
pub async fn over_threads(size: usize, rounds: usize, stream: usize) -> Result<Exchange, String> {
    let n = stream_len(size, stream);
    let (to_consumer, consumer_inbox) = mpsc::channel::<Message>();
    let (to_producer, producer_inbox) = mpsc::channel::<Message>();
    let producer_ends = Mutex::new(Some((to_consumer, producer_inbox)));
    let consumer_ends = Mutex::new(Some((to_producer, consumer_inbox)));
    let results = engine::on_threads(2, move |i| {
        if i == 1 {
            let (to_producer, inbox) = consumer_ends.lock().unwrap().take().expect("one consumer");
            let (mut received, mut count) = (0, 0);
            for message in inbox {
                match message {
                    Message::Ping(buffer) => to_producer.send(Message::Ping(buffer)).ok()?,
                    Message::Stream(shared) => {
                        (received, count) = (received + shared.len(), count + 1);
                        if count == n {
                            to_producer.send(Message::Received(received)).ok()?;
                        }
                    }
                    Message::Received(_) => return None,
                }
            }
            return None; // the producer hung up: done
        }
        let (to_consumer, inbox) = producer_ends.lock().unwrap().take().expect("one producer");
        let mut buffer = payload(size);
        let mut round_trips = Vec::with_capacity(rounds);
        let address = buffer.as_ptr();
        for _ in 0..rounds {
            let t = engine::now_ms();
            to_consumer.send(Message::Ping(buffer)).ok()?;
            let Ok(Message::Ping(back)) = inbox.recv() else {
                return None;
            };
            round_trips.push(engine::now_ms() - t);
            buffer = back;
        }
        let same_buffer = buffer.as_ptr() == address;
        let shared = Arc::new(buffer);
        let t = engine::now_ms();
        for _ in 0..n {
            to_consumer
                .send(Message::Stream(Arc::clone(&shared)))
                .ok()?;
        }
        let Ok(Message::Received(bytes)) = inbox.recv() else {
            return None;
        };
        let stream_ms = engine::now_ms() - t;
        (bytes == n * size && shared[..] == payload(size)[..]).then(|| Exchange {
            size,
            round_trip_ms: median(&round_trips).unwrap_or(0.0),
            stream_messages: n,
            stream_ms,
            same_buffer,
        })
    })
    .await
    .map_err(|e| e.to_string())?;
    results
        .into_iter()
        .flatten()
        .next()
        .ok_or_else(|| "the threads' exchange went wrong".to_string())
}
// endregion:exchange

/// Untimed round trips first, so no transport pays the others' warm-up (the process's code
/// being compiled, the threads being woken).
const WARM_UP_ROUNDS: usize = 5;

/// Every size over one transport; the first failure stops that transport.
pub async fn measure(
    transport: Transport,
    process: Option<&Process>,
    sizes: &[usize],
    rounds: usize,
    stream: usize,
    mut on_size: impl FnMut(usize),
) -> Result<Vec<Exchange>, String> {
    match (transport, process) {
        (Transport::Threads, _) => over_threads(SIZES[0], WARM_UP_ROUNDS, 2).await?,
        (_, Some(p)) => {
            over_process(
                p,
                transport == Transport::Transferred,
                SIZES[0],
                WARM_UP_ROUNDS,
                2,
            )
            .await?
        }
        (_, None) => return Err("no process".into()),
    };
    let mut out = Vec::new();
    for &size in sizes {
        on_size(size);
        out.push(match (transport, process) {
            (Transport::Threads, _) => over_threads(size, rounds, stream).await?,
            (_, Some(p)) => {
                over_process(p, transport == Transport::Transferred, size, rounds, stream).await?
            }
            (_, None) => return Err("no process".into()),
        });
    }
    Ok(out)
}

/// A decade of time: "10 µs", "1 ms", "10 s".
pub fn decade_label(ms: f64) -> String {
    match ms {
        m if m < 1.0 => format!("{:.0} µs", m * 1000.0),
        m if m < 1000.0 => format!("{m:.0} ms"),
        m => format!("{:.0} s", m / 1000.0),
    }
}

/// "16 B", "64 KB", "4 MB".
pub fn size_label(bytes: f64) -> String {
    match bytes as usize {
        b if b >= 1 << 20 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} B"),
    }
}

/// The same idea in Python: a real program of the repository (python/demo_queue_pipe.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_queue_pipe.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn a_payload_is_the_pattern_at_every_size() {
        for size in [0, 1, 250, 251, 252, 502, 503, 1000, 4096, 100_003] {
            let expected: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            assert!(payload(size) == expected, "size {size}");
        }
    }

    #[test]
    fn sizes_and_stream_lengths_are_bounded() {
        assert_eq!(sizes_up_to(1), vec![16, 1024]);
        assert_eq!(sizes_up_to(0), vec![16]);
        assert_eq!(sizes_up_to(16_384).len(), SIZES.len());
        assert_eq!(stream_len(16, 20), 20);
        assert_eq!(stream_len(16 << 20, 20), 4, "64 MB at most in a stream");
        assert_eq!(stream_len(1 << 30, 20), 2);
        assert_eq!(size_label(65536.0), "64 KB");
        assert_eq!(
            [0.01, 0.1, 1.0, 100.0, 10_000.0].map(decade_label),
            ["10 µs", "100 µs", "1 ms", "100 ms", "10 s"]
        );
    }

    #[test]
    fn a_process_echoes_every_byte_and_streams_are_counted() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        // over_process fails if one byte of an echo differs or a streamed message arrives short.
        let process = block_on(Process::spawn()).unwrap();
        for transfer in [false, true] {
            let e = block_on(over_process(&process, transfer, 100_000, 3, 5)).unwrap();
            assert_eq!((e.size, e.stream_messages), (100_000, 5));
        }
        process.terminate();
        // The answers came from that process: once it is gone, nothing answers.
        assert!(block_on(over_process(&process, false, 16, 1, 1)).is_err());
    }

    #[test]
    fn threads_pass_a_pointer_a_process_gets_a_copy() {
        let _cpu = crate::testing::exclusive_cpu();
        let process = block_on(Process::spawn()).unwrap();
        let big = 8 << 20;
        let threads = block_on(over_threads(big, 5, 4)).unwrap();
        let copied = block_on(over_process(&process, false, big, 5, 4)).unwrap();
        // Structure, not time (other processes may hold the cores and delay a thread's wake-up by
        // milliseconds): between threads the very buffer comes back, a pointer moved; from a
        // process a new buffer arrives, the bytes were copied.
        assert!(threads.same_buffer, "{threads:?}");
        assert!(!copied.same_buffer, "{copied:?}");
    }
}
