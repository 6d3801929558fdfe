//! Why a prompt set, a prompt file or the music could not be loaded. Every variant names the
//! path, so an operator can fix the file the message points at.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The prompt directory itself is missing or unreadable.
    #[error("prompt directory {path} cannot be read: {source}")]
    Directory { path: PathBuf, source: io::Error },
    /// A configured language (or the en-US fallback) has no folder.
    #[error("prompt folder {path} for language {language} does not exist")]
    MissingLanguage { language: String, path: PathBuf },
    /// A file could not be read from disk.
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    /// A `.opus` file is not a decodable Ogg Opus stream.
    #[error("{path} is not a valid Ogg Opus file: {reason}")]
    CorruptOpus { path: PathBuf, reason: String },
    /// A `.wav` file is not readable WAV.
    #[error("{path} is not a valid WAV file: {reason}")]
    CorruptWav { path: PathBuf, reason: String },
    /// A `.wav` file is valid but not in a format prompts accept.
    #[error("{path}: {found}; prompts must be mono 16-bit PCM at 8000 or 16000 Hz")]
    UnsupportedWav { path: PathBuf, found: String },
    /// A file decoded to no audio at all.
    #[error("{path} contains no audio")]
    Empty { path: PathBuf },
    /// Music on hold must be `.opus` or `.wav`.
    #[error("{path}: unknown audio file type (expected .opus or .wav)")]
    UnknownFileType { path: PathBuf },
}
