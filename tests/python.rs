//! The Python program beside each demo is real code: `python/demo_<demo>.py`, shown on the page
//! byte for byte (`include_str!`). Each checks its own page's claim when run with `--check` (at a
//! small size; it exits non-zero naming the claim that fails), so this file has no code for any
//! one demo: it runs every program with `--check` under Debian's CPython (`PLAYGROUND_PYTHON`, a
//! venv with aiohttp made by `xtask/tools.sh`'s `ensure_python`, else `python3`) and under
//! CPython 3.12 and 3.13 (`PLAYGROUND_PYTHON_3_12`, `PLAYGROUND_PYTHON_3_13`, venvs made from
//! pyenv's interpreters where the machine has them; skipped loudly where it has not), and every
//! program that starts processes under each start method (`--start-method fork|forkserver|spawn`).
//!
//! Behind the `python` feature, like the e2e suite: `xtask/run test` runs it; plain `cargo test`
//! needs no Python.

use concurrency_playground::demos;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's CPython (with aiohttp in a venv), the interpreter every suite has.
fn python() -> String {
    std::env::var("PLAYGROUND_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// fork (Linux's default before 3.14), forkserver (Linux's default from 3.14), spawn (macOS,
/// Windows): a program that starts processes must hold its claim under each.
const START_METHODS: [&str; 3] = ["fork", "forkserver", "spawn"];

fn program(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(format!("demo_{}.py", id.replace('-', "_")))
}

/// A skip is said, never silent: on stderr and in the suite's summary.
use concurrency_playground::skipped as skip;

/// Runs one program with `--check` and `extra` arguments; what went wrong, if anything (it must
/// exit 0 within the limit: a program that hangs is killed, never left running).
fn check(python: &str, id: &str, extra: &[&str]) -> Option<String> {
    let path = program(id);
    let started = Instant::now();
    let mut child = Command::new(python)
        .arg(&path)
        .arg("--check")
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: cannot start {python}: {e}", path.display()));
    // Read the pipes on threads of their own, so a program that writes much never blocks on them.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).ok();
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).ok();
        text
    });
    let limit = Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    let run = format!("{id} {}", extra.join(" ")).trim().to_string();
    match status {
        Some(status) if status.success() => {
            eprintln!("  ok {run} ({:.1} s)", started.elapsed().as_secs_f64());
            None
        }
        Some(status) => Some(format!(
            "{run}: exited {status}\n{}\nstdout:\n{out}\nstderr:\n{err}",
            err.lines()
                .rev()
                .find(|l| l.starts_with("claim failed"))
                .unwrap_or("(no claim named: a crash?)")
        )),
        None => Some(format!(
            "{run}: still running after {limit:?}: killed\nstdout:\n{out}\nstderr:\n{err}"
        )),
    }
}

/// Does the program start processes? Then it must take `--start-method`, and runs under each.
fn starts_processes(id: &str) -> bool {
    let source = std::fs::read_to_string(program(id)).unwrap();
    let starts = source
        .lines()
        .filter(|l| l.starts_with("import ") || l.starts_with("from "))
        .any(|l| l.contains("multiprocessing") || l.contains("ProcessPoolExecutor"));
    assert!(
        !starts || source.contains("\"--start-method\""),
        "{id}: a program that starts processes takes --start-method (fork, forkserver, spawn)"
    );
    starts
}

/// Every page's program, checked by itself under `python` (whose version must be `version`).
fn every_program_checks_its_claim(test: &str, python: &str, version: &str) {
    let said = Command::new(python)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|e| panic!("{test}: cannot run {python}: {e}"));
    assert!(
        said.starts_with(&format!("Python {version}")),
        "{test}: {python} is {said:?}, not CPython {version}"
    );
    eprintln!("{test}: the pages' programs under {python} ({said})");
    let started = Instant::now();
    let mut failed = Vec::new();
    for demo in demos::ALL {
        if starts_processes(demo.id) {
            for method in START_METHODS {
                failed.extend(check(python, demo.id, &["--start-method", method]));
            }
        } else {
            failed.extend(check(python, demo.id, &[]));
        }
    }
    eprintln!(
        "{test}: {} programs in {:.0} s",
        demos::ALL.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failed.is_empty(),
        "{test} ({said}): {} run(s) failed:\n\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}

#[test]
fn every_program_checks_its_claim_under_debian_cpython() {
    every_program_checks_its_claim(
        "every_program_checks_its_claim_under_debian_cpython",
        &python(),
        "3.",
    );
}

/// Under the CPython `version` that `var` names (a venv of pyenv's interpreter, with aiohttp),
/// or a loud skip where the machine has none.
fn under_pyenv(test: &str, var: &str, version: &str) {
    match std::env::var(var) {
        Ok(python) => every_program_checks_its_claim(test, &python, version),
        Err(_) => skip(
            test,
            &format!(
                "{var} is unset: no CPython {version} venv (xtask/tools.sh's ensure_python \
                 makes one where /root/.pyenv/versions/{version}.* exists)"
            ),
        ),
    }
}

#[test]
fn every_program_checks_its_claim_under_cpython_3_12() {
    under_pyenv(
        "every_program_checks_its_claim_under_cpython_3_12",
        "PLAYGROUND_PYTHON_3_12",
        "3.12",
    );
}

#[test]
fn every_program_checks_its_claim_under_cpython_3_13() {
    under_pyenv(
        "every_program_checks_its_claim_under_cpython_3_13",
        "PLAYGROUND_PYTHON_3_13",
        "3.13",
    );
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
