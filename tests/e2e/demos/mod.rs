//! Each demo page's run from the UI, by the model it teaches.

mod compare;
mod event_loop;
mod processes;
mod threads;
