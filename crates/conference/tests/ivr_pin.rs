//! The organizer PIN: right, wrong, locked, too many.
#![allow(clippy::unwrap_used)]

mod ivr_support;

use dialbridge_conference::ivr::keys::JOIN_AS_ATTENDEE;
use dialbridge_conference::ivr::{
    FoundConference, IvrAction, LookupResult, PinResult, RequestId, Role,
};
use dialbridge_conference::speech::keys;
use ivr_support::*;

fn verify(request: u64, pin: &str) -> (RequestId, String) {
    (RequestId(request), pin.to_owned())
}

/// The request and PIN of the single `VerifyPin` in `actions`.
fn verify_pin_in(actions: &[Action]) -> (RequestId, String) {
    match actions {
        [IvrAction::VerifyPin {
            request,
            meeting,
            pin,
        }] => {
            assert_eq!(*meeting, MEETING);
            (*request, pin.expose().to_owned())
        }
        other => panic!("expected one VerifyPin, got {other:?}"),
    }
}

#[test]
fn organizer_enters_the_pin_and_joins_as_organizer() {
    let mut call = Call::at_pin_prompt(config());
    // The lookup was request 1, so the PIN check is 2.
    assert_eq!(verify_pin_in(&call.press("24680#")), verify(2, "24680"));
    assert_eq!(
        call.pin_result(PinResult::Correct),
        vec![join(Role::Organizer, en(), None)]
    );
}

#[test]
fn star_over_the_organizer_question_stops_it() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1234567#");
    call.lookup_result(found(true));
    assert_eq!(
        call.press("*"),
        vec![IvrAction::StopSpeech, say(en(), &[keys::ENTER_PIN])]
    );
}

#[test]
fn wrong_pin_then_right_pin() {
    let mut call = Call::at_pin_prompt(config());
    verify_pin_in(&call.press("11111#"));
    assert_eq!(
        call.pin_result(PinResult::Wrong),
        vec![say(en(), &[keys::WRONG_PIN, keys::ENTER_PIN])]
    );
    call.playback_finished();
    assert_eq!(verify_pin_in(&call.press("24680#")), verify(3, "24680"));
    assert_eq!(
        call.pin_result(PinResult::Correct),
        vec![join(Role::Organizer, en(), None)]
    );
}

#[test]
fn three_wrong_pins_join_as_attendee_after_being_told() {
    let mut call = Call::at_pin_prompt(config());
    for _ in 0..2 {
        verify_pin_in(&call.press("11111#"));
        assert_eq!(
            call.pin_result(PinResult::Wrong),
            vec![say(en(), &[keys::WRONG_PIN, keys::ENTER_PIN])]
        );
        call.playback_finished();
    }
    verify_pin_in(&call.press("11111#"));
    assert_eq!(
        call.pin_result(PinResult::Wrong),
        vec![say(en(), &[keys::WRONG_PIN, JOIN_AS_ATTENDEE])]
    );
    assert_eq!(call.press("24680#"), vec![], "no fourth try");
    assert_eq!(
        call.playback_finished(),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn locked_pin_result_joins_as_attendee() {
    let mut call = Call::at_pin_prompt(config());
    verify_pin_in(&call.press("11111#"));
    assert_eq!(
        call.pin_result(PinResult::Locked),
        vec![say(en(), &[keys::PIN_LOCKED, JOIN_AS_ATTENDEE])]
    );
    assert_eq!(
        call.playback_finished(),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn unavailable_pin_check_joins_as_attendee() {
    let mut call = Call::at_pin_prompt(config());
    verify_pin_in(&call.press("11111#"));
    assert_eq!(
        call.pin_result(PinResult::Unavailable),
        vec![say(en(), &[JOIN_AS_ATTENDEE])]
    );
    assert_eq!(
        call.playback_finished(),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn pin_locked_at_lookup_skips_the_pin_prompt() {
    let locked = LookupResult::Found(FoundConference {
        meeting: MEETING,
        organizer_can_use_pin: true,
        pin_locked: true,
        record_names: None,
    });
    let mut call = Call::at_organizer_choice(config(), locked);
    assert_eq!(
        call.press("*"),
        vec![say(en(), &[keys::PIN_LOCKED, JOIN_AS_ATTENDEE])]
    );
    assert_eq!(
        call.playback_finished(),
        vec![join(Role::Attendee, en(), None)]
    );
}

#[test]
fn pin_entries_no_pin_can_match_are_refused_without_a_check() {
    let mut call = Call::at_pin_prompt(config());
    let wrong = vec![say(en(), &[keys::WRONG_PIN, keys::ENTER_PIN])];
    assert_eq!(call.press("123#"), wrong, "shorter than 4 digits");
    call.playback_finished();
    assert_eq!(call.press("#"), wrong, "# alone");
    call.playback_finished();
    // The 13th digit is refused at once; what follows is ignored.
    assert_eq!(
        call.press("1234567890123"),
        vec![say(en(), &[keys::WRONG_PIN, JOIN_AS_ATTENDEE])]
    );
}

#[test]
fn pin_inter_digit_timeout_submits_and_silence_uses_an_attempt() {
    let mut call = Call::at_pin_prompt(config());
    assert_eq!(
        call.wait_for_timeout(),
        vec![say(en(), &[keys::ENTER_PIN])],
        "silence repeats the question"
    );
    call.playback_finished();
    call.press("24680");
    let typed = call.now;
    assert_eq!(verify_pin_in(&call.wait_for_timeout()), verify(2, "24680"));
    assert_eq!(call.now - typed, std::time::Duration::from_secs(5));
}

#[test]
fn star_during_pin_entry_starts_it_over() {
    let mut call = Call::at_pin_prompt(config());
    call.press("999*");
    assert_eq!(verify_pin_in(&call.press("24680#")), verify(2, "24680"));
}

#[test]
fn the_pin_never_shows_in_debug_output() {
    let mut call = Call::at_pin_prompt(config());
    let actions = call.press("24680#");
    let printed = format!("{actions:?}");
    assert!(!printed.contains("24680"), "{printed}");
}

#[test]
fn stale_or_foreign_pin_results_are_ignored() {
    let mut call = Call::at_pin_prompt(config());
    let (request, _) = verify_pin_in(&call.press("11111#"));
    call.ivr
        .on_pin_result(call.now, RequestId(request.0 + 7), PinResult::Correct);
    assert_eq!(call.ivr.poll_action(), None);
    call.ivr
        .on_pin_result(call.now, RequestId(1), PinResult::Correct);
    assert_eq!(call.ivr.poll_action(), None, "request 1 was the lookup");
    call.pin_result(PinResult::Wrong);
    call.playback_finished();
    // The answer to the first check arrives late, after the second attempt began.
    call.ivr
        .on_pin_result(call.now, request, PinResult::Correct);
    assert_eq!(call.ivr.poll_action(), None);
    assert!(!call.ivr.is_finished());
}
