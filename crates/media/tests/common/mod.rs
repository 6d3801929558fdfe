//! Test signal generation shared by the in-band DTMF tests: tones, pauses, noise, all in
//! floating point and rounded to 16 bits once.

#![allow(dead_code)] // each test binary uses a different part

use dialbridge_media::dtmf_detector::{COLUMN_FREQUENCIES, ROW_FREQUENCIES};
use dialbridge_media::{DetectedDigit, DtmfDetector, DtmfDigit};
use std::f32::consts::TAU;

pub const RATE: f32 = 8000.0;
/// Peak of a 0 dBm0 sine in 16-bit linear (see dtmf_detector's module docs).
pub const DBM0_PEAK: f32 = 22654.0;

pub fn amplitude(dbm0: f32) -> f32 {
    DBM0_PEAK * 10f32.powf(dbm0 / 20.0)
}

/// A small deterministic PRNG so the noise is the same on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Approximately Gaussian, unit variance (sum of 12 uniforms).
    pub fn gaussian(&mut self) -> f32 {
        (0..12).map(|_| self.next_f32()).sum::<f32>() - 6.0
    }
}

#[derive(Clone, Copy)]
pub struct Tone {
    pub low_dbm0: f32,
    pub high_dbm0: f32,
    pub low_deviation: f32,
    pub high_deviation: f32,
}

impl Tone {
    pub fn level(dbm0: f32) -> Self {
        Self {
            low_dbm0: dbm0,
            high_dbm0: dbm0,
            low_deviation: 0.0,
            high_deviation: 0.0,
        }
    }
}

/// Builds a signal piece by piece, in floating point, then rounds to 16 bits once.
#[derive(Default)]
pub struct Signal(pub Vec<f32>);

impl Signal {
    pub fn digit(&mut self, digit: DtmfDigit, ms: u32, tone: Tone) -> &mut Self {
        let (row, column) = digit.keypad_position();
        let low = ROW_FREQUENCIES[row] * (1.0 + tone.low_deviation);
        let high = COLUMN_FREQUENCIES[column] * (1.0 + tone.high_deviation);
        let (a_low, a_high) = (amplitude(tone.low_dbm0), amplitude(tone.high_dbm0));
        let n = ms as usize * 8;
        // Phases continue from the sample index, like a free-running generator.
        let start = self.0.len();
        self.0.extend((start..start + n).map(|i| {
            let t = i as f32 / RATE;
            a_low * (TAU * low * t).sin() + a_high * (TAU * high * t + 1.0).sin()
        }));
        self
    }

    pub fn silence(&mut self, ms: u32) -> &mut Self {
        self.0.extend(std::iter::repeat_n(0.0, ms as usize * 8));
        self
    }

    pub fn digits(&mut self, keys: &str, on_ms: u32, off_ms: u32, tone: Tone) -> &mut Self {
        for c in keys.chars() {
            self.digit(DtmfDigit::from_char(c).unwrap(), on_ms, tone);
            self.silence(off_ms);
        }
        self
    }

    /// Adds white Gaussian noise at `dbm0` (RMS relative to a 0 dBm0 sine) over everything.
    pub fn add_noise(&mut self, dbm0: f32, seed: u64) -> &mut Self {
        let rms = amplitude(dbm0) / 2f32.sqrt();
        let mut rng = Rng(seed);
        for x in &mut self.0 {
            *x += rms * rng.gaussian();
        }
        self
    }

    pub fn samples(&self) -> Vec<i16> {
        self.0
            .iter()
            .map(|x| x.round().clamp(-32768.0, 32767.0) as i16)
            .collect()
    }
}

pub fn detect(samples: &[i16]) -> Vec<DetectedDigit> {
    let mut detector = DtmfDetector::new();
    // Odd-sized pushes, as packets of mixed ptime would give.
    for chunk in samples.chunks(77) {
        detector.push_samples(chunk);
    }
    detector.finish();
    std::iter::from_fn(|| detector.poll_digit()).collect()
}

pub fn keys(samples: &[i16]) -> String {
    detect(samples).iter().map(|d| d.digit.as_char()).collect()
}
