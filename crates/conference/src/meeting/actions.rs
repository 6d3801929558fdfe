//! What the meeting asks of the outside (the binary's media and call control), and what
//! its inputs return.

use crate::speech::Utterance;

/// Who hears a [`MeetingAction::Say`].
///
/// A broadcast (`All`, `AllExcept`, `Lobby`) reaches only the listeners of that group whose
/// language is the utterance's language: the meeting emits one `Say` per language spoken in
/// the group, so each caller hears every announcement once, in their own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    One(u64),
    /// Everyone in the meeting (not the lobby).
    All,
    /// Everyone in the meeting but this one.
    AllExcept(u64),
    /// Everyone waiting in the lobby.
    Lobby,
}

/// Why the meeting ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Seed table, row 1: no change to the attendee list for 24 hours.
    RosterUnchanged,
    /// Seed table, row 2: someone used a PIN, and 24 hours have passed since the start.
    TimeLimitWithPin,
    /// Seed table, row 3: nobody used a PIN, and 4 hours have passed since the start.
    TimeLimitWithoutPin,
    /// Anonymous start is not allowed and no authenticated organizer came back in time.
    OrganizerLeft,
    /// The last caller left.
    Empty,
    /// An admin ended it.
    Admin,
}

/// Why the meeting hangs up on a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectReason {
    MeetingEnded(EndReason),
    /// An admin removed the caller.
    Removed,
}

/// Something the outside must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingAction {
    /// Play this to the target (see [`Target`] for broadcasts).
    Say { to: Target, utterance: Utterance },
    /// Mute (or unmute) this caller's audio into the mix. Callers start unmuted unless this
    /// says otherwise.
    SetMuted { id: u64, muted: bool },
    /// Connect the caller to the mix (stops lobby music).
    MoveToConference { id: u64 },
    /// Put the caller in the lobby: music, no mix.
    MoveToLobby { id: u64 },
    /// Hang up once the prompts already queued for this caller have played. The meeting has
    /// already taken the caller off its roster; a later `leave` for it does nothing.
    Disconnect { id: u64, reason: DisconnectReason },
    /// Transfer the caller to the operator; call `leave` when the caller's leg is gone.
    TransferToOperator { id: u64, number: String },
    /// An organizer pressed the dial-out command; the meeting now collects the number.
    StartDialOut { by: u64 },
    /// The organizer entered `digits` and `#`: check the dial-out policy, place the call,
    /// and `join` the callee with `dialed_out: true` when it answers.
    DialOut { by: u64, digits: String },
    /// The organizer cancelled the number (`*`), let it time out, or typed too many digits.
    DialOutCancelled { by: u64 },
    /// `roster()` has changed (someone came, left, muted, raised a hand, started talking).
    RosterChanged,
    /// The meeting is over; every caller has been sent a `Disconnect`. Drop the meeting.
    Ended { reason: EndReason },
}

/// Why a caller waits in the lobby.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobbyReason {
    /// No authenticated organizer has started the meeting and anonymous start is not allowed.
    NotStarted,
    /// The meeting is locked.
    Locked,
}

/// The answer to [`super::Meeting::join`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    Admitted,
    Lobby {
        reason: LobbyReason,
    },
    /// The meeting (with its lobby) holds `max_participants` callers already; the caller is
    /// not added. The binary plays `meeting-full` and hangs up.
    Full,
}

/// An input the meeting could not act on. None of these change the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("the meeting has ended")]
    Ended,
    #[error("participant {0} is already in the meeting")]
    AlreadyJoined(u64),
    #[error("no participant {0} in the meeting")]
    UnknownParticipant(u64),
    #[error("participant {0} is not waiting in the lobby")]
    NotInLobby(u64),
    #[error("participant {0} is in the lobby, not the meeting")]
    InLobby(u64),
}
