//! Answering an offer (RFC 3264 §6).

use crate::codec::{payload_formats, PayloadFormat, PayloadKind};
use crate::negotiated::{remote_addresses, NegotiatedCodec, SdesKeys, TelephoneEvent};
use crate::parse::{parse, MediaDescription, SessionDescription};
use crate::profile::{is_plain_rtp, is_sdes_srtp, usable_crypto};
use crate::write::{write, OutgoingAudio, OutgoingMedia, OutgoingPayload, OutgoingSdp};
use crate::{ptime, AudioCodec, Direction, LocalMedia, NegotiatedAudio, NegotiationError};

/// Events 0–15 are the DTMF digits, `*`, `#` and A–D (RFC 4733 §3.2): what we can receive.
pub(crate) const TELEPHONE_EVENT_RANGE: &str = "0-15";

/// An answer to send, and what it agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The SDP body, CRLF line ends.
    pub sdp: String,
    /// The audio stream we accepted.
    pub audio: NegotiatedAudio,
}

/// Answer an SDP offer with our media, using `local.session` for `o=`.
///
/// Inside a dialog use [`crate::SessionOrigin::answer`] so `o=` stays consistent.
pub fn answer(offer: impl AsRef<[u8]>, local: &LocalMedia) -> Result<Answer, NegotiationError> {
    let (outgoing, audio) = build_answer(offer.as_ref(), local)?;
    Ok(Answer {
        sdp: write(&outgoing, local.session),
        audio,
    })
}

/// RFC 3264 §6: one `m=` in the answer per `m=` in the offer, in order. We accept the first
/// audio stream we can and decline every other stream with port 0.
pub(crate) fn build_answer(
    offer: &[u8],
    local: &LocalMedia,
) -> Result<(OutgoingSdp, NegotiatedAudio), NegotiationError> {
    let session = parse(offer).map_err(NegotiationError::Malformed)?;
    let mut accepted: Option<NegotiatedAudio> = None;
    let mut refusal: Option<NegotiationError> = None;
    let mut answered = Vec::with_capacity(session.media.len());

    for (index, media) in session.media.iter().enumerate() {
        if accepted.is_none() && media.is_audio() && media.port != 0 {
            match accept_stream(&session, media, index, local) {
                Ok((audio, outgoing)) => {
                    accepted = Some(audio);
                    answered.push(OutgoingMedia::Audio(outgoing));
                    continue;
                }
                Err(error) => refusal = Some(more_telling(refusal, error)),
            }
        }
        answered.push(declined(media));
    }

    let audio = accepted.ok_or(refusal.unwrap_or(NegotiationError::NoAudioStream))?;
    let outgoing = OutgoingSdp {
        address: local.address,
        media: answered,
    };
    Ok((outgoing, audio))
}

/// When several audio streams fail, report the reason about plain RTP over the one about
/// SRTP: "no common codec" is what the caller can act on.
fn more_telling(earlier: Option<NegotiationError>, later: NegotiationError) -> NegotiationError {
    match earlier {
        Some(NegotiationError::UnsupportedProfile { .. }) | None => later,
        Some(earlier) => earlier,
    }
}

fn declined(media: &MediaDescription) -> OutgoingMedia {
    let formats = if media.formats.is_empty() {
        // RFC 4566 §5.14 needs at least one format even on a declined line.
        vec!["0".to_owned()]
    } else {
        media.formats.clone()
    };
    OutgoingMedia::Rejected {
        media_type: media.media_type.clone(),
        protocol: media.protocol.clone(),
        formats,
    }
}

fn accept_stream(
    session: &SessionDescription,
    media: &MediaDescription,
    media_index: usize,
    local: &LocalMedia,
) -> Result<(NegotiatedAudio, OutgoingAudio), NegotiationError> {
    let srtp = if is_plain_rtp(&media.protocol) {
        None
    } else {
        // SDES only (DTLS-SRTP is another key exchange), and only with a key of ours.
        let offered = is_sdes_srtp(&media.protocol)
            .then_some(local.srtp_inline_key.as_deref())
            .flatten()
            .and_then(|key| {
                media
                    .attributes
                    .iter()
                    .filter(|a| a.name.eq_ignore_ascii_case("crypto"))
                    .filter_map(|a| a.value.as_deref())
                    .find_map(|value| {
                        usable_crypto(value).map(|(tag, suite)| SdesKeys {
                            remote: value.trim().to_owned(),
                            local: format!("{tag} {suite} inline:{key}"),
                        })
                    })
            });
        match offered {
            Some(keys) => Some(keys),
            None => {
                return Err(NegotiationError::UnsupportedProfile {
                    profile: media.protocol.clone(),
                })
            }
        }
    };
    let formats = payload_formats(media);
    let (codec, codec_format) =
        choose_codec(&formats, &local.codecs).ok_or(NegotiationError::NoCommonCodec)?;
    let event_format = local
        .telephone_event
        .then(|| choose_telephone_event(&formats, codec.rtp_clock_rate()))
        .flatten();

    let ptime_ms = ptime::negotiate(media, codec, local.ptime_ms);
    let (remote_rtp, remote_rtcp) = remote_addresses(session, media)?;
    let mut remote_direction = Direction::of_media(session, media);
    if remote_rtp.ip().is_unspecified() {
        remote_direction = remote_direction.without_receiving();
    }
    let local_direction = remote_direction.reversed().intersect(local.direction);

    let mut payloads = vec![OutgoingPayload {
        payload_type: codec_format.payload_type,
        // Echo the offerer's spelling: some gateways compare encoding names byte for byte.
        encoding: codec_format.encoding.clone(),
        clock_rate: codec.rtp_clock_rate(),
        channels: codec.channels(),
        fmtp: local_fmtp(codec, local),
    }];
    if let Some(event) = event_format {
        payloads.push(OutgoingPayload {
            payload_type: event.payload_type,
            encoding: event.encoding.clone(),
            clock_rate: event.clock_rate,
            channels: 1,
            fmtp: Some(TELEPHONE_EVENT_RANGE.to_owned()),
        });
    }

    let audio = NegotiatedAudio {
        media_index,
        codec: NegotiatedCodec::from_format(codec, codec_format),
        telephone_event: event_format.map(|event| TelephoneEvent {
            payload_type: event.payload_type,
            clock_rate: event.clock_rate,
        }),
        ptime_ms,
        remote_rtp,
        remote_rtcp,
        local_direction,
        remote_direction,
        srtp: srtp.clone(),
    };
    let outgoing = OutgoingAudio {
        port: local.rtp_port,
        protocol: media.protocol.clone(),
        payloads,
        ptime_ms,
        direction: local_direction,
        crypto: srtp.map(|keys| keys.local),
    };
    Ok((audio, outgoing))
}

/// Our preference decides among the offered codecs (RFC 3264 §6.1 leaves the choice to the
/// answerer); the offerer's payload type number is kept.
fn choose_codec<'a>(
    formats: &'a [PayloadFormat],
    preference: &[AudioCodec],
) -> Option<(AudioCodec, &'a PayloadFormat)> {
    preference.iter().find_map(|wanted| {
        formats
            .iter()
            .find(|format| format.kind == PayloadKind::Audio(*wanted))
            .map(|format| (*wanted, format))
    })
}

/// RFC 4733 §2.1: events use the audio codec's clock rate; take another rate only if that is
/// all the peer offers.
pub(crate) fn choose_telephone_event(
    formats: &[PayloadFormat],
    codec_clock_rate: u32,
) -> Option<&PayloadFormat> {
    let events = || {
        formats
            .iter()
            .filter(|format| matches!(format.kind, PayloadKind::TelephoneEvent { .. }))
    };
    events()
        .find(|format| format.clock_rate == codec_clock_rate)
        .or_else(|| events().next())
}

pub(crate) fn local_fmtp(codec: AudioCodec, local: &LocalMedia) -> Option<String> {
    match codec {
        AudioCodec::Opus if !local.opus_fmtp.trim().is_empty() => {
            Some(local.opus_fmtp.trim().to_owned())
        }
        _ => None,
    }
}
