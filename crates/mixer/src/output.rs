//! What a conference hands back: packets to send, events for the roster, errors.

use bytes::Bytes;
use dialbridge_media::codec::{CodecError, CodecKind};

/// A codec and packet time: the participants sharing one are served by one encode of the
/// shared mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodecKey {
    pub kind: CodecKind,
    pub ptime_ms: u32,
}

/// One RTP payload for one participant. Participants served by the same encode get clones
/// of the same `Bytes` (a reference count, no copy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingPacket<P> {
    pub participant: P,
    pub payload: Bytes,
}

/// Something the caller should know about, from [`crate::Conference::poll_event`].
#[derive(Debug, Clone, PartialEq)]
pub enum MixerEvent<P> {
    /// The participant became an active speaker (for the live roster).
    TalkingStarted(P),
    /// The participant stopped being an active speaker: fell silent past the hangover,
    /// was displaced by louder talkers, was muted, went to the lobby, or left.
    TalkingStopped(P),
    /// An encoder refused this tick's audio; the listeners it serves get no packet this
    /// time. `participant` is `Some` for a speaker's own mix, `None` for a shared mix.
    EncodeFailed {
        codec: CodecKey,
        participant: Option<P>,
        error: CodecError,
    },
}

/// Why a participant could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddError {
    #[error("participant is already in the conference")]
    AlreadyPresent,
    #[error("packet time {0} ms is not supported (10 to 60 ms in steps of 10)")]
    UnsupportedPtime(u32),
    #[error("the encoder factory failed for {codec:?}: {error}")]
    Encoder { codec: CodecKey, error: CodecError },
    #[error("the encoder factory made a {made:?} encoder when asked for {asked:?}")]
    EncoderMismatch { asked: CodecKey, made: CodecKey },
}

/// The participant is not in the conference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no such participant in the conference")]
pub struct UnknownParticipant;
