//! What a call hears when it is not hearing the conference: queued prompt clips, music on
//! hold, or silence, cut into 20 ms frames.

use std::collections::VecDeque;

use dialbridge_media::codec::{Frame, FRAME_SAMPLES, SILENCE};

use super::commands::Clip;

#[derive(Debug, Default)]
pub struct Playback {
    queue: VecDeque<Clip>,
    position: usize,
    /// The request id of the last clips queued, reported when the queue plays out.
    request: Option<u64>,
}

impl Playback {
    pub fn queue(&mut self, clips: Vec<Clip>, request: u64) {
        self.queue
            .extend(clips.into_iter().filter(|clip| !clip.is_empty()));
        self.request = Some(request);
    }

    /// Drops everything queued; nothing is reported for it.
    pub fn stop(&mut self) {
        self.queue.clear();
        self.position = 0;
        self.request = None;
    }

    pub fn is_playing(&self) -> bool {
        !self.queue.is_empty() || self.request.is_some()
    }

    /// Fills `frame` with the next 20 ms (silence after the last clip). Returns the request
    /// id when this frame finished the queue.
    pub fn next_frame(&mut self, frame: &mut Frame) -> Option<u64> {
        let mut filled = 0;
        while filled < FRAME_SAMPLES {
            let Some(clip) = self.queue.front() else {
                break;
            };
            let take = (clip.len() - self.position).min(FRAME_SAMPLES - filled);
            frame[filled..filled + take]
                .copy_from_slice(&clip[self.position..self.position + take]);
            filled += take;
            self.position += take;
            if self.position == clip.len() {
                self.queue.pop_front();
                self.position = 0;
            }
        }
        frame[filled..].copy_from_slice(&SILENCE[filled..]);
        if self.queue.is_empty() {
            self.request.take()
        } else {
            None
        }
    }
}

/// Music on hold: one loop shared by every call, each call at its own position.
#[derive(Debug, Default)]
pub struct MusicCursor {
    position: usize,
}

impl MusicCursor {
    pub fn next_frame(&mut self, music: &[i16], frame: &mut Frame) {
        if music.is_empty() {
            *frame = SILENCE;
            return;
        }
        for sample in frame.iter_mut() {
            if self.position >= music.len() {
                self.position = 0;
            }
            *sample = music[self.position];
            self.position += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_play_back_to_back_and_the_end_is_reported_once() {
        let mut playback = Playback::default();
        let a: Clip = vec![1i16; 200].into();
        let b: Clip = vec![2i16; 300].into();
        playback.queue(vec![a, b], 7);
        let mut frame = SILENCE;
        assert_eq!(playback.next_frame(&mut frame), None);
        assert_eq!(frame[199], 1);
        assert_eq!(frame[200], 2);
        assert_eq!(playback.next_frame(&mut frame), Some(7));
        assert_eq!(frame[179], 2);
        assert_eq!(frame[180], 0);
        assert!(!playback.is_playing());
        assert_eq!(playback.next_frame(&mut frame), None);
    }

    #[test]
    fn stopping_drops_the_queue_without_a_report() {
        let mut playback = Playback::default();
        playback.queue(vec![vec![5i16; 1000].into()], 1);
        playback.stop();
        let mut frame = SILENCE;
        assert_eq!(playback.next_frame(&mut frame), None);
        assert_eq!(frame, SILENCE);
    }

    #[test]
    fn music_loops_seamlessly() {
        let music: Vec<i16> = (0..500).map(|i| i as i16).collect();
        let mut cursor = MusicCursor::default();
        let mut frame = SILENCE;
        cursor.next_frame(&music, &mut frame);
        cursor.next_frame(&music, &mut frame);
        // 640 samples in: the second frame wraps at 500.
        assert_eq!(frame[179], 499);
        assert_eq!(frame[180], 0);
    }
}
