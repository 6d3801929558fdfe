//! Who is heard: loudest N above a threshold, hangover, mute, lobby, joining mid-speech,
//! and the talking events for the roster.

#![allow(clippy::unwrap_used)]

mod support;

use dialbridge_mixer::MixerConfig;
use support::{dc, Harness, PCMU_20};

#[test]
fn the_loudest_three_of_five_talkers_are_the_speakers() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=5, PCMU_20);
    let talking: Vec<_> = (1..=5).map(|id| (id, dc(id as i16 * 1000))).collect();
    let first = h.tick(&talking);
    let mut started = first.started();
    started.sort_unstable();
    assert_eq!(started, vec![3, 4, 5]);
    h.run(20, &talking);
    assert_eq!(h.speakers(), vec![3, 4, 5]);
}

#[test]
fn a_configured_number_of_speakers_is_respected() {
    let mut h = Harness::new(MixerConfig {
        max_speakers: 2,
        ..MixerConfig::default()
    });
    h.add(1..=5, PCMU_20);
    let talking: Vec<_> = (1..=5).map(|id| (id, dc(id as i16 * 1000))).collect();
    h.run(5, &talking);
    assert_eq!(h.speakers(), vec![4, 5]);
}

#[test]
fn audio_below_the_start_threshold_is_not_a_speaker() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=3, PCMU_20);
    // DC 200 is -44 dBov: line noise level, under the -42 dBov start threshold.
    let result = h.run(50, &[(1, dc(200))]);
    assert!(h.speakers().is_empty());
    assert!(result.events.is_empty());
    assert!(result.heard_by(2).iter().all(|&s| s == 0));

    // Raising the threshold's sensitivity makes the same audio a speaker.
    let mut h = Harness::new(MixerConfig {
        start_threshold_dbov: -50.0,
        keep_threshold_dbov: -55.0,
        ..MixerConfig::default()
    });
    h.add(1..=3, PCMU_20);
    h.run(5, &[(1, dc(200))]);
    assert_eq!(h.speakers(), vec![1]);
}

#[test]
fn a_pause_shorter_than_the_hangover_keeps_the_speaker() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=2, PCMU_20);
    assert_eq!(h.tick(&[(1, dc(1000))]).started(), vec![1]);
    h.run(10, &[(1, dc(1000))]);
    // 200 ms of silence, then talking again: no flapping.
    for _ in 0..10 {
        let result = h.tick(&[]);
        assert!(result.events.is_empty(), "{:?}", result.events);
    }
    for _ in 0..10 {
        assert!(h.tick(&[(1, dc(1000))]).events.is_empty());
    }
    assert_eq!(h.speakers(), vec![1]);
}

#[test]
fn a_speaker_who_stops_is_released_after_the_hangover() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=2, PCMU_20);
    h.run(10, &[(1, dc(1000))]);
    let mut stopped_at = Vec::new();
    for silent_tick in 1..=40 {
        let result = h.tick(&[]);
        if !result.stopped().is_empty() {
            assert_eq!(result.stopped(), vec![1]);
            stopped_at.push(silent_tick);
        }
    }
    // Stopped once; not before the 300 ms hangover (15 ticks), and within about 200 ms of
    // the level falling below the keep threshold after that.
    assert_eq!(stopped_at.len(), 1, "{stopped_at:?}");
    assert!((16..=26).contains(&stopped_at[0]), "{stopped_at:?}");
    assert!(h.speakers().is_empty());
}

#[test]
fn a_muted_participant_is_never_heard_nor_counted() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=5, PCMU_20);
    h.conference.set_muted(5, true).unwrap();
    let talking: Vec<_> = (1..=5).map(|id| (id, dc(id as i16 * 1000))).collect();
    let result = h.run(5, &talking);
    // The loudest is muted, so the next three are heard.
    assert_eq!(h.speakers(), vec![2, 3, 4]);
    // ... and the muted one hears them (it is still a listener).
    assert!(result.heard_by(5).iter().all(|&s| s == 9000));

    // Muting an active speaker stops it at once.
    h.conference.set_muted(4, true).unwrap();
    let result = h.tick(&talking);
    assert_eq!(result.stopped(), vec![4]);
    assert_eq!(result.started(), vec![1]);
    assert_eq!(h.speakers(), vec![1, 2, 3]);
    assert!(result.heard_by(5).iter().all(|&s| s == 6000));

    // Unmuted, it must win its place back by being louder (6 dB margin over 1000 at 4000).
    h.conference.set_muted(4, false).unwrap();
    h.run(5, &talking);
    assert_eq!(h.speakers(), vec![2, 3, 4]);
}

#[test]
fn lobby_participants_are_neither_heard_nor_sent_the_mix() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=3, PCMU_20);
    h.conference.set_in_lobby(3, true).unwrap();
    let result = h.run(5, &[(1, dc(1000)), (3, dc(8000))]);
    assert_eq!(h.speakers(), vec![1]);
    assert!(result.for_participant(3).is_empty());
    assert!(result.heard_by(2).iter().all(|&s| s == 1000));

    h.conference.set_in_lobby(3, false).unwrap();
    let result = h.run(3, &[(1, dc(1000)), (3, dc(8000))]);
    assert_eq!(h.speakers(), vec![1, 3]);
    assert!(result.heard_by(3).iter().all(|&s| s == 1000));

    // Sent to the lobby while speaking: stops at once and gets nothing more.
    h.conference.set_in_lobby(3, true).unwrap();
    let result = h.tick(&[(1, dc(1000)), (3, dc(8000))]);
    assert_eq!(result.stopped(), vec![3]);
    assert!(result.for_participant(3).is_empty());
    assert!(result.heard_by(2).iter().all(|&s| s == 1000));
}

#[test]
fn joining_mid_speech_hears_at_once_and_a_loud_joiner_is_heard_at_once() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=2, PCMU_20);
    h.run(5, &[(1, dc(1000))]);

    h.add([3], PCMU_20);
    let result = h.tick(&[(1, dc(1000))]);
    assert!(result.heard_by(3).iter().all(|&s| s == 1000));

    h.add([4], PCMU_20);
    let result = h.tick(&[(1, dc(1000)), (4, dc(2000))]);
    assert_eq!(result.started(), vec![4]);
    assert!(result.heard_by(1).iter().all(|&s| s == 2000));
    assert!(result.heard_by(2).iter().all(|&s| s == 3000));
    assert!(result.heard_by(4).iter().all(|&s| s == 1000));
}

#[test]
fn a_new_talker_displaces_a_speaker_in_hangover_at_once() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=5, PCMU_20);
    let three = [(1, dc(1000)), (2, dc(1000)), (3, dc(1000))];
    h.run(10, &three);
    // 3 falls silent; after 10 ticks it is below the keep threshold but in its hangover.
    h.run(10, &three[..2]);
    assert_eq!(h.speakers(), vec![1, 2, 3]);
    let result = h.tick(&[three[0], three[1], (4, dc(1000))]);
    assert_eq!(result.stopped(), vec![3]);
    assert_eq!(result.started(), vec![4]);
    assert_eq!(h.speakers(), vec![1, 2, 4]);
}

#[test]
fn a_talker_must_be_clearly_louder_to_displace_an_active_speaker() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=5, PCMU_20);
    let mut talking = vec![(1, dc(1000)), (2, dc(1000)), (3, dc(1000))];
    h.run(10, &talking);
    // 3 dB louder than the others: not enough (6 dB margin).
    talking.push((4, dc(1400)));
    h.run(20, &talking);
    assert_eq!(h.speakers(), vec![1, 2, 3]);
    // 12 dB louder: takes the place of one of them.
    talking.push((5, dc(4000)));
    let result = h.tick(&talking);
    assert_eq!(result.started(), vec![5]);
    assert_eq!(result.stopped().len(), 1);
    assert_eq!(h.speakers().len(), 3);
}

#[test]
fn every_start_is_followed_by_one_stop_even_when_leaving_mid_speech() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=3, PCMU_20);
    let mut events = Vec::new();
    events.extend(h.tick(&[(1, dc(1000)), (2, dc(2000))]).events);
    for _ in 0..3 {
        events.extend(h.tick(&[(1, dc(1000)), (2, dc(2000))]).events);
    }
    h.conference.remove(2).unwrap();
    events.extend(h.tick(&[(1, dc(1000))]).events);
    for _ in 0..60 {
        events.extend(h.tick(&[]).events);
    }
    let mut started = Vec::new();
    let mut stopped = Vec::new();
    for event in events {
        match event {
            dialbridge_mixer::MixerEvent::TalkingStarted(p) => started.push(p),
            dialbridge_mixer::MixerEvent::TalkingStopped(p) => stopped.push(p),
            other => panic!("unexpected {other:?}"),
        }
    }
    started.sort_unstable();
    assert_eq!(started, vec![1, 2]);
    assert_eq!(stopped, vec![2, 1]);
}
