//! Signals and measurements shared by the codec tests: sines, Goertzel power, RMS, and a round
//! trip through any encoder and decoder pair.

#![allow(dead_code)] // each test binary uses a different part
#![allow(clippy::unwrap_used)]

use dialbridge_media::codec::{Decoder, Encoder, INTERNAL_RATE};
use std::f64::consts::TAU;

pub const RATE: f64 = INTERNAL_RATE as f64;

/// `n` samples of a sine of `frequency` Hz and peak `amplitude` at `rate`.
pub fn sine(frequency: f64, amplitude: f64, rate: f64, n: usize) -> Vec<i16> {
    (0..n)
        .map(|i| (amplitude * (TAU * frequency * i as f64 / rate).sin()).round() as i16)
        .collect()
}

/// Mean-square power of the `frequency` component of `block`, on the same scale as the mean
/// square (a sine of peak A at that frequency gives A^2/2). A Hann window keeps a strong tone
/// from leaking into a weak one's bin.
pub fn tone_power(block: &[i16], frequency: f64, rate: f64) -> f64 {
    let n = block.len();
    let coeff = 2.0 * (TAU * frequency / rate).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    let mut window_sum = 0.0;
    for (i, &x) in block.iter().enumerate() {
        let w = 0.5 - 0.5 * (TAU * i as f64 / n as f64).cos();
        window_sum += w;
        let s0 = f64::from(x) * w + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let magnitude_squared = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    2.0 * magnitude_squared / (window_sum * window_sum)
}

pub fn mean_square(block: &[i16]) -> f64 {
    block.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / block.len().max(1) as f64
}

pub fn db(power_ratio: f64) -> f64 {
    10.0 * power_ratio.max(1e-30).log10()
}

/// Feeds `pcm` through `encoder` packet by packet and each payload through `decoder`;
/// returns the decoded audio and the payload sizes.
pub fn round_trip(
    encoder: &mut dyn Encoder,
    decoder: &mut dyn Decoder,
    pcm: &[i16],
) -> (Vec<i16>, Vec<usize>) {
    let packet = encoder.ptime_ms() as usize * INTERNAL_RATE as usize / 1000;
    let mut decoded = Vec::new();
    let mut sizes = Vec::new();
    let mut payload = Vec::new();
    for chunk in pcm.chunks_exact(packet) {
        payload.clear();
        let size = encoder.encode(chunk, &mut payload).unwrap();
        assert_eq!(size, payload.len());
        sizes.push(size);
        let before = decoded.len();
        let samples = decoder.decode(&payload, &mut decoded).unwrap();
        assert_eq!(samples, decoded.len() - before);
    }
    (decoded, sizes)
}
