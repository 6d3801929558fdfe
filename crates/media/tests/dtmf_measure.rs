//! Measures the in-band detector's acceptance edges (shortest digit, twist, frequency
//! deviation) by sweeping, checks them against the Q.24 contract, and prints them:
//! `cargo test -p dialbridge-media --test dtmf_measure -- --nocapture`.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use common::{keys, Signal, Tone};

const KEYS: &str = "0123456789*#ABCD";

/// Whether every key is detected exactly, for every window alignment (lead-in 0-39 samples).
fn all_detected(on_ms: u32, tone: Tone) -> bool {
    (0..40).step_by(4).all(|lead| {
        let mut s = Signal::default();
        s.0.resize(lead, 0.0);
        s.digits(KEYS, on_ms, 60, tone);
        keys(&s.samples()) == KEYS
    })
}

/// Whether no key is detected for any alignment.
fn none_detected(on_ms: u32, tone: Tone) -> bool {
    (0..40).step_by(4).all(|lead| {
        let mut s = Signal::default();
        s.0.resize(lead, 0.0);
        s.digits(KEYS, on_ms, 60, tone);
        keys(&s.samples()).is_empty()
    })
}

#[test]
fn shortest_digit() {
    for dbm0 in [-10.0, -30.0] {
        let tone = Tone::level(dbm0);
        let always = (20..=60).find(|&ms| all_detected(ms, tone)).unwrap();
        let never = (10..=60).rev().find(|&ms| none_detected(ms, tone)).unwrap();
        eprintln!("{dbm0} dBm0: every digit detected from {always} ms; none up to {never} ms");
        assert!(always <= 40, "Q.24: 40 ms digits must be accepted");
        assert!(never >= 20);
    }
}

fn sweep_edge(accepts: impl Fn(f32) -> bool, from: f32, step: f32) -> f32 {
    // The last value (walking outward from `from`) still accepted.
    let mut value = from;
    while accepts(value + step) && (value + step).abs() < 50.0 {
        value += step;
    }
    value
}

#[test]
fn twist_edges() {
    let twisted = |forward_db: f32| Tone {
        low_dbm0: -15.0 - forward_db / 2.0,
        high_dbm0: -15.0 + forward_db / 2.0,
        low_deviation: 0.0,
        high_deviation: 0.0,
    };
    let forward = sweep_edge(|db| all_detected(50, twisted(db)), 0.0, 0.25);
    let reverse = -sweep_edge(|db| all_detected(50, twisted(db)), 0.0, -0.25);
    let forward_rejected = (0..40)
        .map(|i| i as f32 * 0.25)
        .find(|&db| none_detected(50, twisted(db)))
        .unwrap();
    let reverse_rejected = (0..40)
        .map(|i| i as f32 * 0.25)
        .find(|&db| none_detected(50, twisted(-db)))
        .unwrap();
    eprintln!(
        "twist: forward accepted to {forward} dB, rejected from {forward_rejected} dB; \
         reverse accepted to {reverse} dB, rejected from {reverse_rejected} dB"
    );
    assert!(forward >= 8.0 && forward_rejected <= 9.5);
    assert!(reverse >= 4.0 && reverse_rejected <= 5.5);
}

/// Maps a deviation magnitude to (low group, high group) deviations.
type Deviation = fn(f32) -> (f32, f32);

#[test]
fn frequency_deviation_edges() {
    let deviated = |low: f32, high: f32| Tone {
        low_deviation: low,
        high_deviation: high,
        ..Tone::level(-20.0)
    };
    let step = 0.001;
    let cases: [(&str, Deviation); 4] = [
        ("low +", |d| (d, 0.0)),
        ("low -", |d| (-d, 0.0)),
        ("high +", |d| (0.0, d)),
        ("high -", |d| (0.0, -d)),
    ];
    for (name, make) in cases {
        let accepted = sweep_edge(
            |d| {
                let (l, h) = make(d);
                all_detected(40, deviated(l, h))
            },
            0.0,
            step,
        );
        let rejected = (0..60)
            .map(|i| i as f32 * step)
            .find(|&d| {
                let (l, h) = make(d);
                none_detected(40, deviated(l, h))
            })
            .unwrap();
        eprintln!(
            "deviation {name}: accepted to {:.1}%, rejected from {:.1}%",
            accepted * 100.0,
            rejected * 100.0
        );
        assert!(accepted >= 0.015 - 1e-6, "Q.24: +-1.5% must be accepted");
        assert!(rejected <= 0.035 + 1e-6, "Q.24: +-3.5% must be rejected");
    }
}
