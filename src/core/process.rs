//! The "process" protocol: what the page and an isolated worker say to each other. A process
//! shares no memory with anyone, so every request and reply crosses as bytes (copied, or
//! moved when the transport can transfer buffers). The same types serve the browser (Web Workers
//! with their own wasm instance) and the native twin (threads that share nothing but channels).

use std::sync::atomic::AtomicU64;

/// This instance's global value. In the browser every "process" is its own wasm instance with
/// its own memory, so each has its own `GLOBAL`; the page and its worker threads share one.
pub static GLOBAL: AtomicU64 = AtomicU64::new(0);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Set this process's global value.
    SetGlobal(u64),
    /// Read this process's global value.
    GetGlobal,
    /// compute(n): the sum of 0..n, made impossible to fold away.
    SumTo(u64),
    /// Send the payload back (to time a round trip).
    Echo(Vec<u8>),
    /// compute(n) for each n: a chunk of tasks in one message.
    SumMany(Vec<u64>),
    /// The primes below each n, by trial division (`core::workload::count_primes_below`): a
    /// task, or a chunk of them in one message.
    CountPrimes(Vec<u64>),
    /// Panic inside the process (a crash, on purpose).
    Panic,
    /// Take the payload and answer with its length (one way of a stream: nothing comes back).
    Consume(Vec<u8>),
    /// Hold the CPU for this many milliseconds (a task that hangs, for timeouts).
    Spin(u64),
    /// Allocate memory until the allocator refuses, or `limit_mb` is reached; then die of it.
    Hog { limit_mb: u64 },
    /// Block for this many milliseconds (a blocking I/O call, as `time.sleep` in a process).
    Sleep(u64),
    /// Wait until `parties` processes have arrived, then add 1 to the attached shared block's
    /// counter `adds` times, the way `way` says (multiprocessing.Value). Answers with when the
    /// adds began and ended (`f64` bits, the engine's clock).
    SharedAdd {
        adds: u64,
        way: Sharing,
        parties: u64,
    },
    /// Answer with this process's memory: its instance's size and its heap in use, in bytes.
    Memory,
}

/// How a process adds to a counter in memory it shares with other processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sharing {
    /// `counter.value += 1`: a read, then a write; another process may write in between.
    Unlocked,
    /// `with counter.get_lock(): counter.value += 1`: one process at a time.
    Locked,
    /// Count in the process's own memory, then add the total once, under the lock.
    Local,
}

impl Sharing {
    pub const ALL: [Sharing; 3] = [Sharing::Unlocked, Sharing::Locked, Sharing::Local];
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Value(u64),
    Values(Vec<u64>),
    Echo(Vec<u8>),
}

const SET: u8 = 1;
const GET: u8 = 2;
const SUM: u8 = 3;
const ECHO: u8 = 4;
const PANIC: u8 = 5;
const SUM_MANY: u8 = 6;
const CONSUME: u8 = 7;
const SPIN: u8 = 8;
const HOG: u8 = 9;
const SLEEP: u8 = 10;
const SHARED_ADD: u8 = 11;
const MEMORY: u8 = 12;
const COUNT_PRIMES: u8 = 13;
const VALUES: u8 = 106;
const VALUE: u8 = 101;
const ECHOED: u8 = 104;

fn with_u64(tag: u8, n: u64) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&n.to_le_bytes());
    out
}

fn read_u64(bytes: &[u8]) -> Result<u64, String> {
    let arr: [u8; 8] = bytes
        .get(1..9)
        .and_then(|b| b.try_into().ok())
        .ok_or("a message too short for its number")?;
    Ok(u64::from_le_bytes(arr))
}

fn with_u64s(tag: u8, ns: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 8 * ns.len());
    out.push(tag);
    for n in ns {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out
}

fn read_u64s(bytes: &[u8]) -> Result<Vec<u64>, String> {
    let body = &bytes[1..];
    if !body.len().is_multiple_of(8) {
        return Err("a list of numbers with a ragged end".into());
    }
    Ok(body
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect())
}

fn with_payload(tag: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 1);
    out.push(tag);
    out.extend_from_slice(payload);
    out
}

impl Request {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Request::SetGlobal(v) => with_u64(SET, *v),
            Request::GetGlobal => vec![GET],
            Request::SumTo(n) => with_u64(SUM, *n),
            Request::Echo(p) => with_payload(ECHO, p),
            Request::SumMany(ns) => with_u64s(SUM_MANY, ns),
            Request::CountPrimes(ns) => with_u64s(COUNT_PRIMES, ns),
            Request::Panic => vec![PANIC],
            Request::Consume(p) => with_payload(CONSUME, p),
            Request::Spin(ms) => with_u64(SPIN, *ms),
            Request::Hog { limit_mb } => with_u64(HOG, *limit_mb),
            Request::Sleep(ms) => with_u64(SLEEP, *ms),
            Request::SharedAdd { adds, way, parties } => {
                let way = Sharing::ALL.iter().position(|w| w == way).unwrap_or(0) as u64;
                with_u64s(SHARED_ADD, &[*adds, way, *parties])
            }
            Request::Memory => vec![MEMORY],
        }
    }

    pub fn decode(bytes: &[u8]) -> Result<Request, String> {
        match bytes.first() {
            Some(&SET) => Ok(Request::SetGlobal(read_u64(bytes)?)),
            Some(&GET) => Ok(Request::GetGlobal),
            Some(&SUM) => Ok(Request::SumTo(read_u64(bytes)?)),
            Some(&ECHO) => Ok(Request::Echo(bytes[1..].to_vec())),
            Some(&SUM_MANY) => Ok(Request::SumMany(read_u64s(bytes)?)),
            Some(&COUNT_PRIMES) => Ok(Request::CountPrimes(read_u64s(bytes)?)),
            Some(&PANIC) => Ok(Request::Panic),
            Some(&CONSUME) => Ok(Request::Consume(bytes[1..].to_vec())),
            Some(&SPIN) => Ok(Request::Spin(read_u64(bytes)?)),
            Some(&HOG) => Ok(Request::Hog {
                limit_mb: read_u64(bytes)?,
            }),
            Some(&SLEEP) => Ok(Request::Sleep(read_u64(bytes)?)),
            Some(&SHARED_ADD) => match read_u64s(bytes)?[..] {
                [adds, way, parties] => {
                    let way = *Sharing::ALL
                        .get(way as usize)
                        .ok_or("an unknown way of sharing")?;
                    Ok(Request::SharedAdd { adds, way, parties })
                }
                _ => Err("a shared add needs three numbers".into()),
            },
            Some(&MEMORY) => Ok(Request::Memory),
            other => Err(format!("unknown request tag {other:?}")),
        }
    }
}

impl Reply {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Reply::Value(v) => with_u64(VALUE, *v),
            Reply::Values(vs) => with_u64s(VALUES, vs),
            Reply::Echo(p) => with_payload(ECHOED, p),
        }
    }

    pub fn decode(bytes: &[u8]) -> Result<Reply, String> {
        match bytes.first() {
            Some(&VALUE) => Ok(Reply::Value(read_u64(bytes)?)),
            Some(&VALUES) => Ok(Reply::Values(read_u64s(bytes)?)),
            Some(&ECHOED) => Ok(Reply::Echo(bytes[1..].to_vec())),
            other => Err(format!("unknown reply tag {other:?}")),
        }
    }
}

/// compute(n) by the formula, to check the summing loop's answers.
pub fn sum_to_by_formula(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        ((n as u128 * (n as u128 - 1)) / 2) as u64
    }
}

/// compute(n) = 0 + 1 + … + (n − 1), summed one by one (`black_box` keeps the compiler from
/// replacing the loop with n(n − 1)/2).
pub fn sum_to(n: u64) -> u64 {
    sum_between(0, n)
}

/// from + … + (to − 1), summed one by one. Never inlined: every model of the matrix (and every
/// process) runs this same machine code, so none is faster for being compiled differently.
#[inline(never)]
#[optimize(speed)]
pub fn sum_between(from: u64, to: u64) -> u64 {
    let mut total = 0u64;
    for i in from..std::hint::black_box(to) {
        total = total.wrapping_add(std::hint::black_box(i));
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        for r in [
            Request::SetGlobal(42),
            Request::GetGlobal,
            Request::SumTo(u64::MAX),
            Request::Echo(vec![1, 2, 3]),
            Request::SumMany(vec![1, 2]),
            Request::CountPrimes(vec![10, 20]),
            Request::Panic,
            Request::Consume(vec![9; 3]),
            Request::Spin(5),
            Request::Hog { limit_mb: 64 },
            Request::Sleep(3),
            Request::SharedAdd {
                adds: 9,
                way: Sharing::Local,
                parties: 2,
            },
            Request::Memory,
        ] {
            assert_eq!(Request::decode(&r.encode()), Ok(r));
        }
        for r in [
            Reply::Value(7),
            Reply::Values(vec![3, 4]),
            Reply::Echo(vec![]),
        ] {
            assert_eq!(Reply::decode(&r.encode()), Ok(r));
        }
        assert!(Request::decode(&[]).is_err());
        assert!(Request::decode(&[SET, 1]).is_err());
        assert!(
            Request::decode(&with_u64s(SHARED_ADD, &[1, 7, 2])).is_err(),
            "no such way"
        );
    }

    #[test]
    fn compute_is_the_triangle_number() {
        assert_eq!(sum_to(0), 0);
        assert_eq!(sum_to(1_000), 499_500);
        for n in [0, 1, 2, 12_345] {
            assert_eq!(sum_to(n), sum_to_by_formula(n));
        }
        assert_eq!(sum_between(10, 20) + sum_to(10), sum_to(20));
    }
}
