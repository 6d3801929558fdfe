//! The bench's stand-ins: a G.711-like encoder with a realistic cost, talkers and line noise.
//! Shared by `benches/mixer_tick.rs` and `examples/tick_cost.rs`.

use dialbridge_media::codec::{CodecError, CodecKind, Encoder, Frame, FRAME_SAMPLES};
use dialbridge_media::g711::{encode_alaw_slice, encode_ulaw_slice};
use dialbridge_mixer::{CodecKey, Conference, MixerConfig};

/// A naive 2:1 decimation of the 16 kHz mix, then the project's mu-law (or A-law).
pub struct G711Like {
    codec: CodecKey,
    narrow: Vec<i16>,
}

impl Encoder for G711Like {
    fn kind(&self) -> CodecKind {
        self.codec.kind
    }

    fn ptime_ms(&self) -> u32 {
        self.codec.ptime_ms
    }

    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) -> Result<usize, CodecError> {
        self.narrow.clear();
        self.narrow.extend(
            pcm.chunks_exact(2)
                .map(|pair| ((pair[0] as i32 + pair[1] as i32) / 2) as i16),
        );
        let start = out.len();
        out.resize(start + self.narrow.len(), 0);
        let written = match self.codec.kind {
            CodecKind::Pcma => encode_alaw_slice(&self.narrow, &mut out[start..]),
            _ => encode_ulaw_slice(&self.narrow, &mut out[start..]),
        };
        Ok(written)
    }
}

pub fn g711_like(codec: CodecKey) -> Result<Box<dyn Encoder>, CodecError> {
    Ok(Box::new(G711Like {
        codec,
        narrow: Vec::with_capacity(960),
    }))
}

/// Speech stand-in at about -20 dBov: a few harmonics of a talker's pitch.
pub fn voice(pitch: f64) -> Frame {
    let mut frame = [0i16; FRAME_SAMPLES];
    for (i, sample) in frame.iter_mut().enumerate() {
        let t = i as f64 / 16_000.0;
        let s: f64 = (1..=4)
            .map(|h| (2.0 * std::f64::consts::PI * pitch * h as f64 * t).sin() / h as f64)
            .sum();
        *sample = (2_500.0 * s) as i16;
    }
    frame
}

/// Line noise at about -60 dBov, from a small linear congruential generator.
pub fn noise(seed: u32) -> Frame {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut frame = [0i16; FRAME_SAMPLES];
    for sample in frame.iter_mut() {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *sample = ((state >> 16) % 61) as i16 - 30;
    }
    frame
}

/// A conference of `participants` with codecs assigned round robin, and the frames they
/// send: the first `talkers` talk, everyone else sends line noise.
pub fn setup(
    participants: u32,
    talkers: u32,
    codecs: &[CodecKey],
) -> (Conference<u32>, Vec<Frame>) {
    let mut conference = Conference::new(MixerConfig::default(), g711_like);
    for id in 0..participants {
        conference
            .add(id, codecs[id as usize % codecs.len()])
            .unwrap();
    }
    let frames = (0..participants)
        .map(|id| {
            if id < talkers {
                voice(110.0 + 40.0 * id as f64)
            } else {
                noise(id)
            }
        })
        .collect();
    (conference, frames)
}

pub const PCMU_20: CodecKey = CodecKey {
    kind: CodecKind::Pcmu,
    ptime_ms: 20,
};

/// PCMU and PCMA at 20 and 40 ms.
pub const FOUR_GROUPS: [CodecKey; 4] = [
    PCMU_20,
    CodecKey {
        kind: CodecKind::Pcma,
        ptime_ms: 20,
    },
    CodecKey {
        kind: CodecKind::Pcmu,
        ptime_ms: 40,
    },
    CodecKey {
        kind: CodecKind::Pcma,
        ptime_ms: 40,
    },
];
