//! Operator-supplied WAV prompts, read with `hound`.
//!
//! Accepted: mono 16-bit PCM at 16 kHz (used as is) or 8 kHz (telephone recordings, doubled
//! to 16 kHz). Anything else is refused with a message saying what was found, rather than
//! converted in ways the operator did not ask for.

use std::io::Cursor;

use crate::codec::INTERNAL_RATE;

/// Why a WAV file was refused.
pub(crate) enum WavProblem {
    /// Not readable as WAV at all.
    Corrupt(String),
    /// Readable, but not mono 16-bit PCM at 8 or 16 kHz; describes what it is.
    Unsupported(String),
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<i16>, WavProblem> {
    let reader = hound::WavReader::new(Cursor::new(bytes))
        .map_err(|error| WavProblem::Corrupt(error.to_string()))?;
    let spec = reader.spec();
    let pcm_16 = spec.sample_format == hound::SampleFormat::Int && spec.bits_per_sample == 16;
    let rate_ok = spec.sample_rate == INTERNAL_RATE || spec.sample_rate == 8_000;
    if spec.channels != 1 || !pcm_16 || !rate_ok {
        return Err(WavProblem::Unsupported(format!(
            "{} channel(s), {}-bit {:?}, {} Hz",
            spec.channels, spec.bits_per_sample, spec.sample_format, spec.sample_rate
        )));
    }
    let samples = reader
        .into_samples::<i16>()
        .collect::<Result<Vec<i16>, _>>()
        .map_err(|error| WavProblem::Corrupt(error.to_string()))?;
    Ok(if spec.sample_rate == INTERNAL_RATE {
        samples
    } else {
        upsample_8k_to_16k(&samples)
    })
}

/// Doubles the rate by linear interpolation: each input sample, then the midpoint to the next.
///
/// Hand-written rather than a resampler crate: an 8 kHz recording holds nothing above 4 kHz,
/// so the only task is to place a sample between each pair, and the midpoint's mild
/// high-frequency roll-off is inaudible on telephone speech. The last sample is repeated.
pub(crate) fn upsample_8k_to_16k(input: &[i16]) -> Vec<i16> {
    let mut output = Vec::with_capacity(input.len() * 2);
    for (index, &sample) in input.iter().enumerate() {
        let next = input.get(index + 1).copied().unwrap_or(sample);
        output.push(sample);
        output.push(((i32::from(sample) + i32::from(next)) / 2) as i16);
    }
    output
}
