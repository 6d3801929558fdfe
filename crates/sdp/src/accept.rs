//! Checking the answer to our offer (RFC 3264 §7).

use crate::codec::{payload_formats, PayloadFormat, PayloadKind};
use crate::error::AnswerMismatch;
use crate::negotiated::{remote_addresses, NegotiatedCodec, TelephoneEvent};
use crate::offer::OfferedFormat;
use crate::parse::parse;
use crate::{ptime, AudioCodec, NegotiatedAudio, NegotiationError, Offer};

/// Validate an answer against the offer we made and say what was agreed.
///
/// The answer must keep our one `m=` line, use a codec payload type we offered with the same
/// meaning, and not decline the stream (port 0 → [`NegotiationError::StreamRejected`]).
/// Extra formats in the answer that we never offered are ignored.
pub fn accept_answer(
    our_offer: &Offer,
    answer: impl AsRef<[u8]>,
) -> Result<NegotiatedAudio, NegotiationError> {
    let session = parse(answer.as_ref()).map_err(NegotiationError::Malformed)?;
    let mismatch = NegotiationError::AnswerMismatch;
    if session.media.len() != 1 {
        return Err(mismatch(AnswerMismatch::MediaCount {
            offered: 1,
            answered: session.media.len(),
        }));
    }
    let media = &session.media[0];
    if !media.is_audio() {
        return Err(mismatch(AnswerMismatch::NotAudio));
    }
    if media.port == 0 {
        return Err(NegotiationError::StreamRejected);
    }

    let offered = &our_offer.offered;
    let mut codec: Option<(AudioCodec, PayloadFormat)> = None;
    let mut events: Vec<PayloadFormat> = Vec::new();
    for format in payload_formats(media) {
        let Some((_, meaning)) = offered
            .formats
            .iter()
            .find(|(payload_type, _)| *payload_type == format.payload_type)
        else {
            continue;
        };
        let format = confirm_meaning(format, *meaning)?;
        match meaning {
            OfferedFormat::Codec(offered_codec) if codec.is_none() => {
                codec = Some((*offered_codec, format));
            }
            OfferedFormat::Codec(_) => {}
            OfferedFormat::TelephoneEvent { .. } => events.push(format),
        }
    }
    let (codec, codec_format) = codec.ok_or(mismatch(AnswerMismatch::NoOfferedPayloadType))?;
    let event = crate::answer::choose_telephone_event(&events, codec.rtp_clock_rate());

    let (remote_rtp, remote_rtcp) = remote_addresses(&session, media)?;
    let mut remote_direction = crate::Direction::of_media(&session, media);
    if remote_rtp.ip().is_unspecified() {
        remote_direction = remote_direction.without_receiving();
    }
    Ok(NegotiatedAudio {
        media_index: 0,
        codec: NegotiatedCodec::from_format(codec, &codec_format),
        telephone_event: event.map(|event| TelephoneEvent {
            payload_type: event.payload_type,
            clock_rate: event.clock_rate,
        }),
        ptime_ms: ptime::negotiate(media, codec, offered.ptime_ms),
        remote_rtp,
        remote_rtcp,
        local_direction: offered.direction.intersect(remote_direction.reversed()),
        remote_direction,
        srtp: None,
    })
}

/// An answer should repeat our rtpmap; if it leaves it out the payload type keeps the meaning
/// we gave it (RFC 3264 §6.1), and if it maps it to something else the answer is wrong.
fn confirm_meaning(
    format: PayloadFormat,
    meaning: OfferedFormat,
) -> Result<PayloadFormat, NegotiationError> {
    let agrees = match (&format.kind, meaning) {
        (PayloadKind::Audio(answered), OfferedFormat::Codec(offered)) => *answered == offered,
        (
            PayloadKind::TelephoneEvent { clock_rate },
            OfferedFormat::TelephoneEvent {
                clock_rate: offered,
            },
        ) => *clock_rate == offered,
        (PayloadKind::Other, _) if format.encoding.is_empty() => {
            return Ok(format_from_offer(format, meaning));
        }
        _ => false,
    };
    if agrees {
        Ok(format)
    } else {
        Err(NegotiationError::AnswerMismatch(
            AnswerMismatch::PayloadTypeRemapped {
                payload_type: format.payload_type,
            },
        ))
    }
}

fn format_from_offer(format: PayloadFormat, meaning: OfferedFormat) -> PayloadFormat {
    let (kind, encoding, clock_rate, channels) = match meaning {
        OfferedFormat::Codec(codec) => (
            PayloadKind::Audio(codec),
            codec.encoding_name().to_owned(),
            codec.rtp_clock_rate(),
            Some(codec.channels()),
        ),
        OfferedFormat::TelephoneEvent { clock_rate } => (
            PayloadKind::TelephoneEvent { clock_rate },
            "telephone-event".to_owned(),
            clock_rate,
            None,
        ),
    };
    PayloadFormat {
        kind,
        encoding,
        clock_rate,
        channels,
        ..format
    }
}
