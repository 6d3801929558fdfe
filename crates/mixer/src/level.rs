//! Per-participant speech level: the power of each frame, smoothed over a few frames.

use dialbridge_media::codec::Frame;

/// Full scale squared: a full-scale square wave has power 1.0 (0 dBov).
const FULL_SCALE_POWER: f32 = 32_767.0 * 32_767.0;

/// How fast the level follows a rise: half the gap per 20 ms frame, so a talker who starts
/// loud is picked within a frame or two.
const ATTACK: f32 = 0.5;
/// How fast it follows a fall: 40% of the gap per frame (about -2 dB per frame), so a
/// speaker who stops is released soon after the hangover, which bridges the pauses.
const RELEASE: f32 = 0.4;
/// Below this (-100 dBov) the level counts as zero, so a silent conference settles to an
/// exact idle state instead of decaying forever.
const FLOOR: f32 = 1e-10;

/// Mean square of one frame relative to full scale (1.0 = 0 dBov).
pub fn frame_power(frame: &Frame) -> f32 {
    // Eight independent running sums let the compiler use SIMD (a single float sum must
    // keep its order and stays scalar); this runs for every participant every tick.
    let mut lanes = [0f32; 8];
    for chunk in frame.chunks_exact(lanes.len()) {
        for (lane, &sample) in lanes.iter_mut().zip(chunk) {
            let sample = sample as f32;
            *lane += sample * sample;
        }
    }
    lanes.iter().sum::<f32>() / frame.len() as f32 / FULL_SCALE_POWER
}

/// Moves a smoothed level toward this frame's power.
pub fn smooth(level: f32, power: f32) -> f32 {
    let rate = if power > level { ATTACK } else { RELEASE };
    let next = level + rate * (power - level);
    if next < FLOOR {
        0.0
    } else {
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dialbridge_media::codec::FRAME_SAMPLES;

    #[test]
    fn full_scale_square_is_zero_dbov_and_silence_is_zero() {
        let mut square = [0i16; FRAME_SAMPLES];
        for (i, s) in square.iter_mut().enumerate() {
            *s = if i % 2 == 0 { 32_767 } else { -32_767 };
        }
        assert!((frame_power(&square) - 1.0).abs() < 1e-5);
        assert_eq!(frame_power(&[0; FRAME_SAMPLES]), 0.0);
    }

    #[test]
    fn level_rises_fast_falls_slowly_and_settles_at_zero() {
        let mut level = smooth(0.0, 0.01);
        assert_eq!(level, 0.005);
        level = smooth(level, 0.0);
        assert!((level - 0.005 * 0.6).abs() < 1e-9);
        for _ in 0..200 {
            level = smooth(level, 0.0);
        }
        assert_eq!(level, 0.0);
    }
}
