//! Encodes and packet timing: one encode of the shared mix per codec and packet time,
//! packets every 2 (40 ms) or 1.5 (30 ms) ticks, two per tick at 10 ms, and seamless
//! switching between the shared mix and a speaker's own mix inside a long packet.

#![allow(clippy::unwrap_used)]

mod support;

use dialbridge_media::codec::{CodecKind, FRAME_SAMPLES};
use dialbridge_mixer::MixerConfig;
use support::{dc, decode, key, Harness, PCMU_20};

#[test]
fn listeners_of_one_codec_and_ptime_share_one_encode() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=10, PCMU_20);
    h.add(11..=14, key(CodecKind::Pcma, 20));
    h.add(15..=17, key(CodecKind::Pcmu, 40));
    let talking = [(1, dc(1000)), (2, dc(2000))];
    h.tick(&talking);
    for tick in 2..=12 {
        let result = h.tick(&talking);
        // Two speakers' own mixes, the PCMU/20 and PCMA/20 shared mixes, and the PCMU/40
        // shared mix on every other tick.
        let expected = 2 + 2 + usize::from(tick % 2 == 0);
        assert_eq!(result.encodes, expected, "tick {tick}");
        let shared = result.for_participant(3)[0].payload.as_ptr();
        for id in 4..=10 {
            assert_eq!(result.for_participant(id)[0].payload.as_ptr(), shared);
        }
        let pcma = result.for_participant(11)[0].payload.as_ptr();
        assert_ne!(pcma, shared);
        for id in 12..=14 {
            assert_eq!(result.for_participant(id)[0].payload.as_ptr(), pcma);
        }
        assert_ne!(result.for_participant(1)[0].payload.as_ptr(), shared);
        assert_eq!(result.packets.len(), 14 + if tick % 2 == 0 { 3 } else { 0 });
    }
}

#[test]
fn silence_is_encoded_once_per_group_and_sent_to_everyone() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=20, PCMU_20);
    for _ in 0..5 {
        let result = h.tick(&[]);
        assert_eq!(result.encodes, 1);
        assert_eq!(result.packets.len(), 20);
        assert!(result.heard_by(7).iter().all(|&s| s == 0));
    }
    assert!(!h.conference.is_idle());
}

#[test]
fn with_send_silence_off_nothing_is_sent_while_nobody_talks() {
    let mut h = Harness::new(MixerConfig {
        send_silence: false,
        ..MixerConfig::default()
    });
    h.add(1..=3, PCMU_20);
    h.add([4], key(CodecKind::Pcmu, 60));
    let result = h.tick(&[]);
    assert!(result.packets.is_empty());
    assert_eq!(result.encodes, 0);
    assert!(h.conference.is_idle());

    let result = h.tick(&[(1, dc(1000))]);
    assert!(!h.conference.is_idle());
    assert!(result.heard_by(2).iter().all(|&s| s == 1000));
    // The speaker stops: its last words still reach everyone, then the packets stop.
    let mut ticks_with_packets = 0;
    for _ in 0..60 {
        if !h.tick(&[]).packets.is_empty() {
            ticks_with_packets += 1;
        }
    }
    assert!(ticks_with_packets > 15, "{ticks_with_packets}");
    assert!(h.tick(&[]).packets.is_empty());
    assert!(h.conference.is_idle());
}

#[test]
fn a_40_ms_listener_gets_both_frames_in_order_every_other_tick() {
    let mut h = Harness::new(MixerConfig::default());
    h.add([1], PCMU_20);
    h.add([2], key(CodecKind::Pcmu, 40));
    for tick in 1..=10i16 {
        let result = h.tick(&[(1, dc(1000 + tick))]);
        let packets = result.for_participant(2);
        if tick % 2 == 1 {
            assert!(packets.is_empty(), "tick {tick}");
            continue;
        }
        assert_eq!(packets.len(), 1);
        let pcm = decode(&packets[0].payload);
        assert_eq!(pcm.len(), 2 * FRAME_SAMPLES);
        assert!(pcm[..FRAME_SAMPLES].iter().all(|&s| s == 1000 + tick - 1));
        assert!(pcm[FRAME_SAMPLES..].iter().all(|&s| s == 1000 + tick));
    }
}

#[test]
fn a_30_ms_listener_gets_two_packets_per_three_ticks_covering_every_sample() {
    let mut h = Harness::new(MixerConfig::default());
    h.add([1], PCMU_20);
    h.add([2], key(CodecKind::Pcmu, 30));
    let mut received = Vec::new();
    let mut expected = Vec::new();
    for tick in 1..=9i16 {
        let result = h.tick(&[(1, dc(1000 + tick))]);
        expected.extend(std::iter::repeat_n(1000 + tick, FRAME_SAMPLES));
        let packets = result.for_participant(2);
        assert_eq!(packets.len(), usize::from(tick % 3 != 1), "tick {tick}");
        for packet in packets {
            received.extend(decode(&packet.payload));
        }
    }
    assert_eq!(received, expected);
}

#[test]
fn a_10_ms_listener_gets_two_packets_per_tick() {
    let mut h = Harness::new(MixerConfig::default());
    h.add([1], PCMU_20);
    h.add([2], key(CodecKind::Pcmu, 10));
    let result = h.run(3, &[(1, dc(1000))]);
    let packets = result.for_participant(2);
    assert_eq!(packets.len(), 2);
    for packet in packets {
        assert_eq!(decode(&packet.payload), vec![1000; FRAME_SAMPLES / 2]);
    }
}

/// Participant 2 talks on and off at odd moments, so it switches between the shared mix
/// and its own mix in the middle of its packets. It must get every packet, whole, never
/// hear itself, and never miss what participant 1 said.
fn check_switching_mid_packet(ptime_ms: u32) {
    let mut h = Harness::new(MixerConfig {
        keep_threshold_dbov: -42.0,
        hangover: std::time::Duration::from_millis(40),
        ..MixerConfig::default()
    });
    h.add([1, 3], PCMU_20);
    h.add([2], key(CodecKind::Pcmu, ptime_ms));
    // DC 400 is -38 dBov: a speaker from its first tick, released a few ticks after it stops.
    // Muted at 31 while talking, it stops at once, in the middle of most packet times.
    let talk_ticks = [2, 9, 10, 17, 24, 25, 26, 29, 30, 31, 32, 40, 47];
    let muted_ticks = 31..36;
    let ticks = 54;
    let mut heard = Vec::new();
    let mut packets = 0;
    let mut switches = 0;
    let mut was_speaking = false;
    for tick in 0..ticks {
        h.conference
            .set_muted(2, muted_ticks.contains(&tick))
            .unwrap();
        let mut inputs = vec![(1, dc(1000 + tick as i16))];
        if talk_ticks.contains(&tick) {
            inputs.push((2, dc(400)));
        }
        let result = h.tick(&inputs);
        let speaking = h.speakers().contains(&2);
        switches += usize::from(speaking != was_speaking);
        was_speaking = speaking;
        for packet in result.for_participant(2) {
            packets += 1;
            heard.extend(decode(&packet.payload));
        }
        let two_heard = talk_ticks.contains(&tick) && !muted_ticks.contains(&tick);
        let three_hears = 1000 + tick as i16 + if two_heard { 400 } else { 0 };
        assert!(
            result.heard_by(3).iter().all(|&s| s == three_hears),
            "tick {tick}"
        );
    }
    assert!(
        switches >= 12,
        "the pattern should switch often, got {switches}"
    );
    let packet_samples = ptime_ms as usize * 16;
    assert_eq!(packets, ticks as usize * FRAME_SAMPLES / packet_samples);
    let expected: Vec<i16> = (0..ticks)
        .flat_map(|tick| std::iter::repeat_n(1000 + tick as i16, FRAME_SAMPLES))
        .take(packets * packet_samples)
        .collect();
    assert_eq!(heard, expected, "ptime {ptime_ms}");
}

#[test]
fn switching_between_shared_and_own_mix_mid_packet_keeps_every_packet_whole() {
    for ptime_ms in [10, 20, 30, 40, 50, 60] {
        check_switching_mid_packet(ptime_ms);
    }
}
