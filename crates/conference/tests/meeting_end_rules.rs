//! The end rules in simulated time: the seed table's three rows, the organizer-left rule,
//! the empty meeting and the admin's end.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[path = "meeting_support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use dialbridge_conference::meeting::{
    DisconnectReason, EndReason, Meeting, MeetingAction, MeetingConfig, MeetingError, Target,
};
use dialbridge_conference::speech::keys;
use support::*;

fn ended(actions: &[MeetingAction]) -> Option<EndReason> {
    actions.iter().find_map(|action| match action {
        MeetingAction::Ended { reason } => Some(*reason),
        _ => None,
    })
}

/// Runs timers to just before `at` (nothing may end) and then to `at` (it must end).
fn ends_exactly_at(m: &mut Meeting, at: Instant) -> Vec<MeetingAction> {
    let before = run_until(m, at - Duration::from_millis(1));
    assert_eq!(ended(&before), None, "ended early");
    assert_eq!(m.poll_timeout(), Some(at));
    let actions = run_until(m, at);
    assert!(ended(&actions).is_some(), "did not end at the deadline");
    assert_eq!(m.poll_timeout(), None);
    actions
}

/// A caller comes and goes every `every`, keeping the attendee list changing.
fn churn(m: &mut Meeting, from: Instant, until: Instant, every: Duration) {
    let mut now = from;
    let mut id = 1000;
    while now + every < until {
        now += every;
        run_until(m, now);
        m.join(now, attendee(id)).unwrap();
        m.leave(now, id);
        id += 1;
    }
    drain(m);
}

#[test]
fn row_3_without_a_pin_the_meeting_ends_after_4_hours() {
    let config = MeetingConfig {
        anonymous_start: true,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, attendee(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    churn(&mut m, t, t + 4 * HOUR, 30 * MINUTE);
    let actions = ends_exactly_at(&mut m, t + 4 * HOUR);
    assert_eq!(ended(&actions), Some(EndReason::TimeLimitWithoutPin));
    assert_eq!(
        said(&actions, Target::All),
        vec![prompt(keys::MEETING_ENDED)]
    );
    for id in [1, 2] {
        assert!(actions.contains(&MeetingAction::Disconnect {
            id,
            reason: DisconnectReason::MeetingEnded(EndReason::TimeLimitWithoutPin),
        }));
    }
    assert!(m.roster().is_empty());
}

#[test]
fn row_2_with_a_pin_the_meeting_ends_after_24_hours() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    churn(&mut m, t, t + 24 * HOUR, 6 * HOUR);
    let actions = ends_exactly_at(&mut m, t + 24 * HOUR);
    assert_eq!(ended(&actions), Some(EndReason::TimeLimitWithPin));
}

#[test]
fn a_pin_used_later_moves_the_meeting_from_4_to_24_hours() {
    let config = MeetingConfig {
        anonymous_start: true,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, attendee(1)).unwrap();
    m.join(t + HOUR, organizer(2)).unwrap();
    churn(&mut m, t + HOUR, t + 24 * HOUR, 6 * HOUR);
    let actions = ends_exactly_at(&mut m, t + 24 * HOUR);
    assert_eq!(ended(&actions), Some(EndReason::TimeLimitWithPin));
}

#[test]
fn row_1_the_meeting_ends_when_the_attendee_list_has_not_changed_for_24_hours() {
    // Row 1 shows when rows 2 and 3 are lengthened; the durations are configurable.
    let mut config = MeetingConfig::default();
    config.end_rules.with_pin = 100 * HOUR;
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    m.join(t + 10 * HOUR, attendee(2)).unwrap();
    // Muting and talking are not changes to the attendee list.
    press(&mut m, t + 20 * HOUR, 2, "*6");
    m.set_talking(2, true);
    let actions = ends_exactly_at(&mut m, t + 34 * HOUR);
    assert_eq!(ended(&actions), Some(EndReason::RosterUnchanged));
}

#[test]
fn admission_from_the_lobby_counts_as_a_change_to_the_attendee_list() {
    let mut config = MeetingConfig::default();
    config.end_rules.with_pin = 100 * HOUR;
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    m.admin_lock(t).unwrap();
    m.join(t + HOUR, attendee(2)).unwrap();
    m.admin_admit(t + 5 * HOUR, 2).unwrap();
    let actions = ends_exactly_at(&mut m, t + 29 * HOUR);
    assert_eq!(ended(&actions), Some(EndReason::RosterUnchanged));
}

#[test]
fn callers_left_by_the_organizer_are_disconnected_after_90_minutes() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.admin_lock(t).unwrap();
    m.join(t, attendee(3)).unwrap(); // waits in the lobby
    m.leave(t + HOUR, 1);
    drain(&mut m);
    let actions = ends_exactly_at(&mut m, t + HOUR + 90 * MINUTE);
    assert_eq!(ended(&actions), Some(EndReason::OrganizerLeft));
    let ending = vec![prompt(keys::MEETING_ENDING_ORGANIZER_LEFT)];
    assert_eq!(said(&actions, Target::All), ending);
    assert_eq!(said(&actions, Target::Lobby), ending);
    for id in [2, 3] {
        assert!(actions.contains(&MeetingAction::Disconnect {
            id,
            reason: DisconnectReason::MeetingEnded(EndReason::OrganizerLeft),
        }));
    }
}

#[test]
fn an_organizer_coming_back_cancels_the_90_minute_rule() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.leave(t + HOUR, 1);
    m.join(t + 2 * HOUR, organizer(1)).unwrap();
    // Now only the 24-hour length limit (row 2) is ahead.
    churn(&mut m, t + 2 * HOUR, t + 24 * HOUR, 6 * HOUR);
    let actions = ends_exactly_at(&mut m, t + 24 * HOUR);
    assert_eq!(ended(&actions), Some(EndReason::TimeLimitWithPin));
}

#[test]
fn the_90_minute_rule_waits_for_the_last_organizer() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, organizer(2)).unwrap();
    m.join(t, attendee(3)).unwrap();
    m.leave(t, 1);
    m.leave(t + HOUR, 2);
    let actions = ends_exactly_at(&mut m, t + HOUR + 90 * MINUTE);
    assert_eq!(ended(&actions), Some(EndReason::OrganizerLeft));
}

#[test]
fn with_anonymous_start_the_organizer_leaving_ends_nothing() {
    let config = MeetingConfig {
        anonymous_start: true,
        ..MeetingConfig::default()
    };
    let (mut m, t) = meeting(config);
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.leave(t, 1);
    churn(&mut m, t, t + 24 * HOUR, 6 * HOUR);
    let actions = ends_exactly_at(&mut m, t + 24 * HOUR);
    assert_eq!(ended(&actions), Some(EndReason::TimeLimitWithPin));
}

#[test]
fn the_meeting_ends_when_the_last_caller_leaves() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    m.leave(t, 2);
    assert_eq!(m.end_reason(), None);
    m.leave(t, 1);
    let actions = drain(&mut m);
    assert_eq!(ended(&actions), Some(EndReason::Empty));
    assert_eq!(m.end_reason(), Some(EndReason::Empty));
    assert_eq!(m.join(t, attendee(3)), Err(MeetingError::Ended));
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn a_lobby_left_empty_ends_the_meeting_too() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, attendee(1)).unwrap();
    m.leave(t, 1);
    assert_eq!(ended(&drain(&mut m)), Some(EndReason::Empty));
}

#[test]
fn the_admin_ends_the_meeting_for_everyone() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    drain(&mut m);
    m.admin_end().unwrap();
    let actions = drain(&mut m);
    assert_eq!(
        said(&actions, Target::All),
        vec![prompt(keys::MEETING_ENDED)]
    );
    assert_eq!(ended(&actions), Some(EndReason::Admin));
    assert_eq!(
        actions
            .iter()
            .filter(|a| matches!(a, MeetingAction::Disconnect { .. }))
            .count(),
        2
    );
    assert_eq!(m.admin_end(), Err(MeetingError::Ended));
    m.leave(t, 1); // after the meeting's own Disconnect: harmless
    assert!(drain(&mut m).is_empty());
}

#[test]
fn the_admin_removes_a_caller_with_a_prompt() {
    let (mut m, t) = meeting(MeetingConfig::default());
    m.join(t, organizer(1)).unwrap();
    m.join(t, attendee(2)).unwrap();
    drain(&mut m);
    m.admin_remove(t, 2).unwrap();
    let actions = drain(&mut m);
    assert_eq!(
        said_to(&actions, 2),
        vec![prompt(
            dialbridge_conference::meeting::keys::REMOVED_FROM_MEETING
        )]
    );
    assert!(actions.contains(&MeetingAction::Disconnect {
        id: 2,
        reason: DisconnectReason::Removed
    }));
    assert_eq!(m.roster().len(), 1);
    assert_eq!(
        m.admin_remove(t, 2),
        Err(MeetingError::UnknownParticipant(2))
    );
}
