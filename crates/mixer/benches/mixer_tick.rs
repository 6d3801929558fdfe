//! One 20 ms tick of a conference, as a media worker pays it: every participant's frame in
//! (talkers speak, everyone else sends line noise, as phones do), speaker selection, the
//! mixes, the encodes, and every packet taken out and dropped.
//!
//! The encoder is a stand-in for G.711 with a realistic cost: a naive 2:1 decimation of the
//! 16 kHz mix, then the project's own mu-law (or A-law) encoder.
//!
//! `cargo bench -p dialbridge-mixer -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used)]

#[path = "support/g711_like.rs"]
mod g711_like;

use std::time::{Duration, Instant};

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use dialbridge_mixer::{CodecKey, Conference};
use g711_like::{setup, FOUR_GROUPS, PCMU_20};

fn bench_conference(c: &mut Criterion, group_name: &str, codecs: &[CodecKey], sizes: &[u32]) {
    let mut group = c.benchmark_group(group_name);
    for &participants in sizes {
        for talkers in 0..=3u32 {
            let (mut conference, frames) = setup(participants, talkers, codecs);
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
    bench_conference(c, "tick_pcmu20", &[PCMU_20], &[10, 100, 250]);
    bench_conference(c, "tick_4_codec_groups", &FOUR_GROUPS, &[250]);
}

criterion_group!(benches, ticks);
criterion_main!(benches);
