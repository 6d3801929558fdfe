//! G.711 mu-law (PCMU) and A-law (PCMA) at the edge of the 16 kHz internal format: the
//! bit-exact companding of [`crate::g711`] plus 8 <-> 16 kHz conversion ([`super::resample`]),
//! which adds 4 ms of delay each way.

use super::conceal::FadingRepeat;
use super::factory::check_ptime;
use super::resample::{ResampleError, Resampler};
use super::{CodecError, CodecKind, Decoder, Encoder, INTERNAL_RATE};
use crate::g711;

/// Samples per millisecond on the wire (8 kHz) and inside (16 kHz).
const WIRE_PER_MS: usize = 8;
const INTERNAL_PER_MS: usize = (INTERNAL_RATE / 1000) as usize;

/// One G.711 law's companding.
#[derive(Clone, Copy)]
struct Law {
    decode: fn(u8) -> i16,
    encode: fn(i16) -> u8,
}

/// The law of `kind`; anything but PCMU and PCMA is not G.711.
fn law_of(kind: CodecKind) -> Result<Law, CodecError> {
    match kind {
        CodecKind::Pcmu => Ok(Law {
            decode: g711::decode_ulaw,
            encode: g711::encode_ulaw,
        }),
        CodecKind::Pcma => Ok(Law {
            decode: g711::decode_alaw,
            encode: g711::encode_alaw,
        }),
        other => Err(CodecError::Library {
            codec: other,
            reason: "not a G.711 codec".to_owned(),
        }),
    }
}

fn resample_failed(codec: CodecKind) -> impl Fn(ResampleError) -> CodecError {
    move |error| CodecError::Library {
        codec,
        reason: error.to_string(),
    }
}

/// Decodes one incoming PCMU or PCMA stream to 16 kHz.
pub struct G711Decoder {
    kind: CodecKind,
    decode_code: fn(u8) -> i16,
    upsampler: Resampler,
    concealment: FadingRepeat,
}

impl G711Decoder {
    /// A decoder for `kind`, which must be [`CodecKind::Pcmu`] or [`CodecKind::Pcma`].
    pub fn new(kind: CodecKind) -> Result<Self, CodecError> {
        Ok(Self {
            kind,
            decode_code: law_of(kind)?.decode,
            upsampler: Resampler::upsampler().map_err(resample_failed(kind))?,
            concealment: FadingRepeat::default(),
        })
    }
}

impl Decoder for G711Decoder {
    fn kind(&self) -> CodecKind {
        self.kind
    }

    /// Any non-empty payload is valid G.711: one 8 kHz sample per byte, so a payload of `n`
    /// bytes gives `2 n` samples.
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError> {
        if payload.is_empty() {
            return Err(CodecError::MalformedPayload {
                codec: self.kind,
                reason: "empty payload".to_owned(),
            });
        }
        let start = out.len();
        let decode_code = self.decode_code;
        let appended = self
            .upsampler
            .process_from(payload.iter().map(|&code| decode_code(code)), out)
            .map_err(resample_failed(self.kind))?;
        self.concealment.remember(&out[start..]);
        Ok(appended)
    }

    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        self.concealment.conceal(samples, out);
    }
}

/// Encodes 16 kHz audio as PCMU or PCMA for one packet time.
pub struct G711Encoder {
    kind: CodecKind,
    ptime_ms: u32,
    encode_sample: fn(i16) -> u8,
    downsampler: Resampler,
    /// 8 kHz samples of the packet being encoded; reused so encoding does not allocate.
    narrowband: Vec<i16>,
}

impl G711Encoder {
    /// An encoder for `kind` (PCMU or PCMA) taking `ptime_ms` (10 to 60, in steps of 10) of
    /// audio per packet.
    pub fn new(kind: CodecKind, ptime_ms: u32) -> Result<Self, CodecError> {
        let encode_sample = law_of(kind)?.encode;
        check_ptime(kind, ptime_ms)?;
        Ok(Self {
            kind,
            ptime_ms,
            encode_sample,
            downsampler: Resampler::downsampler().map_err(resample_failed(kind))?,
            narrowband: Vec::with_capacity(ptime_ms as usize * WIRE_PER_MS),
        })
    }
}

impl Encoder for G711Encoder {
    fn kind(&self) -> CodecKind {
        self.kind
    }

    fn ptime_ms(&self) -> u32 {
        self.ptime_ms
    }

    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) -> Result<usize, CodecError> {
        let expected = self.ptime_ms as usize * INTERNAL_PER_MS;
        if pcm.len() != expected {
            return Err(CodecError::WrongFrameSize {
                codec: self.kind,
                expected,
                got: pcm.len(),
            });
        }
        self.narrowband.clear();
        self.downsampler
            .process(pcm, &mut self.narrowband)
            .map_err(resample_failed(self.kind))?;
        let encode_sample = self.encode_sample;
        out.extend(self.narrowband.iter().map(|&sample| encode_sample(sample)));
        Ok(self.narrowband.len())
    }
}
