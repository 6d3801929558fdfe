//! Plays a queue of prompt clips and pauses as 20 ms frames, for one call.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::codec::{Frame, FRAME_SAMPLES, INTERNAL_RATE};

/// One thing to play.
#[derive(Clone, PartialEq, Eq)]
enum Segment {
    Clip { pcm: Arc<[i16]>, offset: usize },
    Silence { remaining: usize },
}

/// Lengths only, not the samples.
impl std::fmt::Debug for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Segment::Clip { pcm, offset } => write!(f, "Clip({offset}/{})", pcm.len()),
            Segment::Silence { remaining } => write!(f, "Silence({remaining})"),
        }
    }
}

impl Segment {
    fn remaining(&self) -> usize {
        match self {
            Segment::Clip { pcm, offset } => pcm.len() - offset,
            Segment::Silence { remaining } => *remaining,
        }
    }

    /// Copies up to `out.len()` samples into `out`, returning how many.
    fn read_into(&mut self, out: &mut [i16]) -> usize {
        match self {
            Segment::Clip { pcm, offset } => {
                let take = (pcm.len() - *offset).min(out.len());
                out[..take].copy_from_slice(&pcm[*offset..*offset + take]);
                *offset += take;
                take
            }
            Segment::Silence { remaining } => {
                let take = (*remaining).min(out.len());
                out[..take].fill(0);
                *remaining -= take;
                take
            }
        }
    }
}

/// A sans-IO prompt player: queue clips and pauses, then pull one [`Frame`] per 20 ms tick.
///
/// Queued items play back to back with no gap, even across frame boundaries: one frame may
/// hold the end of one clip and the start of the next. The last frame is padded with silence.
/// [`cancel`](Self::cancel) drops everything at once, for barge-in when the caller presses a
/// key while a prompt is playing.
#[derive(Debug, Default)]
pub struct PromptPlayer {
    queue: VecDeque<Segment>,
}

impl PromptPlayer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a 16 kHz mono clip after whatever is queued.
    pub fn enqueue_clip(&mut self, pcm: Arc<[i16]>) {
        if !pcm.is_empty() {
            self.queue.push_back(Segment::Clip { pcm, offset: 0 });
        }
    }

    /// Queues `ms` milliseconds of silence after whatever is queued.
    pub fn enqueue_silence(&mut self, ms: u32) {
        let samples = ms as usize * (INTERNAL_RATE as usize / 1000);
        if samples > 0 {
            self.queue
                .push_back(Segment::Silence { remaining: samples });
        }
    }

    /// The next 20 ms, or `None` when nothing is queued.
    pub fn next_frame(&mut self) -> Option<Frame> {
        if self.queue.is_empty() {
            return None;
        }
        let mut frame = [0i16; FRAME_SAMPLES];
        let mut filled = 0;
        while filled < FRAME_SAMPLES {
            let Some(segment) = self.queue.front_mut() else {
                break; // The rest of the frame stays silent.
            };
            filled += segment.read_into(&mut frame[filled..]);
            if segment.remaining() == 0 {
                self.queue.pop_front();
            }
        }
        Some(frame)
    }

    /// Stops playback and forgets the queue; returns whether anything was still to play.
    pub fn cancel(&mut self) -> bool {
        let was_playing = !self.queue.is_empty();
        self.queue.clear();
        was_playing
    }

    /// Whether nothing is left to play.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Samples (16 kHz) still queued.
    pub fn remaining_samples(&self) -> usize {
        self.queue.iter().map(Segment::remaining).sum()
    }
}
