//! Fake encoders and a simulated-time driver shared by the mixer's tests.

#![allow(clippy::unwrap_used, dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dialbridge_media::codec::{CodecError, CodecKind, Encoder, Frame, FRAME_SAMPLES};
use dialbridge_mixer::{CodecKey, Conference, MixerConfig, MixerEvent, OutgoingPacket};

pub const PCMU_20: CodecKey = CodecKey {
    kind: CodecKind::Pcmu,
    ptime_ms: 20,
};

pub fn key(kind: CodecKind, ptime_ms: u32) -> CodecKey {
    CodecKey { kind, ptime_ms }
}

/// "Encodes" by copying the samples as little-endian bytes, so tests can read back exactly
/// what was mixed; counts its calls in a counter shared by every encoder of a factory.
pub struct CopyPcm {
    codec: CodecKey,
    calls: Arc<AtomicUsize>,
    fail: bool,
}

impl Encoder for CopyPcm {
    fn kind(&self) -> CodecKind {
        self.codec.kind
    }

    fn ptime_ms(&self) -> u32 {
        self.codec.ptime_ms
    }

    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) -> Result<usize, CodecError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let expected = self.codec.ptime_ms as usize * 16;
        if pcm.len() != expected {
            return Err(CodecError::WrongFrameSize {
                codec: self.codec.kind,
                expected,
                got: pcm.len(),
            });
        }
        if self.fail {
            return Err(CodecError::Library {
                codec: self.codec.kind,
                reason: "refused on purpose".into(),
            });
        }
        for sample in pcm {
            out.extend_from_slice(&sample.to_le_bytes());
        }
        Ok(pcm.len() * 2)
    }
}

impl CopyPcm {
    /// A factory of copying encoders that count into a counter of their own.
    pub fn factory(codec: CodecKey) -> Result<Box<dyn Encoder>, CodecError> {
        Ok(Box::new(CopyPcm {
            codec,
            calls: Arc::new(AtomicUsize::new(0)),
            fail: false,
        }))
    }
}

pub fn decode(payload: &[u8]) -> Vec<i16> {
    payload
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// A frame holding one constant value: distinct values per talker make every mix readable.
pub fn dc(value: i16) -> Frame {
    [value; FRAME_SAMPLES]
}

/// A conference of `u32` participants in simulated time, 20 ms per tick.
pub struct Harness {
    pub conference: Conference<u32>,
    pub now: Instant,
    pub encodes: Arc<AtomicUsize>,
    pub ticks: u32,
}

pub struct TickResult {
    pub packets: Vec<OutgoingPacket<u32>>,
    pub events: Vec<MixerEvent<u32>>,
    pub encodes: usize,
}

impl TickResult {
    pub fn for_participant(&self, id: u32) -> Vec<&OutgoingPacket<u32>> {
        self.packets
            .iter()
            .filter(|p| p.participant == id)
            .collect()
    }

    /// The one packet `id` got this tick, decoded.
    pub fn heard_by(&self, id: u32) -> Vec<i16> {
        let packets = self.for_participant(id);
        assert_eq!(
            packets.len(),
            1,
            "participant {id} got {} packets",
            packets.len()
        );
        decode(&packets[0].payload)
    }

    pub fn started(&self) -> Vec<u32> {
        self.events
            .iter()
            .filter_map(|e| match e {
                MixerEvent::TalkingStarted(p) => Some(*p),
                _ => None,
            })
            .collect()
    }

    pub fn stopped(&self) -> Vec<u32> {
        self.events
            .iter()
            .filter_map(|e| match e {
                MixerEvent::TalkingStopped(p) => Some(*p),
                _ => None,
            })
            .collect()
    }
}

impl Harness {
    pub fn new(config: MixerConfig) -> Self {
        Self::with_failing(config, None)
    }

    /// Encoders for `failing` refuse every frame.
    pub fn with_failing(config: MixerConfig, failing: Option<CodecKey>) -> Self {
        let encodes = Arc::new(AtomicUsize::new(0));
        let calls = encodes.clone();
        let factory = move |codec: CodecKey| -> Result<Box<dyn Encoder>, CodecError> {
            Ok(Box::new(CopyPcm {
                codec,
                calls: calls.clone(),
                fail: Some(codec) == failing,
            }))
        };
        Harness {
            conference: Conference::new(config, factory),
            now: Instant::now(),
            encodes,
            ticks: 0,
        }
    }

    pub fn add(&mut self, ids: impl IntoIterator<Item = u32>, codec: CodecKey) {
        for id in ids {
            self.conference.add(id, codec).unwrap();
        }
    }

    pub fn tick(&mut self, inputs: &[(u32, Frame)]) -> TickResult {
        self.now += Duration::from_millis(20);
        self.ticks += 1;
        let before = self.encodes.load(Ordering::Relaxed);
        let packets: Vec<_> = self
            .conference
            .tick(self.now, inputs.iter().map(|(id, frame)| (*id, frame)))
            .collect();
        let mut events = Vec::new();
        while let Some(event) = self.conference.poll_event() {
            events.push(event);
        }
        TickResult {
            packets,
            events,
            encodes: self.encodes.load(Ordering::Relaxed) - before,
        }
    }

    /// Ticks `count` times with the same inputs; returns the last result (earlier events
    /// and packets are dropped).
    pub fn run(&mut self, count: usize, inputs: &[(u32, Frame)]) -> TickResult {
        let mut last = self.tick(inputs);
        for _ in 1..count {
            last = self.tick(inputs);
        }
        last
    }

    pub fn speakers(&self) -> Vec<u32> {
        let mut speakers: Vec<u32> = self.conference.speakers().collect();
        speakers.sort_unstable();
        speakers
    }
}
