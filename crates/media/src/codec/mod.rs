//! The codec contract shared by the receive path (jitter buffer, decoders), the mixer's
//! encoders and prompt playback.
//!
//! Inside dialbridge every call's audio is 16 kHz mono linear PCM in 20 ms frames
//! ([`Frame`]), whatever the call's codec and packet time: each codec converts at the edge
//! (G.711 resamples 8 kHz to and from 16 kHz, G.722 is 16 kHz already, Opus decodes and
//! encodes at 16 kHz). One internal rate keeps the mixer a plain sum.

/// The internal sample rate in Hz.
pub const INTERNAL_RATE: u32 = 16_000;
/// The mixer's tick, and the length of one internal frame, in milliseconds.
pub const FRAME_MS: u32 = 20;
/// Samples in one internal frame.
pub const FRAME_SAMPLES: usize = (INTERNAL_RATE / 1000 * FRAME_MS) as usize;
/// One 20 ms frame of internal audio.
pub type Frame = [i16; FRAME_SAMPLES];
/// A frame of silence.
pub const SILENCE: Frame = [0; FRAME_SAMPLES];

/// The codecs dialbridge speaks on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodecKind {
    /// G.711 mu-law, 8 kHz.
    Pcmu,
    /// G.711 A-law, 8 kHz.
    Pcma,
    /// G.722, 16 kHz audio with an 8 kHz RTP clock (RFC 3551 section 4.5.2).
    G722,
    /// Opus, 48 kHz RTP clock (RFC 7587); we decode and encode mono at 16 kHz.
    Opus,
}

impl CodecKind {
    /// The RTP timestamp rate of this codec.
    pub const fn rtp_clock_rate(self) -> u32 {
        match self {
            CodecKind::Pcmu | CodecKind::Pcma | CodecKind::G722 => 8_000,
            CodecKind::Opus => 48_000,
        }
    }

    /// RTP timestamp units in `ms` milliseconds of audio.
    pub const fn rtp_units_per(self, ms: u32) -> u32 {
        self.rtp_clock_rate() / 1000 * ms
    }
}

/// Why a payload could not be decoded or a frame encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The payload is not valid for this codec (truncated, corrupt, wrong size).
    #[error("malformed {codec:?} payload: {reason}")]
    MalformedPayload { codec: CodecKind, reason: String },
    /// The PCM handed to an encoder is not a whole packet for its packet time.
    #[error("{codec:?} encoder expects {expected} samples, got {got}")]
    WrongFrameSize {
        codec: CodecKind,
        expected: usize,
        got: usize,
    },
    /// The codec library refused (libopus error text).
    #[error("{codec:?} codec error: {reason}")]
    Library { codec: CodecKind, reason: String },
}

/// Turns one stream's RTP payloads into internal audio. One decoder per incoming stream:
/// decoders keep state (ADPCM predictors, Opus history, resampler tails).
pub trait Decoder: Send {
    /// Which codec this decodes.
    fn kind(&self) -> CodecKind;

    /// Decodes one RTP payload, appending 16 kHz mono samples to `out`; returns how many
    /// were appended (for G.711 at 20 ms: 320).
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError>;

    /// Stands in for `samples` of lost audio (16 kHz), appending to `out`: the codec's own
    /// concealment where it has one (Opus), otherwise a fading repeat of the last audio.
    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>);
}

/// Turns internal audio into RTP payloads for one codec and packet time. Stateful codecs
/// (G.722, Opus) need one encoder per outgoing stream of audio.
pub trait Encoder: Send {
    /// Which codec this encodes.
    fn kind(&self) -> CodecKind;

    /// The packet time in ms (10 to 60): `encode` takes `ptime * 16` samples.
    fn ptime_ms(&self) -> u32;

    /// Encodes one packet's worth of 16 kHz mono samples, appending the payload to `out`;
    /// returns the payload length.
    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) -> Result<usize, CodecError>;
}

mod conceal;
pub mod factory;
pub mod g711_codec;
pub mod g722;
pub mod opus_codec;
pub mod resample;

pub use factory::{new_decoder, new_encoder, supports_ptime};
pub use g711_codec::{G711Decoder, G711Encoder};
pub use g722::{G722Decoder, G722Encoder};
pub use opus_codec::{OpusDecoder, OpusEncoder};
pub use resample::Resampler;
