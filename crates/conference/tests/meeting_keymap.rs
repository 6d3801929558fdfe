//! Key map validation.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use dialbridge_conference::meeting::keymap::Lookup;
use dialbridge_conference::meeting::{Command, KeyMap, KeyMapError};

#[test]
fn the_default_map_has_every_command_on_star_and_a_digit() {
    let map = KeyMap::default();
    assert_eq!(map.sequence(Command::Help), Some("*1"));
    assert_eq!(map.sequence(Command::DialOut), Some("*2"));
    assert_eq!(map.sequence(Command::Count), Some("*3"));
    assert_eq!(map.sequence(Command::MuteAll), Some("*4"));
    assert_eq!(map.sequence(Command::Hand), Some("*5"));
    assert_eq!(map.sequence(Command::MuteSelf), Some("*6"));
    assert_eq!(map.sequence(Command::Lock), Some("*7"));
    assert_eq!(map.sequence(Command::AdmitLobby), Some("*8"));
    assert_eq!(map.sequence(Command::Announcements), Some("*9"));
    assert_eq!(map.sequence(Command::Operator), Some("*0"));
    // The default is itself a valid map.
    assert_eq!(KeyMap::new(map.entries()).unwrap(), map);
}

#[test]
fn duplicate_sequences_are_refused() {
    let error = KeyMap::with_overrides([(Command::Hand, "*6")]).unwrap_err();
    assert!(matches!(error, KeyMapError::Duplicate { ref sequence, .. } if sequence == "*6"));
}

#[test]
fn a_sequence_that_begins_another_is_refused() {
    let error = KeyMap::with_overrides([(Command::Hand, "*66")]).unwrap_err();
    assert_eq!(
        error,
        KeyMapError::PrefixClash {
            shorter: "*6".into(),
            longer: "*66".into()
        }
    );
    let error = KeyMap::new([(Command::Hand, "#55"), (Command::MuteSelf, "#5")]).unwrap_err();
    assert_eq!(
        error,
        KeyMapError::PrefixClash {
            shorter: "#5".into(),
            longer: "#55".into()
        }
    );
}

#[test]
fn sequences_must_start_with_star_or_pound_and_be_short_dial_pad_keys() {
    assert!(matches!(
        KeyMap::new([(Command::Hand, "5")]),
        Err(KeyMapError::BadPrefix(_))
    ));
    assert!(matches!(
        KeyMap::new([(Command::Hand, "*")]),
        Err(KeyMapError::BadLength(_))
    ));
    assert!(matches!(
        KeyMap::new([(Command::Hand, "*1234")]),
        Err(KeyMapError::BadLength(_))
    ));
    assert!(matches!(
        KeyMap::new([(Command::Hand, "*x")]),
        Err(KeyMapError::NotADialPadKey { key: 'x', .. })
    ));
    assert_eq!(
        KeyMap::new([(Command::Hand, "*5"), (Command::Hand, "*6")]),
        Err(KeyMapError::CommandTwice(Command::Hand))
    );
}

#[test]
fn lookup_tells_complete_partial_and_unknown_apart() {
    let map = KeyMap::new([(Command::Hand, "#55"), (Command::MuteSelf, "*6")]).unwrap();
    assert_eq!(map.lookup("#5"), Lookup::Partial);
    assert_eq!(map.lookup("#55"), Lookup::Command(Command::Hand));
    assert_eq!(map.lookup("#56"), Lookup::Unknown);
    assert!(map.is_prefix_key('#'));
    assert!(map.is_prefix_key('*'));
    assert!(!map.is_prefix_key('5'));
    // A command left out of the map is disabled.
    assert_eq!(map.sequence(Command::Help), None);
}

#[test]
fn every_command_has_a_name_that_maps_back() {
    use dialbridge_conference::meeting::Command;
    for command in Command::ALL {
        assert_eq!(Command::from_name(command.name()), Some(command));
    }
    assert_eq!(Command::from_name("mute"), Some(Command::MuteSelf));
    assert_eq!(Command::from_name("unmute"), None);
}
