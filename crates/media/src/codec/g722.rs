//! G.722 at 64 kbit/s (RTP payload type 9) from the `audio-codec` crate's pure-Rust
//! implementation. Its audio is 16 kHz, the internal rate, so nothing is resampled; only the
//! RTP clock is 8 kHz (RFC 3551 section 4.5.2), which [`CodecKind::rtp_clock_rate`] covers.
//! One payload byte carries two samples.

use super::conceal::FadingRepeat;
use super::factory::check_ptime;
use super::{CodecError, CodecKind, Decoder, Encoder, INTERNAL_RATE};
use audio_codec::g722::{G722Decoder as AdpcmDecoder, G722Encoder as AdpcmEncoder};
use audio_codec::{Decoder as _, Encoder as _};

const SAMPLES_PER_BYTE: usize = 2;

fn library_error(error: audio_codec::CodecError) -> CodecError {
    CodecError::Library {
        codec: CodecKind::G722,
        reason: error.to_string(),
    }
}

/// Decodes one incoming G.722 stream. The ADPCM predictors carry over from packet to packet,
/// so each stream needs its own decoder.
pub struct G722Decoder {
    adpcm: AdpcmDecoder,
    concealment: FadingRepeat,
}

impl G722Decoder {
    pub fn new() -> Self {
        Self {
            adpcm: AdpcmDecoder::new(),
            concealment: FadingRepeat::default(),
        }
    }
}

impl Default for G722Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for G722Decoder {
    fn kind(&self) -> CodecKind {
        CodecKind::G722
    }

    /// Any non-empty payload is valid G.722; `n` bytes give `2 n` samples.
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError> {
        if payload.is_empty() {
            return Err(CodecError::MalformedPayload {
                codec: CodecKind::G722,
                reason: "empty payload".to_owned(),
            });
        }
        let start = out.len();
        out.resize(start + payload.len() * SAMPLES_PER_BYTE, 0);
        let decoded = self
            .adpcm
            .decode_into(payload, &mut out[start..])
            .map_err(library_error);
        let written = match decoded {
            Ok(written) => written,
            Err(error) => {
                out.truncate(start);
                return Err(error);
            }
        };
        out.truncate(start + written);
        self.concealment.remember(&out[start..]);
        Ok(written)
    }

    /// A fading repeat of the last 10 ms. The ADPCM state is left as it was, so the first
    /// packet after a loss decodes against the predictors of the last packet received.
    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        self.concealment.conceal(samples, out);
    }
}

/// Encodes 16 kHz audio as G.722 for one packet time.
pub struct G722Encoder {
    ptime_ms: u32,
    adpcm: AdpcmEncoder,
}

impl G722Encoder {
    /// An encoder taking `ptime_ms` (10 to 60, in steps of 10) of audio per packet.
    pub fn new(ptime_ms: u32) -> Result<Self, CodecError> {
        check_ptime(CodecKind::G722, ptime_ms)?;
        Ok(Self {
            ptime_ms,
            adpcm: AdpcmEncoder::new(),
        })
    }
}

impl Encoder for G722Encoder {
    fn kind(&self) -> CodecKind {
        CodecKind::G722
    }

    fn ptime_ms(&self) -> u32 {
        self.ptime_ms
    }

    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) -> Result<usize, CodecError> {
        let expected = (INTERNAL_RATE / 1000 * self.ptime_ms) as usize;
        if pcm.len() != expected {
            return Err(CodecError::WrongFrameSize {
                codec: CodecKind::G722,
                expected,
                got: pcm.len(),
            });
        }
        let start = out.len();
        out.resize(start + self.adpcm.max_encode_bytes(pcm.len()), 0);
        let encoded = self.adpcm.encode_into(pcm, &mut out[start..]);
        match encoded {
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
