//! Keys pressed over prompts: which prompts stop, and the key still counts.
#![allow(clippy::unwrap_used)]

mod ivr_support;

use dialbridge_conference::ivr::{IvrAction, LookupResult, RequestId};
use dialbridge_conference::speech::keys;
use ivr_support::*;
use std::time::Duration;

#[test]
fn a_digit_over_the_id_question_stops_it_and_is_kept() {
    let mut call = Call::new(config());
    call.start();
    call.advance(Duration::from_secs(2));
    assert_eq!(call.press("1"), vec![IvrAction::StopSpeech]);
    assert_eq!(
        call.ivr.poll_timeout(),
        Some(call.now + Duration::from_secs(5)),
        "the inter-digit timer runs from the key"
    );
    assert_eq!(
        call.press("234567#"),
        vec![IvrAction::LookupConference {
            request: RequestId(1),
            digits: "1234567".into(),
        }]
    );
    assert_eq!(
        call.playback_finished(),
        vec![],
        "stopped speech reports nothing"
    );
}

#[test]
fn a_digit_over_the_invalid_id_prompt_starts_the_next_try() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1111111#");
    call.lookup_result(LookupResult::NotFound);
    assert_eq!(call.press("7"), vec![IvrAction::StopSpeech]);
    call.press("654321#");
    assert!(matches!(
        call.lookup_result(LookupResult::NotFound).as_slice(),
        [IvrAction::Say(_)]
    ));
    assert_eq!(call.last_request(), RequestId(2));
}

#[test]
fn star_over_the_id_question_stops_it_and_waits_for_the_first_digit() {
    let mut call = Call::new(config());
    call.start();
    assert_eq!(call.press("*"), vec![IvrAction::StopSpeech]);
    assert_eq!(
        call.wait_for_timeout(),
        vec![say(en(), &[keys::ENTER_CONFERENCE_ID])]
    );
    assert_eq!(call.elapsed(), Duration::from_secs(10));
}

#[test]
fn a_digit_over_the_pin_question_stops_it_and_is_kept() {
    let mut call = Call::at_organizer_choice(config(), found(true));
    call.press("*");
    assert_eq!(call.press("2"), vec![IvrAction::StopSpeech]);
    let actions = call.press("4680#");
    assert!(
        matches!(actions.as_slice(), [IvrAction::VerifyPin { pin, .. }] if pin.expose() == "24680"),
        "{actions:?}"
    );
}

#[test]
fn keys_do_not_cut_the_goodbye() {
    let mut config = config();
    config.max_conference_id_attempts = 1;
    let mut call = Call::at_conference_id_prompt(config);
    call.press("#");
    assert_eq!(call.press("1*#"), vec![]);
}

#[test]
fn keys_other_than_star_do_not_cut_the_organizer_question() {
    let mut call = Call::at_conference_id_prompt(config());
    call.press("1234567#");
    call.lookup_result(found(true));
    assert_eq!(call.press("5#"), vec![]);
    assert_eq!(
        call.ivr.poll_timeout(),
        None,
        "the question is still playing"
    );
}

#[test]
fn letter_keys_are_ignored() {
    let mut call = Call::new(config());
    call.start();
    assert_eq!(call.press("ABCD"), vec![]);
    assert_eq!(call.ivr.poll_timeout(), None, "the question still plays");
}
