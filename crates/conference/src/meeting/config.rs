//! What an organization decides about its meetings, fixed when a meeting is created.

use std::time::Duration;

use super::keymap::KeyMap;

/// What the others hear when someone enters or leaves the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announcements {
    /// A short entry or exit tone.
    Tones,
    /// The caller's recorded name and "has joined" / "has left" (a tone for callers who
    /// recorded no name).
    Names,
    /// Nothing.
    Off,
}

/// How long a meeting may last; see `end_rules.rs` for the rows of the seed table these
/// implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndRuleDurations {
    /// The meeting ends when the attendee list has not changed for this long.
    pub roster_unchanged: Duration,
    /// Length of a meeting in which someone used a PIN to enter.
    pub with_pin: Duration,
    /// Length of a meeting in which nobody used a PIN to enter.
    pub without_pin: Duration,
    /// When anonymous start is not allowed: how long the others may stay after the last
    /// authenticated organizer left.
    pub after_organizer_left: Duration,
}

impl Default for EndRuleDurations {
    fn default() -> Self {
        const HOUR: u64 = 60 * 60;
        Self {
            roster_unchanged: Duration::from_secs(24 * HOUR),
            with_pin: Duration::from_secs(24 * HOUR),
            without_pin: Duration::from_secs(4 * HOUR),
            after_organizer_left: Duration::from_secs(90 * 60),
        }
    }
}

/// The organization's meeting settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingConfig {
    /// The first caller starts the meeting; without it callers wait in the lobby until an
    /// organizer joins with a PIN.
    pub anonymous_start: bool,
    /// Entry and exit announcements at the start of a meeting (`*9` toggles them).
    pub announcements: Announcements,
    /// Callers in the meeting and its lobby together; one more is told the meeting is full.
    pub max_participants: usize,
    /// Which keys run which dial-pad command.
    pub key_map: KeyMap,
    /// Where `*0` transfers a caller; without it `*0` says the operator is unavailable.
    pub operator_number: Option<String>,
    /// Whether organizers may dial out with `*2` at all (the per-number policy is checked
    /// by whoever performs the `DialOut` action).
    pub dial_out_allowed: bool,
    /// Show callers' numbers in the roster with two digits hidden.
    pub mask_phone_numbers: bool,
    pub end_rules: EndRuleDurations,
    /// A half-typed command (`*` and nothing more) is cancelled after this long.
    pub command_timeout: Duration,
    /// Dial-out number collection is cancelled when no key comes for this long.
    pub dial_out_digit_timeout: Duration,
}

/// The default limit: "Dial-in conferencing allows up to 250 phone attendees" (seed FAQ).
pub const DEFAULT_MAX_PARTICIPANTS: usize = 250;

impl Default for MeetingConfig {
    fn default() -> Self {
        Self {
            anonymous_start: false,
            announcements: Announcements::Tones,
            max_participants: DEFAULT_MAX_PARTICIPANTS,
            key_map: KeyMap::default(),
            operator_number: None,
            dial_out_allowed: false,
            mask_phone_numbers: true,
            end_rules: EndRuleDurations::default(),
            command_timeout: Duration::from_secs(3),
            dial_out_digit_timeout: Duration::from_secs(10),
        }
    }
}
