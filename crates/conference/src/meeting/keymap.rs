//! Dial-pad commands and the key sequences that run them.
//!
//! A sequence starts with a prefix key (`*` or `#`) followed by one to three more keys. A
//! map is checked when built: no sequence twice, no command twice, and no sequence that
//! begins another (otherwise the shorter one would always win and the longer never run).

use super::keys as meeting_keys;
use crate::speech::{keys, PromptKey};

/// A dial-pad command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    /// List the commands this caller may use.
    Help,
    /// Mute or unmute yourself.
    MuteSelf,
    /// Raise or lower your hand.
    Hand,
    /// Hear how many are in the meeting.
    Count,
    /// Mute every attendee, or undo that (organizer).
    MuteAll,
    /// Lock or unlock the meeting (organizer).
    Lock,
    /// Admit everyone waiting in the lobby (organizer).
    AdmitLobby,
    /// Turn entry and exit announcements on or off (organizer).
    Announcements,
    /// Be transferred to the operator (when an operator number is configured).
    Operator,
    /// Call a phone number into the meeting (organizer, when dial-out is allowed).
    DialOut,
    /// Hear the recorded names of everyone in the meeting. Not in the default map.
    RollCall,
}

impl Command {
    /// Every command, in the order help lists them.
    pub const ALL: [Command; 11] = [
        Command::Help,
        Command::MuteSelf,
        Command::Hand,
        Command::Count,
        Command::MuteAll,
        Command::Lock,
        Command::AdmitLobby,
        Command::Announcements,
        Command::Operator,
        Command::DialOut,
        Command::RollCall,
    ];

    /// The name an organization's key map uses for it (`"*6" = "mute"`).
    pub fn name(self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::MuteSelf => "mute",
            Command::Hand => "hand",
            Command::Count => "count",
            Command::MuteAll => "mute_all",
            Command::Lock => "lock",
            Command::AdmitLobby => "admit",
            Command::Announcements => "announcements",
            Command::Operator => "operator",
            Command::DialOut => "dial_out",
            Command::RollCall => "roll_call",
        }
    }

    /// The command an organization's key map names, if it is one.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL
            .into_iter()
            .find(|command| command.name() == name)
    }

    /// Only organizers may run it; others hear "only the organizer can do that".
    pub fn organizer_only(self) -> bool {
        matches!(
            self,
            Command::MuteAll
                | Command::Lock
                | Command::AdmitLobby
                | Command::Announcements
                | Command::DialOut
        )
    }

    /// The help prompt that describes it (without its keys, which help speaks after it).
    pub fn help_prompt(self) -> PromptKey {
        match self {
            Command::Help => keys::HELP_HELP,
            Command::MuteSelf => keys::HELP_MUTE,
            Command::Hand => keys::HELP_HAND,
            Command::Count => keys::HELP_COUNT,
            Command::MuteAll => keys::HELP_MUTE_ALL,
            Command::Lock => keys::HELP_LOCK,
            Command::AdmitLobby => keys::HELP_ADMIT,
            Command::Announcements => keys::HELP_ANNOUNCEMENTS,
            Command::Operator => keys::HELP_OPERATOR,
            Command::DialOut => keys::HELP_DIAL_OUT,
            Command::RollCall => meeting_keys::HELP_ROLL_CALL,
        }
    }

    fn default_sequence(self) -> Option<&'static str> {
        Some(match self {
            Command::Help => "*1",
            Command::DialOut => "*2",
            Command::Count => "*3",
            Command::MuteAll => "*4",
            Command::Hand => "*5",
            Command::MuteSelf => "*6",
            Command::Lock => "*7",
            Command::AdmitLobby => "*8",
            Command::Announcements => "*9",
            Command::Operator => "*0",
            Command::RollCall => return None,
        })
    }
}

/// Why a key map was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyMapError {
    #[error("key sequence {0:?} must start with * or #")]
    BadPrefix(String),
    #[error("key sequence {0:?} must be a prefix key and one to three more keys")]
    BadLength(String),
    #[error("key sequence {sequence:?} holds {key:?}, which is not a dial-pad key")]
    NotADialPadKey { sequence: String, key: char },
    #[error("key sequence {sequence:?} is used by both {first:?} and {second:?}")]
    Duplicate {
        sequence: String,
        first: Command,
        second: Command,
    },
    #[error("{0:?} is given two key sequences")]
    CommandTwice(Command),
    #[error("key sequence {shorter:?} begins {longer:?}, so {longer:?} could never be typed")]
    PrefixClash { shorter: String, longer: String },
}

/// What the keys typed so far after a prefix amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Command(Command),
    /// The start of at least one sequence; wait for more keys.
    Partial,
    Unknown,
}

/// A checked mapping from key sequences to commands. A command may be left out (disabled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    /// In `Command::ALL` order, so help lists commands in a stable order.
    entries: Vec<(Command, String)>,
}

const MAX_KEYS_AFTER_PREFIX: usize = 3;

impl Default for KeyMap {
    /// `*1` help, `*2` dial out, `*3` count, `*4` mute all, `*5` hand, `*6` mute self,
    /// `*7` lock, `*8` admit lobby, `*9` announcements, `*0` operator.
    fn default() -> Self {
        Self {
            entries: Command::ALL
                .iter()
                .filter_map(|&command| Some((command, command.default_sequence()?.to_owned())))
                .collect(),
        }
    }
}

impl KeyMap {
    /// A map holding exactly these commands.
    pub fn new<'a>(
        entries: impl IntoIterator<Item = (Command, &'a str)>,
    ) -> Result<Self, KeyMapError> {
        let mut checked: Vec<(Command, String)> = Vec::new();
        for (command, sequence) in entries {
            check_sequence(sequence)?;
            if checked.iter().any(|(existing, _)| *existing == command) {
                return Err(KeyMapError::CommandTwice(command));
            }
            for (existing, other) in &checked {
                if other == sequence {
                    return Err(KeyMapError::Duplicate {
                        sequence: sequence.to_owned(),
                        first: *existing,
                        second: command,
                    });
                }
                let (shorter, longer) = if other.len() < sequence.len() {
                    (other.as_str(), sequence)
                } else {
                    (sequence, other.as_str())
                };
                if longer.starts_with(shorter) {
                    return Err(KeyMapError::PrefixClash {
                        shorter: shorter.to_owned(),
                        longer: longer.to_owned(),
                    });
                }
            }
            checked.push((command, sequence.to_owned()));
        }
        checked.sort_by_key(|(command, _)| *command);
        Ok(Self { entries: checked })
    }

    /// The default map with some commands moved to other keys (or added, like roll call).
    pub fn with_overrides<'a>(
        overrides: impl IntoIterator<Item = (Command, &'a str)>,
    ) -> Result<Self, KeyMapError> {
        let overrides: Vec<(Command, &str)> = overrides.into_iter().collect();
        let merged = Command::ALL.iter().filter_map(|&command| {
            let sequence = overrides
                .iter()
                .rev()
                .find(|(overridden, _)| *overridden == command)
                .map(|(_, sequence)| *sequence)
                .or(command.default_sequence())?;
            Some((command, sequence))
        });
        Self::new(merged)
    }

    /// The keys that run `command`, if it is in the map.
    pub fn sequence(&self, command: Command) -> Option<&str> {
        self.entries
            .iter()
            .find(|(mapped, _)| *mapped == command)
            .map(|(_, sequence)| sequence.as_str())
    }

    /// The commands in the map with their keys, in help order.
    pub fn entries(&self) -> impl Iterator<Item = (Command, &str)> {
        self.entries
            .iter()
            .map(|(command, sequence)| (*command, sequence.as_str()))
    }

    /// Whether `key` begins some command.
    pub fn is_prefix_key(&self, key: char) -> bool {
        self.entries
            .iter()
            .any(|(_, sequence)| sequence.starts_with(key))
    }

    /// What `typed` (the prefix key and what followed) amounts to.
    pub fn lookup(&self, typed: &str) -> Lookup {
        let mut partial = false;
        for (command, sequence) in &self.entries {
            if sequence == typed {
                return Lookup::Command(*command);
            }
            partial |= sequence.starts_with(typed);
        }
        if partial {
            Lookup::Partial
        } else {
            Lookup::Unknown
        }
    }
}

fn check_sequence(sequence: &str) -> Result<(), KeyMapError> {
    let mut keys = sequence.chars();
    match keys.next() {
        Some('*' | '#') => {}
        _ => return Err(KeyMapError::BadPrefix(sequence.to_owned())),
    }
    let rest: Vec<char> = keys.collect();
    if rest.is_empty() || rest.len() > MAX_KEYS_AFTER_PREFIX {
        return Err(KeyMapError::BadLength(sequence.to_owned()));
    }
    if let Some(&key) = rest.iter().find(|&&key| !is_dial_pad_key(key)) {
        return Err(KeyMapError::NotADialPadKey {
            sequence: sequence.to_owned(),
            key,
        });
    }
    Ok(())
}

/// The twelve keys of a phone plus the A–D column some DTMF senders have.
pub fn is_dial_pad_key(key: char) -> bool {
    key.is_ascii_digit() || matches!(key, '*' | '#' | 'A'..='D')
}
