//! Builds the decoder or encoder for a negotiated codec, so callers hold `Box<dyn Decoder>`
//! and `Box<dyn Encoder>` and never name a codec type.

use super::g711_codec::{G711Decoder, G711Encoder};
use super::g722::{G722Decoder, G722Encoder};
use super::opus_codec::{OpusDecoder, OpusEncoder};
use super::{CodecError, CodecKind, Decoder, Encoder};

/// Packet times every codec accepts, in ms. G.711 and G.722 take any multiple of 10 from 10
/// to 60; Opus has no 30 or 50 ms frames.
pub const PTIMES_MS: [u32; 6] = [10, 20, 30, 40, 50, 60];
/// The packet times an Opus encoder accepts (one Opus frame per packet).
pub const OPUS_PTIMES_MS: [u32; 4] = [10, 20, 40, 60];

/// Whether `kind` can be sent with `ptime_ms` of audio per packet.
pub fn supports_ptime(kind: CodecKind, ptime_ms: u32) -> bool {
    match kind {
        CodecKind::Opus => OPUS_PTIMES_MS.contains(&ptime_ms),
        CodecKind::Pcmu | CodecKind::Pcma | CodecKind::G722 => PTIMES_MS.contains(&ptime_ms),
    }
}

pub(crate) fn check_ptime(kind: CodecKind, ptime_ms: u32) -> Result<(), CodecError> {
    if supports_ptime(kind, ptime_ms) {
        Ok(())
    } else {
        Err(CodecError::Library {
            codec: kind,
            reason: format!("unsupported packet time {ptime_ms} ms"),
        })
    }
}

/// A decoder for one incoming stream of `kind`.
pub fn new_decoder(kind: CodecKind) -> Result<Box<dyn Decoder>, CodecError> {
    Ok(match kind {
        CodecKind::Pcmu | CodecKind::Pcma => Box::new(G711Decoder::new(kind)?),
        CodecKind::G722 => Box::new(G722Decoder::new()),
        CodecKind::Opus => Box::new(OpusDecoder::new()?),
    })
}

/// An encoder for `kind` taking `ptime_ms` of 16 kHz audio per packet. An unsupported packet
/// time is refused with [`CodecError::Library`].
pub fn new_encoder(kind: CodecKind, ptime_ms: u32) -> Result<Box<dyn Encoder>, CodecError> {
    Ok(match kind {
        CodecKind::Pcmu | CodecKind::Pcma => Box::new(G711Encoder::new(kind, ptime_ms)?),
        CodecKind::G722 => Box::new(G722Encoder::new(ptime_ms)?),
        CodecKind::Opus => Box::new(OpusEncoder::new(ptime_ms)?),
    })
}
