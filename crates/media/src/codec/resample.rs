//! 8 kHz <-> 16 kHz conversion for the narrowband codecs, on top of `rubato`.
//!
//! The ratio is exactly 2 (or 1/2) and never changes, so this is synchronous resampling. We use
//! rubato's windowed-sinc resampler at that fixed ratio rather than its FFT resampler because
//! the sinc resampler takes any number of input samples per call and hands back exactly twice
//! (or half) as many: a 30 ms or 50 ms payload comes out as 30 ms or 50 ms of audio at once,
//! with no block of samples held back between packets. At ratio 2 every output sample falls on
//! a whole or half input sample, so an oversampling factor of 2 with nearest-point lookup is an
//! exact polyphase filter (no interpolation between table points).
//!
//! The filter spans 8 ms of input in both directions ([`UPSAMPLE_TAPS`] at 8 kHz,
//! [`DOWNSAMPLE_TAPS`] at 16 kHz), which puts the passband edge near 3.4 kHz, the top of the
//! telephone band, and delays the audio by about 4 ms each way: [`UPSAMPLE_DELAY`] samples at
//! 16 kHz, [`DOWNSAMPLE_DELAY`] samples at 8 kHz.
//!
//! Buffers are allocated when the resampler is built; `process` allocates nothing except when
//! `out` must grow.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{
    Async, FixedAsync, Resampler as _, Resizable as _, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};

/// Sinc taps (at 8 kHz) of the 8 -> 16 kHz filter.
pub const UPSAMPLE_TAPS: usize = 64;
/// Sinc taps (at 16 kHz) of the 16 -> 8 kHz filter.
pub const DOWNSAMPLE_TAPS: usize = 128;
/// Delay added by upsampling, in 16 kHz samples (4.1 ms): half the filter plus the priming.
/// Measured by `tests/codec_resample.rs`.
pub const UPSAMPLE_DELAY: usize = 66;
/// Delay added by downsampling, in 8 kHz samples (4 ms), rounded: the even-length filter
/// puts the true group delay a quarter sample earlier. Measured by `tests/codec_resample.rs`.
pub const DOWNSAMPLE_DELAY: usize = 32;

/// Zero samples fed to a new resampler (see `Resampler::prime`).
const PRIMING_SAMPLES: usize = 2;

/// Input samples handed to rubato per call: 60 ms at either rate, the longest packet time.
/// Longer inputs are processed in several calls.
const MAX_CHUNK: usize = 960;

/// Why a resampler could not be built or run. Neither happens with the fixed settings here;
/// the error exists so that a rubato failure surfaces as an error, never a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("resampler: {0}")]
pub struct ResampleError(String);

/// Which way a [`Resampler`] converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// 8 kHz in, 16 kHz out.
    Up,
    /// 16 kHz in, 8 kHz out.
    Down,
}

/// One stream's 8 <-> 16 kHz converter. It keeps the filter history between calls, so each
/// stream (each decoder, each encoder) needs its own.
pub struct Resampler {
    direction: Direction,
    inner: Async<f32>,
    input: Vec<f32>,
    output: Vec<f32>,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resampler")
            .field("direction", &self.direction)
            .finish_non_exhaustive()
    }
}

impl Resampler {
    /// A converter from 8 kHz to 16 kHz.
    pub fn upsampler() -> Result<Self, ResampleError> {
        Self::new(Direction::Up)
    }

    /// A converter from 16 kHz to 8 kHz.
    pub fn downsampler() -> Result<Self, ResampleError> {
        Self::new(Direction::Down)
    }

    pub fn new(direction: Direction) -> Result<Self, ResampleError> {
        let (ratio, taps) = match direction {
            Direction::Up => (2.0, UPSAMPLE_TAPS),
            Direction::Down => (0.5, DOWNSAMPLE_TAPS),
        };
        // Blackman2 rather than rubato's default BlackmanHarris2: its sidelobes (about -90 dB)
        // are far below G.711's own noise (about -38 dB), and it buys a higher passband edge
        // for the same filter length, hence the same delay.
        let parameters = SincInterpolationParameters::new(taps, WindowFunction::Blackman2)
            .oversampling_factor(2)
            .interpolation(SincInterpolationType::Nearest);
        let inner =
            Async::<f32>::new_sinc(ratio, 1.0, &parameters, MAX_CHUNK, 1, FixedAsync::Input)
                .map_err(|error| ResampleError(error.to_string()))?;
        let output = vec![0.0; inner.output_frames_max()];
        let mut resampler = Self {
            direction,
            inner,
            input: Vec::with_capacity(MAX_CHUNK),
            output,
        };
        resampler.prime()?;
        Ok(resampler)
    }

    /// rubato's first call returns [`PRIMING_SAMPLES`] input samples' worth less output than
    /// later calls. Feeding that many zeros up front makes every call return exactly twice
    /// (or half) its input, which the codecs promise their callers.
    fn prime(&mut self) -> Result<(), ResampleError> {
        self.input.clear();
        self.input.resize(PRIMING_SAMPLES, 0.0);
        let mut discarded = Vec::new();
        self.process_chunk(&mut discarded)?;
        debug_assert!(discarded.is_empty());
        Ok(())
    }

    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The delay this converter adds, in output samples.
    pub fn delay(&self) -> usize {
        match self.direction {
            Direction::Up => UPSAMPLE_DELAY,
            Direction::Down => DOWNSAMPLE_DELAY,
        }
    }

    /// Converts `input`, appending the result to `out`; returns how many samples were
    /// appended: twice (up) or half (down) the input length.
    pub fn process(&mut self, input: &[i16], out: &mut Vec<i16>) -> Result<usize, ResampleError> {
        self.process_from(input.iter().copied(), out)
    }

    /// Like [`Self::process`] for samples produced on the fly (G.711 codes being decoded),
    /// so they need not be collected first.
    pub fn process_from(
        &mut self,
        input: impl IntoIterator<Item = i16>,
        out: &mut Vec<i16>,
    ) -> Result<usize, ResampleError> {
        let mut input = input.into_iter();
        let mut appended = 0;
        loop {
            self.input.clear();
            self.input
                .extend(input.by_ref().take(MAX_CHUNK).map(f32::from));
            if self.input.is_empty() {
                return Ok(appended);
            }
            appended += self.process_chunk(out)?;
        }
    }

    /// Forgets the filter history, as for a new stream.
    pub fn reset(&mut self) -> Result<(), ResampleError> {
        self.inner.reset();
        self.prime()
    }

    fn process_chunk(&mut self, out: &mut Vec<i16>) -> Result<usize, ResampleError> {
        let frames = self.input.len();
        let failed = |error: &dyn std::fmt::Display| ResampleError(error.to_string());
        self.inner
            .set_chunk_size(frames)
            .map_err(|error| failed(&error))?;
        let input = InterleavedSlice::new(&self.input[..], 1, frames).map_err(|e| failed(&e))?;
        let capacity = self.output.len();
        let mut output =
            InterleavedSlice::new_mut(&mut self.output[..], 1, capacity).map_err(|e| failed(&e))?;
        let (_, written) = self
            .inner
            .process_into_buffer(&input, &mut output, None)
            .map_err(|error| failed(&error))?;
        out.extend(self.output[..written].iter().map(|&x| to_i16(x)));
        Ok(written)
    }
}

/// Rounds and saturates: the filter can overshoot full scale on clipped input.
fn to_i16(sample: f32) -> i16 {
    sample
        .round()
        .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16
}
