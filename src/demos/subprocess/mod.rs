//! Subprocess (subprocess.run): start a separate program, feed its standard input, collect its
//! standard output and error as they come, and learn how it ended: an exit status, a crash, or
//! terminated at the timeout. The program is not the playground's code: in the browser it is
//! `www/subprocess.js` in a Worker of its own, natively a real child process.

use crate::core::catalog::{DemoInfo, Group};
use crate::core::params::Knob;
use crate::core::trace::{Lane, Span, SpanKind};
use crate::engine::{self, Child, ChildEvent, ExitStatus};

pub mod view;

pub const INFO: DemoInfo = DemoInfo {
    id: "subprocess",
    title: "Subprocess",
    group: Group::Processes,
    teaser: "Run separate programs with input, output and an exit status; a crash or an endless loop is contained and reported.",
    needs_threads: false,
    stand_in: Some(
        "the six \"programs\" are JavaScript in a Worker (www/subprocess.js) speaking an emulated stdin/stdout/stderr/exit-status protocol: a browser page cannot run programs of your system. The native tests run the same six as real sh children.",
    ),
    freezes_on_purpose: false,
};

pub const TIMEOUT: Knob = Knob {
    key: "timeout",
    label: "timeout (ms)",
    min: 100,
    max: 10_000,
    default: 1_000,
    step: 100,
};
pub const LINES: Knob = Knob {
    key: "lines",
    label: "lines count prints",
    min: 0,
    max: 50,
    default: 5,
    step: 1,
};
pub const EXIT_CODE: Knob = Knob {
    key: "code",
    label: "exit status of fail",
    min: 1,
    max: 255,
    default: 3,
    step: 1,
};

/// The input given to every program; the page lets the user change it, up to this size.
pub const DEFAULT_INPUT: &str = "the quick brown fox\njumps over\nthe lazy dog\n";
pub const MAX_INPUT: usize = 64 * 1024;

/// The commands the page runs, in order: two filters, a program whose output streams, an exit
/// status, a crash and an endless loop.
pub fn commands(lines: u64, code: u64) -> Vec<Vec<String>> {
    let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    vec![
        words("upper"),
        words("sort"),
        words(&format!("count {lines}")),
        words(&format!("fail {code}")),
        words("crash"),
        words("spin"),
    ]
}

/// One chunk of output, and when it arrived after the program started.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub at_ms: f64,
    pub stderr: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Completed {
    pub argv: Vec<String>,
    pub output: Vec<Output>,
    pub status: ExitStatus,
    /// When it started, on the shared clock, and how long it lived.
    pub start: f64,
    pub wall_ms: f64,
}

impl Completed {
    pub fn stdout(&self) -> String {
        self.output
            .iter()
            .filter(|o| !o.stderr)
            .map(|o| o.text.as_str())
            .collect()
    }

    pub fn stderr(&self) -> String {
        self.output
            .iter()
            .filter(|o| o.stderr)
            .map(|o| o.text.as_str())
            .collect()
    }

    pub fn timed_out(&self) -> bool {
        self.status == ExitStatus::Killed
    }

    /// How it ended, in words.
    pub fn ending(&self, timeout_ms: f64) -> String {
        match &self.status {
            ExitStatus::Code(0) => "exit status 0 (success)".into(),
            ExitStatus::Code(code) => format!("exit status {code}"),
            ExitStatus::Crashed(why) => format!("crashed: {why}"),
            ExitStatus::Killed => {
                format!("terminated: still running at the {timeout_ms:.0} ms timeout")
            }
        }
    }

    /// Its life as a span on lane `lane`: red unless it succeeded.
    pub fn span(&self, lane: usize, timeout_ms: f64) -> Span {
        let kind = if self.status == ExitStatus::Code(0) {
            SpanKind::Run
        } else {
            SpanKind::Failed
        };
        let label = format!("{}: {}", self.argv.join(" "), self.ending(timeout_ms));
        Span {
            task: lane,
            lane: Lane::Process(lane),
            label,
            kind,
            start: self.start,
            end: self.start + self.wall_ms,
        }
    }
}

pub fn rust_source() -> &'static str {
    crate::region!("mod.rs", "run")
}

// region:run
/// subprocess.run(argv, input=input, timeout=timeout_ms): runs the program to its end, or
/// terminates it when the time is up.
pub async fn run(argv: Vec<String>, input: &str, timeout_ms: f64) -> Result<Completed, String> {
    use futures::future::{Either, select};
    let start = engine::now_ms();
    let mut child = Child::spawn(&argv)?;
    // A program may end without reading its input (as `fail` does): not an error.
    let _ = child.write_stdin(input);
    child.close_stdin();
    let mut output = Vec::new();
    let mut deadline = std::pin::pin!(engine::sleep_ms(timeout_ms));
    let mut killed = false;
    loop {
        let event = if killed {
            child.next().await // after the kill, only its last words
        } else {
            let next = match select(std::pin::pin!(child.next()), deadline.as_mut()).await {
                Either::Left((event, _)) => Some(event),
                Either::Right(_) => None,
            };
            match next {
                Some(event) => event,
                None => {
                    child.kill(); // an endless loop ends here
                    killed = true;
                    continue;
                }
            }
        };
        let at_ms = engine::now_ms() - start;
        match event {
            Some(ChildEvent::Stdout(text)) => output.push(Output {
                at_ms,
                stderr: false,
                text,
            }),
            Some(ChildEvent::Stderr(text)) => output.push(Output {
                at_ms,
                stderr: true,
                text,
            }),
            Some(ChildEvent::Exited(status)) => {
                return Ok(Completed {
                    argv,
                    output,
                    status,
                    start,
                    wall_ms: at_ms,
                });
            }
            None => return Err("the program went away without an exit status".into()),
        }
    }
}
// endregion:run

/// The same idea in Python: a real program of the repository (python/demo_subprocess.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_subprocess.py");

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn run_one(argv: &str, timeout_ms: f64) -> Completed {
        block_on(run(
            argv.split_whitespace().map(String::from).collect(),
            DEFAULT_INPUT,
            timeout_ms,
        ))
        .unwrap()
    }

    #[test]
    fn filters_read_their_input_and_exit_zero() {
        let upper = run_one("upper", 5_000.0);
        assert_eq!(
            (upper.stdout(), upper.status),
            (
                "THE QUICK BROWN FOX\nJUMPS OVER\nTHE LAZY DOG\n".to_string(),
                ExitStatus::Code(0)
            )
        );
        let sort = run_one("sort", 5_000.0);
        assert_eq!(
            sort.stdout(),
            "jumps over\nthe lazy dog\nthe quick brown fox\n"
        );
    }

    #[test]
    fn output_streams_while_the_program_runs() {
        let _cpu = crate::testing::shared_cpu(); // measures time: not beside a CPU hog
        let count = run_one("count 4", 5_000.0);
        assert_eq!(count.stdout(), "line 1\nline 2\nline 3\nline 4\n");
        assert_eq!(count.status, ExitStatus::Code(0));
        let first = count.output.first().unwrap().at_ms;
        assert!(
            count.wall_ms - first >= 250.0,
            "the first line came long before the end: {count:?}"
        );
    }

    #[test]
    fn exit_status_stderr_and_crashes_are_reported() {
        let fail = run_one("fail 7", 5_000.0);
        assert_eq!(
            (fail.status.clone(), fail.stderr()),
            (ExitStatus::Code(7), "error: asked to fail\n".to_string())
        );
        assert!(matches!(
            run_one("crash", 5_000.0).status,
            ExitStatus::Crashed(_)
        ));
        assert_eq!(run_one("nonesuch", 5_000.0).status, ExitStatus::Code(127));
    }

    #[test]
    fn an_endless_loop_is_killed_at_the_timeout() {
        let _cpu = crate::testing::exclusive_cpu();
        let spin = run_one("spin", 300.0);
        assert!(spin.timed_out(), "{spin:?}");
        assert!(
            spin.wall_ms >= 300.0 && spin.wall_ms < 3_000.0,
            "ended at the timeout: {spin:?}"
        );
    }

    #[test]
    fn the_page_runs_six_programs() {
        assert_eq!(commands(5, 3).len(), 6);
        assert_eq!(commands(5, 3)[2], vec!["count".to_string(), "5".into()]);
    }
}
