//! Music on hold: one clip played as an endless sequence of 20 ms frames.

use std::path::Path;
use std::sync::Arc;

use super::audio_file::{load_pcm, AudioFileType};
use super::error::PromptError;
use crate::codec::{Frame, FRAME_SAMPLES};

/// How much of a loaded file's end is crossfaded into its start: long enough to hide any
/// step at the wrap, short enough not to be heard as a fade.
pub const LOOP_CROSSFADE_SAMPLES: usize = 800; // 50 ms

/// Plays a clip in a loop, one [`Frame`] at a time. A frame that reaches the end of the clip
/// continues with its start in the same frame, so the loop has no gap. [`load`](Self::load)
/// also crossfades the file's end into its start, so the wrap has no click either: even the
/// committed `prompts/music/default.opus`, written to loop, comes out of a lossy codec with a
/// small step there, and an operator's music may not be written to loop at all.
///
/// Each caller on hold gets its own `MusicLoop` over the same shared clip.
#[derive(Clone)]
pub struct MusicLoop {
    pcm: Arc<[i16]>,
    position: usize,
}

/// Length and position only: the clip itself is half a million samples.
impl std::fmt::Debug for MusicLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MusicLoop")
            .field("samples", &self.pcm.len())
            .field("position", &self.position)
            .finish()
    }
}

impl MusicLoop {
    /// A loop over `pcm` (16 kHz mono), starting at its beginning; `None` if `pcm` is empty.
    pub fn new(pcm: Arc<[i16]>) -> Option<Self> {
        (!pcm.is_empty()).then_some(Self { pcm, position: 0 })
    }

    /// Loads a `.opus` or `.wav` file (the WAV rules are those of operator prompts).
    pub fn load(path: &Path) -> Result<Self, PromptError> {
        let file_type = AudioFileType::of(path).ok_or_else(|| PromptError::UnknownFileType {
            path: path.to_path_buf(),
        })?;
        let pcm = load_pcm(path, file_type)?;
        // load_pcm refuses empty files, so this only guards the invariant.
        Self::new(crossfade_wrap(&pcm, LOOP_CROSSFADE_SAMPLES)).ok_or_else(|| PromptError::Empty {
            path: path.to_path_buf(),
        })
    }

    /// The next 20 ms of music.
    pub fn next_frame(&mut self) -> Frame {
        let mut frame = [0i16; FRAME_SAMPLES];
        let mut filled = 0;
        while filled < FRAME_SAMPLES {
            let available = &self.pcm[self.position..];
            let take = available.len().min(FRAME_SAMPLES - filled);
            frame[filled..filled + take].copy_from_slice(&available[..take]);
            filled += take;
            self.position = (self.position + take) % self.pcm.len();
        }
        frame
    }

    /// Starts again from the beginning (for a caller put on hold anew).
    pub fn restart(&mut self) {
        self.position = 0;
    }

    /// The sample the next frame starts at.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The whole clip.
    pub fn clip(&self) -> &Arc<[i16]> {
        &self.pcm
    }
}

/// Makes `pcm` loop smoothly: its last `overlap` samples are blended with its first `overlap`,
/// which are then dropped, so the end flows into what followed those first samples. The
/// result is `overlap` samples shorter. Clips shorter than twice `overlap` are returned as is.
pub fn crossfade_wrap(pcm: &[i16], overlap: usize) -> Arc<[i16]> {
    if overlap == 0 || pcm.len() < 2 * overlap {
        return pcm.into();
    }
    let (head, rest) = pcm.split_at(overlap);
    let (body, tail) = rest.split_at(rest.len() - overlap);
    let weight = |index: usize| (index + 1) as f32 / (overlap + 1) as f32;
    let blended = tail
        .iter()
        .zip(head)
        .enumerate()
        .map(|(index, (&end, &start))| {
            let w = weight(index);
            // `as` saturates; the blend of two i16 values cannot exceed their range anyway.
            (f32::from(end) * (1.0 - w) + f32::from(start) * w).round() as i16
        });
    body.iter().copied().chain(blended).collect()
}
