//! The roster snapshot, entry/exit announcements and speech in each caller's language.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[path = "meeting_support/mod.rs"]
mod support;

use std::time::Duration;

use dialbridge_conference::meeting::{
    display_number, Announcements, MeetingAction, MeetingConfig, MeetingError, Role, Target,
};
use dialbridge_conference::speech::{keys, Language, SpeechPart, Tone};
use support::*;

#[test]
fn numbers_are_masked_keeping_their_format() {
    assert_eq!(display_number("+1 425 555 0134", true), "+1 425 555 ••34");
    assert_eq!(display_number("+14255550134", true), "+1425555••34");
    assert_eq!(display_number("+1 425 555 0134", false), "+1 425 555 0134");
}

#[test]
fn the_roster_shows_each_caller_in_join_order() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.admin_lock(t).unwrap();
    m.join(t + Duration::from_secs(5), attendee(2)).unwrap();
    m.set_talking(1, true);
    press(&mut m, t, 1, "*5");
    let roster = m.roster();
    assert_eq!(roster.len(), 2);
    assert_eq!(roster[0].id, 1);
    assert_eq!(roster[0].role, Role::Organizer);
    assert!(roster[0].talking && roster[0].hand_raised && !roster[0].in_lobby);
    assert_eq!(roster[0].display_number.as_deref(), Some("+1 425 555 ••01"));
    assert_eq!(roster[1].id, 2);
    assert!(roster[1].in_lobby);
    assert_eq!(roster[1].joined_at, t + Duration::from_secs(5));
}

#[test]
fn unmasked_rosters_show_the_whole_number() {
    let config = MeetingConfig {
        mask_phone_numbers: false,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    assert_eq!(
        m.roster()[0].display_number.as_deref(),
        Some("+1 425 555 0101")
    );
}

#[test]
fn talking_changes_the_roster_only_when_it_changes() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    drain(&mut m);
    m.set_talking(1, true);
    assert_eq!(drain(&mut m), vec![MeetingAction::RosterChanged]);
    m.set_talking(1, true);
    assert!(drain(&mut m).is_empty());
}

#[test]
fn tones_announce_entry_and_exit_to_the_others() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    let actions = drain(&mut m);
    assert_eq!(
        said(&actions, Target::AllExcept(2)),
        vec![vec![SpeechPart::Tone(Tone::Entry)]]
    );
    m.leave(t, 2);
    let actions = drain(&mut m);
    assert_eq!(
        said(&actions, Target::All),
        vec![vec![SpeechPart::Tone(Tone::Exit)]]
    );
}

#[test]
fn names_announce_the_recorded_name() {
    let config = MeetingConfig {
        announcements: Announcements::Names,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    let named = dialbridge_conference::meeting::ParticipantInfo {
        recorded_name: true,
        ..attendee(2)
    };
    m.join(t, named).unwrap();
    m.join(t, attendee(3)).unwrap(); // recorded no name: a tone instead
    let actions = drain(&mut m);
    assert_eq!(
        said(&actions, Target::AllExcept(2)),
        vec![vec![
            SpeechPart::RecordedName(2),
            SpeechPart::Prompt(keys::HAS_JOINED)
        ]]
    );
    assert_eq!(
        said(&actions, Target::AllExcept(3)),
        vec![vec![SpeechPart::Tone(Tone::Entry)]]
    );
    m.leave(t, 2);
    assert_eq!(
        said(&drain(&mut m), Target::All),
        vec![vec![
            SpeechPart::RecordedName(2),
            SpeechPart::Prompt(keys::HAS_LEFT)
        ]]
    );
}

#[test]
fn announcements_off_say_nothing() {
    let config = MeetingConfig {
        announcements: Announcements::Off,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.leave(t, 2);
    let actions = drain(&mut m);
    assert!(said(&actions, Target::AllExcept(2)).is_empty());
    assert!(said(&actions, Target::All).is_empty());
}

#[test]
fn star_nine_turns_configured_names_back_on_as_names() {
    let config = MeetingConfig {
        announcements: Announcements::Names,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    press(&mut m, t, 1, "*9");
    press(&mut m, t, 1, "*9");
    assert_eq!(m.announcements(), Announcements::Names);
}

#[test]
fn broadcasts_are_said_once_in_each_language_present() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    let french = dialbridge_conference::meeting::ParticipantInfo {
        language: Language::new("fr-FR"),
        ..attendee(2)
    };
    m.join(t, french).unwrap();
    m.join(t, attendee(3)).unwrap();
    let actions = press(&mut m, t, 1, "*7");
    let languages: Vec<&str> = actions
        .iter()
        .filter_map(|a| match a {
            MeetingAction::Say {
                to: Target::All,
                utterance,
            } => Some(utterance.language.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(languages, vec!["en-US", "fr-FR"]);
    // One caller's prompt is in that caller's language.
    let actions = press(&mut m, t, 2, "*6");
    let to_french = actions.iter().find_map(|a| match a {
        MeetingAction::Say {
            to: Target::One(2),
            utterance,
        } => Some(utterance.language.clone()),
        _ => None,
    });
    assert_eq!(to_french, Some(Language::new("fr-FR")));
}

#[test]
fn the_admin_mutes_and_unmutes_a_caller() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    drain(&mut m);
    m.admin_mute(2).unwrap();
    let actions = drain(&mut m);
    assert!(actions.contains(&MeetingAction::SetMuted { id: 2, muted: true }));
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::MUTED)]);
    assert!(m.roster()[1].muted);
    m.admin_unmute(2).unwrap();
    assert!(drain(&mut m).contains(&MeetingAction::SetMuted {
        id: 2,
        muted: false
    }));
    assert_eq!(m.admin_mute(7), Err(MeetingError::UnknownParticipant(7)));
    m.admin_lock(t).unwrap();
    m.join(t, attendee(3)).unwrap();
    assert_eq!(m.admin_mute(3), Err(MeetingError::InLobby(3)));
}
