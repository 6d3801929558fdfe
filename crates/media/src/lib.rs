//! Sans-IO media building blocks for dialbridge.
//!
//! Everything here takes samples or packets plus the time, and hands back events; no sockets,
//! no clock, no threads. The IO shell (the `dialbridge` crate) owns those.
//!
//! - [`codec`]: the internal audio format and the decoder/encoder contract.
//! - [`g711`]: bit-exact mu-law and A-law (ITU-T G.711).
//! - [`telephone_event`]: RFC 4733 telephone-event reception, one report per key press.
//! - [`dtmf_detector`]: in-band DTMF tone detection meeting ITU-T Q.24.
//! - [`rtp`]: RTP/RTCP for one call: receive (symmetric RTP, statistics), send, reports.
//! - [`jitter`]: the adaptive jitter buffer with loss concealment.
//! - [`sip_info_dtmf`]: DTMF from SIP INFO bodies.
//! - [`prompt`]: recorded prompts and music on hold, played as 20 ms frames.
//! - [`srtp`]: SRTP/SRTCP with SDES keys.

pub mod codec;
pub mod digit;
pub mod dtmf_detector;
pub mod g711;
mod goertzel;
pub mod jitter;
pub mod prompt;
pub mod rtp;
pub mod sip_info_dtmf;
pub mod srtp;
pub mod telephone_event;

pub use digit::DtmfDigit;
pub use dtmf_detector::{DetectedDigit, DtmfDetector};
pub use prompt::{MusicLoop, PromptError, PromptPlayer, PromptSet};
pub use telephone_event::{DtmfEvent, RtpEventPacket, TelephoneEventReceiver, TelephoneEventStats};
