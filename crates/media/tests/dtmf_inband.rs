//! In-band DTMF detection against ITU-T Q.24-style requirements, with tones generated here:
//! 40 ms digits and pauses, -10..-30 dBm0, twist and frequency deviation at and beyond the
//! limits, noise, and talk-off on synthetic and real (espeak-ng) speech.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use dialbridge_media::DtmfDigit;
use std::f32::consts::TAU;

mod common;

use common::{detect, keys, Rng, Signal, Tone, RATE};

const ALL_KEYS: &str = "0123456789*#ABCD";

#[test]
fn every_digit_at_40_and_50_ms_with_40_ms_pauses_from_minus_10_to_minus_30_dbm0() {
    for on_ms in [40, 50] {
        for dbm0 in [-10.0, -15.0, -20.0, -25.0, -30.0] {
            // Different lead-in so the tones fall on different window alignments.
            for lead_ms in [0, 3, 7, 12] {
                let mut s = Signal::default();
                s.silence(lead_ms)
                    .digits(ALL_KEYS, on_ms, 40, Tone::level(dbm0));
                assert_eq!(
                    keys(&s.samples()),
                    ALL_KEYS,
                    "{on_ms} ms at {dbm0} dBm0, lead {lead_ms} ms"
                );
            }
        }
    }
}

#[test]
fn same_digit_repeated_with_40_ms_pauses_is_reported_each_time() {
    let mut s = Signal::default();
    s.digits("5555", 40, 40, Tone::level(-20.0));
    assert_eq!(keys(&s.samples()), "5555");
}

#[test]
fn a_10_ms_dropout_does_not_split_a_digit() {
    let mut s = Signal::default();
    let tone = Tone::level(-20.0);
    s.digit(DtmfDigit::D7, 60, tone)
        .silence(10)
        .digit(DtmfDigit::D7, 60, tone)
        .silence(50);
    assert_eq!(keys(&s.samples()), "7");
}

#[test]
fn reported_timing_is_close_to_the_tone() {
    let mut s = Signal::default();
    s.silence(100)
        .digit(DtmfDigit::D3, 100, Tone::level(-20.0))
        .silence(100);
    let found = detect(&s.samples());
    assert_eq!(found.len(), 1);
    let start_ms = found[0].start_sample as f32 / 8.0;
    assert!((start_ms - 100.0).abs() <= 10.0, "start {start_ms} ms");
    let ms = found[0].duration.as_secs_f32() * 1000.0;
    assert!((ms - 100.0).abs() <= 10.0, "duration {ms} ms");
}

#[test]
fn tones_shorter_than_q24_minimum_are_not_accepted_as_digits() {
    // 20 ms tones are well below what Q.24 asks us to accept; they must not be reported.
    let mut s = Signal::default();
    s.digits(ALL_KEYS, 20, 60, Tone::level(-15.0));
    assert_eq!(keys(&s.samples()), "");
}

fn twisted(forward_db: f32) -> Tone {
    // Positive = high group louder (forward twist); total kept near -15 dBm0 per tone.
    Tone {
        low_dbm0: -15.0 - forward_db / 2.0,
        high_dbm0: -15.0 + forward_db / 2.0,
        low_deviation: 0.0,
        high_deviation: 0.0,
    }
}

#[test]
fn twist_within_limits_accepted_beyond_rejected() {
    for forward_db in [-4.0, -2.0, 0.0, 4.0, 8.0] {
        let mut s = Signal::default();
        s.digits(ALL_KEYS, 50, 50, twisted(forward_db));
        assert_eq!(keys(&s.samples()), ALL_KEYS, "twist {forward_db} dB");
    }
    for forward_db in [-5.5, -8.0, 9.5, 12.0] {
        let mut s = Signal::default();
        s.digits(ALL_KEYS, 50, 50, twisted(forward_db));
        assert_eq!(keys(&s.samples()), "", "twist {forward_db} dB");
    }
}

fn deviated(low: f32, high: f32) -> Tone {
    Tone {
        low_dbm0: -20.0,
        high_dbm0: -20.0,
        low_deviation: low,
        high_deviation: high,
    }
}

#[test]
fn frequency_deviation_of_1_5_percent_accepted() {
    for (low, high) in [
        (0.015, 0.015),
        (-0.015, -0.015),
        (0.015, -0.015),
        (-0.015, 0.015),
    ] {
        let mut s = Signal::default();
        s.digits(ALL_KEYS, 40, 40, deviated(low, high));
        assert_eq!(keys(&s.samples()), ALL_KEYS, "deviation {low} / {high}");
    }
}

#[test]
fn frequency_deviation_of_3_5_percent_rejected() {
    for (low, high) in [(0.035, 0.0), (-0.035, 0.0), (0.0, 0.035), (0.0, -0.035)] {
        let mut s = Signal::default();
        s.digits(ALL_KEYS, 50, 50, deviated(low, high));
        assert_eq!(keys(&s.samples()), "", "deviation {low} / {high}");
    }
}

#[test]
fn too_quiet_tones_are_ignored() {
    let mut s = Signal::default();
    s.digits(ALL_KEYS, 50, 50, Tone::level(-45.0));
    assert_eq!(keys(&s.samples()), "");
}

#[test]
fn noise_alone_gives_nothing() {
    for dbm0 in [-40.0, -25.0, -10.0] {
        let mut s = Signal::default();
        s.silence(5000).add_noise(dbm0, 0x5EED);
        assert_eq!(keys(&s.samples()), "", "noise at {dbm0} dBm0");
    }
}

#[test]
fn digits_over_speech_level_noise_are_reported_exactly() {
    let mut s = Signal::default();
    s.silence(200)
        .digits("1470#*85209ABCD36", 45, 45, Tone::level(-18.0))
        .silence(200)
        .add_noise(-32.0, 42);
    assert_eq!(keys(&s.samples()), "1470#*85209ABCD36");
}

/// Speech-like sound: a glottal pulse train (harmonics of a wandering pitch) shaped by
/// three wandering formant resonances, plus formant-shaped noise for the unvoiced parts.
fn synthetic_speech(seconds: f32, pitch_hz: (f32, f32), seed: u64) -> Vec<i16> {
    let mut rng = Rng(seed);
    let n = (seconds * RATE) as usize;
    let mut out = Vec::with_capacity(n);
    let mut phase = 0.0f32;
    // Two-pole resonators, one per formant: (state1, state2).
    let mut formant_state = [(0.0f32, 0.0f32); 3];
    for i in 0..n {
        let t = i as f32 / RATE;
        // Syllables of ~200 ms: pitch glides, formants move between vowels.
        let syllable = (t * 5.0).floor();
        let wobble = (t * 5.0).fract();
        let pitch = pitch_hz.0
            + (pitch_hz.1 - pitch_hz.0) * (0.5 + 0.5 * (TAU * 0.7 * t).sin())
            + 10.0 * (TAU * 3.0 * t).sin();
        let vowel = (syllable as u32 * 7 + 3) % 5;
        let formants: [(f32, f32); 3] = match vowel {
            0 => [(730.0, 90.0), (1090.0, 110.0), (2440.0, 170.0)], // "ah"
            1 => [(270.0, 60.0), (2290.0, 100.0), (3010.0, 120.0)], // "ee"
            2 => [(570.0, 80.0), (840.0, 90.0), (2410.0, 160.0)],   // "aw"
            3 => [(300.0, 70.0), (870.0, 90.0), (2240.0, 120.0)],   // "oo"
            _ => [(660.0, 90.0), (1720.0, 110.0), (2410.0, 150.0)], // "ae"
        };
        phase += pitch / RATE;
        let voiced = wobble < 0.75;
        let excitation = if voiced {
            if phase >= 1.0 {
                phase -= 1.0;
                1.0
            } else {
                0.0
            }
        } else {
            0.3 * rng.gaussian()
        };
        let mut y = 0.0;
        for (k, (f, bw)) in formants.iter().enumerate() {
            let f = f * (1.0 + 0.05 * (TAU * 1.3 * t + k as f32).sin());
            let r = (-std::f32::consts::PI * bw / RATE).exp();
            let a1 = 2.0 * r * (TAU * f / RATE).cos();
            let a2 = -r * r;
            let (s1, s2) = formant_state[k];
            let s0 = excitation + a1 * s1 + a2 * s2;
            formant_state[k] = (s0, s1);
            y += s0 / (k as f32 + 1.0);
        }
        // Syllable envelope.
        let envelope = (std::f32::consts::PI * wobble).sin();
        out.push(y * envelope);
    }
    // Normalise to a loud talker: peaks near -3 dBFS.
    let peak = out.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-9);
    out.iter()
        .map(|x| (x / peak * 23000.0).round() as i16)
        .collect()
}

#[test]
fn no_talk_off_on_synthetic_speech() {
    for (pitch, seed) in [
        ((85.0, 140.0), 1),
        ((100.0, 180.0), 2),
        ((160.0, 260.0), 3),
        ((200.0, 320.0), 4),
    ] {
        let speech = synthetic_speech(10.0, pitch, seed);
        assert_eq!(keys(&speech), "", "pitch {pitch:?}");
    }
}

#[test]
fn no_talk_off_on_harmonic_chords_with_sliding_pitch() {
    // Steady harmonic series whose pitch slides slowly through 60-400 Hz: at some moment two
    // harmonics sit on DTMF frequencies, and the other harmonics must give it away.
    let n = 20 * 8000;
    let mut phase = 0.0f32;
    let samples: Vec<i16> = (0..n)
        .map(|i| {
            let t = i as f32 / RATE;
            let f0 = 60.0 + 340.0 * t / 20.0;
            phase += f0 / RATE;
            let x: f32 = (1..=20)
                .map(|h| (TAU * phase * h as f32).sin() / (h as f32).sqrt())
                .sum();
            (x * 2500.0).clamp(-32768.0, 32767.0) as i16
        })
        .collect();
    assert_eq!(keys(&samples), "");
}

/// The 16-bit samples of a canonical 8 kHz mono PCM WAV.
fn read_wav(bytes: &[u8]) -> Vec<i16> {
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WAVE");
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        let body = &bytes[at + 8..(at + 8 + len).min(bytes.len())];
        if id == b"fmt " {
            let channels = u16::from_le_bytes([body[2], body[3]]);
            let rate = u32::from_le_bytes(body[4..8].try_into().unwrap());
            let bits = u16::from_le_bytes([body[14], body[15]]);
            assert_eq!((channels, rate, bits), (1, 8000, 16), "WAV format");
        }
        if id == b"data" {
            return body
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect();
        }
        at += 8 + len + (len & 1);
    }
    panic!("WAV without a data chunk");
}

fn espeak_sample() -> Vec<i16> {
    // Made by tests/data/make-speech.sh (espeak-ng + sox), committed so the test needs neither.
    read_wav(include_bytes!("data/speech-8k.wav"))
}

#[test]
fn no_talk_off_on_real_speech() {
    let speech = espeak_sample();
    assert!(speech.len() >= 8000 * 4);
    assert_eq!(keys(&speech), "");
    // Louder (clipped) and quieter versions too.
    for gain in [0.1f32, 0.5, 2.0] {
        let scaled: Vec<i16> = speech
            .iter()
            .map(|&x| (x as f32 * gain).clamp(-32768.0, 32767.0) as i16)
            .collect();
        assert_eq!(keys(&scaled), "", "gain {gain}");
    }
}

#[test]
fn digits_over_real_speech_at_a_lower_level_are_reported() {
    // A caller dialling while someone talks in the background, 20 dB down.
    let speech = espeak_sample();
    let mut s = Signal::default();
    s.silence(300).digits("2580", 60, 60, Tone::level(-12.0));
    s.0.resize(speech.len(), 0.0);
    for (x, &v) in s.0.iter_mut().zip(&speech) {
        *x += f32::from(v) * 0.1;
    }
    assert_eq!(keys(&s.samples()), "2580");
}
