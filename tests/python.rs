//! The Python program beside each demo is real code: `python/demo_<demo>.py`, shown on the page
//! byte for byte (`include_str!`). Here CPython runs every one at a small size (`--small`) and
//! each must show what its page claims. The interpreter is `PLAYGROUND_PYTHON` (set by
//! `xtask/run test`: Debian's CPython with aiohttp in a venv), else `python3`.
//!
//! Behind the `python` feature, like the e2e suite: `xtask/run test` runs it; plain `cargo test`
//! needs no Python.

use concurrency_playground::demos;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn python() -> String {
    std::env::var("PLAYGROUND_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn program(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(format!("demo_{}.py", id.replace('-', "_")))
}

/// Runs one program with `--small`; its standard output (it must exit 0 within the limit).
fn run(id: &str) -> String {
    let path = program(id);
    let started = Instant::now();
    let mut child = Command::new(python())
        .arg(&path)
        .arg("--small")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: cannot start {}: {e}", path.display(), python()));
    // A program that hangs is killed (and fails the test), never left running.
    let limit = Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() || started.elapsed() > limit {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if started.elapsed() > limit {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{id}: still running after {limit:?}: killed");
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{id} exited {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Every number after `key` on the line that starts with `line_start`.
fn numbers(out: &str, line_start: &str) -> Vec<f64> {
    let line = out
        .lines()
        .find(|l| l.starts_with(line_start))
        .unwrap_or_else(|| panic!("no line {line_start:?} in:\n{out}"));
    let line = &line[line_start.len()..];
    let mut found = Vec::new();
    let mut current = String::new();
    for c in line.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            found.push(current.trim_end_matches('.').parse().unwrap());
            current.clear();
        }
    }
    found
}

fn first(out: &str, line_start: &str) -> f64 {
    numbers(out, line_start)[0]
}

fn has(out: &str, text: &str) {
    assert!(out.contains(text), "expected {text:?} in:\n{out}");
}

/// What each program must show, by demo id: the claim its page makes.
fn check(id: &str, out: &str) {
    match id {
        "await-race" => {
            has(out, "across_await: 5 tasks, balance 1, lost 4");
            has(out, "locked: 5 tasks, balance 5, lost 0");
            has(out, "no_await_between: 5 tasks, balance 5, lost 0");
            let secs = |line: &str| numbers(out, line).last().copied().unwrap();
            assert!(
                secs("locked:") > 2.0 * secs("across_await:"),
                "the lock runs the waits one after another: {out}"
            );
        }
        "to-thread" => {
            let figures = |line: &str| numbers(out, line); // [n, seconds, took, gap, ticks]
            let (inline, threaded) = (figures("inline:"), figures("to_thread:"));
            assert!(
                inline[2] >= 0.9 * inline[0] * inline[1] && inline[3] >= 0.9 * inline[2],
                "inline blocks the loop for all calls: {out}"
            );
            assert!(
                threaded[2] < inline[2] / 2.0 && threaded[3] < threaded[1],
                "to_thread overlaps and the ticker goes on: {out}"
            );
        }
        "async-queue" => {
            has(
                out,
                "maxsize 3: finished True, consumed 20 of 20, each once True, most held 3,",
            );
            has(
                out,
                "unbounded: finished True, consumed 20 of 20, each once True",
            );
            assert!(
                numbers(out, "unbounded:")[2] > 3.0,
                "unbounded, the items pile up: {out}"
            );
            let cut = out.lines().last().unwrap_or_default();
            assert!(
                cut.starts_with("maxsize 3: finished False") && cut.contains("each once True"),
                "the timeout cancels the group: {out}"
            );
        }
        "sync-primitives" => {
            has(out, "Event: 4 threads, none before set(): True");
            has(out, "went on with 4 of 4 items");
            has(
                out,
                "no phase began before the last ended the one before: True",
            );
            has(
                out,
                "RLock: re-entered to depth 2; a plain Lock re-entered: acquire returned False",
            );
        }
        "concurrent-waits" => {
            assert!(
                first(out, "gathered:") < first(out, "one after another:") / 2.0,
                "{out}"
            );
            has(out, "results in input order: True");
        }
        "coroutines" => {
            has(out, "await one by one");
            has(out, "finished [0, 1, 2]");
            for way in ["create_task, then await:", "gather:", "TaskGroup:"] {
                let line = out.lines().find(|l| l.starts_with(way)).unwrap();
                assert!(
                    line.contains("results [0, 1, 2]") && line.contains("finished [2, 1, 0]"),
                    "{line}"
                );
            }
        }
        "fetch" => {
            assert!(
                first(out, "gathered:") < first(out, "one by one:") / 2.0,
                "{out}"
            );
            has(out, "same answers both ways: True");
            assert_eq!(
                out.matches("failed:").count(),
                2,
                "a 404 and a refused connection, contained: {out}"
            );
        }
        "semaphore" => assert_eq!(out.matches("most at once 3").count(), 2, "{out}"),
        "timeouts" => {
            has(
                out,
                "outcomes: ['done', 'done', 'done', 'timed out', 'timed out', 'timed out']",
            );
            has(out, "cancelled run: stopped");
        }
        "blocking" => {
            let gap = |way: &str| *numbers(out, way).last().unwrap();
            assert!(gap("on_the_loop:") > 2.0 * gap("chunked:"), "{out}");
            assert!(gap("on_the_loop:") > 2.0 * gap("on_a_worker:"), "{out}");
        }
        "loop-lag" => {
            has(
                out,
                "held 0.3 s against a 0.1 s threshold: 1 slow callback report(s)",
            );
            has(
                out,
                "held 0.03 s against a 0.1 s threshold: 0 slow callback report(s)",
            );
        }
        "concurrency-vs-parallelism" => {
            let processes = first(out, "on ");
            let cores = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1);
            assert!(processes >= 2.0 || cores < 2, "{out}");
        }
        "threads" => {
            let sum = numbers(out, "waits:").last().copied().unwrap();
            let joined = *numbers(out, "last thread ended at").last().unwrap();
            assert!(
                joined < sum * 0.8,
                "join waited about the longest, not the sum: {out}"
            );
        }
        "race-condition" => {
            assert!(
                *numbers(out, "switch_between:").last().unwrap() > 0.0,
                "a switch between read and write loses updates: {out}"
            );
            assert_eq!(*numbers(out, "locked:").last().unwrap(), 0.0, "{out}");
        }
        "lock-cost" => {
            for way in ["shared_lock:", "per_thread:"] {
                let n = numbers(out, way);
                assert_eq!(n[0], n[1], "{way} counted everything: {out}");
            }
        }
        "deadlock" => {
            let opposite = out
                .lines()
                .find(|l| l.starts_with("opposite orders:"))
                .unwrap();
            assert_eq!(
                opposite.matches("deadlock").count(),
                1,
                "one thread backs off: {opposite}"
            );
            assert_eq!(
                opposite.matches(" took ").count(),
                2,
                "both finish: {opposite}"
            );
            let global = out
                .lines()
                .find(|l| l.starts_with("one global order:"))
                .unwrap();
            assert!(
                !global.contains("deadlock") && global.matches(" took ").count() == 2,
                "{global}"
            );
        }
        "gil" => {
            // Two threads of 4 waits overlap them: well below the same 8 waits on one thread,
            // measured in the same run (the bytecode between waits still takes turns).
            let (one, two) = (
                *numbers(out, "I/O, 1 thread").last().unwrap(),
                *numbers(out, "I/O, 2 threads").last().unwrap(),
            );
            assert!(two < one * 0.8, "waits overlap: {out}");
            has(out, "switch interval: 0.005 s");
        }
        "thread-pool" => {
            has(out, "map: [0, 1, 2, 3, 4, 5, 6, 7]");
            assert!(
                !out.contains("as_completed: [0, 1, 2, 3, 4, 5, 6, 7]"),
                "completion order: {out}"
            );
        }
        "bounded-queue" => {
            for size in [1.0, 4.0, 16.0] {
                let line = out
                    .lines()
                    .find(|l| l.starts_with(&format!("maxsize {size}:")))
                    .unwrap();
                assert!(
                    *numbers(line, "maxsize").last().unwrap() <= size
                        && line.ends_with("once: True"),
                    "{line}"
                );
            }
        }
        "parallel-cpu" => {
            for line in out.lines().filter(|l| l.contains("primes")) {
                let n = numbers(line, "");
                assert_eq!(n[1], n[2], "the count agrees with the sieve: {line}");
            }
        }
        "shared-memory" => {
            for way in ["locked:", "local:", "by_message:"] {
                has(out, &format!("{way} counter 4000 of 4000, lost 0"));
            }
            let unlocked = numbers(out, "unlocked:"); // [counter, expected, lost, ms, us]
            assert!(
                unlocked[0] <= 4000.0 && unlocked[0] + unlocked[2] == 4000.0,
                "never more than was added: {out}"
            );
            assert!(
                first(out, "by_message:") > 0.0
                    && numbers(out, "by_message:")[3] > numbers(out, "local:")[3],
                "a message per add costs more than one add: {out}"
            );
        }
        "memory-cost" => {
            let coroutine = numbers(out, "coroutines:")[2]; // [count, KB, bytes each]
            assert!(
                (100.0..10_000.0).contains(&coroutine),
                "a suspended coroutine holds under 10 KB: {out}"
            );
            assert!(
                numbers(out, "threads:")[2] > 0.0,
                "threads add resident memory: {out}"
            );
            assert!(
                numbers(out, "processes:")[1] > 5.0,
                "a process is a whole interpreter (MB): {out}"
            );
        }
        "processes" => {
            has(
                out,
                "processes read back: [(100, 100), (101, 101), (102, 102)]",
            );
            has(out, "the parent's GLOBAL after the processes: 0");
            assert!(
                first(out, "the parent's GLOBAL after the threads:") >= 200.0,
                "{out}"
            );
        }
        "queue-pipe" => {
            assert!(
                out.lines().count() >= 4
                    && out.lines().all(|l| l.ends_with("same object back: True)")),
                "{out}"
            );
        }
        "process-pool" => {
            // Every way computes the same totals: one thread, threads, processes; chunked or not.
            for kind in ["big tasks", "tiny tasks"] {
                let totals: Vec<f64> = out
                    .lines()
                    .filter(|l| l.starts_with(kind))
                    .map(|l| *numbers(l, "").last().unwrap())
                    .collect();
                assert!(
                    totals.len() >= 2 && totals.iter().all(|t| *t == totals[0]),
                    "{kind}: {out}"
                );
            }
            has(out, "tiny tasks, chunksize=");
        }
        "subprocess" => {
            let count = numbers(out, "count: exit 0;");
            let times: Vec<f64> = count.chunks(2).map(|p| p[0]).collect();
            assert!(
                times.len() >= 5 && times[4] - times[0] >= 0.3,
                "lines arrived over time, not at the end: {out}"
            );
            has(out, "fail: exit 3");
            has(out, "crash: killed by signal");
            has(out, "spin: killed at the timeout");
        }
        "crash-isolation" => {
            has(out, "answers right: True");
            has(out, "lock free True, table has 500 of 1000 entries");
        }
        "compare" => {
            has(out, "count_primes(20000) = 2262"); // the sieve's count, as the Rust checks its own
            assert!(
                first(out, "wait, event loop:") < first(out, "wait, sequential:") / 2.0,
                "{out}"
            );
            assert!(
                first(out, "wait, threads:") < first(out, "wait, sequential:") / 2.0,
                "{out}"
            );
        }
        other => panic!(
            "no check for the Python program of {other}: every demo's program must be checked"
        ),
    }
}

#[test]
fn every_demo_has_its_python_program_shown_byte_for_byte() {
    assert_eq!(demos::PYTHON.len(), demos::ALL.len());
    for (id, shown) in demos::PYTHON {
        let path = program(id);
        let file = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{id}: no {}", path.display()));
        assert_eq!(
            file,
            shown.text(),
            "{id}: the page must show {} as it is",
            path.display()
        );
    }
    // A file named like a standard module (subprocess.py) would shadow it for every program.
    for entry in
        std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python")).unwrap()
    {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            name.starts_with("demo_") || name == "reference.py" || !name.ends_with(".py"),
            "{name}: programs are named demo_*.py"
        );
    }
}

/// python/reference.py still runs, and writes every key the committed data has (a small run).
#[test]
fn the_reference_script_runs_and_writes_every_figure_the_pages_cite() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join("reference.py");
    let out = Command::new(python())
        .arg(&script)
        .arg("--small")
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = String::from_utf8_lossy(&out.stdout);
    let committed = std::fs::read_to_string(script.with_file_name("reference.txt")).unwrap();
    for line in committed.lines().filter(|l| !l.starts_with('#')) {
        let key = line.split(" = ").next().unwrap();
        assert!(
            written.lines().any(|l| l.starts_with(&format!("{key} = "))),
            "{key} is no longer written:\n{written}"
        );
    }
}

#[test]
fn every_python_program_runs_and_shows_what_its_page_claims() {
    let version = Command::new(python())
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string());
    eprintln!(
        "running the pages' programs with {} ({})",
        python(),
        version.unwrap_or_default().trim()
    );
    for demo in demos::ALL {
        let out = run(demo.id);
        check(demo.id, &out);
    }
}

/// The race page's step mode shows `plain()`'s loop as CPython 3.11 bytecode: it must be what
/// the interpreter really runs. Under another version only the read-add-write core is compared
/// (the loop's own instructions changed names across versions; those four did not).
#[test]
fn the_stepped_bytecode_is_what_cpython_runs() {
    let script = "import dis, runpy, sys\n\
                  ns = runpy.run_path(sys.argv[1])\n\
                  print(sys.version_info[:2])\n\
                  for i in dis.get_instructions(ns['plain']):\n    print((i.opname + ' ' + i.argrepr).strip())";
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(program("race-condition"))
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let version = lines.next().unwrap_or_default().to_string();
    let listing: Vec<String> = lines
        .map(|l| l.split(" to ").next().unwrap_or(l).trim().to_string())
        .collect();
    let model = demos::race::steps::CODE;
    let expected: Vec<&str> = if version == "(3, 11)" {
        model.to_vec()
    } else {
        model[2..6].to_vec()
    };
    let found = listing
        .windows(expected.len())
        .any(|w| w.iter().map(String::as_str).eq(expected.iter().copied()));
    assert!(
        found,
        "CPython {version} runs plain() as\n{}\nbut the page steps {expected:?}",
        listing.join("\n")
    );
}
