//! Talk-off check on your own recordings: runs the in-band DTMF detector over 8 kHz mono
//! 16-bit WAV files and prints any digit it (wrongly) finds in speech or music.
//!
//!     cargo run --release -p dialbridge-media --example talkoff -- a.wav b.wav
//!
//! The test suite does the same on generated and committed speech; this is for material
//! that cannot be committed (real calls, music on hold).

use dialbridge_media::dtmf_detector::DtmfDetector;

fn main() {
    let mut failures = 0;
    for path in std::env::args().skip(1) {
        let samples = match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| pcm(&b))
        {
            Ok(samples) => samples,
            Err(error) => {
                eprintln!("{path}: {error}");
                failures += 1;
                continue;
            }
        };
        let mut detector = DtmfDetector::new();
        detector.push_samples(&samples);
        detector.finish();
        let mut found = Vec::new();
        while let Some(digit) = detector.poll_digit() {
            found.push(digit);
        }
        let seconds = samples.len() as f32 / 8000.0;
        if found.is_empty() {
            println!("{path}: {seconds:.1} s, no digits");
        } else {
            failures += 1;
            println!("{path}: {seconds:.1} s, TALK-OFF {found:?}");
        }
    }
    std::process::exit(i32::from(failures > 0));
}

/// The samples of a PCM WAV file's `data` chunk (format checks left to the caller's
/// knowledge of the file: 8 kHz mono 16-bit).
fn pcm(bytes: &[u8]) -> Result<Vec<i16>, String> {
    if bytes.get(0..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err("not a WAV file".into());
    }
    let mut at = 12;
    while let Some(header) = bytes.get(at..at + 8) {
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let body = bytes.get(at + 8..at + 8 + size).ok_or("truncated chunk")?;
        if &header[0..4] == b"data" {
            return Ok(body
                .chunks_exact(2)
                .map(|p| i16::from_le_bytes([p[0], p[1]]))
                .collect());
        }
        at += 8 + size + (size % 2);
    }
    Err("no data chunk".into())
}
