//! The language menu and the language of everything after it.
#![allow(clippy::unwrap_used)]

mod ivr_support;

use dialbridge_conference::ivr::{Ivr, IvrAction, IvrConfig, IvrConfigError, PinResult, Role};
use dialbridge_conference::speech::{keys, Language, SpeechPart};
use ivr_support::*;
use std::time::Duration;

fn config_en_fr_de() -> IvrConfig {
    let mut config = config();
    config.secondary_languages = vec![fr(), de()];
    config
}

fn menu_entry(language: Language, key: &str) -> Action {
    say_parts(
        language,
        vec![
            SpeechPart::Prompt(keys::LANGUAGE_SELECT),
            SpeechPart::Digits(key.into()),
        ],
    )
}

fn menu() -> Vec<Action> {
    vec![
        menu_entry(en(), "1"),
        menu_entry(fr(), "2"),
        menu_entry(de(), "3"),
    ]
}

#[test]
fn greets_in_the_primary_then_offers_each_language_in_itself() {
    let mut call = Call::new(config_en_fr_de());
    let mut expected = vec![say(en(), &[keys::GREETING])];
    expected.extend(menu());
    assert_eq!(call.start(), expected);
}

#[test]
fn the_chosen_language_is_spoken_from_then_on_and_joined_with() {
    let mut call = Call::new(config_en_fr_de());
    call.start();
    call.playback_finished();
    assert_eq!(
        call.press("2"),
        vec![say(fr(), &[keys::ENTER_CONFERENCE_ID])]
    );
    assert_eq!(call.ivr.language(), &fr());
    call.playback_finished();
    call.press("1234567#");
    assert_eq!(
        call.lookup_result(found(true)),
        vec![say(fr(), &[keys::ORGANIZER_PIN_OR_WAIT])]
    );
    call.playback_finished();
    assert_eq!(call.press("*"), vec![say(fr(), &[keys::ENTER_PIN])]);
    call.playback_finished();
    call.press("24680#");
    assert_eq!(
        call.pin_result(PinResult::Correct),
        vec![join(Role::Organizer, fr(), None)]
    );
}

#[test]
fn menu_timeout_keeps_the_primary_language() {
    let mut call = Call::new(config_en_fr_de());
    call.start();
    call.playback_finished();
    let menu_end = call.now;
    assert_eq!(
        call.wait_for_timeout(),
        vec![say(en(), &[keys::ENTER_CONFERENCE_ID])]
    );
    assert_eq!(call.now - menu_end, Duration::from_secs(5));
    assert_eq!(call.ivr.language(), &en());
}

#[test]
fn an_invalid_key_repeats_the_menu_once_then_keeps_the_primary() {
    let mut call = Call::new(config_en_fr_de());
    call.start();
    call.playback_finished();
    assert_eq!(call.press("4"), menu(), "only 1 to 3 are offered");
    call.playback_finished();
    assert_eq!(
        call.press("0"),
        vec![say(en(), &[keys::ENTER_CONFERENCE_ID])]
    );
    assert_eq!(call.ivr.language(), &en());
}

#[test]
fn the_repeated_menu_still_takes_a_choice() {
    let mut call = Call::new(config_en_fr_de());
    call.start();
    call.playback_finished();
    call.press("#");
    call.playback_finished();
    assert_eq!(
        call.press("3"),
        vec![say(de(), &[keys::ENTER_CONFERENCE_ID])]
    );
}

#[test]
fn a_choice_over_the_greeting_stops_it() {
    let mut call = Call::new(config_en_fr_de());
    call.start();
    assert_eq!(
        call.press("2"),
        vec![
            IvrAction::StopSpeech,
            say(fr(), &[keys::ENTER_CONFERENCE_ID])
        ]
    );
}

#[test]
fn no_secondary_languages_means_no_menu() {
    let mut call = Call::new(config());
    let actions = call.start();
    assert!(
        actions
            .iter()
            .all(|action| !matches!(action, IvrAction::Say(u)
            if u.parts.contains(&SpeechPart::Prompt(keys::LANGUAGE_SELECT)))),
        "{actions:?}"
    );
    call.playback_finished();
    assert_eq!(call.press("2"), vec![], "a key is a conference ID digit");
}

#[test]
fn at_most_four_secondary_languages() {
    let mut config = config();
    config.secondary_languages = vec![fr(), de(), Language::new("es-ES"), Language::new("it-IT")];
    assert!(Ivr::<u32>::new(config.clone()).is_ok());
    config.secondary_languages.push(Language::new("ja-JP"));
    assert_eq!(
        Ivr::<u32>::new(config).unwrap_err(),
        IvrConfigError::TooManySecondaryLanguages { count: 5 }
    );
}

#[test]
fn impossible_limits_are_refused() {
    let mut no_tries = config();
    no_tries.max_pin_attempts = 0;
    assert_eq!(
        Ivr::<u32>::new(no_tries).unwrap_err(),
        IvrConfigError::NoAttempts
    );
    let mut empty_ids = config();
    #[allow(clippy::reversed_empty_ranges)]
    {
        empty_ids.conference_id_length = 8..=7;
    }
    assert!(matches!(
        Ivr::<u32>::new(empty_ids).unwrap_err(),
        IvrConfigError::LengthBounds { .. }
    ));
    let mut zero_pin = config();
    zero_pin.pin_length = 0..=4;
    assert!(matches!(
        Ivr::<u32>::new(zero_pin).unwrap_err(),
        IvrConfigError::LengthBounds { .. }
    ));
}
