//! Entering the conference ID: submission, timeouts, mistakes, the attempt limit.
#![allow(clippy::unwrap_used)]

mod ivr_support;

use dialbridge_conference::ivr::keys::SERVICE_UNAVAILABLE;
use dialbridge_conference::ivr::{HangupReason, IvrAction, LookupResult, RequestId, Role};
use dialbridge_conference::speech::keys;
use ivr_support::*;
use std::time::Duration;

fn lookup(request: u64, digits: &str) -> Vec<Action> {
    vec![IvrAction::LookupConference {
        request: RequestId(request),
        digits: digits.into(),
    }]
}

fn invalid_then_ask_again() -> Vec<Action> {
    vec![say(
        en(),
        &[keys::INVALID_CONFERENCE_ID, keys::ENTER_CONFERENCE_ID],
    )]
}

#[test]
fn three_unknown_ids_end_the_call_after_goodbye() {
    let mut call = Call::at_conference_id_prompt(config());
    for request in 1..=2 {
        assert_eq!(call.press("1111111#"), lookup(request, "1111111"));
        assert_eq!(
            call.lookup_result(LookupResult::NotFound),
            invalid_then_ask_again()
        );
        call.playback_finished();
    }
    call.press("1111111#");
    assert_eq!(
        call.lookup_result(LookupResult::NotFound),
        vec![say(
            en(),
            &[
                keys::INVALID_CONFERENCE_ID,
                keys::TOO_MANY_ATTEMPTS,
                keys::GOODBYE
            ]
        )]
    );
    assert_eq!(
        call.press("1234567#"),
        vec![],
        "the goodbye cannot be skipped"
    );
    assert!(!call.ivr.is_finished(), "hang up only after the goodbye");
    assert_eq!(
        call.playback_finished(),
        vec![IvrAction::Hangup {
            reason: HangupReason::TooManyConferenceIdAttempts
        }]
    );
    assert!(call.ivr.is_finished());
}

#[test]
fn a_wrong_id_then_a_right_one_gets_in() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1111111#");
    call.lookup_result(LookupResult::NotFound);
    call.playback_finished();
    assert_eq!(call.press("1234567#"), lookup(2, "1234567"));
    assert_eq!(
        call.lookup_result(found(false)),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn inter_digit_timeout_submits_what_was_typed() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("123");
    call.advance(Duration::from_secs(3));
    call.press("4567");
    let last_key = call.now;
    assert_eq!(
        call.ivr.poll_timeout(),
        Some(last_key + Duration::from_secs(5))
    );
    assert_eq!(call.advance(Duration::from_millis(4_999)), vec![]);
    assert_eq!(call.advance(Duration::from_millis(1)), lookup(1, "1234567"));
    assert_eq!(call.ivr.poll_timeout(), None);
}

#[test]
fn first_digit_timeout_repeats_the_question_and_uses_an_attempt() {
    let mut call = Call::at_conference_id_prompt(config());
    let prompt_end = call.now;
    assert_eq!(
        call.ivr.poll_timeout(),
        Some(prompt_end + Duration::from_secs(10))
    );
    assert_eq!(call.advance(Duration::from_millis(9_999)), vec![]);
    assert_eq!(
        call.advance(Duration::from_millis(1)),
        vec![say(en(), &[keys::ENTER_CONFERENCE_ID])]
    );
    call.playback_finished();
    call.wait_for_timeout();
    call.playback_finished();
    assert_eq!(
        call.wait_for_timeout(),
        vec![say(en(), &[keys::TOO_MANY_ATTEMPTS, keys::GOODBYE])]
    );
    assert_eq!(
        call.playback_finished(),
        vec![IvrAction::Hangup {
            reason: HangupReason::TooManyConferenceIdAttempts
        }]
    );
    assert_eq!(call.elapsed(), Duration::from_secs(30));
}

#[test]
fn pound_alone_is_an_empty_entry_and_uses_an_attempt() {
    let mut call = Call::at_conference_id_prompt(config());
    assert_eq!(call.press("#"), invalid_then_ask_again());
    call.playback_finished();
    assert_eq!(call.press("#"), invalid_then_ask_again());
    call.playback_finished();
    assert_eq!(
        call.press("#"),
        vec![say(
            en(),
            &[
                keys::INVALID_CONFERENCE_ID,
                keys::TOO_MANY_ATTEMPTS,
                keys::GOODBYE
            ]
        )]
    );
}

#[test]
fn star_clears_the_digits_typed_so_far() {
    let mut call = Call::at_conference_id_prompt(config());
    assert_eq!(call.press("99*"), vec![]);
    assert_eq!(
        call.ivr.poll_timeout(),
        Some(call.now + Duration::from_secs(10)),
        "back to waiting for a first digit"
    );
    assert_eq!(call.press("1234567#"), lookup(1, "1234567"));
}

#[test]
fn an_id_longer_than_any_is_refused_at_the_extra_digit() {
    let mut call = Call::at_conference_id_prompt(config());
    assert_eq!(
        call.press("1234567890"),
        vec![],
        "10 digits may still be an ID"
    );
    assert_eq!(call.press("1"), invalid_then_ask_again());
    call.playback_finished();
    assert_eq!(
        call.press("1234567#"),
        lookup(1, "1234567"),
        "no lookup was made"
    );
}

#[test]
fn an_id_shorter_than_any_is_refused_without_a_lookup() {
    let mut call = Call::at_conference_id_prompt(config());
    assert_eq!(call.press("1234#"), invalid_then_ask_again());
}

#[test]
fn keys_while_the_lookup_runs_are_ignored() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1234567#");
    assert_eq!(call.press("89#"), vec![]);
    assert_eq!(call.ivr.poll_timeout(), None);
    assert_eq!(
        call.lookup_result(found(false)),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn unavailable_lookup_says_sorry_and_hangs_up() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1234567#");
    assert_eq!(
        call.lookup_result(LookupResult::Unavailable),
        vec![say(en(), &[SERVICE_UNAVAILABLE, keys::GOODBYE])]
    );
    assert_eq!(
        call.playback_finished(),
        vec![IvrAction::Hangup {
            reason: HangupReason::ServiceUnavailable
        }]
    );
}

#[test]
fn a_lookup_result_for_an_earlier_attempt_is_ignored() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1111111#");
    let first = call.last_request();
    call.lookup_result(LookupResult::NotFound);
    call.playback_finished();
    call.press("2222222#");
    let second = call.last_request();
    assert_ne!(first, second);
    call.ivr.on_lookup_result(call.now, first, found(false));
    assert_eq!(call.ivr.poll_action(), None);
    assert!(!call.ivr.is_finished());
    assert_eq!(
        call.lookup_result(found(false)),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn a_lookup_result_after_the_call_ended_is_ignored() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1111111#");
    let request = call.last_request();
    call.lookup_result(LookupResult::Unavailable);
    call.playback_finished();
    assert!(call.ivr.is_finished());
    call.ivr.on_lookup_result(call.now, request, found(false));
    assert_eq!(call.ivr.poll_action(), None);
}
