//! The rules of a dial-in meeting, sans-IO.
//!
//! Every state machine here takes events plus `now: std::time::Instant` and returns actions;
//! timers are exposed as `poll_timeout()` deadlines, so a 24-hour end rule is a unit test.

pub mod invited;
pub mod ivr;
pub mod meeting;
pub mod speech;

pub use speech::{Language, PromptKey, SpeechPart, Utterance};
