//! The outcome of a negotiation: what the media engine needs to run the call.

use std::net::{IpAddr, SocketAddr};

use crate::codec::PayloadFormat;
use crate::error::{MalformedReason, MalformedSdp, NegotiationError};
use crate::parse::{self, MediaDescription, SessionDescription};
use crate::{AudioCodec, Direction};

/// The audio stream both sides agreed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedAudio {
    /// Index of the `m=` line carrying this stream, in both offer and answer.
    pub media_index: usize,
    /// The codec and how the peer numbered it.
    pub codec: NegotiatedCodec,
    /// RFC 4733 telephone-event, if both sides do it.
    pub telephone_event: Option<TelephoneEvent>,
    /// Packet time in ms, 10–60.
    pub ptime_ms: u16,
    /// Where to send RTP. Port is never 0 here; an IP of `0.0.0.0`/`::` means the peer
    /// holds with the RFC 2543 style and we must not send.
    pub remote_rtp: SocketAddr,
    /// Where to send RTCP: `a=rtcp` (RFC 3605) or the RTP port + 1 (RFC 3550 §11).
    pub remote_rtcp: SocketAddr,
    /// Which way we let media flow, as written in our SDP.
    pub local_direction: Direction,
    /// Which way the peer lets media flow, as it wrote it (a `c=0.0.0.0` hold counts as not
    /// receiving).
    pub remote_direction: Direction,
    /// SRTP keys when the stream is SDES-SRTP (RFC 4568).
    pub srtp: Option<SdesKeys>,
}

/// The two `a=crypto` values of an SDES negotiation, as written (`tag suite inline:key`):
/// the peer's protects what it sends us, ours what we send it. Parsed into keys by the media
/// layer; kept out of `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct SdesKeys {
    pub remote: String,
    pub local: String,
}

impl std::fmt::Debug for SdesKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SdesKeys(..)")
    }
}

impl NegotiatedAudio {
    /// True when the peer asked us to stop sending (sendonly, inactive, or `c=0.0.0.0`).
    pub fn is_held_by_remote(&self) -> bool {
        !self.remote_direction.receives()
    }
}

/// A codec as agreed: ours, numbered the way the SDP numbered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedCodec {
    /// Which of our codecs.
    pub codec: AudioCodec,
    /// The payload type (the offerer's number, RFC 3264 §6.1).
    pub payload_type: u8,
    /// The encoding name as the peer wrote it.
    pub encoding_name: String,
    /// The RTP clock rate (8000 for G.722).
    pub clock_rate: u32,
    /// Channels in the rtpmap (1 when absent; 2 for Opus).
    pub channels: u8,
    /// The peer's `a=fmtp` for this payload type: what it wants to receive.
    pub remote_fmtp: Option<String>,
}

impl NegotiatedCodec {
    pub(crate) fn from_format(codec: AudioCodec, format: &PayloadFormat) -> Self {
        NegotiatedCodec {
            codec,
            payload_type: format.payload_type,
            encoding_name: format.encoding.clone(),
            clock_rate: format.clock_rate,
            channels: format.channels.unwrap_or(codec.channels()),
            remote_fmtp: format.fmtp.clone(),
        }
    }
}

/// The RFC 4733 payload type agreed for DTMF and other events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// The payload type (the offerer's number).
    pub payload_type: u8,
    /// Its clock rate: the codec's when the peer offered that one (RFC 4733 §2.1).
    pub clock_rate: u32,
}

/// The peer's RTP and RTCP addresses for a stream: media-level `c=` overrides session-level
/// (RFC 4566 §5.7).
pub(crate) fn remote_addresses(
    session: &SessionDescription,
    media: &MediaDescription,
) -> Result<(SocketAddr, SocketAddr), NegotiationError> {
    let ip = media
        .connection
        .or(session.connection)
        .ok_or(NegotiationError::Malformed(MalformedSdp {
            line: 0,
            reason: MalformedReason::MissingConnection,
        }))?;
    let rtp = SocketAddr::new(ip, media.port);
    // A garbled `a=rtcp` should not cost the call: RTCP is secondary, so fall back to the
    // RFC 3550 §11 default rather than refuse.
    let rtcp = media
        .attribute_value("rtcp")
        .and_then(|value| parse_rtcp(value, ip))
        .unwrap_or_else(|| SocketAddr::new(ip, media.port.saturating_add(1)));
    Ok((rtp, rtcp))
}

/// `a=rtcp:<port> [IN IP4|IP6 <address>]` (RFC 3605 §2.1).
fn parse_rtcp(value: &str, rtp_ip: IpAddr) -> Option<SocketAddr> {
    let mut fields = value.split_ascii_whitespace();
    let port = fields.next()?.parse().ok()?;
    let ip = match (fields.next(), fields.next(), fields.next()) {
        (None, _, _) => rtp_ip,
        (Some(network), Some(address_type), Some(address))
            if network.eq_ignore_ascii_case("IN") =>
        {
            parse::parse_tagged_address(address_type, address)?
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}
