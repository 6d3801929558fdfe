//! The SDP we send, as data, and its serialization.
//!
//! Kept minimal for carriers: CRLF, mandatory lines in RFC 4566 §5 order (v o s c t m),
//! `a=rtpmap` even for static PTs (some gateways ignore bare static PTs), `a=ptime`, and an
//! explicit direction attribute.

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::{Direction, SessionVersion};

/// Everything in an outgoing SDP except the `o=` version, so that two bodies can be compared
/// to decide whether the version must move (RFC 3264 §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutgoingSdp {
    pub(crate) address: IpAddr,
    pub(crate) media: Vec<OutgoingMedia>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OutgoingMedia {
    /// RFC 3264 §6: a declined stream keeps its type, protocol and a valid format list.
    Rejected {
        media_type: String,
        protocol: String,
        formats: Vec<String>,
    },
    Audio(OutgoingAudio),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutgoingAudio {
    pub(crate) port: u16,
    pub(crate) protocol: String,
    pub(crate) payloads: Vec<OutgoingPayload>,
    pub(crate) ptime_ms: u16,
    pub(crate) direction: Direction,
    /// Our `a=crypto` value when the stream is SRTP.
    pub(crate) crypto: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutgoingPayload {
    pub(crate) payload_type: u8,
    pub(crate) encoding: String,
    pub(crate) clock_rate: u32,
    /// Written only when not 1 (RFC 4566 §6: channels may be omitted for one).
    pub(crate) channels: u8,
    pub(crate) fmtp: Option<String>,
}

/// Render the body with the given origin.
pub(crate) fn write(sdp: &OutgoingSdp, session: SessionVersion) -> String {
    let address = tagged(sdp.address);
    let mut out = String::with_capacity(256);
    // `write!` into a String cannot fail; the results are discarded on purpose.
    let _ = write!(
        out,
        "v=0\r\no=- {} {} IN {address}\r\ns=-\r\nc=IN {address}\r\nt=0 0\r\n",
        session.id, session.version
    );
    for media in &sdp.media {
        match media {
            OutgoingMedia::Rejected {
                media_type,
                protocol,
                formats,
            } => {
                let _ = write!(out, "m={media_type} 0 {protocol}");
                for format in formats {
                    let _ = write!(out, " {format}");
                }
                out.push_str("\r\n");
            }
            OutgoingMedia::Audio(audio) => write_audio(&mut out, audio),
        }
    }
    out
}

fn write_audio(out: &mut String, audio: &OutgoingAudio) {
    let _ = write!(out, "m=audio {} {}", audio.port, audio.protocol);
    for payload in &audio.payloads {
        let _ = write!(out, " {}", payload.payload_type);
    }
    out.push_str("\r\n");
    for payload in &audio.payloads {
        let _ = write!(
            out,
            "a=rtpmap:{} {}/{}",
            payload.payload_type, payload.encoding, payload.clock_rate
        );
        if payload.channels != 1 {
            let _ = write!(out, "/{}", payload.channels);
        }
        out.push_str("\r\n");
        if let Some(fmtp) = &payload.fmtp {
            let _ = write!(out, "a=fmtp:{} {fmtp}\r\n", payload.payload_type);
        }
    }
    let _ = write!(out, "a=ptime:{}\r\n", audio.ptime_ms);
    let _ = write!(out, "a={}\r\n", audio.direction.attribute());
    if let Some(crypto) = &audio.crypto {
        let _ = write!(out, "a=crypto:{crypto}\r\n");
    }
}

fn tagged(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => format!("IP4 {v4}"),
        IpAddr::V6(v6) => format!("IP6 {v6}"),
    }
}
