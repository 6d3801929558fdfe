//! The audio codecs we speak and how to recognise them among an SDP's payload types.

use crate::parse::MediaDescription;

/// An audio codec dialbridge can encode and decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AudioCodec {
    /// Opus (RFC 7587): always `opus/48000/2` in SDP, dynamic payload type.
    Opus,
    /// G.722: PT 9, `G722/8000` although sampled at 16 kHz (RFC 3551 §4.5.2 keeps the
    /// RTP clock at 8000 for historical reasons).
    G722,
    /// G.711 µ-law, PT 0.
    Pcmu,
    /// G.711 A-law, PT 8.
    Pcma,
}

impl AudioCodec {
    /// Our default preference: best quality first, G.711 as the universal fallback.
    pub const DEFAULT_PREFERENCE: [AudioCodec; 4] = [
        AudioCodec::Opus,
        AudioCodec::G722,
        AudioCodec::Pcmu,
        AudioCodec::Pcma,
    ];

    /// The encoding name as we write it in `a=rtpmap`.
    pub fn encoding_name(self) -> &'static str {
        match self {
            AudioCodec::Opus => "opus",
            AudioCodec::G722 => "G722",
            AudioCodec::Pcmu => "PCMU",
            AudioCodec::Pcma => "PCMA",
        }
    }

    /// The RTP clock rate (not always the sampling rate: see [`AudioCodec::G722`]).
    pub fn rtp_clock_rate(self) -> u32 {
        match self {
            AudioCodec::Opus => 48_000,
            AudioCodec::G722 | AudioCodec::Pcmu | AudioCodec::Pcma => 8_000,
        }
    }

    /// The channel count in `a=rtpmap`; RFC 7587 §7 fixes Opus at 2 whatever is sent.
    pub fn channels(self) -> u8 {
        match self {
            AudioCodec::Opus => 2,
            AudioCodec::G722 | AudioCodec::Pcmu | AudioCodec::Pcma => 1,
        }
    }

    /// The static payload type from RFC 3551 table 4, if the codec has one.
    pub fn static_payload_type(self) -> Option<u8> {
        match self {
            AudioCodec::Opus => None,
            AudioCodec::G722 => Some(9),
            AudioCodec::Pcmu => Some(0),
            AudioCodec::Pcma => Some(8),
        }
    }

    fn from_rtpmap(map: &RtpMap) -> Option<Self> {
        let candidates = [
            AudioCodec::Opus,
            AudioCodec::G722,
            AudioCodec::Pcmu,
            AudioCodec::Pcma,
        ];
        candidates.into_iter().find(|codec| {
            map.encoding.eq_ignore_ascii_case(codec.encoding_name())
                && map.clock_rate == codec.rtp_clock_rate()
                // Opus with the channel count left out is a common softphone slip; accept it.
                && (map.channels.is_none() || map.channels == Some(codec.channels()))
        })
    }
}

/// What one payload type in an `m=` line turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PayloadKind {
    Audio(AudioCodec),
    /// RFC 4733 named telephone events at this clock rate.
    TelephoneEvent {
        clock_rate: u32,
    },
    Other,
}

/// A payload type from an `m=` line with its rtpmap and fmtp resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PayloadFormat {
    pub(crate) payload_type: u8,
    pub(crate) kind: PayloadKind,
    /// The encoding name as the peer wrote it (or the RFC 3551 name for a bare static PT).
    pub(crate) encoding: String,
    pub(crate) clock_rate: u32,
    pub(crate) channels: Option<u8>,
    pub(crate) fmtp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RtpMap {
    encoding: String,
    clock_rate: u32,
    channels: Option<u8>,
}

/// Resolve every RTP payload type in the `m=` line's format list, in the peer's order.
/// Formats that are not RTP payload type numbers are skipped.
pub(crate) fn payload_formats(media: &MediaDescription) -> Vec<PayloadFormat> {
    media
        .formats
        .iter()
        .filter_map(|format| format.parse::<u8>().ok())
        .filter(|pt| *pt <= 127)
        .map(|pt| resolve(media, pt))
        .collect()
}

fn resolve(media: &MediaDescription, payload_type: u8) -> PayloadFormat {
    let map = rtpmap_for(media, payload_type).or_else(|| static_rtpmap(payload_type));
    let fmtp = fmtp_for(media, payload_type);
    let Some(map) = map else {
        // A dynamic PT without rtpmap, or a static PT we do not know: keep it as "other" so
        // the caller sees it but never picks it.
        return PayloadFormat {
            payload_type,
            kind: PayloadKind::Other,
            encoding: String::new(),
            clock_rate: 0,
            channels: None,
            fmtp,
        };
    };
    let kind = if map.encoding.eq_ignore_ascii_case("telephone-event") {
        PayloadKind::TelephoneEvent {
            clock_rate: map.clock_rate,
        }
    } else {
        AudioCodec::from_rtpmap(&map).map_or(PayloadKind::Other, PayloadKind::Audio)
    };
    PayloadFormat {
        payload_type,
        kind,
        encoding: map.encoding,
        clock_rate: map.clock_rate,
        channels: map.channels,
        fmtp,
    }
}

/// `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]` (RFC 4566 §6).
fn rtpmap_for(media: &MediaDescription, payload_type: u8) -> Option<RtpMap> {
    media.attribute_values("rtpmap").find_map(|value| {
        let (pt, rest) = value.split_once(char::is_whitespace)?;
        if pt.trim().parse::<u8>().ok()? != payload_type {
            return None;
        }
        let mut parts = rest.trim().split('/');
        let encoding = parts.next()?.trim().to_owned();
        let clock_rate = parts.next()?.trim().parse().ok()?;
        let channels = parts.next().and_then(|c| c.trim().parse().ok());
        Some(RtpMap {
            encoding,
            clock_rate,
            channels,
        })
    })
}

fn fmtp_for(media: &MediaDescription, payload_type: u8) -> Option<String> {
    media.attribute_values("fmtp").find_map(|value| {
        let (pt, params) = value.split_once(char::is_whitespace)?;
        (pt.trim().parse::<u8>().ok()? == payload_type).then(|| params.trim().to_owned())
    })
}

/// RFC 3551 §6 table 4: the static audio PTs we speak are valid with no rtpmap at all.
fn static_rtpmap(payload_type: u8) -> Option<RtpMap> {
    let codec = [AudioCodec::Pcmu, AudioCodec::Pcma, AudioCodec::G722]
        .into_iter()
        .find(|codec| codec.static_payload_type() == Some(payload_type))?;
    Some(RtpMap {
        encoding: codec.encoding_name().to_owned(),
        clock_rate: codec.rtp_clock_rate(),
        channels: None,
    })
}
