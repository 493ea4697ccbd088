//! The native platform: std threads and rayon's own pool. Used by the tests and the benchmark.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Milliseconds since the first call in this process: one clock for every thread.
/// A named instant for the browser's performance timeline (the benchmark reads them); natively
/// there is no such timeline.
pub fn mark(_name: &str) {}

/// Natively every demo's code is in the one binary: nothing to load.
pub async fn load_pages() -> Result<(), String> {
    Ok(())
}

pub fn now_ms() -> f64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    epoch.elapsed().as_secs_f64() * 1000.0
}

pub fn hardware_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Natively every "process" is a thread of this one program: none has a memory of its own.
pub fn instance_memory_bytes() -> usize {
    0
}

/// Natively the pool's threads get their stacks from the system, outside the heap: nothing to
/// report (the browser records what its pool took).
pub fn pool_memory() -> Option<super::PoolMemory> {
    None
}

/// Natively rayon's global pool is always there (started on first use).
pub fn pool_threads() -> usize {
    rayon::current_num_threads()
}

/// Natively rayon's pool computes: the same threads as `pool_threads`.
pub fn compute_threads() -> usize {
    pool_threads()
}

/// Natively no thread stands by for blocking jobs: each starts its own.
pub fn lane_threads() -> usize {
    0
}

/// Natively a demo may start as many threads as it likes (within reason).
pub fn max_threads() -> usize {
    64
}

/// Natively a job that may block gets a std thread of its own when it starts: there are no
/// lanes to start first.
pub async fn start_lanes() -> Result<usize, String> {
    Ok(max_threads())
}

/// See `start_lanes`: always there.
pub fn lanes_now() -> Option<usize> {
    Some(max_threads())
}

/// See `start_lanes`: nothing to fail.
pub fn lanes_trouble() -> Option<String> {
    None
}

/// A thread of its own for a job that may block.
pub fn spawn_thread(job: Box<dyn FnOnce() + Send>) {
    std::thread::spawn(job);
}

/// Native threads always share memory.
pub fn cross_origin_isolated() -> bool {
    true
}

/// Natively the pool needs no start-up; `threads` is what the browser would ask for.
pub async fn init_threads(_threads: usize) -> Result<usize, String> {
    Ok(pool_threads())
}

/// Native panics unwind: a job that panics drops its answer's sender, which says it all.
pub const PANICS_ABORT: bool = false;

/// The default hook has already printed the panic to stderr.
pub fn report_panic(_message: &str) {
    let _ = &super::FATAL; // natively panics unwind: nothing is fatal to the process
}

/// An I/O-like wait: the future holds no thread; the one timer thread wakes it when due.
pub fn sleep_ms(ms: f64) -> impl Future<Output = ()> {
    let state = Arc::new(Mutex::new(SleepState {
        done: false,
        waker: None,
    }));
    let due = Instant::now() + Duration::from_secs_f64(ms.max(0.0) / 1000.0);
    timers::add(due, Arc::clone(&state));
    Sleep { state }
}

struct SleepState {
    done: bool,
    waker: Option<Waker>,
}

struct Sleep {
    state: Arc<Mutex<SleepState>>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.state.lock().unwrap();
        if s.done {
            Poll::Ready(())
        } else {
            s.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// One thread for every native sleep, like the browser's one timer queue: a heap of deadlines,
/// earliest first. (A thread per sleep made hundreds of threads in a test of many waits.)
mod timers {
    use super::SleepState;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    use std::sync::{Arc, Condvar, Mutex, OnceLock};
    use std::time::Instant;

    struct Timer(Instant, u64, Arc<Mutex<SleepState>>);
    impl PartialEq for Timer {
        fn eq(&self, o: &Self) -> bool {
            (self.0, self.1) == (o.0, o.1)
        }
    }
    impl Eq for Timer {}
    impl PartialOrd for Timer {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Timer {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            (self.0, self.1).cmp(&(o.0, o.1))
        }
    }

    struct Queue {
        heap: Mutex<(BinaryHeap<Reverse<Timer>>, u64)>,
        changed: Condvar,
    }

    fn queue() -> &'static Queue {
        static QUEUE: OnceLock<Queue> = OnceLock::new();
        QUEUE.get_or_init(|| {
            std::thread::Builder::new()
                .name("timers".into())
                .spawn(run)
                .expect("the timer thread");
            Queue {
                heap: Mutex::new((BinaryHeap::new(), 0)),
                changed: Condvar::new(),
            }
        })
    }

    pub fn add(due: Instant, state: Arc<Mutex<SleepState>>) {
        let q = queue();
        let mut h = q.heap.lock().unwrap();
        h.1 += 1;
        let seq = h.1;
        h.0.push(Reverse(Timer(due, seq, state)));
        q.changed.notify_one();
    }

    fn run() {
        let q = queue();
        let mut h = q.heap.lock().unwrap();
        loop {
            let now = Instant::now();
            while h.0.peek().is_some_and(|t| t.0.0 <= now) {
                let Reverse(Timer(_, _, state)) = h.0.pop().expect("peeked");
                let mut s = state.lock().unwrap();
                s.done = true;
                if let Some(w) = s.waker.take() {
                    w.wake();
                }
            }
            h = match h.0.peek().map(|t| t.0.0) {
                Some(due) => {
                    q.changed
                        .wait_timeout(h, due.saturating_duration_since(now))
                        .unwrap()
                        .0
                }
                None => q.changed.wait(h).unwrap(),
            };
        }
    }
}

/// Runs a task independently of its creator (the native twin of the browser's `spawn_local`):
/// natively on a thread of its own, so tests can check timing and ordering, not single-threadedness.
pub fn spawn(task: impl Future<Output = ()> + Send + 'static) {
    std::thread::spawn(move || futures::executor::block_on(task));
}

/// Nothing is drawn natively: at once (the browser's waits for its next frame to be drawn).
pub async fn after_paint() {}

/// Gives other tasks of the same executor a turn (natively there is no loop beyond them).
pub fn yield_now() -> impl Future<Output = ()> {
    super::pass()
}

/// One real HTTP/1.0 GET over a loopback socket (the tests run a local server), on a thread of
/// its own so the caller's future holds no thread while it waits. Only `http://host:port/path`.
pub fn fetch(url: &str) -> impl Future<Output = Result<super::Fetched, String>> {
    let (tx, rx) = futures::channel::oneshot::channel();
    let url = url.to_string();
    std::thread::spawn(move || {
        let _ = tx.send(http_get(&url));
    });
    async move {
        rx.await
            .unwrap_or_else(|_| Err("the request thread died".into()))
    }
}

fn http_get(url: &str) -> Result<super::Fetched, String> {
    use std::io::{Read, Write};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only http:// URLs natively: {url}"))?;
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut stream =
        std::net::TcpStream::connect(host).map_err(|e| format!("network error: {e}"))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let head_end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("a malformed response")?;
    let head = String::from_utf8_lossy(&response[..head_end]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status code")?;
    Ok(super::Fetched {
        status,
        bytes: response.len() - head_end - 4,
    })
}

/// Memory several processes map at once: natively an array of atomics the process threads share.
#[derive(Clone, Default)]
pub struct SharedBlock(Arc<crate::core::shared::Words>);

impl SharedBlock {
    pub fn new() -> Result<SharedBlock, String> {
        Ok(SharedBlock::default())
    }

    pub fn load(&self, i: usize) -> i32 {
        crate::core::shared::SharedWords::load(&*self.0, i)
    }
}

/// The native twin of a process: a thread that owns its state (its own global value) and talks
/// only through channels, bytes in and bytes out. A panic kills it alone. A thread cannot be
/// killed, so `terminate` raises a flag its long requests check, and joins it: once terminated,
/// a process uses no more CPU (a test never waits for a hung one to give up).
pub struct Process {
    requests: Mutex<Option<std::sync::mpsc::Sender<(Vec<u8>, ProcessReply)>>>,
    killed: Arc<AtomicBool>,
    /// The block of shared memory this process maps, if any.
    shared: Arc<Mutex<Option<SharedBlock>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

type ProcessReply = futures::channel::oneshot::Sender<Result<Vec<u8>, String>>;

impl Process {
    pub async fn spawn() -> Result<Process, super::ProcessError> {
        let (tx, rx) = std::sync::mpsc::channel::<(Vec<u8>, ProcessReply)>();
        let (ready_tx, ready_rx) = futures::channel::oneshot::channel::<()>();
        let killed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&killed);
        let shared = Arc::new(Mutex::new(None::<SharedBlock>));
        let mapped = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            super::contain_panics_on_this_thread();
            let global = std::sync::atomic::AtomicU64::new(0); // this process's memory
            let is_killed = || flag.load(Ordering::Relaxed);
            let _ = ready_tx.send(());
            for (request, reply) in rx {
                if is_killed() {
                    return;
                }
                let block = mapped.lock().unwrap().clone();
                let words = block
                    .as_ref()
                    .map(|b| &*b.0 as &dyn crate::core::shared::SharedWords);
                let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    super::serve::serve(&request, &global, words, &is_killed)
                }));
                match served {
                    Ok(bytes) => {
                        let _ = reply.send(Ok(bytes));
                    }
                    Err(payload) => {
                        let why = payload
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| payload.downcast_ref::<String>().cloned());
                        let _ = reply.send(Err(format!(
                            "the process crashed: {}",
                            why.unwrap_or_default()
                        )));
                        return; // dead: later requests find the channel closed
                    }
                }
            }
        });
        ready_rx
            .await
            .map_err(|_| super::ProcessError::Died("never ready".into()))?;
        Ok(Process {
            requests: Mutex::new(Some(tx)),
            killed,
            shared,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Maps `block` into this process (replacing any block it had): its later requests see it.
    pub fn attach(&self, block: &SharedBlock) -> Result<(), super::ProcessError> {
        *self.shared.lock().unwrap() = Some(block.clone());
        Ok(())
    }

    /// Natively every message is a copy; `transfer` is accepted and means the same.
    pub async fn call(
        &self,
        request: &[u8],
        _transfer: bool,
    ) -> Result<Vec<u8>, super::ProcessError> {
        let (tx, rx) = futures::channel::oneshot::channel();
        let sent = match self.requests.lock().unwrap().as_ref() {
            Some(requests) => requests.send((request.to_vec(), tx)).is_ok(),
            None => false,
        };
        if !sent {
            return Err(super::ProcessError::Died("the process is gone".into()));
        }
        match rx.await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(why)) => Err(super::ProcessError::Died(why)),
            Err(_) => Err(super::ProcessError::Died("the process went away".into())),
        }
    }

    /// Ends the process: its request in hand stops at the next check of the flag (within a few
    /// milliseconds), and the thread is joined.
    pub fn terminate(&self) {
        self.killed.store(true, Ordering::Relaxed);
        self.requests.lock().unwrap().take();
        if let Some(thread) = self.thread.lock().unwrap().take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// The native twin of the subprocess demo's programs: real child processes, each a small shell
/// script doing what `www/subprocess.js` does in the browser.
fn shell_script(argv: &[String]) -> String {
    let arg = |i: usize| {
        argv.get(i)
            .map(|a| a.chars().filter(|c| c.is_ascii_digit()).collect::<String>())
            .filter(|a| !a.is_empty())
    };
    match argv.first().map(String::as_str) {
        Some("upper") => "tr '[:lower:]' '[:upper:]'".into(),
        Some("sort") => "LC_ALL=C sort".into(),
        Some("count") => format!(
            "i=0; while [ $i -lt {} ]; do i=$((i+1)); echo \"line $i\"; sleep 0.1; done",
            arg(1).unwrap_or("0".into())
        ),
        Some("fail") => format!(
            "echo 'error: asked to fail' >&2; exit {}",
            arg(1).unwrap_or("1".into())
        ),
        Some("crash") => "kill -SEGV $$".into(),
        Some("spin") => "while :; do :; done".into(),
        other => format!(
            "echo '{}: command not found' >&2; exit 127",
            other.unwrap_or("").replace('\'', "")
        ),
    }
}

/// A separate program: a real child process, with pipes for its standard streams.
pub struct Child {
    process: Arc<Mutex<std::process::Child>>,
    stdin: Mutex<Option<std::process::ChildStdin>>,
    killed: Arc<std::sync::atomic::AtomicBool>,
    events: futures::channel::mpsc::UnboundedReceiver<super::ChildEvent>,
}

impl Child {
    pub fn spawn(argv: &[String]) -> Result<Child, String> {
        use std::io::Read;
        use std::process::{Command, Stdio};
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(shell_script(argv))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("the program did not start: {e}"))?;
        let (tx, events) = futures::channel::mpsc::unbounded();
        let pipe =
            |mut stream: Box<dyn Read + Send>,
             wrap: fn(String) -> super::ChildEvent,
             tx: futures::channel::mpsc::UnboundedSender<super::ChildEvent>| {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n @ 1..) = stream.read(&mut buf) {
                        let _ = tx
                            .unbounded_send(wrap(String::from_utf8_lossy(&buf[..n]).into_owned()));
                    }
                })
            };
        let out = pipe(
            Box::new(child.stdout.take().expect("piped")),
            super::ChildEvent::Stdout,
            tx.clone(),
        );
        let err = pipe(
            Box::new(child.stderr.take().expect("piped")),
            super::ChildEvent::Stderr,
            tx.clone(),
        );
        let stdin = child.stdin.take();
        let process = Arc::new(Mutex::new(child));
        let killed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (waiter, was_killed) = (Arc::clone(&process), Arc::clone(&killed));
        std::thread::spawn(move || {
            // Poll, so `kill` can take the lock meanwhile.
            let status = loop {
                match waiter.lock().unwrap().try_wait() {
                    Ok(Some(status)) => break Ok(status),
                    Ok(None) => {}
                    Err(e) => break Err(e.to_string()),
                }
                std::thread::sleep(Duration::from_millis(5));
            };
            let _ = (out.join(), err.join()); // all the output comes before the exit
            use std::os::unix::process::ExitStatusExt;
            let exit = match status {
                _ if was_killed.load(std::sync::atomic::Ordering::SeqCst) => {
                    super::ExitStatus::Killed
                }
                Ok(s) => match (s.code(), s.signal()) {
                    (Some(code), _) => super::ExitStatus::Code(code),
                    (None, Some(signal)) => {
                        super::ExitStatus::Crashed(format!("killed by signal {signal}"))
                    }
                    (None, None) => super::ExitStatus::Crashed("ended without a status".into()),
                },
                Err(e) => super::ExitStatus::Crashed(e),
            };
            let _ = tx.unbounded_send(super::ChildEvent::Exited(exit));
        });
        Ok(Child {
            process,
            stdin: Mutex::new(stdin),
            killed,
            events,
        })
    }

    pub fn write_stdin(&self, text: &str) -> Result<(), String> {
        use std::io::Write;
        match self.stdin.lock().unwrap().as_mut() {
            Some(stdin) => stdin
                .write_all(text.as_bytes())
                .map_err(|e| format!("the program's input is closed: {e}")),
            None => Err("the program's input is closed".into()),
        }
    }

    pub fn close_stdin(&self) {
        self.stdin.lock().unwrap().take();
    }

    /// The next thing the program said; None once it has exited.
    pub async fn next(&mut self) -> Option<super::ChildEvent> {
        futures::StreamExt::next(&mut self.events).await
    }

    /// Terminates the program (SIGKILL): whatever it is doing, it stops.
    pub fn kill(&self) {
        self.killed.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.process.lock().unwrap().kill();
    }
}
