//! Jitter buffer cost per 20 ms frame: one G.711-sized packet (160 bytes) pushed and one
//! frame pulled per iteration, with 5% of packets swapped with their successor.
//!
//! Run: `cargo bench -p dialbridge-media --bench jitter_buffer`; criterion's time per
//! iteration is the time per frame.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dialbridge_media::codec::{CodecError, CodecKind, Decoder};
use dialbridge_media::g711::decode_ulaw;
use dialbridge_media::jitter::{JitterBuffer, JitterConfig};
use dialbridge_media::rtp::AudioPacket;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// G.711 mu-law at 8 kHz, sample-doubled to 16 kHz: the shape of the real decoder's work.
struct UlawDecoder;

impl Decoder for UlawDecoder {
    fn kind(&self) -> CodecKind {
        CodecKind::Pcmu
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError> {
        for &code in payload {
            let sample = decode_ulaw(code);
            out.extend_from_slice(&[sample, sample]);
        }
        Ok(payload.len() * 2)
    }

    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        out.extend(std::iter::repeat_n(0, samples));
    }
}

fn push_pull(c: &mut Criterion) {
    let mut group = c.benchmark_group("jitter_buffer");
    group.throughput(Throughput::Elements(1));
    group.bench_function("push_pull_20ms_pcmu_5pct_reorder", |b| {
        let start = Instant::now();
        let mut buffer = JitterBuffer::new(Box::new(UlawDecoder), JitterConfig::default());
        let payload = [0x55u8; 160];
        let mut random: u32 = 0x1234_5678;
        let mut next_index: u32 = 0;
        let mut held: Option<u32> = None;
        b.iter(|| {
            // xorshift: ~5% of packets are held back one tick, arriving after the next.
            random ^= random << 13;
            random ^= random >> 17;
            random ^= random << 5;
            let index = next_index;
            next_index += 1;
            let now = start + Duration::from_millis(20 * u64::from(index));
            let mut deliver = |i: u32| {
                let packet = AudioPacket {
                    ssrc: 7,
                    sequence: i as u16,
                    timestamp: i.wrapping_mul(160),
                    marker: false,
                    payload: &payload,
                };
                buffer.push(&packet, now);
            };
            if held.is_none() && random % 100 < 5 {
                held = Some(index);
            } else {
                deliver(index);
                if let Some(late) = held.take() {
                    deliver(late);
                }
            }
            black_box(buffer.pull(now + Duration::from_millis(10))[0]);
        });
    });
    group.finish();
}

criterion_group!(benches, push_pull);
criterion_main!(benches);
