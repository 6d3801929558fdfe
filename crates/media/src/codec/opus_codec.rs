//! Opus through libopus (the `opus` crate), mono, decoding and encoding at 16 kHz: wideband
//! is all a telephone bridge carries, and 16 kHz is the internal rate, so nothing is resampled.
//! The 48 kHz RTP clock of RFC 7587 only scales timestamps ([`CodecKind::rtp_clock_rate`]).
//!
//! The encoder runs libopus's VoIP mode at 24 kbit/s with in-band FEC on (tuned for 10%
//! loss) and DTX off, so every packet time carries a packet. Lost audio is concealed by
//! libopus's own PLC; a lost packet can also be rebuilt from the FEC data in the packet after
//! it with [`OpusDecoder::decode_fec`].

use super::factory::check_ptime;
use super::{CodecError, CodecKind, Decoder, Encoder, INTERNAL_RATE};
use opus::{Application, Bitrate, Channels, ErrorCode};

/// Encoder bitrate in bit/s.
pub const OPUS_BITRATE: i32 = 24_000;
/// Expected packet loss the encoder sizes its FEC for, in percent.
pub const OPUS_EXPECTED_LOSS_PERCENT: i32 = 10;
/// The longest audio one Opus packet can carry: 120 ms at 16 kHz.
const MAX_PACKET_SAMPLES: usize = (INTERNAL_RATE / 1000 * 120) as usize;
/// PLC and FEC decode whole multiples of 2.5 ms.
const PLC_GRANULE: usize = (INTERNAL_RATE / 400) as usize;
/// Output room for one encoded packet: one Ethernet MTU, far above 60 ms at 24 kbit/s.
const MAX_PAYLOAD_BYTES: usize = 1500;

fn library_error(error: opus::Error) -> CodecError {
    CodecError::Library {
        codec: CodecKind::Opus,
        reason: error.to_string(),
    }
}

fn decode_error(error: opus::Error) -> CodecError {
    match error.code() {
        ErrorCode::InvalidPacket | ErrorCode::BadArg | ErrorCode::BufferTooSmall => {
            CodecError::MalformedPayload {
                codec: CodecKind::Opus,
                reason: error.to_string(),
            }
        }
        _ => library_error(error),
    }
}

/// Decodes one incoming Opus stream to 16 kHz mono.
pub struct OpusDecoder {
    inner: opus::Decoder,
}

impl OpusDecoder {
    pub fn new() -> Result<Self, CodecError> {
        let inner = opus::Decoder::new(INTERNAL_RATE, Channels::Mono).map_err(library_error)?;
        Ok(Self { inner })
    }

    /// Rebuilds `samples` (a multiple of 40, 2.5 ms) of a lost packet from the in-band FEC
    /// data in `next_payload`, the packet that followed it, appending to `out`. Call this
    /// instead of [`Decoder::conceal`] when the next packet is already at hand, then decode
    /// `next_payload` itself as usual. Without FEC data in it, libopus falls back to PLC.
    pub fn decode_fec(
        &mut self,
        next_payload: &[u8],
        samples: usize,
        out: &mut Vec<i16>,
    ) -> Result<usize, CodecError> {
        if next_payload.is_empty() || samples == 0 || samples % PLC_GRANULE != 0 {
            return Err(CodecError::MalformedPayload {
                codec: CodecKind::Opus,
                reason: format!("FEC needs a packet and a multiple of 2.5 ms, got {samples}"),
            });
        }
        let start = out.len();
        out.resize(start + samples, 0);
        match self.inner.decode(next_payload, &mut out[start..], true) {
            Ok(written) => {
                out.truncate(start + written);
                Ok(written)
            }
            Err(error) => {
                out.truncate(start);
                Err(decode_error(error))
            }
        }
    }
}

impl Decoder for OpusDecoder {
    fn kind(&self) -> CodecKind {
        CodecKind::Opus
    }

    /// Decodes one Opus packet (2.5 to 120 ms). An empty payload is an error: loss is
    /// reported through [`Decoder::conceal`].
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError> {
        if payload.is_empty() {
            return Err(CodecError::MalformedPayload {
                codec: CodecKind::Opus,
                reason: "empty payload".to_owned(),
            });
        }
        let start = out.len();
        out.resize(start + MAX_PACKET_SAMPLES, 0);
        match self.inner.decode(payload, &mut out[start..], false) {
            Ok(written) => {
                out.truncate(start + written);
                Ok(written)
            }
            Err(error) => {
                out.truncate(start);
                Err(decode_error(error))
            }
        }
    }

    /// libopus's PLC, which extrapolates from the last packets and fades out by itself. It
    /// works in steps of 2.5 ms; a request that is not a multiple of that gets the start of
    /// the next step (the rest of that step is dropped).
    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        let start = out.len();
        let mut remaining = samples;
        while remaining > 0 {
            let step = remaining.min(MAX_PACKET_SAMPLES);
            let granules = step.div_ceil(PLC_GRANULE) * PLC_GRANULE;
            let at = out.len();
            out.resize(at + granules, 0);
            if self.inner.decode(&[], &mut out[at..], false).is_err() {
                // Cannot happen with a valid decoder and length; silence is the safe answer.
                out[at..].fill(0);
            }
            out.truncate(at + step);
            remaining -= step;
        }
        debug_assert_eq!(out.len(), start + samples);
    }
}

/// Encodes 16 kHz mono audio as Opus for one packet time (10, 20, 40 or 60 ms).
pub struct OpusEncoder {
    ptime_ms: u32,
    inner: opus::Encoder,
}

impl OpusEncoder {
    pub fn new(ptime_ms: u32) -> Result<Self, CodecError> {
        check_ptime(CodecKind::Opus, ptime_ms)?;
        let mut inner = opus::Encoder::new(INTERNAL_RATE, Channels::Mono, Application::Voip)
            .map_err(library_error)?;
        inner
            .set_bitrate(Bitrate::Bits(OPUS_BITRATE))
            .map_err(library_error)?;
        inner.set_inband_fec(true).map_err(library_error)?;
        // FEC is only sent when the encoder expects loss.
        inner
            .set_packet_loss_perc(OPUS_EXPECTED_LOSS_PERCENT)
            .map_err(library_error)?;
        inner.set_dtx(false).map_err(library_error)?;
        Ok(Self { ptime_ms, inner })
    }
}

impl Encoder for OpusEncoder {
    fn kind(&self) -> CodecKind {
        CodecKind::Opus
    }

    fn ptime_ms(&self) -> u32 {
        self.ptime_ms
    }

    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) -> Result<usize, CodecError> {
        let expected = (INTERNAL_RATE / 1000 * self.ptime_ms) as usize;
        if pcm.len() != expected {
            return Err(CodecError::WrongFrameSize {
                codec: CodecKind::Opus,
                expected,
                got: pcm.len(),
            });
        }
        let start = out.len();
        out.resize(start + MAX_PAYLOAD_BYTES, 0);
        match self.inner.encode(pcm, &mut out[start..]) {
            Ok(written) => {
                out.truncate(start + written);
                Ok(written)
            }
            Err(error) => {
                out.truncate(start);
                Err(library_error(error))
            }
        }
    }
}
