//! A process pool (ProcessPoolExecutor): P processes, a queue of chunks of tasks, one driver per
//! process on the event loop sending it the next chunk as soon as it answered the last. A
//! process that dies (a panic, running out of memory) or does not answer within the pool's
//! timeout (and is terminated) is replaced by a new one and its chunk is run again, so the map
//! still returns every answer, in input order.

use crate::core::process::{Reply, Request};
use crate::core::trace::{Lane, Span, SpanKind};
use crate::engine::{self, Process, ProcessError};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

/// One task of a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// compute(n).
    Sum(u64),
    /// The primes below n (the compare page's CPU task).
    Primes(u64),
    /// Fail the first time it is tried; compute(n) when run again (a transient fault).
    FailOnce(u64, Fault),
    /// Block for this many milliseconds (waiting work); its answer is 0.
    Wait(u64),
}

/// How a task can take its process down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A panic: the process's instance aborts.
    Panic,
    /// It allocates until the allocator refuses (capped at `limit_mb`).
    OutOfMemory { limit_mb: u64 },
    /// It blocks for `ms` without answering (as on a lock nobody releases): only the pool's
    /// timeout ends it. Blocked, not computing: on 2 cores a process spinning beside the others
    /// kept the page's own thread from running for tens of ms at a time.
    Hang { ms: u64 },
}

impl Fault {
    fn request(self) -> Request {
        match self {
            Fault::Panic => Request::Panic,
            Fault::OutOfMemory { limit_mb } => Request::Hog { limit_mb },
            Fault::Hang { ms } => Request::Sleep(ms),
        }
    }
}

impl Job {
    pub fn n(self) -> u64 {
        match self {
            Job::Sum(n) | Job::Primes(n) | Job::FailOnce(n, _) => n,
            Job::Wait(_) => 0,
        }
    }

    /// The job as it is run again after its process died: without the fault.
    fn without_fault(self) -> Job {
        match self {
            Job::FailOnce(n, _) => Job::Sum(n),
            other => other,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapOutcome {
    /// Each task's answer (compute(n), the primes below n), in input order.
    pub results: Vec<u64>,
    pub spans: Vec<Span>,
    /// Why each crashed process died.
    pub crashes: Vec<String>,
    pub wall_ms: f64,
}

/// A process and the number of its lane (a replacement gets a new number).
struct Slot {
    process: Process,
    lane: usize,
}

pub struct Pool {
    slots: Vec<Slot>,
    next_lane: usize,
    /// A chunk not answered within this is given up: its process is terminated and replaced.
    pub timeout_ms: Option<f64>,
    /// Start-up of each process, as spans on their lanes.
    pub startup: Vec<Span>,
}

async fn start_one(lane: usize) -> Result<(Slot, Span), ProcessError> {
    let start = engine::now_ms();
    let process = Process::spawn().await?;
    let span = Span::since(
        0,
        Lane::Process(lane),
        format!("process {lane}: starts"),
        SpanKind::Wait,
        start,
    );
    Ok((Slot { process, lane }, span))
}

impl Pool {
    /// Starts `n` processes at once and waits until all are ready.
    pub async fn start(n: usize) -> Result<Pool, ProcessError> {
        let started = futures::future::join_all((0..n).map(start_one)).await;
        let (mut slots, mut startup) = (Vec::new(), Vec::new());
        for s in started {
            let (slot, span) = s?;
            slots.push(slot);
            startup.push(span);
        }
        Ok(Pool {
            slots,
            next_lane: n,
            timeout_ms: None,
            startup,
        })
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// Runs `jobs` in chunks of `chunk` tasks on the pool; results in input order.
    pub async fn map(&mut self, jobs: &[Job], chunk: usize) -> Result<MapOutcome, ProcessError> {
        let chunk = chunk.max(1);
        let queue: RefCell<VecDeque<(usize, Vec<Job>)>> = RefCell::new(
            jobs.chunks(chunk)
                .enumerate()
                .map(|(c, js)| (c * chunk, js.to_vec()))
                .collect(),
        );
        let results = RefCell::new(vec![0u64; jobs.len()]);
        let spans = RefCell::new(Vec::new());
        let crashes = RefCell::new(Vec::new());
        let next_lane = Cell::new(self.next_lane);
        let t0 = engine::now_ms();
        let timeout_ms = self.timeout_ms;
        let drivers = std::mem::take(&mut self.slots).into_iter().map(|mut slot| {
            let (queue, results, spans, crashes, next_lane) =
                (&queue, &results, &spans, &crashes, &next_lane);
            async move {
                loop {
                    let next = queue.borrow_mut().pop_front();
                    let Some((first, chunk_jobs)) = next else {
                        return Ok::<Slot, ProcessError>(slot);
                    };
                    let fault = chunk_jobs.iter().find_map(|j| match j {
                        Job::FailOnce(_, fault) => Some(*fault),
                        Job::Sum(_) | Job::Primes(_) | Job::Wait(_) => None,
                    });
                    let waits: u64 = chunk_jobs
                        .iter()
                        .map(|j| if let Job::Wait(ms) = j { *ms } else { 0 })
                        .sum();
                    let request = match fault {
                        Some(fault) => fault.request(),
                        // A chunk of waits is one sleep as long as them all, like a worker
                        // running its chunk's blocking calls one after another.
                        None if waits > 0 => Request::Sleep(waits),
                        // A map runs one function: a chunk's tasks are of one kind.
                        None => {
                            let ns = chunk_jobs.iter().map(|j| j.n()).collect();
                            if matches!(chunk_jobs[0], Job::Primes(_)) {
                                Request::CountPrimes(ns)
                            } else {
                                Request::SumMany(ns)
                            }
                        }
                    };
                    let label = format!("tasks {}–{}", first, first + chunk_jobs.len() - 1);
                    let start = engine::now_ms();
                    let lane = Lane::Process(slot.lane);
                    let reply = match timeout_ms {
                        Some(t) => engine::call_within(&slot.process, &request.encode(), t).await,
                        None => slot.process.call(&request.encode(), false).await,
                    };
                    match reply {
                        Ok(bytes) => {
                            let values = match Reply::decode(&bytes) {
                                Ok(Reply::Values(values)) => values,
                                Ok(Reply::Value(_)) if waits > 0 => vec![0; chunk_jobs.len()],
                                _ => return Err(ProcessError::Died("an unexpected reply".into())),
                            };
                            results.borrow_mut()[first..first + values.len()]
                                .copy_from_slice(&values);
                            spans.borrow_mut().push(Span::since(
                                first,
                                lane,
                                label,
                                if waits > 0 {
                                    SpanKind::Wait
                                } else {
                                    SpanKind::Run
                                },
                                start,
                            ));
                        }
                        Err(failure @ (ProcessError::Died(_) | ProcessError::TimedOut)) => {
                            let why = match failure {
                                ProcessError::Died(why) => why,
                                _ => format!(
                                    "no answer within {:.0} ms: terminated",
                                    timeout_ms.unwrap_or_default()
                                ),
                            };
                            spans.borrow_mut().push(Span::since(
                                first,
                                lane,
                                format!("{label}: {why}"),
                                SpanKind::Failed,
                                start,
                            ));
                            crashes
                                .borrow_mut()
                                .push(format!("process {}: {why}", slot.lane));
                            // Run the chunk again, this time without the crash, on a new process.
                            let retry = chunk_jobs.iter().map(|j| j.without_fault()).collect();
                            queue.borrow_mut().push_back((first, retry));
                            let lane = next_lane.get();
                            next_lane.set(lane + 1);
                            let (replacement, span) = start_one(lane).await?;
                            spans.borrow_mut().push(span);
                            slot = replacement;
                        }
                        Err(other) => return Err(other),
                    }
                }
            }
        });
        let slots = futures::future::try_join_all(drivers).await?;
        self.slots = slots;
        self.next_lane = next_lane.get();
        Ok(MapOutcome {
            results: results.into_inner(),
            spans: spans.into_inner(),
            crashes: crashes.into_inner(),
            wall_ms: engine::now_ms() - t0,
        })
    }

    pub fn terminate(&self) {
        for s in &self.slots {
            s.process.terminate();
        }
    }
}

/// A chunk size that sends each process about four messages.
pub fn good_chunk(tasks: usize, processes: usize) -> usize {
    tasks.div_ceil(4 * processes.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::process::sum_to_by_formula;
    use futures::executor::block_on;

    fn jobs(n: usize) -> Vec<Job> {
        (0..n).map(|i| Job::Sum(1000 + 37 * i as u64)).collect()
    }

    fn expected(jobs: &[Job]) -> Vec<u64> {
        jobs.iter().map(|j| sum_to_by_formula(j.n())).collect()
    }

    #[test]
    fn map_returns_every_answer_in_input_order_for_any_chunking() {
        let _cpu = crate::testing::exclusive_cpu();
        let mut pool = block_on(Pool::start(3)).unwrap();
        let js = jobs(10);
        for chunk in [1, 3, 4, 10, 50] {
            let out = block_on(pool.map(&js, chunk)).unwrap();
            assert_eq!(out.results, expected(&js), "chunk {chunk}");
            assert!(out.crashes.is_empty());
            assert_eq!(
                out.spans.len(),
                js.len().div_ceil(chunk),
                "a span per chunk"
            );
        }
        assert_eq!(pool.size(), 3);
    }

    #[test]
    fn a_crashed_process_is_replaced_and_the_map_completes() {
        let _cpu = crate::testing::exclusive_cpu();
        let mut pool = block_on(Pool::start(2)).unwrap();
        let mut js = jobs(8);
        js[3] = Job::FailOnce(js[3].n(), Fault::Panic);
        let out = block_on(pool.map(&js, 1)).unwrap();
        assert_eq!(
            out.results,
            expected(&js),
            "the right answer despite the crash"
        );
        assert_eq!(out.crashes.len(), 1, "{:?}", out.crashes);
        assert!(
            out.crashes[0].contains("crashed on purpose"),
            "{:?}",
            out.crashes
        );
        let lanes: std::collections::BTreeSet<Lane> = out.spans.iter().map(|s| s.lane).collect();
        assert!(
            lanes.contains(&Lane::Process(2)),
            "a replacement, process 2, took over: {lanes:?}"
        );
        assert_eq!(
            out.spans
                .iter()
                .filter(|s| s.kind == SpanKind::Failed)
                .count(),
            1
        );
        assert_eq!(pool.size(), 2, "still two processes");
        // The pool goes on working afterwards.
        let again = block_on(pool.map(&jobs(4), 2)).unwrap();
        assert_eq!(again.results, expected(&jobs(4)));
    }

    #[test]
    fn a_process_that_hangs_is_timed_out_and_replaced() {
        let _cpu = crate::testing::exclusive_cpu();
        let mut pool = block_on(Pool::start(2)).unwrap();
        pool.timeout_ms = Some(100.0);
        let mut js = jobs(6);
        js[1] = Job::FailOnce(js[1].n(), Fault::Hang { ms: 400 });
        let t = engine::now_ms();
        let out = block_on(pool.map(&js, 1)).unwrap();
        let wall = engine::now_ms() - t;
        assert_eq!(
            out.results,
            expected(&js),
            "the hung task ran again elsewhere"
        );
        assert_eq!(out.crashes.len(), 1, "{:?}", out.crashes);
        assert!(
            out.crashes[0].contains("no answer within 100 ms"),
            "{:?}",
            out.crashes
        );
        assert!(
            wall < 400.0,
            "the map did not wait for the hung task: {wall:.0} ms"
        );
        let failed = out
            .spans
            .iter()
            .find(|s| s.kind == SpanKind::Failed)
            .unwrap();
        assert!(
            failed.end - failed.start >= 100.0,
            "given up at the timeout, not before"
        );
        assert_eq!(pool.size(), 2);
    }

    #[test]
    fn call_within_terminates_a_slow_process() {
        let _cpu = crate::testing::exclusive_cpu();
        let process = block_on(Process::spawn()).unwrap();
        let slow = block_on(engine::call_within(
            &process,
            &Request::Spin(300).encode(),
            50.0,
        ));
        assert_eq!(slow, Err(ProcessError::TimedOut));
        let after = block_on(process.call(&Request::GetGlobal.encode(), false));
        assert!(
            matches!(after, Err(ProcessError::Died(_))),
            "terminated: {after:?}"
        );
        let quick = block_on(Process::spawn()).unwrap();
        let answer = block_on(engine::call_within(
            &quick,
            &Request::SumTo(10).encode(),
            5_000.0,
        ))
        .unwrap();
        assert_eq!(Reply::decode(&answer), Ok(Reply::Value(45)));
    }
}
