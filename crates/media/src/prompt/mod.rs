//! Recorded prompts and music on hold, decoded once at start-up and played as 20 ms frames.
//!
//! Nothing speaks at run time: `scripts/generate-prompts` turns the texts in
//! `prompts/texts/<language>.toml` into `prompts/<language>/<key>.opus` (Ogg Opus, 16 kHz,
//! 24 kbit/s), which are committed. Operators may drop a `<key>.wav` (mono 16-bit, 8 or
//! 16 kHz) beside any prompt to replace it, and point music on hold at any `.opus` or `.wav`.
//!
//! - [`PromptSet`]: every prompt of the configured languages as shared 16 kHz PCM, looked up
//!   by language and key with fallback to en-US.
//! - [`PromptPlayer`]: one call's queue of clips and pauses, pulled a frame per mixer tick and
//!   cancelled on barge-in.
//! - [`MusicLoop`]: a clip played as an endless sequence of frames.

mod audio_file;
mod error;
mod music;
mod ogg_opus;
mod player;
mod set;
mod wav;

pub use error::PromptError;
pub use music::{crossfade_wrap, MusicLoop, LOOP_CROSSFADE_SAMPLES};
pub use player::PromptPlayer;
pub use set::{PromptSet, ServedPrompt, FALLBACK_LANGUAGE};
