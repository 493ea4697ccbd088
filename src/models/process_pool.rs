//! A process pool: P processes, a queue of chunks of tasks, one driver per process on the event
//! loop sending it the next chunk as soon as it answered the last. What happens when a process
//! dies (a panic, running out of memory) depends on the pool's `Rules`:
//!
//! - this playground's own design (`Rules::Playground`, the default): the dead process, or one
//!   that does not answer within the pool's timeout (and is terminated), is replaced by a new
//!   one and its chunk is run again, so the map still returns every answer, in input order;
//! - `concurrent.futures.ProcessPoolExecutor`'s (`Rules::Executor`): the pool breaks, the other
//!   processes are terminated, every task not yet answered fails with `BrokenProcessPool`, and
//!   the pool takes no more work;
//! - `multiprocessing.Pool`'s (`Rules::MpPool`): the dead process is replaced, but the tasks it
//!   held are lost: their answers never arrive and the map waits for them until its caller's
//!   timeout (without one, for ever).

use crate::core::process::{Reply, Request};
use crate::core::sync::{CancelSignal, cancel_signal};
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

/// Whose rules the pool follows when one of its processes dies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rules {
    /// This playground's own design: a dead process (or one that missed `timeout_ms`, and was
    /// terminated) is replaced and its chunk runs again, so every answer arrives.
    #[default]
    Playground,
    /// `concurrent.futures.ProcessPoolExecutor`: a process that dies abruptly breaks the pool.
    /// The other processes are terminated, every task not yet answered fails with
    /// `BrokenProcessPool`, and the pool refuses more work. The pool times nothing out:
    /// `timeout_ms` is how long its caller waits (`map(..., timeout=)`, `wait(fs, timeout)`).
    Executor,
    /// `multiprocessing.Pool`: a dead process is replaced, but the tasks it held are lost: their
    /// answers never arrive, and `map` would wait for ever. `timeout_ms` is how long its caller
    /// waits (`map_async(...).get(timeout)`).
    MpPool,
}

impl Rules {
    pub const ALL: [Rules; 3] = [Rules::Playground, Rules::Executor, Rules::MpPool];

    /// Its name in a URL.
    pub fn key(self) -> &'static str {
        match self {
            Rules::Playground => "playground",
            Rules::Executor => "executor",
            Rules::MpPool => "pool",
        }
    }

    pub fn from_key(key: &str) -> Option<Rules> {
        Rules::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Rules::Playground => "this playground's rules",
            Rules::Executor => "ProcessPoolExecutor's rules",
            Rules::MpPool => "multiprocessing.Pool's rules",
        }
    }
}

/// What `BrokenProcessPool` says of a task that was running or pending when the pool broke
/// (CPython 3.11 to 3.13).
pub const BROKEN_TASK: &str = "A process in the process pool was terminated abruptly while the future was running or pending.";
/// What `BrokenProcessPool` says to a `submit` on a broken pool (CPython 3.11 to 3.13).
pub const BROKEN_SUBMIT: &str =
    "A child process terminated abruptly, the process pool is not usable anymore";

/// What became of one task of a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Its answer arrived on try number `tries` (2 or more: run again after its process died).
    Answered { tries: u32 },
    /// `BrokenProcessPool`: the pool broke while it was running or pending.
    Broken,
    /// Its process died with it and nothing runs it again: its answer never arrives.
    Lost,
    /// No answer yet when the caller stopped waiting: a process still had it (`running`), or it
    /// was still queued.
    Unanswered { running: bool },
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapOutcome {
    /// Each task's answer (compute(n), the primes below n), in input order; 0 where `fates`
    /// says no answer arrived.
    pub results: Vec<u64>,
    /// What became of each task, in input order.
    pub fates: Vec<Fate>,
    pub spans: Vec<Span>,
    /// Why each crashed process died.
    pub crashes: Vec<String>,
    /// Processes a broken pool terminated (ProcessPoolExecutor's rules).
    pub terminated: usize,
    pub wall_ms: f64,
}

/// Why a map could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolError {
    Process(ProcessError),
    /// The pool is broken (ProcessPoolExecutor's rules): it refuses work, as `submit` does.
    Broken,
}

impl From<ProcessError> for PoolError {
    fn from(e: ProcessError) -> PoolError {
        PoolError::Process(e)
    }
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolError::Process(e) => e.fmt(f),
            PoolError::Broken => write!(f, "BrokenProcessPool: {BROKEN_SUBMIT}"),
        }
    }
}

/// A process and the number of its lane (a replacement gets a new number).
struct Slot {
    process: Process,
    lane: usize,
}

pub struct Pool {
    slots: Vec<Slot>,
    next_lane: usize,
    /// Under this playground's rules: a chunk not answered within this is given up, its process
    /// terminated and replaced. Under CPython's: how long the caller waits for the whole map,
    /// from its start (the pool itself ends nothing).
    pub timeout_ms: Option<f64>,
    pub rules: Rules,
    /// Start-up of each process, as spans on their lanes.
    pub startup: Vec<Span>,
    broken: bool,
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

/// How a driver's wait for its process's answer ended.
enum Ended {
    Reply(Result<Vec<u8>, ProcessError>),
    /// Another process died and broke the pool (ProcessPoolExecutor's rules).
    PoolBroke,
    /// The caller stopped waiting.
    Deadline,
}

/// Resolves when the pool breaks or the caller's deadline passes (never, for neither).
async fn stop(broke: CancelSignal, deadline: Option<f64>) -> Ended {
    use futures::future::{Either, select};
    let until = async move {
        match deadline {
            Some(at) => engine::sleep_ms((at - engine::now_ms()).max(0.0)).await,
            None => futures::future::pending::<()>().await,
        }
    };
    match select(broke, std::pin::pin!(until)).await {
        Either::Left(_) => Ended::PoolBroke,
        Either::Right(_) => Ended::Deadline,
    }
}

/// What one map's drivers share.
struct MapState {
    queue: RefCell<VecDeque<(usize, Vec<Job>)>>,
    results: RefCell<Vec<u64>>,
    fates: RefCell<Vec<Fate>>,
    tries: RefCell<Vec<u32>>,
    spans: RefCell<Vec<Span>>,
    crashes: RefCell<Vec<String>>,
    terminated: Cell<usize>,
    next_lane: Cell<usize>,
    /// When the pool broke (ProcessPoolExecutor's rules), on the shared clock.
    broke_at: Cell<Option<f64>>,
    break_pool: RefCell<Option<futures::channel::oneshot::Sender<()>>>,
}

impl MapState {
    fn set_fates(&self, first: usize, len: usize, fate: Fate) {
        self.fates.borrow_mut()[first..first + len].fill(fate);
    }

    /// ProcessPoolExecutor's rules: every task not answered yet fails, and every driver still
    /// waiting on its process hears of it.
    fn break_pool(&self) {
        self.broke_at.set(Some(engine::now_ms()));
        for (first, jobs) in self.queue.borrow_mut().drain(..) {
            self.set_fates(first, jobs.len(), Fate::Broken);
        }
        if let Some(tx) = self.break_pool.borrow_mut().take() {
            let _ = tx.send(());
        }
    }

    /// A process the broken pool ends: its lane says so.
    fn terminated_by_the_break(&self, slot: &Slot, task: usize, label: String, start: f64) {
        slot.process.terminate();
        self.terminated.set(self.terminated.get() + 1);
        self.spans.borrow_mut().push(Span::since(
            task,
            Lane::Process(slot.lane),
            format!("{label}BrokenProcessPool: terminated, the pool is broken"),
            SpanKind::Failed,
            start,
        ));
    }
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
            rules: Rules::Playground,
            startup,
            broken: false,
        })
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// True once a process died under ProcessPoolExecutor's rules: the pool refuses work.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// Runs `jobs` in chunks of `chunk` tasks on the pool; results in input order.
    pub async fn map(&mut self, jobs: &[Job], chunk: usize) -> Result<MapOutcome, PoolError> {
        if self.broken {
            return Err(PoolError::Broken);
        }
        let chunk = chunk.max(1);
        let (break_tx, broke) = cancel_signal();
        let state = MapState {
            queue: RefCell::new(
                jobs.chunks(chunk)
                    .enumerate()
                    .map(|(c, js)| (c * chunk, js.to_vec()))
                    .collect(),
            ),
            results: RefCell::new(vec![0u64; jobs.len()]),
            fates: RefCell::new(vec![Fate::Unanswered { running: false }; jobs.len()]),
            tries: RefCell::new(vec![0; jobs.len()]),
            spans: RefCell::new(Vec::new()),
            crashes: RefCell::new(Vec::new()),
            terminated: Cell::new(0),
            next_lane: Cell::new(self.next_lane),
            broke_at: Cell::new(None),
            break_pool: RefCell::new(Some(break_tx)),
        };
        let t0 = engine::now_ms();
        let rules = self.rules;
        // Only this playground's pool gives up on a process; CPython's callers give up waiting.
        let (per_call, deadline) = match rules {
            Rules::Playground => (self.timeout_ms, None),
            Rules::Executor | Rules::MpPool => (None, self.timeout_ms.map(|t| t0 + t)),
        };
        let drivers = std::mem::take(&mut self.slots).into_iter().map(|mut slot| {
            let (state, broke) = (&state, broke.clone());
            async move {
                loop {
                    if deadline.is_some_and(|at| engine::now_ms() >= at) {
                        return Ok::<Option<Slot>, PoolError>(Some(slot));
                    }
                    let next = state.queue.borrow_mut().pop_front();
                    let Some((first, chunk_jobs)) = next else {
                        return Ok(Some(slot));
                    };
                    let len = chunk_jobs.len();
                    state.set_fates(first, len, Fate::Unanswered { running: true });
                    for t in &mut state.tries.borrow_mut()[first..first + len] {
                        *t += 1;
                    }
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
                    let label = format!("tasks {}–{}", first, first + len - 1);
                    let start = engine::now_ms();
                    let lane = Lane::Process(slot.lane);
                    let ended = {
                        use futures::future::{Either, select};
                        let bytes = request.encode();
                        let call = async {
                            match per_call {
                                Some(t) => engine::call_within(&slot.process, &bytes, t).await,
                                None => slot.process.call(&bytes, false).await,
                            }
                        };
                        let stop = stop(broke.clone(), deadline);
                        match select(std::pin::pin!(call), std::pin::pin!(stop)).await {
                            Either::Left((reply, _)) => Ended::Reply(reply),
                            Either::Right((ended, _)) => ended,
                        }
                    };
                    match ended {
                        Ended::Reply(Ok(bytes)) => {
                            let values = match Reply::decode(&bytes) {
                                Ok(Reply::Values(values)) => values,
                                Ok(Reply::Value(_)) if waits > 0 => vec![0; len],
                                _ => {
                                    return Err(
                                        ProcessError::Died("an unexpected reply".into()).into()
                                    );
                                }
                            };
                            state.results.borrow_mut()[first..first + values.len()]
                                .copy_from_slice(&values);
                            for i in first..first + len {
                                let tries = state.tries.borrow()[i];
                                state.fates.borrow_mut()[i] = Fate::Answered { tries };
                            }
                            let kind = if waits > 0 {
                                SpanKind::Wait
                            } else {
                                SpanKind::Run
                            };
                            state
                                .spans
                                .borrow_mut()
                                .push(Span::since(first, lane, label, kind, start));
                        }
                        Ended::Reply(Err(
                            failure @ (ProcessError::Died(_) | ProcessError::TimedOut),
                        )) => {
                            let why = match failure {
                                ProcessError::Died(why) => why,
                                _ => format!(
                                    "no answer within {:.0} ms: terminated",
                                    per_call.unwrap_or_default()
                                ),
                            };
                            state.spans.borrow_mut().push(Span::since(
                                first,
                                lane,
                                format!("{label}: {why}"),
                                SpanKind::Failed,
                                start,
                            ));
                            state
                                .crashes
                                .borrow_mut()
                                .push(format!("process {}: {why}", slot.lane));
                            match rules {
                                Rules::Playground => {
                                    // Run the chunk again, without the crash, on a new process.
                                    let retry =
                                        chunk_jobs.iter().map(|j| j.without_fault()).collect();
                                    state.queue.borrow_mut().push_back((first, retry));
                                }
                                Rules::MpPool => state.set_fates(first, len, Fate::Lost),
                                Rules::Executor => {
                                    state.set_fates(first, len, Fate::Broken);
                                    state.break_pool();
                                    return Ok(None);
                                }
                            }
                            let lane = state.next_lane.get();
                            state.next_lane.set(lane + 1);
                            let (replacement, span) = start_one(lane).await?;
                            state.spans.borrow_mut().push(span);
                            slot = replacement;
                        }
                        Ended::Reply(Err(other)) => return Err(other.into()),
                        Ended::PoolBroke => {
                            state.set_fates(first, len, Fate::Broken);
                            state.terminated_by_the_break(
                                &slot,
                                first,
                                format!("{label}: "),
                                start,
                            );
                            return Ok(None);
                        }
                        Ended::Deadline => {
                            // The process keeps its task (nothing ends it): the caller gave up.
                            state.spans.borrow_mut().push(Span::since(
                                first,
                                lane,
                                format!("{label}: no answer when the caller stopped waiting"),
                                SpanKind::Blocked,
                                start,
                            ));
                            return Ok(Some(slot));
                        }
                    }
                }
            }
        });
        let slots = futures::future::try_join_all(drivers).await?;
        let mut slots: Vec<Slot> = slots.into_iter().flatten().collect();
        if let Some(at) = state.broke_at.get() {
            // A process idle when the pool broke is terminated too.
            for slot in slots.drain(..) {
                state.terminated_by_the_break(&slot, 0, String::new(), at);
            }
            self.broken = true;
        }
        let lost = state.fates.borrow().contains(&Fate::Lost);
        if lost && rules == Rules::MpPool {
            // A lost answer never arrives: the map waits for it as long as its caller does.
            match deadline {
                Some(at) => engine::sleep_ms((at - engine::now_ms()).max(0.0)).await,
                None => futures::future::pending::<()>().await,
            }
        }
        self.slots = slots;
        self.next_lane = state.next_lane.get();
        Ok(MapOutcome {
            results: state.results.into_inner(),
            fates: state.fates.into_inner(),
            spans: state.spans.into_inner(),
            crashes: state.crashes.into_inner(),
            terminated: state.terminated.get(),
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

    fn broken_pool_rules(processes: usize, js: &[Job]) -> (Pool, MapOutcome) {
        let mut pool = block_on(Pool::start(processes)).unwrap();
        pool.rules = Rules::Executor;
        pool.timeout_ms = Some(60_000.0); // the caller's patience: never reached here
        let out = block_on(pool.map(js, 1)).unwrap();
        (pool, out)
    }

    #[test]
    fn under_the_executors_rules_a_crash_breaks_the_pool_and_terminates_the_others() {
        let _cpu = crate::testing::exclusive_cpu();
        // Three processes: task 1 crashes while tasks 0 and 2 wait on the others (for far
        // longer than a crash takes to be noticed), and tasks 3.. are queued.
        let mut js = vec![Job::Wait(30_000); 6];
        js[1] = Job::FailOnce(1, Fault::Panic);
        let (mut pool, out) = broken_pool_rules(3, &js);
        assert_eq!(
            out.fates,
            vec![Fate::Broken; 6],
            "running and pending tasks all fail"
        );
        assert_eq!(out.crashes.len(), 1, "{:?}", out.crashes);
        assert!(
            out.crashes[0].contains("crashed on purpose"),
            "{:?}",
            out.crashes
        );
        let failed: Vec<&Span> = out
            .spans
            .iter()
            .filter(|s| s.kind == SpanKind::Failed)
            .collect();
        let lanes: std::collections::BTreeSet<Lane> = failed.iter().map(|s| s.lane).collect();
        assert_eq!(lanes.len(), 3, "every process's lane ends: {failed:?}");
        assert_eq!(
            failed
                .iter()
                .filter(|s| s.label.contains("BrokenProcessPool: terminated"))
                .count(),
            2,
            "the two live processes were terminated: {failed:?}"
        );
        assert_eq!(out.terminated, 2);
        assert!(
            !out.spans.iter().any(|s| s.lane == Lane::Process(3)),
            "no replacement"
        );
        assert!(pool.is_broken());
        assert_eq!(pool.size(), 0);
        let refused = block_on(pool.map(&jobs(2), 1));
        assert_eq!(
            refused,
            Err(PoolError::Broken),
            "a broken pool refuses more work"
        );
        assert!(PoolError::Broken.to_string().contains(BROKEN_SUBMIT));
    }

    #[test]
    fn under_the_executors_rules_answers_in_before_the_crash_are_kept() {
        let _cpu = crate::testing::exclusive_cpu();
        // One process: tasks 0-2 are answered before task 3 is even sent.
        let mut js = jobs(6);
        js[3] = Job::FailOnce(js[3].n(), Fault::Panic);
        let (_pool, out) = broken_pool_rules(1, &js);
        assert_eq!(out.fates[..3], [Fate::Answered { tries: 1 }; 3]);
        assert_eq!(out.results[..3], expected(&js)[..3]);
        assert_eq!(out.fates[3..], [Fate::Broken; 3]);
    }

    #[test]
    fn under_the_mp_pools_rules_the_process_is_replaced_and_its_task_never_answers() {
        let _cpu = crate::testing::exclusive_cpu();
        let mut pool = block_on(Pool::start(2)).unwrap();
        pool.rules = Rules::MpPool;
        let patience = 1_500.0;
        pool.timeout_ms = Some(patience);
        let mut js = jobs(8);
        js[2] = Job::FailOnce(js[2].n(), Fault::Panic);
        let out = block_on(pool.map(&js, 1)).unwrap();
        assert_eq!(out.fates[2], Fate::Lost, "not run again");
        for (i, fate) in out.fates.iter().enumerate().filter(|(i, _)| *i != 2) {
            assert_eq!(*fate, Fate::Answered { tries: 1 }, "task {i}");
            assert_eq!(out.results[i], expected(&js)[i], "task {i}");
        }
        assert_eq!(out.crashes.len(), 1, "{:?}", out.crashes);
        let lanes: std::collections::BTreeSet<Lane> = out.spans.iter().map(|s| s.lane).collect();
        assert!(lanes.contains(&Lane::Process(2)), "replaced: {lanes:?}");
        assert!(
            out.wall_ms >= patience - 0.5,
            "waited for the lost answer until the caller's timeout: {}",
            out.wall_ms
        );
        assert!(!pool.is_broken());
        assert_eq!(pool.size(), 2);
        pool.terminate();
    }

    #[test]
    fn under_cpythons_rules_nothing_ends_a_hung_task_the_caller_stops_waiting() {
        let _cpu = crate::testing::exclusive_cpu();
        for rules in [Rules::Executor, Rules::MpPool] {
            let mut pool = block_on(Pool::start(2)).unwrap();
            pool.rules = rules;
            pool.timeout_ms = Some(500.0);
            let mut js = jobs(6);
            js[1] = Job::FailOnce(js[1].n(), Fault::Hang { ms: 60_000 });
            let out = block_on(pool.map(&js, 1)).unwrap();
            assert_eq!(
                out.fates[1],
                Fate::Unanswered { running: true },
                "{rules:?}"
            );
            assert_eq!(
                out.fates
                    .iter()
                    .filter(|f| matches!(f, Fate::Answered { .. }))
                    .count(),
                5,
                "{rules:?}: the other process answered the rest: {:?}",
                out.fates
            );
            assert!(
                out.crashes.is_empty(),
                "{rules:?}: not terminated, not replaced"
            );
            assert!(
                out.spans
                    .iter()
                    .any(|s| s.kind == SpanKind::Blocked && s.task == 1),
                "{rules:?}"
            );
            assert!(!pool.is_broken());
            pool.terminate(); // ends the hung process (natively at its next check of the flag)
        }
    }

    #[test]
    fn rules_round_trip_through_their_url_key() {
        for rules in Rules::ALL {
            assert_eq!(Rules::from_key(rules.key()), Some(rules));
        }
        assert_eq!(Rules::from_key("nonsense"), None);
        assert_eq!(Rules::default(), Rules::Playground);
    }
}
