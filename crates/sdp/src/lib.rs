//! SDP offer/answer (RFC 3264) for the audio codecs dialbridge speaks.
//!
//! Sans-IO: bytes in, SDP text and a [`NegotiatedAudio`] out. No sockets, no clock, no
//! randomness; the caller supplies addresses, ports and session ids.
//!
//! - [`answer`] answers a peer's offer (the usual inbound INVITE).
//! - [`offer`] makes an offer (INVITE without SDP, dial-out); [`accept_answer`] checks the
//!   peer's answer against it.
//! - [`SessionOrigin`] is the per-dialog `o=` state that keeps the session id fixed and bumps
//!   the version only when what we send changes (RFC 3264 §8).

mod accept;
mod answer;
mod codec;
mod direction;
mod error;
mod local;
mod negotiated;
mod offer;
mod origin;
mod parse;
mod profile;
mod ptime;
mod write;

pub use accept::accept_answer;
pub use answer::{answer, Answer};
pub use codec::AudioCodec;
pub use direction::Direction;
pub use error::{AnswerMismatch, MalformedReason, MalformedSdp, NegotiationError};
pub use local::LocalMedia;
pub use negotiated::{NegotiatedAudio, NegotiatedCodec, TelephoneEvent};
pub use offer::{offer, Offer, OfferedFormat};
pub use origin::{SessionOrigin, SessionVersion};
