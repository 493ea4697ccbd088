//! The pieces every demo page is made of: Leptos components and the page runtime. They take
//! plain data (traces, numbers, the catalogue's `DemoInfo`) and know no demo: nothing here
//! imports `crate::demos` or `crate::app` (the tidy test checks it).
//!
//! This code compiles on both targets (so `cargo test` checks it) but only runs in the browser.

pub mod chart;
mod controls;
mod disclosure;
mod frame;
mod lag;
mod pool;
mod predict;
mod run;
pub mod share;
mod speedup;
mod stepper;
pub mod timeline;
mod url;

pub use controls::{
    CancelButton, Canceller, KnobInput, Knobs, Notices, Progress, RunButton, RunPanel,
};
pub use disclosure::Disclosure;
pub use frame::DemoFrame;
pub use lag::{Heartbeat, Lag, SHOWN, describe as describe_slow_callback, use_lag};
pub use pool::{PoolState, ThreadGate, use_pool};
pub use predict::{PredictBox, Prediction, judge};
pub use run::{DemoPage, RunState};
pub use speedup::{NoiseNote, Speedup, SpeedupCell};
pub use stepper::{StepRules, Stepper};
pub use timeline::{Timeline, Timelines};
pub use url::replace_query;
