//! What each participant hears: speakers get the others without themselves, listeners the
//! sum of the speakers, and the limiter keeps loud sums from wrapping.

#![allow(clippy::unwrap_used)]

mod support;

use dialbridge_media::codec::{Frame, FRAME_SAMPLES};
use dialbridge_mixer::MixerConfig;
use support::{dc, Harness, PCMU_20};

#[test]
fn each_speaker_hears_the_others_but_never_itself() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=5, PCMU_20);
    let talking = [(1, dc(1000)), (2, dc(2000)), (3, dc(4000))];
    for _ in 0..10 {
        let result = h.tick(&talking);
        assert!(result.heard_by(1).iter().all(|&s| s == 6000));
        assert!(result.heard_by(2).iter().all(|&s| s == 5000));
        assert!(result.heard_by(3).iter().all(|&s| s == 3000));
        assert!(result.heard_by(4).iter().all(|&s| s == 7000));
        assert!(result.heard_by(5).iter().all(|&s| s == 7000));
    }
}

#[test]
fn a_lone_speaker_hears_silence() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=2, PCMU_20);
    let result = h.run(3, &[(1, dc(1000))]);
    assert!(result.heard_by(1).iter().all(|&s| s == 0));
    assert!(result.heard_by(2).iter().all(|&s| s == 1000));
}

fn sine(frequency: f64, amplitude: f64, tick: u32) -> Frame {
    let mut frame = [0i16; FRAME_SAMPLES];
    for (i, sample) in frame.iter_mut().enumerate() {
        let t = (tick as usize * FRAME_SAMPLES + i) as f64 / 16_000.0;
        *sample = (amplitude * (2.0 * std::f64::consts::PI * frequency * t).sin()).round() as i16;
    }
    frame
}

#[test]
fn quiet_mixes_are_the_exact_sample_sum() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=3, PCMU_20);
    for tick in 0..20 {
        let a = sine(300.0, 5000.0, tick);
        let b = sine(440.0, 4000.0, tick);
        let result = h.tick(&[(1, a), (2, b)]);
        let heard = result.heard_by(3);
        for i in 0..FRAME_SAMPLES {
            assert_eq!(heard[i], a[i] + b[i], "tick {tick} sample {i}");
        }
        assert_eq!(result.heard_by(1), b.to_vec());
        assert_eq!(result.heard_by(2), a.to_vec());
    }
}

#[test]
fn three_full_scale_talkers_never_wrap() {
    for value in [i16::MAX, i16::MIN] {
        let mut h = Harness::new(MixerConfig::default());
        h.add(1..=4, PCMU_20);
        let result = h.run(3, &[(1, dc(value)), (2, dc(value)), (3, dc(value))]);
        assert_eq!(h.speakers(), vec![1, 2, 3]);
        for id in 1..=4 {
            for sample in result.heard_by(id) {
                assert_eq!(sample.signum(), value.signum(), "participant {id}");
                assert!(sample.unsigned_abs() > 16_384 && sample.unsigned_abs() < 32_767);
            }
        }
        // Three at full scale come out louder than two.
        let listener = result.heard_by(4)[0].unsigned_abs();
        let speaker = result.heard_by(1)[0].unsigned_abs();
        assert!(listener > speaker);
    }
}

#[test]
fn loud_opposite_talkers_cancel_instead_of_clipping() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=3, PCMU_20);
    let result = h.run(3, &[(1, dc(30_000)), (2, dc(-30_000))]);
    assert!(result.heard_by(3).iter().all(|&s| s == 0));
    // Each hears the other alone, bent by the same curve as any sample above the knee.
    let bent = dialbridge_mixer::soft_limit(-30_000);
    assert!((-30_000..-16_384).contains(&bent));
    assert!(result.heard_by(1).iter().all(|&s| s == bent));
    assert!(result.heard_by(2).iter().all(|&s| s == -bent));
}

#[test]
fn audio_for_unknown_or_repeated_participants_is_ignored() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=2, PCMU_20);
    let result = h.run(3, &[(9, dc(5000)), (1, dc(1000)), (1, dc(3000))]);
    assert_eq!(h.speakers(), vec![1]);
    assert!(result.heard_by(2).iter().all(|&s| s == 1000));
}
