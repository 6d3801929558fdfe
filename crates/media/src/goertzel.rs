//! The Goertzel algorithm: the power of one frequency in a block of samples, for a fraction
//! of the cost of an FFT when only a handful of frequencies matter (DTMF needs 8, plus a few
//! probes and harmonics).

/// One frequency to measure at a given sample rate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Goertzel {
    /// 2 cos(2 pi f / fs), the recurrence coefficient.
    coeff: f32,
}

impl Goertzel {
    pub(crate) fn new(frequency: f32, sample_rate: f32) -> Self {
        Self {
            coeff: 2.0 * (std::f32::consts::TAU * frequency / sample_rate).cos(),
        }
    }

    /// Mean-square power of the component at this frequency in `block`, scaled so that a sine
    /// of amplitude A exactly at the frequency gives A²/2, the same scale as the block's own
    /// mean square (so the two can be compared directly).
    pub(crate) fn power(&self, block: &[f32]) -> f32 {
        self.windowed_power(block, block.len() as f32)
    }

    /// Like [`Self::power`] for a block already multiplied by a window whose weights sum to
    /// `window_sum` (the window's coherent gain times its length).
    pub(crate) fn windowed_power(&self, block: &[f32], window_sum: f32) -> f32 {
        let (mut s1, mut s2) = (0.0f32, 0.0f32);
        for &x in block {
            let s0 = x + self.coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        let magnitude_squared = s1 * s1 + s2 * s2 - self.coeff * s1 * s2;
        let n = window_sum.max(f32::MIN_POSITIVE);
        2.0 * magnitude_squared / (n * n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(frequency: f32, amplitude: f32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| amplitude * (std::f32::consts::TAU * frequency * i as f32 / 8000.0).sin())
            .collect()
    }

    #[test]
    fn power_of_an_on_frequency_sine_is_its_mean_square() {
        let block = sine(770.0, 1000.0, 160);
        let power = Goertzel::new(770.0, 8000.0).power(&block);
        assert!((power / 500_000.0 - 1.0).abs() < 0.02, "{power}");
        let off = Goertzel::new(1209.0, 8000.0).power(&block);
        assert!(off < power / 1000.0, "{off}");
    }
}
