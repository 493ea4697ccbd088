//! The "process" protocol: what the page and an isolated worker say to each other. A process
//! shares no memory with anyone, so every request and reply crosses as bytes (copied, or
//! moved when the transport can transfer buffers). The same types serve the browser (Web Workers
//! with their own wasm instance) and the native twin (threads that share nothing but channels).

use std::sync::atomic::{AtomicU64, Ordering};

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
const VALUES: u8 = 106;
const VALUE: u8 = 101;
const ECHOED: u8 = 104;

fn with_u64(tag: u8, n: u64) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&n.to_le_bytes());
    out
}

fn read_u64(bytes: &[u8]) -> Result<u64, String> {
    let arr: [u8; 8] = bytes.get(1..9).and_then(|b| b.try_into().ok()).ok_or("a message too short for its number")?;
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
    if body.len() % 8 != 0 {
        return Err("a list of numbers with a ragged end".into());
    }
    Ok(body.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect())
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
            Request::Panic => vec![PANIC],
            Request::Consume(p) => with_payload(CONSUME, p),
            Request::Spin(ms) => with_u64(SPIN, *ms),
            Request::Hog { limit_mb } => with_u64(HOG, *limit_mb),
            Request::Sleep(ms) => with_u64(SLEEP, *ms),
        }
    }

    pub fn decode(bytes: &[u8]) -> Result<Request, String> {
        match bytes.first() {
            Some(&SET) => Ok(Request::SetGlobal(read_u64(bytes)?)),
            Some(&GET) => Ok(Request::GetGlobal),
            Some(&SUM) => Ok(Request::SumTo(read_u64(bytes)?)),
            Some(&ECHO) => Ok(Request::Echo(bytes[1..].to_vec())),
            Some(&SUM_MANY) => Ok(Request::SumMany(read_u64s(bytes)?)),
            Some(&PANIC) => Ok(Request::Panic),
            Some(&CONSUME) => Ok(Request::Consume(bytes[1..].to_vec())),
            Some(&SPIN) => Ok(Request::Spin(read_u64(bytes)?)),
            Some(&HOG) => Ok(Request::Hog { limit_mb: read_u64(bytes)? }),
            Some(&SLEEP) => Ok(Request::Sleep(read_u64(bytes)?)),
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
    if n == 0 { 0 } else { ((n as u128 * (n as u128 - 1)) / 2) as u64 }
}

/// compute(n) = 0 + 1 + … + (n − 1), summed one by one (`black_box` keeps the compiler from
/// replacing the loop with n(n − 1)/2).
pub fn sum_to(n: u64) -> u64 {
    sum_between(0, n)
}

/// from + … + (to − 1), summed one by one. Never inlined: every model of the matrix (and every
/// process) runs this same machine code, so none is faster for being compiled differently.
#[inline(never)]
pub fn sum_between(from: u64, to: u64) -> u64 {
    let mut total = 0u64;
    for i in from..std::hint::black_box(to) {
        total = total.wrapping_add(std::hint::black_box(i));
    }
    total
}

/// What a process does with one request. `global` is the process's own global value: in the
/// browser a static in the process's own wasm memory, natively a value its thread owns.
pub fn handle(request: Request, global: &AtomicU64) -> Reply {
    match request {
        Request::SetGlobal(v) => {
            global.store(v, Ordering::SeqCst);
            Reply::Value(v)
        }
        Request::GetGlobal => Reply::Value(global.load(Ordering::SeqCst)),
        Request::SumTo(n) => Reply::Value(sum_to(n)),
        Request::SumMany(ns) => Reply::Values(ns.into_iter().map(sum_to).collect()),
        Request::Echo(p) => Reply::Echo(p),
        Request::Panic => panic!("a process crashed on purpose"),
        Request::Consume(p) => Reply::Value(p.len() as u64),
        Request::Spin(ms) => {
            crate::engine::busy_for(ms as f64);
            Reply::Value(ms)
        }
        Request::Hog { limit_mb } => hog(limit_mb),
        Request::Sleep(ms) => {
            crate::engine::block_for(ms as f64);
            Reply::Value(ms)
        }
    }
}

/// Grows a heap of touched 16 MB blocks until an allocation fails (in the browser the instance's
/// memory stops at 1 GiB) or `limit_mb` is reached, then panics saying which: a process that
/// runs out of memory.
fn hog(limit_mb: u64) -> ! {
    const BLOCK: usize = 16 << 20;
    let mut held: Vec<Vec<u8>> = Vec::new();
    loop {
        if (held.len() * BLOCK) as u64 >= limit_mb << 20 {
            panic!("out of memory: reached this process's limit of {limit_mb} MB");
        }
        let mut block = Vec::new();
        if block.try_reserve_exact(BLOCK).is_err() || held.try_reserve(1).is_err() {
            panic!("out of memory: an allocation failed after {} MB", held.len() * BLOCK >> 20);
        }
        // Touch it, so the memory is really taken (copies of a small block: quick in any build).
        static ONES: [u8; 1 << 16] = [1; 1 << 16];
        while block.len() < BLOCK {
            block.extend_from_slice(&ONES);
        }
        held.push(std::hint::black_box(block));
    }
}

/// Decodes, handles, encodes: a process's whole main loop body, bytes in and bytes out.
pub fn serve(bytes: &[u8], global: &AtomicU64) -> Vec<u8> {
    match Request::decode(bytes) {
        Ok(request) => handle(request, global).encode(),
        Err(e) => panic!("a process got a bad request: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        for r in [Request::SetGlobal(42), Request::GetGlobal, Request::SumTo(u64::MAX), Request::Echo(vec![1, 2, 3]), Request::SumMany(vec![1, 2]), Request::Panic, Request::Consume(vec![9; 3]), Request::Spin(5), Request::Hog { limit_mb: 64 }, Request::Sleep(3)] {
            assert_eq!(Request::decode(&r.encode()), Ok(r));
        }
        for r in [Reply::Value(7), Reply::Values(vec![3, 4]), Reply::Echo(vec![])] {
            assert_eq!(Reply::decode(&r.encode()), Ok(r));
        }
        assert!(Request::decode(&[]).is_err());
        assert!(Request::decode(&[SET, 1]).is_err());
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

    #[test]
    fn consume_answers_with_the_length_and_spin_holds_the_cpu() {
        let g = AtomicU64::new(0);
        assert_eq!(handle(Request::Consume(vec![0; 1000]), &g), Reply::Value(1000));
        let t = crate::engine::now_ms();
        assert_eq!(handle(Request::Spin(30), &g), Reply::Value(30));
        assert!(crate::engine::now_ms() - t >= 30.0);
    }

    #[test]
    fn hog_dies_of_its_memory_limit() {
        crate::engine::contain_panics_on_this_thread(); // not a pool thread's panic
        let died = std::panic::catch_unwind(|| hog(48)).unwrap_err();
        let message = died.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("out of memory") && message.contains("48 MB"), "{message}");
    }

    #[test]
    fn each_global_is_its_own() {
        let (a, b) = (AtomicU64::new(0), AtomicU64::new(0));
        assert_eq!(handle(Request::SetGlobal(5), &a), Reply::Value(5));
        assert_eq!(handle(Request::GetGlobal, &b), Reply::Value(0));
        assert_eq!(serve(&Request::GetGlobal.encode(), &a), Reply::Value(5).encode());
    }
}
