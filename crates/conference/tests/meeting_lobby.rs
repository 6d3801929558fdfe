//! Lobby, start, lock and the participant limit.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[path = "meeting_support/mod.rs"]
mod support;

use dialbridge_conference::meeting::{
    JoinOutcome, LobbyReason, MeetingAction, MeetingConfig, MeetingError, Role, Target,
};
use dialbridge_conference::speech::keys;
use support::*;

#[test]
fn attendees_wait_in_the_lobby_until_the_organizer_joins_with_a_pin() {
    let (mut m, t) = meeting(MeetingConfig::default());
    let outcome = m.join(t, attendee(1)).unwrap();
    assert_eq!(
        outcome,
        JoinOutcome::Lobby {
            reason: LobbyReason::NotStarted
        }
    );
    let actions = drain(&mut m);
    assert_eq!(said_to(&actions, 1), vec![prompt(keys::LOBBY_WAITING)]);
    assert!(actions.contains(&MeetingAction::MoveToLobby { id: 1 }));
    assert!(!m.is_started());

    assert_eq!(m.join(t, organizer(2)).unwrap(), JoinOutcome::Admitted);
    let actions = drain(&mut m);
    assert!(m.is_started());
    assert!(actions.contains(&MeetingAction::MoveToConference { id: 2 }));
    assert!(actions.contains(&MeetingAction::MoveToConference { id: 1 }));
    assert_eq!(said_to(&actions, 1), vec![prompt(keys::LOBBY_ADMITTED)]);
    assert_eq!(m.lobby_count(), 0);
    assert_eq!(m.participant_count(), 2);
}

#[test]
fn an_organizer_without_a_pin_does_not_start_the_meeting() {
    let (mut m, t) = meeting(MeetingConfig::default());
    let outcome = m
        .join(t, support::caller(1, Role::Organizer, false))
        .unwrap();
    assert_eq!(
        outcome,
        JoinOutcome::Lobby {
            reason: LobbyReason::NotStarted
        }
    );
}

#[test]
fn with_anonymous_start_the_first_caller_starts_the_meeting() {
    let config = MeetingConfig {
        anonymous_start: true,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    assert_eq!(m.join(t, attendee(1)).unwrap(), JoinOutcome::Admitted);
    assert!(m.is_started());
    assert_eq!(m.join(t, attendee(2)).unwrap(), JoinOutcome::Admitted);
}

#[test]
fn once_started_attendees_are_admitted_directly() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    assert_eq!(m.join(t, attendee(2)).unwrap(), JoinOutcome::Admitted);
    let actions = drain(&mut m);
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::JOINED)]);
}

#[test]
fn a_locked_meeting_sends_new_callers_to_the_lobby_and_unlocking_admits_them() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    let actions = press(&mut m, t, 1, "*7");
    assert!(m.is_locked());
    assert_eq!(
        said(&actions, Target::All),
        vec![prompt(keys::MEETING_LOCKED_NOW)]
    );

    let outcome = m.join(t, attendee(2)).unwrap();
    assert_eq!(
        outcome,
        JoinOutcome::Lobby {
            reason: LobbyReason::Locked
        }
    );
    assert_eq!(
        said_to(&drain(&mut m), 2),
        vec![prompt(keys::MEETING_LOCKED)]
    );

    let actions = press(&mut m, t, 1, "*7");
    assert!(!m.is_locked());
    assert!(actions.contains(&MeetingAction::MoveToConference { id: 2 }));
    assert_eq!(said_to(&actions, 2), vec![prompt(keys::LOBBY_ADMITTED)]);
}

#[test]
fn an_authenticated_organizer_and_dialed_out_callers_pass_the_lock() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.admin_lock(t).unwrap();
    assert_eq!(m.join(t, organizer(2)).unwrap(), JoinOutcome::Admitted);
    let invited = dialbridge_conference::meeting::ParticipantInfo {
        dialed_out: true,
        ..attendee(3)
    };
    assert_eq!(m.join(t, invited).unwrap(), JoinOutcome::Admitted);
    assert_eq!(
        m.join(t, attendee(4)).unwrap(),
        JoinOutcome::Lobby {
            reason: LobbyReason::Locked
        }
    );
}

#[test]
fn star_eight_admits_the_lobby_even_while_locked_and_says_how_many() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.admin_lock(t).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.join(t, attendee(3)).unwrap();
    let actions = press(&mut m, t, 1, "*8");
    assert_eq!(m.lobby_count(), 0);
    assert!(m.is_locked());
    assert_eq!(
        said_to(&actions, 1),
        vec![vec![
            dialbridge_conference::SpeechPart::Number(2),
            dialbridge_conference::SpeechPart::Prompt(
                dialbridge_conference::meeting::keys::ADMITTED_FROM_LOBBY
            ),
        ]]
    );
    assert!(actions.contains(&MeetingAction::RosterChanged));
}

#[test]
fn the_admin_admits_one_caller_or_all() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, attendee(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.join(t, attendee(3)).unwrap();
    m.admin_admit(t, 2).unwrap();
    assert_eq!(m.participant_count(), 1);
    assert_eq!(m.admin_admit(t, 2), Err(MeetingError::NotInLobby(2)));
    assert_eq!(
        m.admin_admit(t, 9),
        Err(MeetingError::UnknownParticipant(9))
    );
    assert_eq!(m.admin_admit_all(t).unwrap(), 2);
    assert_eq!(m.participant_count(), 3);
}

#[test]
fn unlocking_a_meeting_that_never_started_keeps_the_lobby_waiting() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.admin_lock(t).unwrap();
    m.join(t, attendee(1)).unwrap();
    m.admin_unlock(t).unwrap();
    assert_eq!(m.lobby_count(), 1);
}

#[test]
fn attendees_in_the_lobby_hear_why_they_wait_when_they_press_a_command() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, attendee(1)).unwrap();
    let actions = press(&mut m, t, 1, "*6");
    assert_eq!(said_to(&actions, 1), vec![prompt(keys::LOBBY_WAITING)]);
    assert!(!actions
        .iter()
        .any(|a| matches!(a, MeetingAction::SetMuted { .. })));
}

#[test]
fn the_caller_after_the_limit_is_told_the_meeting_is_full() {
    let config = MeetingConfig {
        max_participants: 3,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.admin_lock(t).unwrap();
    // The lobby counts towards the limit.
    m.join(t, attendee(3)).unwrap();
    drain(&mut m);
    assert_eq!(m.join(t, attendee(4)).unwrap(), JoinOutcome::Full);
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.roster().len(), 3);
    m.leave(t, 2);
    assert_eq!(
        m.join(t, attendee(4)).unwrap(),
        JoinOutcome::Lobby {
            reason: LobbyReason::Locked
        }
    );
}

#[test]
fn the_default_limit_is_250_callers() {
    let config = MeetingConfig {
        anonymous_start: true,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    for id in 1..=250 {
        assert_eq!(
            m.join(t, attendee(id)).unwrap(),
            JoinOutcome::Admitted,
            "caller {id}"
        );
    }
    assert_eq!(m.join(t, attendee(251)).unwrap(), JoinOutcome::Full);
}

#[test]
fn the_same_caller_cannot_join_twice() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    assert_eq!(m.join(t, organizer(1)), Err(MeetingError::AlreadyJoined(1)));
}
