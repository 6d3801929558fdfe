//! The 8 <-> 16 kHz converters: exact sample counts for any input length, the telephone band
//! passed at its level, images and aliases removed, and the documented delay.

#![allow(clippy::unwrap_used)]

mod codec_support;

use codec_support::{db, mean_square, sine, tone_power};
use dialbridge_media::codec::resample::{Resampler, DOWNSAMPLE_DELAY, UPSAMPLE_DELAY};

fn upsample(input: &[i16], chunk: usize) -> Vec<i16> {
    let mut resampler = Resampler::upsampler().unwrap();
    let mut out = Vec::new();
    for piece in input.chunks(chunk) {
        let appended = resampler.process(piece, &mut out).unwrap();
        assert_eq!(appended, 2 * piece.len(), "chunk of {}", piece.len());
    }
    out
}

fn downsample(input: &[i16], chunk: usize) -> Vec<i16> {
    let mut resampler = Resampler::downsampler().unwrap();
    let mut out = Vec::new();
    for piece in input.chunks(chunk) {
        let appended = resampler.process(piece, &mut out).unwrap();
        assert_eq!(appended, piece.len() / 2, "chunk of {}", piece.len());
    }
    out
}

#[test]
fn every_input_length_gives_exactly_twice_or_half_as_many_samples() {
    let narrow = sine(1000.0, 8000.0, 8000.0, 8000);
    for chunk in [80, 160, 240, 480, 1000, 37, 1] {
        assert_eq!(
            upsample(&narrow, chunk).len(),
            16000,
            "up, chunks of {chunk}"
        );
    }
    let wide = sine(1000.0, 8000.0, 16000.0, 16000);
    for chunk in [160, 320, 480, 960, 2000, 74, 2] {
        assert_eq!(
            downsample(&wide, chunk).len(),
            8000,
            "down, chunks of {chunk}"
        );
    }
}

#[test]
fn telephone_band_tones_keep_their_level_both_ways() {
    for frequency in [300.0, 1000.0, 2000.0, 3000.0] {
        let narrow = sine(frequency, 10000.0, 8000.0, 8000);
        let up = upsample(&narrow, 160);
        let gain = db(tone_power(&up[1600..], frequency, 16000.0)
            / tone_power(&narrow[800..], frequency, 8000.0));
        assert!(gain.abs() < 0.5, "up {frequency} Hz: {gain:.2} dB");

        let wide = sine(frequency, 10000.0, 16000.0, 16000);
        let down = downsample(&wide, 320);
        let gain = db(tone_power(&down[800..], frequency, 8000.0)
            / tone_power(&wide[1600..], frequency, 16000.0));
        assert!(gain.abs() < 0.5, "down {frequency} Hz: {gain:.2} dB");
    }
}

#[test]
fn upsampling_leaves_no_image_above_four_khz() {
    let narrow = sine(1000.0, 10000.0, 8000.0, 8000);
    let up = upsample(&narrow, 160);
    let tone = tone_power(&up[1600..], 1000.0, 16000.0);
    let image = tone_power(&up[1600..], 7000.0, 16000.0);
    assert!(
        db(image / tone) < -60.0,
        "image at {:.1} dB",
        db(image / tone)
    );
}

#[test]
fn downsampling_removes_what_8_khz_cannot_carry() {
    let wide = sine(7000.0, 10000.0, 16000.0, 16000);
    let down = downsample(&wide, 320);
    // 7 kHz would alias to 1 kHz at 8 kHz sampling.
    let residue = mean_square(&down[800..]) / mean_square(&wide);
    assert!(
        db(residue) < -50.0,
        "7 kHz residue at {:.1} dB",
        db(residue)
    );
}

#[test]
fn delay_is_as_documented() {
    let mut impulse = vec![0i16; 400];
    impulse[100] = 16000;
    let up = upsample(&impulse, 80);
    let peak = (0..up.len()).max_by_key(|&i| up[i]).unwrap();
    assert_eq!(peak, 200 + UPSAMPLE_DELAY);
    assert_eq!(
        up[peak - 1],
        up[peak + 1],
        "a whole-sample delay: symmetric around the peak"
    );

    let mut impulse = vec![0i16; 800];
    impulse[200] = 16000;
    let down = downsample(&impulse, 160);
    let peak = (0..down.len()).max_by_key(|&i| down[i]).unwrap();
    assert_eq!(peak, 100 + DOWNSAMPLE_DELAY);
}
