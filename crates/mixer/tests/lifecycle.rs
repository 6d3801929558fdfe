//! Joining and leaving during a run of ticks, refused additions, failing encoders and the
//! idle state a worker may skip.

#![allow(clippy::unwrap_used)]

mod support;

use dialbridge_media::codec::{CodecError, CodecKind, Encoder};
use dialbridge_mixer::{
    AddError, CodecKey, Conference, MixerConfig, MixerEvent, UnknownParticipant,
};
use support::{dc, key, Harness, PCMU_20};

#[test]
fn leaving_mid_speech_keeps_everyone_elses_mix_right() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=6, PCMU_20);
    let talking = [(1, dc(1000)), (5, dc(2000)), (6, dc(4000))];
    h.run(5, &talking);
    // Removing the first participant moves the last one (6, a speaker) into its place.
    h.conference.remove(1).unwrap();
    let result = h.tick(&talking);
    assert_eq!(result.stopped(), vec![1]);
    assert!(result.for_participant(1).is_empty());
    assert_eq!(h.speakers(), vec![5, 6]);
    assert!(result.heard_by(6).iter().all(|&s| s == 2000));
    assert!(result.heard_by(5).iter().all(|&s| s == 4000));
    assert!(result.heard_by(2).iter().all(|&s| s == 6000));
    assert_eq!(result.packets.len(), 5);

    // Mute, lobby and remove now refer to the moved participant correctly.
    h.conference.set_muted(6, true).unwrap();
    let result = h.tick(&talking);
    assert_eq!(result.stopped(), vec![6]);
    assert!(result.heard_by(6).iter().all(|&s| s == 2000));
    assert!(result.heard_by(3).iter().all(|&s| s == 2000));
}

#[test]
fn a_participant_can_leave_and_come_back_with_another_codec() {
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=3, PCMU_20);
    h.run(3, &[(1, dc(1000))]);
    h.conference.remove(2).unwrap();
    assert!(!h.conference.contains(2));
    assert_eq!(h.conference.remove(2), Err(UnknownParticipant));
    assert_eq!(h.conference.set_muted(2, true), Err(UnknownParticipant));
    assert_eq!(h.conference.set_in_lobby(2, true), Err(UnknownParticipant));
    let result = h.tick(&[(1, dc(1000)), (2, dc(8000))]);
    assert!(result.for_participant(2).is_empty());
    assert_eq!(h.speakers(), vec![1]);

    h.add([2], key(CodecKind::Pcmu, 40));
    assert_eq!(h.conference.len(), 3);
    let mut packets_for_two = 0;
    for _ in 0..4 {
        let result = h.tick(&[(1, dc(1000))]);
        packets_for_two += result.for_participant(2).len();
    }
    assert_eq!(packets_for_two, 2);
}

#[test]
fn additions_that_cannot_work_are_refused() {
    let mut h = Harness::new(MixerConfig::default());
    h.add([1], PCMU_20);
    assert_eq!(h.conference.add(1, PCMU_20), Err(AddError::AlreadyPresent));
    for ptime in [0, 5, 25, 70, 80] {
        assert_eq!(
            h.conference.add(2, key(CodecKind::Pcmu, ptime)),
            Err(AddError::UnsupportedPtime(ptime))
        );
    }
    assert!(!h.conference.contains(2));
    assert_eq!(h.conference.len(), 1);
}

struct WrongPtime;

impl Encoder for WrongPtime {
    fn kind(&self) -> CodecKind {
        CodecKind::Pcmu
    }
    fn ptime_ms(&self) -> u32 {
        30
    }
    fn encode(&mut self, _pcm: &[i16], _out: &mut Vec<u8>) -> Result<usize, CodecError> {
        Ok(0)
    }
}

#[test]
fn encoder_factory_failures_and_mismatches_refuse_the_participant() {
    let mut conference: Conference<u32> = Conference::new(
        MixerConfig::default(),
        |codec: CodecKey| -> Result<Box<dyn Encoder>, CodecError> {
            match codec.kind {
                CodecKind::Opus => Err(CodecError::Library {
                    codec: codec.kind,
                    reason: "no libopus".into(),
                }),
                _ => Ok(Box::new(WrongPtime)),
            }
        },
    );
    let opus = key(CodecKind::Opus, 20);
    assert!(matches!(
        conference.add(1, opus),
        Err(AddError::Encoder { codec, .. }) if codec == opus
    ));
    assert_eq!(
        conference.add(2, PCMU_20),
        Err(AddError::EncoderMismatch {
            asked: PCMU_20,
            made: key(CodecKind::Pcmu, 30)
        })
    );
    assert!(conference.is_empty());
}

#[test]
fn a_failing_shared_encoder_is_reported_once_per_packet_and_others_still_get_theirs() {
    let pcma = key(CodecKind::Pcma, 20);
    let mut h = Harness::with_failing(MixerConfig::default(), Some(pcma));
    h.add(1..=3, PCMU_20);
    h.add(4..=8, pcma);
    let result = h.tick(&[(1, dc(1000))]);
    let failures: Vec<_> = result
        .events
        .iter()
        .filter(|e| matches!(e, MixerEvent::EncodeFailed { .. }))
        .collect();
    assert_eq!(failures.len(), 1);
    assert!(matches!(
        failures[0],
        MixerEvent::EncodeFailed { codec, participant: None, .. } if *codec == pcma
    ));
    for id in 4..=8 {
        assert!(result.for_participant(id).is_empty());
    }
    assert!(result.heard_by(2).iter().all(|&s| s == 1000));

    // A PCMA speaker's own encoder fails too, reported with its name.
    let result = h.tick(&[(1, dc(1000)), (4, dc(2000))]);
    assert!(result.events.iter().any(|e| matches!(
        e,
        MixerEvent::EncodeFailed {
            participant: Some(4),
            ..
        }
    )));
    assert!(result.heard_by(1).iter().all(|&s| s == 2000));
}

#[test]
fn a_conference_with_nobody_in_the_mix_is_idle() {
    let mut h = Harness::new(MixerConfig::default());
    assert!(h.conference.is_idle());
    assert!(h.tick(&[]).packets.is_empty());
    h.add(1..=2, PCMU_20);
    assert!(!h.conference.is_idle());
    h.conference.set_in_lobby(1, true).unwrap();
    h.conference.set_in_lobby(2, true).unwrap();
    assert!(h.conference.is_idle());
    let result = h.tick(&[(1, dc(1000))]);
    assert!(result.packets.is_empty());
    assert_eq!(result.encodes, 0);
    assert!(h.speakers().is_empty());
    h.conference.set_in_lobby(2, false).unwrap();
    assert!(!h.conference.is_idle());
}

#[test]
fn a_conference_can_move_to_a_media_worker_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<Conference<u32>>();
    let mut h = Harness::new(MixerConfig::default());
    h.add(1..=2, PCMU_20);
    let conference = std::thread::spawn(move || {
        let mut conference = h.conference;
        let frame = dc(1000);
        let packets = conference
            .tick(std::time::Instant::now(), [(1, &frame)])
            .len();
        assert_eq!(packets, 2);
        conference
    })
    .join()
    .unwrap();
    assert_eq!(conference.speakers().collect::<Vec<_>>(), vec![1]);
}
