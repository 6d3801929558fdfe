//! Where one caller is in the flow.

use super::actions::{FoundConference, HangupReason, RequestId, Role};
use super::digits::DigitEntry;

#[derive(Debug)]
pub(crate) enum State<M> {
    NotStarted,
    /// Listening to (or answering) the language menu; `repeated` after one invalid key.
    LanguageMenu {
        repeated: bool,
    },
    ConferenceId {
        entry: DigitEntry,
    },
    AwaitingLookup {
        request: RequestId,
    },
    /// Heard "organizer: press star, otherwise please wait"; waiting for `*`.
    OrganizerChoice {
        found: FoundConference<M>,
    },
    Pin {
        found: FoundConference<M>,
        entry: DigitEntry,
    },
    AwaitingPin {
        request: RequestId,
        found: FoundConference<M>,
    },
    /// Speech the caller cannot skip; then `then`.
    Announcing {
        then: AfterSpeech<M>,
    },
    RecordingName {
        meeting: M,
        role: Role,
    },
    /// Joined or hung up: every input is ignored.
    Finished,
}

#[derive(Debug)]
pub(crate) enum AfterSpeech<M> {
    RecordName { meeting: M, role: Role },
    Join { meeting: M, role: Role },
    Hangup(HangupReason),
}
