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
//!
//! ```
//! use dialbridge_sdp::{LocalMedia, SessionOrigin, SessionVersion, AudioCodec};
//!
//! let session = SessionVersion { id: 3_900_000_000, version: 3_900_000_000 };
//! let local = LocalMedia::new("192.0.2.1".parse().unwrap(), 40_000, session);
//! let mut origin = SessionOrigin::new(session);
//!
//! let offer = "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\n\
//!              t=0 0\r\nm=audio 5004 RTP/AVP 0 8 101\r\n\
//!              a=rtpmap:101 telephone-event/8000\r\n";
//! let answer = origin.answer(offer, &local).expect("PCMU is common");
//! assert_eq!(answer.audio.codec.codec, AudioCodec::Pcmu);
//! assert!(answer.sdp.contains("m=audio 40000 RTP/AVP 0 101\r\n"));
//! // Send `answer.sdp` in the 200 OK; give `answer.audio` to the media engine.
//! ```

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
pub use negotiated::{NegotiatedAudio, NegotiatedCodec, SdesKeys, TelephoneEvent};
pub use offer::{offer, Offer, OfferedFormat};
pub use origin::{SessionOrigin, SessionVersion};
pub use profile::SDES_SUITES;
