//! A sine through each codec's encoder and decoder keeps its frequency and its level, at
//! 1 kHz, at a low frequency and near the top of the band; G.711 removes what 8 kHz sampling
//! cannot carry.

#![allow(clippy::unwrap_used)]

mod codec_support;

use codec_support::{db, mean_square, round_trip, sine, tone_power, RATE};
use dialbridge_media::codec::{new_decoder, new_encoder, CodecKind};

const ALL: [CodecKind; 4] = [
    CodecKind::Pcmu,
    CodecKind::Pcma,
    CodecKind::G722,
    CodecKind::Opus,
];
/// -12 dBFS: loud speech, well clear of clipping.
const AMPLITUDE: f64 = 8192.0;
/// Decoded audio skipped before measuring: codec start-up and filter delays.
const SETTLE: usize = 3200;
/// 1.2 s of input, a whole number of packets at every packet time.
const INPUT_SAMPLES: usize = 19_200;

struct Measured {
    /// Level change of the tone, in dB.
    gain_db: f64,
    /// Power of everything but the tone (noise, distortion, aliases) relative to the tone, in
    /// dB.
    noise_db: f64,
}

fn through(kind: CodecKind, ptime_ms: u32, frequency: f64) -> Measured {
    let input = sine(frequency, AMPLITUDE, RATE, INPUT_SAMPLES);
    let mut encoder = new_encoder(kind, ptime_ms).unwrap();
    let mut decoder = new_decoder(kind).unwrap();
    let (decoded, _) = round_trip(encoder.as_mut(), decoder.as_mut(), &input);
    assert_eq!(decoded.len(), input.len(), "{kind:?}");
    let output = &decoded[SETTLE..];
    let tone = tone_power(output, frequency, RATE);
    Measured {
        gain_db: db(tone / tone_power(&input[SETTLE..], frequency, RATE)),
        noise_db: db((mean_square(output) - tone) / tone),
    }
}

/// Largest noise-and-distortion level accepted at 1 kHz: G.711's companding noise is near
/// -38 dB at this level, G.722's lower; Opus at 24 kbit/s measures about -20 dB on a pure
/// tone (its coding noise is shaped for speech, not sines).
fn noise_limit_db(kind: CodecKind) -> f64 {
    match kind {
        CodecKind::Opus => -15.0,
        _ => -30.0,
    }
}

#[test]
fn a_1_khz_tone_keeps_its_frequency_and_level_through_every_codec() {
    for kind in ALL {
        let m = through(kind, 20, 1000.0);
        assert!(m.gain_db.abs() < 0.5, "{kind:?}: gain {:.2} dB", m.gain_db);
        assert!(
            m.noise_db < noise_limit_db(kind),
            "{kind:?}: noise {:.1} dB",
            m.noise_db
        );
    }
}

#[test]
fn low_frequencies_pass_every_codec() {
    for kind in ALL {
        let m = through(kind, 20, 150.0);
        assert!(m.gain_db.abs() < 1.0, "{kind:?}: gain {:.2} dB", m.gain_db);
        assert!(m.noise_db < -20.0, "{kind:?}: noise {:.1} dB", m.noise_db);
    }
}

#[test]
fn the_top_of_the_telephone_band_passes_g711() {
    for kind in [CodecKind::Pcmu, CodecKind::Pcma] {
        let m = through(kind, 20, 3000.0);
        assert!(m.gain_db.abs() < 0.5, "{kind:?}: gain {:.2} dB", m.gain_db);
        assert!(m.noise_db < -30.0, "{kind:?}: noise {:.1} dB", m.noise_db);
    }
}

#[test]
fn seven_khz_passes_the_wideband_codecs() {
    for kind in [CodecKind::G722, CodecKind::Opus] {
        let m = through(kind, 20, 7000.0);
        assert!(m.gain_db.abs() < 1.0, "{kind:?}: gain {:.2} dB", m.gain_db);
        assert!(m.noise_db < -20.0, "{kind:?}: noise {:.1} dB", m.noise_db);
    }
}

fn variance(block: &[i16]) -> f64 {
    let mean = block.iter().map(|&x| f64::from(x)).sum::<f64>() / block.len() as f64;
    mean_square(block) - mean * mean
}

#[test]
fn seven_khz_is_filtered_out_of_g711_not_aliased() {
    for kind in [CodecKind::Pcmu, CodecKind::Pcma] {
        let input = sine(7000.0, AMPLITUDE, RATE, INPUT_SAMPLES);
        let mut encoder = new_encoder(kind, 20).unwrap();
        let mut decoder = new_decoder(kind).unwrap();
        let (decoded, _) = round_trip(encoder.as_mut(), decoder.as_mut(), &input);
        // Variance, not mean square: A-law has no zero code, so its silence is a steady +8.
        let left = db(variance(&decoded[SETTLE..]) / mean_square(&input));
        assert!(left < -60.0, "{kind:?}: {left:.1} dB left");
        // Sampled at 8 kHz without filtering, 7 kHz would come back as 1 kHz.
        let alias = db(tone_power(&decoded[SETTLE..], 1000.0, RATE) / mean_square(&input));
        assert!(alias < -60.0, "{kind:?}: alias at {alias:.1} dB");
    }
}

#[test]
fn every_packet_time_round_trips_a_tone() {
    for kind in ALL {
        let ptimes: &[u32] = match kind {
            CodecKind::Opus => &[10, 20, 40, 60],
            _ => &[10, 20, 30, 40, 50, 60],
        };
        for &ptime in ptimes {
            let m = through(kind, ptime, 1000.0);
            assert!(
                m.gain_db.abs() < 0.5,
                "{kind:?} {ptime} ms: gain {:.2} dB",
                m.gain_db
            );
            assert!(
                m.noise_db < noise_limit_db(kind),
                "{kind:?} {ptime} ms: noise {:.1} dB",
                m.noise_db
            );
        }
    }
}
