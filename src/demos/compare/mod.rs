//! Compare and choose: the matrix (one CPU-bound and one I/O-bound job under every model,
//! measured side by side) and the guide built on it (a job's shape in, a model out, with the
//! matrix's numbers as the reasons).

pub mod advice;
pub mod matrix;
pub mod view;

use crate::core::catalog::{DemoInfo, Group, PROCESS_STAND_IN};
use crate::core::params::Knob;

pub const INFO: DemoInfo = DemoInfo {
    id: "compare",
    title: "Every model, one job",
    group: Group::Compare,
    teaser: "The same CPU-bound and I/O-bound jobs under every model, measured side by side; then which to use when.",
    needs_threads: false,
    stand_in: Some(PROCESS_STAND_IN),
    freezes_on_purpose: false,
};

pub const TASKS: Knob = Knob {
    key: "tasks",
    label: "tasks",
    min: 1,
    max: 64,
    default: 8,
    step: 1,
};
pub const THOUSANDS: Knob = Knob {
    key: "n",
    label: "CPU task: count_primes(n), n in thousands",
    min: 10,
    max: 5_000,
    default: 600,
    step: 10,
};
pub const WAIT: Knob = Knob {
    key: "wait",
    label: "I/O task: wait (ms)",
    min: 1,
    max: 2_000,
    default: 100,
    step: 10,
};
pub const WAITING: Knob = Knob {
    key: "waiting",
    label: "your job: % waiting",
    min: 0,
    max: 100,
    default: 20,
    step: 5,
};
pub const DATA: Knob = Knob {
    key: "data",
    label: "your job: KB per task",
    min: 0,
    max: 1_000_000,
    default: 10,
    step: 10,
};
pub const SHARED: Knob = Knob {
    key: "shared",
    label: "your job: shares state (0/1)",
    min: 0,
    max: 1,
    default: 0,
    step: 1,
};
/// 1: the job computes in code that releases the GIL (hashlib, zlib, NumPy) or on a free-threaded build.
pub const RELEASES_GIL: Knob = Knob {
    key: "nogil",
    label: "your job: its computing releases the GIL (0/1)",
    min: 0,
    max: 1,
    default: 0,
    step: 1,
};

pub fn rust_source() -> &'static str {
    crate::region!("matrix.rs", "matrix")
}

/// The same idea in Python: a real program of the repository (python/demo_compare.py), shown byte
/// for byte and run by CPython in the tests.
pub const PYTHON_SOURCE: crate::core::region::Shown =
    crate::shown_file!("../../../python/demo_compare.py");
