//! The ways in: as attendee, without a PIN prompt, and with a recorded name.
#![allow(clippy::unwrap_used)]

mod ivr_support;

use dialbridge_conference::ivr::{
    FoundConference, IvrAction, LookupResult, RecordingId, RequestId, Role,
};
use dialbridge_conference::speech::{keys, SpeechPart, Tone};
use ivr_support::*;
use std::time::Duration;

#[test]
fn attendee_hears_the_flow_and_joins_after_not_pressing_star() {
    let mut call = Call::new(config());
    assert_eq!(
        call.start(),
        vec![
            say(en(), &[keys::GREETING]),
            say(en(), &[keys::ENTER_CONFERENCE_ID]),
        ]
    );
    assert_eq!(call.ivr.poll_timeout(), None, "no timer while prompts play");
    assert_eq!(call.playback_finished(), vec![]);
    assert_eq!(
        call.press("1234567#"),
        vec![IvrAction::LookupConference {
            request: RequestId(1),
            digits: "1234567".into(),
        }]
    );
    assert_eq!(call.ivr.poll_timeout(), None, "the lookup has no IVR timer");
    assert_eq!(
        call.lookup_result(found(true)),
        vec![say(en(), &[keys::ORGANIZER_PIN_OR_WAIT])]
    );
    call.advance(Duration::from_secs(60));
    assert!(
        !call.ivr.is_finished(),
        "the wait starts when the prompt ends"
    );
    call.playback_finished();
    let prompt_end = call.now;
    assert_eq!(call.advance(Duration::from_millis(4_999)), vec![]);
    assert_eq!(
        call.advance(Duration::from_millis(1)),
        vec![join(Role::Attendee, en(), None)]
    );
    assert_eq!(call.now - prompt_end, Duration::from_secs(5));
    assert!(call.ivr.is_finished());
    assert_eq!(call.ivr.poll_timeout(), None);
}

#[test]
fn organizer_without_pin_means_no_star_prompt() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("7654321#");
    assert_eq!(
        call.lookup_result(found(false)),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn other_keys_during_the_organizer_wait_change_nothing() {
    let mut call = Call::at_organizer_choice(config(), found(true));
    let deadline = call.ivr.poll_timeout();
    assert_eq!(call.press("123#"), vec![]);
    assert_eq!(call.ivr.poll_timeout(), deadline);
    assert_eq!(
        call.wait_for_timeout(),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn records_the_name_after_the_beep_then_joins_with_it() {
    let mut config = config();
    config.record_names = true;
    let mut call = Call::at_organizer_choice(config, found(true));
    let record_prompt = say_parts(
        en(),
        vec![
            SpeechPart::Prompt(keys::RECORD_NAME),
            SpeechPart::Tone(Tone::Beep),
        ],
    );
    assert_eq!(call.wait_for_timeout(), vec![record_prompt]);
    assert_eq!(call.press("5"), vec![], "keys do not cut the name prompt");
    assert_eq!(
        call.playback_finished(),
        vec![IvrAction::RecordName {
            max: Duration::from_secs(5)
        }]
    );
    assert_eq!(call.press("#"), vec![IvrAction::StopRecording]);
    assert_eq!(
        call.name_recorded(Some(RecordingId(9))),
        vec![join(Role::Attendee, en(), Some(RecordingId(9)))]
    );
}

#[test]
fn joins_without_a_name_when_the_recording_never_reports() {
    let mut config = config();
    config.record_names = true;
    let mut call = Call::at_conference_id_prompt(config);
    call.press("1234567#");
    call.lookup_result(found(false));
    call.playback_finished();
    let recording_started = call.now;
    assert_eq!(
        call.wait_for_timeout(),
        vec![join(Role::Attendee, en(), None)]
    );
    assert_eq!(call.now - recording_started, Duration::from_secs(7));
    assert_eq!(call.name_recorded(Some(RecordingId(1))), vec![]);
}

#[test]
fn the_found_organizations_names_setting_wins() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1234567#");
    let actions = call.lookup_result(LookupResult::Found(FoundConference {
        meeting: MEETING,
        organizer_can_use_pin: false,
        pin_locked: false,
        record_names: Some(true),
    }));
    assert!(
        matches!(&actions[..], [IvrAction::Say(u)] if u.parts[0] == SpeechPart::Prompt(keys::RECORD_NAME))
    );
}

#[test]
fn nothing_happens_after_the_join() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1234567#");
    call.lookup_result(found(false));
    assert!(call.ivr.is_finished());
    assert_eq!(call.press("*1234#"), vec![]);
    assert_eq!(call.playback_finished(), vec![]);
    assert_eq!(call.advance(Duration::from_secs(3600)), vec![]);
    call.start();
    assert_eq!(call.ivr.poll_action(), None);
}
