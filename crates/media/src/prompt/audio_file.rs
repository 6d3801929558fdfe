//! Reads one prompt or music file from disk into 16 kHz PCM, choosing the decoder by the
//! file's extension and naming the file in every error.

use std::path::Path;
use std::sync::Arc;

use super::error::PromptError;
use super::{ogg_opus, wav};

/// The audio file types prompts and music may be stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AudioFileType {
    OggOpus,
    Wav,
}

impl AudioFileType {
    pub(crate) fn of(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()? {
            "opus" => Some(Self::OggOpus),
            "wav" => Some(Self::Wav),
            _ => None,
        }
    }
}

/// Reads and decodes `path` as `file_type`; refuses files that decode to nothing.
pub(crate) fn load_pcm(path: &Path, file_type: AudioFileType) -> Result<Arc<[i16]>, PromptError> {
    let bytes = std::fs::read(path).map_err(|source| PromptError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let pcm = match file_type {
        AudioFileType::OggOpus => {
            ogg_opus::decode(&bytes).map_err(|reason| PromptError::CorruptOpus {
                path: path.to_path_buf(),
                reason,
            })?
        }
        AudioFileType::Wav => wav::decode(&bytes).map_err(|problem| match problem {
            wav::WavProblem::Corrupt(reason) => PromptError::CorruptWav {
                path: path.to_path_buf(),
                reason,
            },
            wav::WavProblem::Unsupported(found) => PromptError::UnsupportedWav {
                path: path.to_path_buf(),
                found,
            },
        })?,
    };
    if pcm.is_empty() {
        return Err(PromptError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(pcm.into())
}
