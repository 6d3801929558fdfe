//! Dial-pad commands: parsing, rights, each command, the error tone and remapped keys.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[path = "meeting_support/mod.rs"]
mod support;

use std::time::Duration;

use dialbridge_conference::meeting::{
    Announcements, Command, KeyMap, MeetingAction, MeetingConfig, Target,
};
use dialbridge_conference::speech::{keys, SpeechPart, Tone};
use support::*;

fn error_tone() -> Vec<SpeechPart> {
    vec![SpeechPart::Tone(Tone::Error)]
}

/// An organizer (1) and an attendee (2) in a started meeting.
fn started(config: MeetingConfig) -> (dialbridge_conference::meeting::Meeting, std::time::Instant) {
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    drain(&mut m);
    (m, t)
}

#[test]
fn star_six_toggles_self_mute_with_speech() {
    let (mut m, t) = started(MeetingConfig::default());
    let actions = press(&mut m, t, 2, "*6");
    assert!(actions.contains(&MeetingAction::SetMuted { id: 2, muted: true }));
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::MUTED)]);
    assert!(m.roster()[1].muted);
    let actions = press(&mut m, t, 2, "*6");
    assert!(actions.contains(&MeetingAction::SetMuted {
        id: 2,
        muted: false
    }));
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::UNMUTED)]);
    assert!(!m.roster()[1].muted);
}

#[test]
fn star_five_raises_and_lowers_the_hand() {
    let (mut m, t) = started(MeetingConfig::default());
    let actions = press(&mut m, t, 2, "*5");
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::HAND_RAISED)]);
    assert!(m.roster()[1].hand_raised);
    assert!(actions.contains(&MeetingAction::RosterChanged));
    let actions = press(&mut m, t, 2, "*5");
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::HAND_LOWERED)]);
    assert!(!m.roster()[1].hand_raised);
}

#[test]
fn star_three_says_how_many_are_in_the_meeting_not_the_lobby() {
    let (mut m, t) = started(MeetingConfig::default());
    m.admin_lock(t).unwrap();
    m.join(t, attendee(3)).unwrap();
    let actions = press(&mut m, t, 2, "*3");
    assert_eq!(
        said_to(&actions, 2),
        vec![vec![
            SpeechPart::Prompt(keys::PARTICIPANT_COUNT_BEFORE),
            SpeechPart::Number(2),
            SpeechPart::Prompt(keys::PARTICIPANT_COUNT_AFTER),
        ]]
    );
}

#[test]
fn star_four_mutes_attendees_not_organizers_and_toggles_back() {
    let (mut m, t) = started(MeetingConfig::default());
    m.join(t, attendee(3)).unwrap();
    press(&mut m, t, 3, "*6"); // 3 mutes itself first
    let actions = press(&mut m, t, 1, "*4");
    assert!(m.is_mute_all_active());
    assert!(actions.contains(&MeetingAction::SetMuted { id: 2, muted: true }));
    assert!(!actions
        .iter()
        .any(|a| matches!(a, MeetingAction::SetMuted { id: 1 | 3, .. })));
    assert_eq!(said(&actions, Target::All), vec![prompt(keys::ALL_MUTED)]);

    // Callers arriving meanwhile come in muted.
    m.join(t, attendee(4)).unwrap();
    assert!(drain(&mut m).contains(&MeetingAction::SetMuted { id: 4, muted: true }));

    // Attendees may unmute themselves (Teams behaviour).
    let actions = press(&mut m, t, 2, "*6");
    assert!(actions.contains(&MeetingAction::SetMuted {
        id: 2,
        muted: false
    }));

    let actions = press(&mut m, t, 1, "*4");
    assert!(!m.is_mute_all_active());
    assert!(actions.contains(&MeetingAction::SetMuted {
        id: 4,
        muted: false
    }));
    // 3 muted itself and 2 unmuted itself: undoing mute-all leaves both alone.
    assert!(!actions
        .iter()
        .any(|a| matches!(a, MeetingAction::SetMuted { id: 2 | 3, .. })));
    assert_eq!(said(&actions, Target::All), vec![prompt(keys::ALL_UNMUTED)]);
    assert!(m.roster().iter().find(|e| e.id == 3).unwrap().muted);
}

#[test]
fn star_nine_toggles_announcements() {
    let (mut m, t) = started(MeetingConfig::default());
    let actions = press(&mut m, t, 1, "*9");
    assert_eq!(m.announcements(), Announcements::Off);
    assert_eq!(said_to(&actions, 1), vec![prompt(keys::ANNOUNCEMENTS_OFF)]);
    m.join(t, attendee(3)).unwrap();
    assert!(said(&drain(&mut m), Target::AllExcept(3)).is_empty());
    let actions = press(&mut m, t, 1, "*9");
    assert_eq!(m.announcements(), Announcements::Tones);
    assert_eq!(said_to(&actions, 1), vec![prompt(keys::ANNOUNCEMENTS_ON)]);
}

#[test]
fn organizer_commands_by_an_attendee_get_the_only_organizer_prompt() {
    let (mut m, t) = started(MeetingConfig::default());
    for command in ["*4", "*7", "*8", "*9", "*2"] {
        let actions = press(&mut m, t, 2, command);
        assert_eq!(
            said_to(&actions, 2),
            vec![prompt(keys::ONLY_ORGANIZER)],
            "{command}"
        );
    }
    assert!(!m.is_locked());
    assert!(!m.is_mute_all_active());
}

#[test]
fn help_lists_only_what_this_caller_may_use() {
    let config = MeetingConfig {
        operator_number: Some("+14255550100".into()),
        ..MeetingConfig::default()
    };
    let (mut m, t) = started(config);
    let listed = |parts: &[SpeechPart]| -> Vec<SpeechPart> { parts.to_vec() };

    let actions = press(&mut m, t, 2, "*1");
    let attendee_help = listed(&said_to(&actions, 2)[0]);
    assert_eq!(
        attendee_help,
        vec![
            SpeechPart::Prompt(keys::HELP_INTRO),
            SpeechPart::Prompt(keys::HELP_HELP),
            SpeechPart::Digits("*1".into()),
            SpeechPart::Prompt(keys::HELP_MUTE),
            SpeechPart::Digits("*6".into()),
            SpeechPart::Prompt(keys::HELP_HAND),
            SpeechPart::Digits("*5".into()),
            SpeechPart::Prompt(keys::HELP_COUNT),
            SpeechPart::Digits("*3".into()),
            SpeechPart::Prompt(keys::HELP_OPERATOR),
            SpeechPart::Digits("*0".into()),
        ]
    );

    let actions = press(&mut m, t, 1, "*1");
    let organizer_help = listed(&said_to(&actions, 1)[0]);
    for key in [
        keys::HELP_MUTE_ALL,
        keys::HELP_LOCK,
        keys::HELP_ADMIT,
        keys::HELP_ANNOUNCEMENTS,
    ] {
        assert!(organizer_help.contains(&SpeechPart::Prompt(key)), "{key:?}");
    }
    // Dial-out is not allowed by this organization.
    assert!(!organizer_help.contains(&SpeechPart::Prompt(keys::HELP_DIAL_OUT)));
}

#[test]
fn help_leaves_out_the_operator_when_none_is_configured() {
    let (mut m, t) = started(MeetingConfig::default());
    let actions = press(&mut m, t, 2, "*1");
    assert!(!said_to(&actions, 2)[0].contains(&SpeechPart::Prompt(keys::HELP_OPERATOR)));
}

#[test]
fn star_zero_transfers_to_the_operator_or_says_none_is_available() {
    let (mut m, t) = started(MeetingConfig::default());
    let actions = press(&mut m, t, 2, "*0");
    assert_eq!(
        said_to(&actions, 2),
        vec![prompt(keys::OPERATOR_UNAVAILABLE)]
    );

    let config = MeetingConfig {
        operator_number: Some("+14255550100".into()),
        ..MeetingConfig::default()
    };
    let (mut m, t) = started(config);
    let actions = press(&mut m, t, 2, "*0");
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::OPERATOR_TRANSFER)]);
    assert!(actions.contains(&MeetingAction::TransferToOperator {
        id: 2,
        number: "+14255550100".into()
    }));
}

#[test]
fn star_two_collects_a_number_until_pound_and_asks_for_the_call() {
    let config = MeetingConfig {
        dial_out_allowed: true,
        ..MeetingConfig::default()
    };
    let (mut m, t) = started(config);
    let actions = press(&mut m, t, 1, "*2");
    assert_eq!(
        said_to(&actions, 1),
        vec![prompt(keys::DIAL_OUT_ENTER_NUMBER)]
    );
    assert!(actions.contains(&MeetingAction::StartDialOut { by: 1 }));

    let actions = press(&mut m, t, 1, "4255550199#");
    assert_eq!(
        said_to(&actions, 1),
        vec![vec![
            SpeechPart::Prompt(keys::DIAL_OUT_CALLING),
            SpeechPart::Digits("4255550199".into()),
        ]]
    );
    assert!(actions.contains(&MeetingAction::DialOut {
        by: 1,
        digits: "4255550199".into()
    }));
    // Back to commands afterwards.
    let actions = press(&mut m, t, 1, "*6");
    assert_eq!(said_to(&actions, 1), vec![prompt(keys::MUTED)]);
}

#[test]
fn dial_out_is_cancelled_by_star_by_silence_and_by_too_many_digits() {
    let config = MeetingConfig {
        dial_out_allowed: true,
        ..MeetingConfig::default()
    };
    let (mut m, t) = started(config);
    press(&mut m, t, 1, "*2");
    let actions = press(&mut m, t, 1, "42*");
    assert_eq!(said_to(&actions, 1), vec![error_tone()]);
    assert!(actions.contains(&MeetingAction::DialOutCancelled { by: 1 }));

    press(&mut m, t, 1, "*242");
    assert_eq!(m.poll_timeout(), Some(t + Duration::from_secs(10)));
    let actions = run_until(&mut m, t + Duration::from_secs(10));
    assert_eq!(said_to(&actions, 1), vec![error_tone()]);
    assert!(actions.contains(&MeetingAction::DialOutCancelled { by: 1 }));

    press(&mut m, t, 1, "*2");
    let actions = press(&mut m, t, 1, "1234567890123456");
    assert!(actions.contains(&MeetingAction::DialOutCancelled { by: 1 }));
    assert!(!actions
        .iter()
        .any(|a| matches!(a, MeetingAction::DialOut { .. })));
}

#[test]
fn star_two_says_dial_out_is_not_allowed_when_the_policy_forbids_it() {
    let (mut m, t) = started(MeetingConfig::default());
    let actions = press(&mut m, t, 1, "*2");
    assert_eq!(
        said_to(&actions, 1),
        vec![prompt(keys::DIAL_OUT_NOT_ALLOWED)]
    );
    assert!(!actions
        .iter()
        .any(|a| matches!(a, MeetingAction::StartDialOut { .. })));
}

#[test]
fn unknown_keys_get_the_error_tone_never_silence() {
    let (mut m, t) = started(MeetingConfig::default());
    let remapped = MeetingConfig {
        key_map: KeyMap::new([(Command::MuteSelf, "*6")]).unwrap(),
        ..MeetingConfig::default()
    };
    let (mut small, _) = started(remapped);
    // A key that starts no command, an unknown second key, a non-dial-pad character.
    assert_eq!(said_to(&press(&mut m, t, 2, "5"), 2), vec![error_tone()]);
    assert_eq!(
        said_to(&press(&mut small, t, 2, "*1"), 2),
        vec![error_tone()]
    );
    assert_eq!(said_to(&press(&mut m, t, 2, "x"), 2), vec![error_tone()]);
}

#[test]
fn a_half_typed_command_is_cancelled_after_three_seconds() {
    let (mut m, t) = started(MeetingConfig::default());
    press(&mut m, t, 2, "*");
    assert_eq!(m.poll_timeout(), Some(t + Duration::from_secs(3)));
    m.handle_timeout(t + Duration::from_millis(2999));
    assert!(drain(&mut m).is_empty());
    let actions = run_until(&mut m, t + Duration::from_secs(3));
    assert_eq!(said_to(&actions, 2), vec![error_tone()]);
    // The `6` that follows is a fresh key, not the end of `*6`.
    let actions = press(&mut m, t + Duration::from_secs(4), 2, "6");
    assert_eq!(said_to(&actions, 2), vec![error_tone()]);
    assert!(!m.roster()[1].muted);
}

#[test]
fn a_late_key_after_a_missed_timeout_still_cancels_the_half_typed_command() {
    let (mut m, t) = started(MeetingConfig::default());
    press(&mut m, t, 2, "*");
    let actions = press(&mut m, t + Duration::from_secs(5), 2, "6");
    assert_eq!(said_to(&actions, 2), vec![error_tone(), error_tone()]);
    assert!(!m.roster()[1].muted);
}

#[test]
fn keys_are_parsed_per_caller() {
    let (mut m, t) = started(MeetingConfig::default());
    m.on_digit(t, 1, '*');
    m.on_digit(t, 2, '*');
    m.on_digit(t, 2, '6');
    m.on_digit(t, 1, '5');
    let actions = drain(&mut m);
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::MUTED)]);
    assert_eq!(said_to(&actions, 1), vec![prompt(keys::HAND_RAISED)]);
}

#[test]
fn remapped_keys_run_their_command_and_help_speaks_the_new_keys() {
    let key_map =
        KeyMap::with_overrides([(Command::MuteSelf, "#6"), (Command::Hand, "#55")]).unwrap();
    let (mut m, t) = started(MeetingConfig {
        key_map,
        ..MeetingConfig::default()
    });
    let actions = press(&mut m, t, 2, "#6");
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::MUTED)]);
    let actions = press(&mut m, t, 2, "#55");
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::HAND_RAISED)]);
    // `*6` no longer means anything.
    assert_eq!(said_to(&press(&mut m, t, 2, "*6"), 2), vec![error_tone()]);
    let help = said_to(&press(&mut m, t, 2, "*1"), 2).remove(0);
    assert!(help.contains(&SpeechPart::Digits("#6".into())));
    assert!(help.contains(&SpeechPart::Digits("#55".into())));
}

#[test]
fn keys_from_callers_not_in_the_meeting_are_ignored() {
    let (mut m, t) = started(MeetingConfig::default());
    m.on_digit(t, 99, '*');
    m.on_digit(t, 99, '6');
    assert!(drain(&mut m).is_empty());
}

#[test]
fn roll_call_says_the_recorded_names_when_an_organization_maps_it() {
    let key_map = KeyMap::with_overrides([(Command::RollCall, "##")]).unwrap();
    let (mut m, t) = started(MeetingConfig {
        key_map,
        ..MeetingConfig::default()
    });
    let named = dialbridge_conference::meeting::ParticipantInfo {
        recorded_name: true,
        ..attendee(3)
    };
    m.join(t, named).unwrap();
    let actions = press(&mut m, t, 2, "##");
    assert_eq!(
        said_to(&actions, 2),
        vec![vec![
            SpeechPart::Prompt(keys::ROLL_CALL_INTRO),
            SpeechPart::RecordedName(3),
            SpeechPart::Pause(300),
        ]]
    );
    let help = said_to(&press(&mut m, t, 2, "*1"), 2).remove(0);
    assert!(help.ends_with(&[
        SpeechPart::Prompt(dialbridge_conference::meeting::keys::HELP_ROLL_CALL),
        SpeechPart::Digits("##".into()),
    ]));
}

#[test]
fn roll_call_is_not_in_the_default_map() {
    let (mut m, t) = started(MeetingConfig::default());
    // `#` starts no command there, so each press is an error.
    assert_eq!(
        said_to(&press(&mut m, t, 2, "##"), 2),
        vec![error_tone(), error_tone()]
    );
}

#[test]
fn the_dial_out_result_is_told_to_the_organizer() {
    use dialbridge_conference::meeting::DialOutResult;
    let config = MeetingConfig {
        dial_out_allowed: true,
        ..MeetingConfig::default()
    };
    let (mut m, _) = started(config);
    for (result, key) in [
        (DialOutResult::Answered, keys::DIAL_OUT_ANSWERED),
        (DialOutResult::Busy, keys::DIAL_OUT_BUSY),
        (DialOutResult::NoAnswer, keys::DIAL_OUT_NO_ANSWER),
        (DialOutResult::Failed, keys::DIAL_OUT_FAILED),
        (DialOutResult::NotAllowed, keys::DIAL_OUT_NOT_ALLOWED),
    ] {
        m.dial_out_result(1, result);
        assert_eq!(said_to(&drain(&mut m), 1), vec![prompt(key)]);
    }
}
