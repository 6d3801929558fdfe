//! One 20 ms tick of a conference, as a media worker pays it: every participant's frame in
//! (talkers speak, everyone else sends line noise, as phones do), speaker selection, the
//! mixes, the encodes, and every packet taken out and dropped.
//!
//! The encoder is a stand-in for G.711 with a realistic cost: a naive 2:1 decimation of the
//! 16 kHz mix, then the project's own mu-law (or A-law) encoder.
//!
//! `cargo bench -p dialbridge-mixer -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use dialbridge_media::codec::{CodecError, CodecKind, Encoder, Frame, FRAME_SAMPLES};
use dialbridge_media::g711::{encode_alaw_slice, encode_ulaw_slice};
use dialbridge_mixer::{CodecKey, Conference, MixerConfig};

struct G711Like {
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

fn g711_like(codec: CodecKey) -> Result<Box<dyn Encoder>, CodecError> {
    Ok(Box::new(G711Like {
        codec,
        narrow: Vec::with_capacity(960),
    }))
}

/// Speech stand-in at about -20 dBov: a few harmonics of a talker's pitch.
fn voice(pitch: f64) -> Frame {
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
fn noise(seed: u32) -> Frame {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut frame = [0i16; FRAME_SAMPLES];
    for sample in frame.iter_mut() {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *sample = ((state >> 16) % 61) as i16 - 30;
    }
    frame
}

fn conference(participants: u32, codecs: &[CodecKey]) -> Conference<u32> {
    let mut conference = Conference::new(MixerConfig::default(), g711_like);
    for id in 0..participants {
        conference
            .add(id, codecs[id as usize % codecs.len()])
            .unwrap();
    }
    conference
}

fn bench_conference(c: &mut Criterion, group_name: &str, codecs: &[CodecKey], sizes: &[u32]) {
    let mut group = c.benchmark_group(group_name);
    for &participants in sizes {
        for talkers in 0..=3u32 {
            let frames: Vec<Frame> = (0..participants)
                .map(|id| {
                    if id < talkers {
                        voice(110.0 + 40.0 * id as f64)
                    } else {
                        noise(id)
                    }
                })
                .collect();
            let mut conference = conference(participants, codecs);
            let mut now = Instant::now();
            let mut tick = |conference: &mut Conference<u32>| {
                now += Duration::from_millis(20);
                let inputs = frames.iter().enumerate().map(|(id, f)| (id as u32, f));
                let mut bytes = 0;
                for packet in conference.tick(now, inputs) {
                    bytes += packet.payload.len();
                }
                while conference.poll_event().is_some() {}
                bytes
            };
            // Settle the speaker set before measuring.
            for _ in 0..50 {
                tick(&mut conference);
            }
            assert_eq!(conference.speakers().count(), talkers as usize);
            group.bench_with_input(
                BenchmarkId::new(format!("{talkers}_talkers"), participants),
                &participants,
                |b, _| b.iter(|| black_box(tick(&mut conference))),
            );
        }
    }
    group.finish();
}

fn ticks(c: &mut Criterion) {
    let pcmu_20 = CodecKey {
        kind: CodecKind::Pcmu,
        ptime_ms: 20,
    };
    bench_conference(c, "tick_pcmu20", &[pcmu_20], &[10, 100, 250]);
    // Four groups: PCMU and PCMA at 20 and 40 ms.
    let mixed = [
        pcmu_20,
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
    bench_conference(c, "tick_4_codec_groups", &mixed, &[250]);
}

criterion_group!(benches, ticks);
criterion_main!(benches);
