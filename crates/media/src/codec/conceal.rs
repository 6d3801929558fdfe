//! Loss concealment for codecs that have none of their own (G.711, G.722): the last 10 ms of
//! audio repeated with a falling gain, silent after 60 ms. Hand-written because it is a few
//! lines and needs no signal model; G.711 Appendix I's pitch-period repeat would sound better
//! on voiced speech but costs a pitch search per loss, and a conference bridge hides short
//! losses in the mix anyway.

use super::INTERNAL_RATE;

/// Samples repeated: the last 10 ms at 16 kHz.
pub const REPEAT_SAMPLES: usize = (INTERNAL_RATE / 100) as usize;
/// Samples over which the gain falls from 1 to 0: 60 ms at 16 kHz.
pub const FADE_SAMPLES: usize = (INTERNAL_RATE / 1000 * 60) as usize;

/// Remembers the end of the decoded audio and stands in for lost audio with it.
#[derive(Debug, Clone)]
pub struct FadingRepeat {
    /// The last [`REPEAT_SAMPLES`] decoded samples, oldest first (zeros before any audio).
    last: [i16; REPEAT_SAMPLES],
    /// Next index of `last` to repeat.
    position: usize,
    /// Samples concealed since real audio last arrived.
    concealed: usize,
}

impl Default for FadingRepeat {
    fn default() -> Self {
        Self {
            last: [0; REPEAT_SAMPLES],
            position: 0,
            concealed: 0,
        }
    }
}

impl FadingRepeat {
    /// Records freshly decoded audio; the next loss repeats its end at full gain.
    pub fn remember(&mut self, decoded: &[i16]) {
        if decoded.len() >= REPEAT_SAMPLES {
            self.last
                .copy_from_slice(&decoded[decoded.len() - REPEAT_SAMPLES..]);
        } else if !decoded.is_empty() {
            self.last.copy_within(decoded.len().., 0);
            self.last[REPEAT_SAMPLES - decoded.len()..].copy_from_slice(decoded);
        }
        self.position = 0;
        self.concealed = 0;
    }

    /// Appends `samples` of concealment to `out`.
    pub fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        out.reserve(samples);
        for _ in 0..samples {
            let remaining = FADE_SAMPLES.saturating_sub(self.concealed);
            let sample = if remaining == 0 {
                0
            } else {
                let gain = remaining as f32 / FADE_SAMPLES as f32;
                (f32::from(self.last[self.position]) * gain) as i16
            };
            out.push(sample);
            self.position = (self.position + 1) % REPEAT_SAMPLES;
            self.concealed = self.concealed.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_the_last_ten_ms_then_falls_to_silence_by_sixty() {
        let mut repeat = FadingRepeat::default();
        let audio: Vec<i16> = (0..400).map(|i| 1000 + i as i16).collect();
        repeat.remember(&audio);
        let mut out = Vec::new();
        repeat.conceal(FADE_SAMPLES + 100, &mut out);
        assert_eq!(out[0], 1240, "starts with the sample 10 ms before the end");
        assert!(out[REPEAT_SAMPLES] < out[0], "second repeat is quieter");
        assert!(out[FADE_SAMPLES / 2].abs() < 1400 / 2 + 1);
        assert!(out[FADE_SAMPLES..].iter().all(|&s| s == 0));
    }

    #[test]
    fn short_decodes_shift_into_the_history_and_audio_resets_the_fade() {
        let mut repeat = FadingRepeat::default();
        repeat.remember(&[7000; 200]);
        repeat.remember(&[9600; 40]);
        let mut out = Vec::new();
        repeat.conceal(REPEAT_SAMPLES, &mut out);
        assert_eq!(out[0], 7000);
        // The newest 40 samples sit at the end, 120 samples into the fade.
        assert_eq!(out[REPEAT_SAMPLES - 40], 8400, "9600 at a gain of 840/960");
        repeat.remember(&[100; 160]);
        out.clear();
        repeat.conceal(1, &mut out);
        assert_eq!(out, [100]);
    }
}
