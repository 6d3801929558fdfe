//! What a recording holds: WAV samples, a tone's level (Goertzel) and overall loudness.

use std::path::{Path, PathBuf};

use super::Lab;

/// The samples of a 16-bit mono WAV file (the `data` chunk, wherever it is).
pub fn wav_samples(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        let body = at + 8;
        if id == b"data" {
            let end = (body + len).min(bytes.len());
            return bytes[body..end]
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect();
        }
        at = body + len + (len % 2);
    }
    panic!("{}: no data chunk", path.display());
}

/// Amplitude (fraction of full scale) of the `frequency` component, by Goertzel.
pub fn tone_amplitude(samples: &[i16], rate: f64, frequency: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * frequency / rate;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = f64::from(x) / f64::from(i16::MAX) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    2.0 * power.sqrt() / samples.len() as f64
}

/// The median over 100 ms blocks of the `frequency` component's amplitude: one concealed
/// packet on a loaded machine must not decide a test, a level that is wrong throughout must.
pub fn median_tone_amplitude(samples: &[i16], rate: f64, frequency: f64) -> f64 {
    let block = (rate / 10.0) as usize;
    let mut amplitudes: Vec<f64> = samples
        .chunks_exact(block)
        .map(|chunk| tone_amplitude(chunk, rate, frequency))
        .collect();
    amplitudes.sort_by(f64::total_cmp);
    amplitudes[amplitudes.len() / 2]
}

/// Root mean square level of `samples`, in dB relative to full scale.
pub fn rms_dbfs(samples: &[i16]) -> f64 {
    let energy: f64 = samples
        .iter()
        .map(|&x| (f64::from(x) / f64::from(i16::MAX)).powi(2))
        .sum();
    10.0 * (energy / samples.len().max(1) as f64).log10()
}

/// What baresip phone `name` recorded of what it heard (its sndfile `dump-*-dec.wav`).
pub fn recording(lab: &Lab, name: &str) -> PathBuf {
    let dir = lab.path().join(name);
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("dump") && n.ends_with("-dec.wav"))
        })
        .unwrap_or_else(|| panic!("{name} recorded nothing in {}", dir.display()))
}
