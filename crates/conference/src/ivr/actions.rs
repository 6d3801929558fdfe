//! What the IVR asks the binary to do.

use crate::speech::{Language, Utterance};
use std::fmt;
use std::time::Duration;

/// Ties a lookup or PIN check to the result the binary hands back, so a result for an
/// earlier attempt is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId(pub u64);

/// The binary's handle for a recorded name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordingId(pub u64);

/// How the caller enters the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Entered the organizer's PIN: may start the meeting and use organizer commands.
    Organizer,
    Attendee,
}

/// Why the IVR ended the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HangupReason {
    /// The caller used up the conference ID attempts (wrong, empty or timed-out entries).
    TooManyConferenceIdAttempts,
    /// The binary reported the conference ID lookup as unavailable.
    ServiceUnavailable,
}

/// The organizer PIN as typed. Its `Debug` hides the digits so it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct PinDigits(String);

impl PinDigits {
    pub(crate) fn new(digits: String) -> Self {
        Self(digits)
    }

    /// The digits, for checking against the stored hash.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PinDigits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinDigits(..)")
    }
}

/// One thing for the binary to do. `M` is whatever the binary's conference lookup returns;
/// the IVR only carries it from the lookup result to [`IvrAction::Join`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IvrAction<M> {
    /// Queue this speech after anything still playing. When the queue has played out, call
    /// `on_playback_finished`.
    Say(Utterance),
    /// Stop and drop all queued speech now (the caller pressed a key over a prompt). Do not
    /// report `on_playback_finished` for the dropped speech.
    StopSpeech,
    /// Look up a conference ID; answer with `on_lookup_result(now, request, ..)`.
    LookupConference { request: RequestId, digits: String },
    /// Check the organizer PIN of `meeting`; answer with `on_pin_result(now, request, ..)`.
    VerifyPin {
        request: RequestId,
        meeting: M,
        pin: PinDigits,
    },
    /// Record the caller's name for up to `max` (ended early by `StopRecording`); answer with
    /// `on_name_recorded`.
    RecordName { max: Duration },
    /// The caller pressed `#` to end the name recording.
    StopRecording,
    /// Put the caller into the meeting. The IVR is finished.
    Join {
        meeting: M,
        role: Role,
        language: Language,
        name: Option<RecordingId>,
    },
    /// End the call; the goodbye has already played. The IVR is finished.
    Hangup { reason: HangupReason },
}

/// A conference ID that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundConference<M> {
    pub meeting: M,
    /// The organizer has a PIN, so pressing `*` to enter it is offered.
    pub organizer_can_use_pin: bool,
    /// PIN entry is locked out after earlier wrong PINs: a caller who presses `*` hears so and
    /// joins as attendee without being asked for the PIN.
    pub pin_locked: bool,
    /// The found organization's "names" setting; `None` keeps [`super::IvrConfig::record_names`].
    pub record_names: Option<bool>,
}

/// The answer to [`IvrAction::LookupConference`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupResult<M> {
    Found(FoundConference<M>),
    /// Unknown, reset, or its organizer has dial-in off: an attempt is used up.
    NotFound,
    /// The lookup failed (e.g. the database is down): the caller is told and the call ends.
    Unavailable,
}

/// The answer to [`IvrAction::VerifyPin`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinResult {
    Correct,
    /// An attempt is used up; the binary has recorded the failure for the lockout.
    Wrong,
    /// PIN entry is locked out (perhaps by this very failure): join as attendee.
    Locked,
    /// The check failed (e.g. the database is down): join as attendee.
    Unavailable,
}
