//! Who is in the meeting, as the meeting keeps them and as the admin center sees them.

use std::time::Instant;

use super::commands::KeyState;
use crate::speech::Language;

/// A caller's standing in the meeting, decided by the IVR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Organizer,
    Attendee,
}

/// What the IVR (or the dial-out leg) knows about a caller when it joins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantInfo {
    /// Unique within the meeting; the binary's handle for the call.
    pub id: u64,
    pub role: Role,
    pub language: Language,
    /// As the roster should show it, e.g. `+1 425 555 0134` (format it before joining;
    /// masking keeps its spacing).
    pub caller_number: Option<String>,
    /// The caller recorded a name at the IVR (used by name announcements).
    pub recorded_name: bool,
    /// The caller entered an organizer PIN.
    pub authenticated_with_pin: bool,
    /// The meeting called this participant (organizer's dial-out).
    pub dialed_out: bool,
}

impl ParticipantInfo {
    /// An organizer who proved it with a PIN: starts the meeting and passes the lock.
    pub fn is_authenticated_organizer(&self) -> bool {
        self.role == Role::Organizer && self.authenticated_with_pin
    }
}

/// One row of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub id: u64,
    pub display_number: Option<String>,
    pub role: Role,
    pub muted: bool,
    pub hand_raised: bool,
    pub talking: bool,
    pub in_lobby: bool,
    pub joined_at: Instant,
}

#[derive(Debug)]
pub(super) struct Participant {
    pub(super) info: ParticipantInfo,
    pub(super) joined_at: Instant,
    pub(super) in_lobby: bool,
    pub(super) muted: bool,
    /// Muted by the organizer's mute-all (not by themselves), so undoing it unmutes them.
    pub(super) muted_by_mute_all: bool,
    pub(super) hand_raised: bool,
    pub(super) talking: bool,
    pub(super) keys: KeyState,
}

impl Participant {
    pub(super) fn new(info: ParticipantInfo, now: Instant, in_lobby: bool) -> Self {
        Self {
            info,
            joined_at: now,
            in_lobby,
            muted: false,
            muted_by_mute_all: false,
            hand_raised: false,
            talking: false,
            keys: KeyState::Idle,
        }
    }

    pub(super) fn id(&self) -> u64 {
        self.info.id
    }

    pub(super) fn is_organizer(&self) -> bool {
        self.info.role == Role::Organizer
    }

    pub(super) fn entry(&self, mask_numbers: bool) -> RosterEntry {
        RosterEntry {
            id: self.info.id,
            display_number: self
                .info
                .caller_number
                .as_deref()
                .map(|number| display_number(number, mask_numbers)),
            role: self.info.role,
            muted: self.muted,
            hand_raised: self.hand_raised,
            talking: self.talking,
            in_lobby: self.in_lobby,
            joined_at: self.joined_at,
        }
    }
}

/// The number as given, or with its third- and fourth-last digits hidden
/// (`+1 425 555 0134` → `+1 425 555 ••34`). Formatting characters stay where they are.
pub fn display_number(number: &str, mask: bool) -> String {
    if !mask {
        return number.to_owned();
    }
    let mut digits_from_end = 0;
    let mut masked: Vec<char> = number
        .chars()
        .rev()
        .map(|character| {
            if !character.is_ascii_digit() {
                return character;
            }
            digits_from_end += 1;
            if (3..=4).contains(&digits_from_end) {
                '•'
            } else {
                character
            }
        })
        .collect();
    masked.reverse();
    masked.into_iter().collect()
}
