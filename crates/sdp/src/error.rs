//! What can go wrong when negotiating, precise enough for the SIP layer to pick a status code.

use std::fmt;

/// Why an offer or answer could not be negotiated.
///
/// Suggested SIP mapping: `Malformed` → 400 (or 488), every other kind → 488 Not Acceptable Here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NegotiationError {
    /// The body is not SDP we can read.
    #[error("malformed SDP: {0}")]
    Malformed(MalformedSdp),
    /// The offer has no audio stream with a non-zero port (only video, T.38, or all disabled).
    #[error("the SDP has no usable audio stream")]
    NoAudioStream,
    /// Audio was offered, but no codec in it is one we speak.
    #[error("no audio codec in common")]
    NoCommonCodec,
    /// Audio was offered only on a secure profile (RTP/SAVP with `a=crypto`, or DTLS-SRTP),
    /// which we do not speak yet.
    #[error("audio offered only on an unsupported transport profile: {profile}")]
    UnsupportedProfile {
        /// The `m=` line's protocol, as the peer wrote it.
        profile: String,
    },
    /// The peer rejected our audio stream (port 0 in its answer).
    #[error("the peer rejected the audio stream")]
    StreamRejected,
    /// The answer does not fit the offer we made (RFC 3264 §6).
    #[error("answer does not match our offer: {0}")]
    AnswerMismatch(AnswerMismatch),
}

/// Where and why the SDP could not be read. `line` is 1-based; 0 means the body as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedSdp {
    /// 1-based line number, or 0 when the problem is not on one line.
    pub line: usize,
    /// What was wrong.
    pub reason: MalformedReason,
}

impl fmt::Display for MalformedSdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "line {}: {}", self.line, self.reason)
        }
    }
}

/// The specific defect in a malformed SDP body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MalformedReason {
    /// The body is empty or only whitespace.
    #[error("empty body")]
    Empty,
    /// The first line is not `v=0` (RFC 4566 §5).
    #[error("first line is not v=0")]
    MissingVersion,
    /// A line is not `<letter>=<value>` (RFC 4566 §5).
    #[error("line is not of the form <type>=<value>")]
    NotTypeValue,
    /// There is no `o=` line (RFC 4566 §5.2).
    #[error("missing o= line")]
    MissingOrigin,
    /// The `o=` line does not have its six fields.
    #[error("o= line needs six fields")]
    BadOrigin,
    /// The `c=` line is not `IN IP4|IP6 <ip literal>` (RFC 4566 §5.7).
    #[error("c= line is not IN IP4/IP6 with an IP address")]
    BadConnection,
    /// The `m=` line is not `<media> <port>[/<n>] <proto> <fmt> …` (RFC 4566 §5.14).
    #[error("m= line is not <media> <port> <proto> <fmt>...")]
    BadMedia,
    /// The stream we chose has no `c=` at media or session level (RFC 4566 §5.7).
    #[error("audio stream has no connection address")]
    MissingConnection,
}

/// How an answer failed to fit the offer we made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerMismatch {
    /// RFC 3264 §6: the answer has exactly as many `m=` lines as the offer.
    #[error("answer has {answered} m= lines, our offer had {offered}")]
    MediaCount {
        /// m= lines in our offer.
        offered: usize,
        /// m= lines in the answer.
        answered: usize,
    },
    /// The answer's first `m=` line is not audio.
    #[error("answer m= line is not audio")]
    NotAudio,
    /// None of the answer's formats is a codec payload type we offered.
    #[error("answer names no codec payload type that we offered")]
    NoOfferedPayloadType,
    /// A payload type we offered is mapped to a different codec in the answer.
    #[error("answer maps payload type {payload_type} to a codec we did not offer with it")]
    PayloadTypeRemapped {
        /// The payload type number.
        payload_type: u8,
    },
}
