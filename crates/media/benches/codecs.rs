//! Cost of one 20 ms frame through each codec, and of the 8 <-> 16 kHz conversion alone.
//! Run: `cargo bench -p dialbridge-media --bench codecs -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use dialbridge_media::codec::{
    new_decoder, new_encoder, CodecKind, Resampler, FRAME_SAMPLES, INTERNAL_RATE,
};

const KINDS: [CodecKind; 4] = [
    CodecKind::Pcmu,
    CodecKind::Pcma,
    CodecKind::G722,
    CodecKind::Opus,
];

/// A 440 Hz tone with a little of 3 kHz, a stand-in for voiced speech.
fn speech_like(samples: usize, rate: u32) -> Vec<i16> {
    (0..samples)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let x = 6000.0 * (std::f64::consts::TAU * 440.0 * t).sin()
                + 1500.0 * (std::f64::consts::TAU * 3000.0 * t).sin();
            x as i16
        })
        .collect()
}

fn codecs(c: &mut Criterion) {
    let frame = speech_like(FRAME_SAMPLES, INTERNAL_RATE);
    for kind in KINDS {
        let mut encoder = new_encoder(kind, 20).unwrap();
        let mut payload = Vec::with_capacity(1500);
        c.bench_function(&format!("{kind:?} encode 20 ms"), |b| {
            b.iter(|| {
                payload.clear();
                encoder.encode(black_box(&frame), &mut payload).unwrap()
            })
        });

        payload.clear();
        encoder.encode(&frame, &mut payload).unwrap();
        let mut decoder = new_decoder(kind).unwrap();
        let mut pcm = Vec::with_capacity(2 * FRAME_SAMPLES);
        c.bench_function(&format!("{kind:?} decode 20 ms"), |b| {
            b.iter(|| {
                pcm.clear();
                decoder.decode(black_box(&payload), &mut pcm).unwrap()
            })
        });
    }
}

fn resampling(c: &mut Criterion) {
    let narrow = speech_like(FRAME_SAMPLES / 2, 8000);
    let wide = speech_like(FRAME_SAMPLES, INTERNAL_RATE);
    let mut out = Vec::with_capacity(FRAME_SAMPLES);

    let mut up = Resampler::upsampler().unwrap();
    c.bench_function("resample 8->16 kHz 20 ms", |b| {
        b.iter(|| {
            out.clear();
            up.process(black_box(&narrow), &mut out).unwrap()
        })
    });

    let mut down = Resampler::downsampler().unwrap();
    c.bench_function("resample 16->8 kHz 20 ms", |b| {
        b.iter(|| {
            out.clear();
            down.process(black_box(&wide), &mut out).unwrap()
        })
    });
}

criterion_group!(benches, codecs, resampling);
criterion_main!(benches);
