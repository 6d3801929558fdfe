//! What we bring to a negotiation.

use std::net::IpAddr;

use crate::{AudioCodec, Direction, SessionVersion};

/// Our side of the media session: where we receive, what we speak and prefer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia {
    /// Where we receive RTP; also written in `o=` and `c=`.
    pub address: IpAddr,
    /// Our RTP port (RTCP on the next one, RFC 3550 §11).
    pub rtp_port: u16,
    /// Codecs we accept, most preferred first. The answer picks by this order, not the
    /// offerer's (RFC 3264 §6.1 lets the answerer choose).
    pub codecs: Vec<AudioCodec>,
    /// `a=fmtp` parameters for Opus (RFC 7587 §6.1): what we want to receive.
    pub opus_fmtp: String,
    /// Whether to negotiate RFC 4733 telephone-event.
    pub telephone_event: bool,
    /// Packet time in ms when the offer states none, and what we offer.
    pub ptime_ms: u16,
    /// What we want: `SendRecv` normally, `SendOnly` to hold the peer.
    pub direction: Direction,
    /// Session id and version for `o=` when using [`crate::answer`] / [`crate::offer`]
    /// directly. [`crate::SessionOrigin`] ignores this and uses its own.
    pub session: SessionVersion,
    /// Our SRTP master key and salt, base64 (30 bytes: RFC 4568 `inline:`), drawn by the
    /// caller from a cryptographic source. With it an SDES offer (`RTP/SAVP` with
    /// `a=crypto`) is answered with SRTP; without it such an offer is refused.
    pub srtp_inline_key: Option<String>,
}

impl LocalMedia {
    /// Sensible defaults: all our codecs in [`AudioCodec::DEFAULT_PREFERENCE`], Opus with
    /// in-band FEC, telephone-event, 20 ms, sendrecv.
    pub fn new(address: IpAddr, rtp_port: u16, session: SessionVersion) -> Self {
        LocalMedia {
            address,
            rtp_port,
            codecs: AudioCodec::DEFAULT_PREFERENCE.to_vec(),
            opus_fmtp: "useinbandfec=1".to_owned(),
            telephone_event: true,
            ptime_ms: crate::ptime::DEFAULT_PTIME_MS,
            direction: Direction::SendRecv,
            session,
            srtp_inline_key: None,
        }
    }
}
