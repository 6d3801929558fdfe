//! Making an offer (RFC 3264 §5): for an INVITE without SDP (we offer in the 200 OK) and
//! for dial-out.

use crate::answer::{local_fmtp, TELEPHONE_EVENT_RANGE};
use crate::write::{write, OutgoingAudio, OutgoingMedia, OutgoingPayload, OutgoingSdp};
use crate::{AudioCodec, Direction, LocalMedia};

/// Dynamic payload types we number our offers with (RFC 3551 §3: 96–127 are dynamic).
/// 101 for 8 kHz telephone-event is what most carriers expect to see.
const OPUS_PAYLOAD_TYPE: u8 = 96;
const TELEPHONE_EVENT_48K_PAYLOAD_TYPE: u8 = 97;
const TELEPHONE_EVENT_8K_PAYLOAD_TYPE: u8 = 101;

/// An offer we made; keep it to check the answer with [`crate::accept_answer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The SDP body, CRLF line ends.
    pub sdp: String,
    pub(crate) offered: OfferedAudio,
}

impl Offer {
    /// The payload types we offered, in order, with what each one is.
    pub fn payload_types(&self) -> impl Iterator<Item = (u8, OfferedFormat)> + '_ {
        self.offered.formats.iter().copied()
    }
}

/// What a payload type in our offer stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferedFormat {
    /// One of our codecs.
    Codec(AudioCodec),
    /// RFC 4733 telephone-event at this clock rate.
    TelephoneEvent {
        /// 8000 or 48000.
        clock_rate: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OfferedAudio {
    pub(crate) formats: Vec<(u8, OfferedFormat)>,
    pub(crate) ptime_ms: u16,
    pub(crate) direction: Direction,
}

/// Offer one audio stream with our codecs in preference order, using `local.session` for
/// `o=`. Inside a dialog use [`crate::SessionOrigin::offer`].
pub fn offer(local: &LocalMedia) -> Offer {
    let (outgoing, offered) = build_offer(local);
    Offer {
        sdp: write(&outgoing, local.session),
        offered,
    }
}

pub(crate) fn build_offer(local: &LocalMedia) -> (OutgoingSdp, OfferedAudio) {
    let mut formats = Vec::new();
    let mut payloads = Vec::new();
    let mut seen = Vec::new();
    for codec in &local.codecs {
        if seen.contains(codec) {
            continue;
        }
        seen.push(*codec);
        let payload_type = codec.static_payload_type().unwrap_or(OPUS_PAYLOAD_TYPE);
        formats.push((payload_type, OfferedFormat::Codec(*codec)));
        payloads.push(OutgoingPayload {
            payload_type,
            encoding: codec.encoding_name().to_owned(),
            clock_rate: codec.rtp_clock_rate(),
            channels: codec.channels(),
            fmtp: local_fmtp(*codec, local),
        });
    }
    if local.telephone_event {
        let mut event_rates = Vec::new();
        if seen.contains(&AudioCodec::Opus) {
            event_rates.push((TELEPHONE_EVENT_48K_PAYLOAD_TYPE, 48_000));
        }
        if seen.iter().any(|codec| codec.rtp_clock_rate() == 8_000) || seen.is_empty() {
            event_rates.push((TELEPHONE_EVENT_8K_PAYLOAD_TYPE, 8_000));
        }
        for (payload_type, clock_rate) in event_rates {
            formats.push((payload_type, OfferedFormat::TelephoneEvent { clock_rate }));
            payloads.push(OutgoingPayload {
                payload_type,
                encoding: "telephone-event".to_owned(),
                clock_rate,
                channels: 1,
                fmtp: Some(TELEPHONE_EVENT_RANGE.to_owned()),
            });
        }
    }
    let outgoing = OutgoingSdp {
        address: local.address,
        media: vec![OutgoingMedia::Audio(OutgoingAudio {
            port: local.rtp_port,
            protocol: "RTP/AVP".to_owned(),
            payloads,
            ptime_ms: local.ptime_ms,
            direction: local.direction,
            // Our offers are plain RTP: a peer that wants SRTP offers it itself.
            crypto: None,
        })],
    };
    let offered = OfferedAudio {
        formats,
        ptime_ms: local.ptime_ms,
        direction: local.direction,
    };
    (outgoing, offered)
}
