//! PromptPlayer framing and barge-in, and MusicLoop's seamless wrap, including on the
//! committed music-on-hold file.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::path::PathBuf;
use std::sync::Arc;

use dialbridge_media::codec::{Frame, FRAME_SAMPLES};
use dialbridge_media::prompt::{crossfade_wrap, LOOP_CROSSFADE_SAMPLES};
use dialbridge_media::{MusicLoop, PromptPlayer};

fn ramp(start: i16, len: usize) -> Arc<[i16]> {
    (0..len).map(|i| start + i as i16).collect()
}

fn drain(player: &mut PromptPlayer) -> Vec<Frame> {
    std::iter::from_fn(|| player.next_frame())
        .take(10_000)
        .collect()
}

#[test]
fn queued_clips_and_pauses_play_back_to_back_in_20_ms_frames_padded_at_the_end() {
    let mut player = PromptPlayer::new();
    assert!(player.is_idle());
    assert_eq!(player.next_frame(), None);

    let first = ramp(1, 500);
    let second = ramp(1000, 100);
    player.enqueue_clip(first.clone());
    player.enqueue_silence(10); // 160 samples
    player.enqueue_clip(second.clone());
    assert_eq!(player.remaining_samples(), 760);

    let frames = drain(&mut player);
    assert_eq!(frames.len(), 3); // 760 samples -> 960, the last 200 silent
    let played: Vec<i16> = frames.iter().flatten().copied().collect();
    let mut expected: Vec<i16> = first.to_vec();
    expected.extend([0; 160]);
    expected.extend(second.iter());
    expected.resize(3 * FRAME_SAMPLES, 0);
    assert_eq!(played, expected);
    assert!(player.is_idle());
    assert_eq!(player.next_frame(), None);
}

#[test]
fn a_clip_of_exactly_one_frame_yields_one_frame() {
    let mut player = PromptPlayer::new();
    player.enqueue_clip(ramp(0, FRAME_SAMPLES));
    assert_eq!(drain(&mut player).len(), 1);
}

#[test]
fn cancel_stops_playback_at_once_and_reports_whether_anything_was_playing() {
    let mut player = PromptPlayer::new();
    player.enqueue_clip(ramp(1, 16_000));
    player.enqueue_silence(500);
    player.enqueue_clip(ramp(1, 8_000));
    let first = player.next_frame().unwrap();
    assert_eq!(first[0], 1);

    assert!(player.cancel()); // a digit was pressed
    assert!(player.is_idle());
    assert_eq!(player.remaining_samples(), 0);
    assert_eq!(player.next_frame(), None);
    assert!(!player.cancel());

    // The player is reusable after a barge-in.
    player.enqueue_clip(ramp(7, 10));
    assert_eq!(player.next_frame().unwrap()[..3], [7, 8, 9]);
}

#[test]
fn music_loop_wraps_inside_a_frame_without_a_gap() {
    // 700 samples: not a multiple of 320, so frames straddle the wrap.
    let clip = ramp(1, 700);
    let mut music = MusicLoop::new(clip.clone()).unwrap();
    let played: Vec<i16> = (0..11).flat_map(|_| music.next_frame()).collect();
    let expected: Vec<i16> = clip
        .iter()
        .copied()
        .cycle()
        .take(11 * FRAME_SAMPLES)
        .collect();
    assert_eq!(played, expected);
    assert_eq!(music.position(), (11 * FRAME_SAMPLES) % 700);

    music.restart();
    assert_eq!(music.next_frame()[0], 1);
    assert!(MusicLoop::new(Arc::from(Vec::new())).is_none());
}

#[test]
fn a_clip_shorter_than_a_frame_repeats_within_the_frame() {
    let mut music = MusicLoop::new(ramp(1, 3)).unwrap();
    let frame = music.next_frame();
    assert_eq!(frame[..7], [1, 2, 3, 1, 2, 3, 1]);
}

#[test]
fn the_committed_music_is_a_32_second_loop_with_no_click_at_the_wrap() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../prompts/music/default.opus");
    let mut music = MusicLoop::load(&path).unwrap();
    let clip = music.clip().clone();
    // Exactly 32 s, less the crossfade: the decoder honours pre-skip and the final granule.
    assert_eq!(clip.len(), 32 * 16_000 - LOOP_CROSSFADE_SAMPLES);

    // At the wrap the waveform moves no more than it does between neighbouring samples
    // anywhere else: no click.
    let largest_step = clip
        .windows(2)
        .map(|pair| (i32::from(pair[1]) - i32::from(pair[0])).abs())
        .max()
        .unwrap();
    let wrap_step = (i32::from(clip[0]) - i32::from(clip[clip.len() - 1])).abs();
    assert!(
        wrap_step <= largest_step,
        "wrap {wrap_step} > largest step {largest_step}"
    );

    // And it is music, not silence, on both sides of the wrap.
    let rms = |samples: &[i16]| {
        (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt()
    };
    assert!(rms(&clip[clip.len() - 1600..]) > 500.0);
    assert!(rms(&clip[..1600]) > 500.0);

    // Playing through the wrap gives the end and then the start.
    let frames = clip.len() / FRAME_SAMPLES + 2;
    let played: Vec<i16> = (0..frames).flat_map(|_| music.next_frame()).collect();
    let expected: Vec<i16> = clip
        .iter()
        .copied()
        .cycle()
        .take(frames * FRAME_SAMPLES)
        .collect();
    assert!(
        played == expected,
        "the loop does not continue with its start"
    );
}

#[test]
fn the_crossfade_joins_a_clip_whose_end_does_not_meet_its_start() {
    // A square step: -1000 for the first half, +1000 for the second. Played raw, the wrap
    // jumps by 2000.
    let mut clip = vec![-1000i16; 2000];
    clip.extend([1000i16; 2000]);
    let smooth = crossfade_wrap(&clip, 100);
    assert_eq!(smooth.len(), 3900);
    let steps = |samples: &[i16]| {
        let wrap = (i32::from(samples[0]) - i32::from(samples[samples.len() - 1])).abs();
        let inner = samples
            .windows(2)
            .map(|pair| (i32::from(pair[1]) - i32::from(pair[0])).abs())
            .filter(|&step| step < 1500) // the step inside the clip is the music's own
            .max()
            .unwrap();
        (wrap, inner)
    };
    let (wrap, inner) = steps(&smooth);
    assert!(
        wrap <= 20 && inner <= 20,
        "wrap {wrap}, largest crossfade step {inner}"
    );
    // Too short to crossfade: unchanged.
    assert_eq!(&*crossfade_wrap(&clip[..150], 100), &clip[..150]);
}
