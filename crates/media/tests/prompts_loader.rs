//! PromptSet and MusicLoop loading: Ogg Opus pre-skip and end trimming, operator WAV
//! overrides (16 kHz as is, 8 kHz doubled), fallback to en-US, and errors that name the file.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::f64::consts::TAU;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dialbridge_media::prompt::FALLBACK_LANGUAGE;
use dialbridge_media::{MusicLoop, PromptError, PromptSet};
use ogg::writing::PacketWriteEndInfo;

const RATE: u32 = 16_000;

/// A 200 Hz to 2 kHz chirp: its shape has one clear alignment, so a shift would show.
fn chirp(samples: usize) -> Vec<i16> {
    let seconds = samples as f64 / f64::from(RATE);
    (0..samples)
        .map(|i| {
            let t = i as f64 / f64::from(RATE);
            let phase = TAU * (200.0 * t + (1800.0 / (2.0 * seconds)) * t * t);
            (phase.sin() * 8000.0) as i16
        })
        .collect()
}

/// Encodes `pcm` as Ogg Opus the way RFC 7845 says: pre-skip = the encoder's look-ahead, and
/// the last page's granule position marks the true end.
fn encode_ogg_opus(pcm: &[i16]) -> Vec<u8> {
    let mut encoder =
        opus::Encoder::new(RATE, opus::Channels::Mono, opus::Application::Audio).unwrap();
    encoder.set_bitrate(opus::Bitrate::Bits(64_000)).unwrap();
    let lookahead = usize::try_from(encoder.get_lookahead().unwrap()).unwrap();
    let pre_skip_48k = u16::try_from(lookahead * 3).unwrap();

    let mut head = b"OpusHead".to_vec();
    head.extend_from_slice(&[1, 1]);
    head.extend_from_slice(&pre_skip_48k.to_le_bytes());
    head.extend_from_slice(&RATE.to_le_bytes());
    head.extend_from_slice(&[0, 0, 0]); // output gain 0, mapping family 0
    let mut tags = b"OpusTags".to_vec();
    tags.extend_from_slice(&4u32.to_le_bytes());
    tags.extend_from_slice(b"test");
    tags.extend_from_slice(&0u32.to_le_bytes());

    let serial = 7;
    let mut writer = ogg::PacketWriter::new(Vec::new());
    writer
        .write_packet(head, serial, PacketWriteEndInfo::EndPage, 0)
        .unwrap();
    writer
        .write_packet(tags, serial, PacketWriteEndInfo::EndPage, 0)
        .unwrap();

    // Feed look-ahead worth of extra zeros so the whole input comes out of the encoder.
    let frame = 320;
    let needed = pcm.len() + lookahead;
    let mut padded = pcm.to_vec();
    padded.resize(needed.div_ceil(frame) * frame, 0);
    let frames = padded.len() / frame;
    let final_granule = (pcm.len() * 3) as u64 + u64::from(pre_skip_48k);
    for (index, chunk) in padded.chunks(frame).enumerate() {
        let packet = encoder.encode_vec(chunk, 4000).unwrap();
        let last = index + 1 == frames;
        let (end, granule) = if last {
            (PacketWriteEndInfo::EndStream, final_granule)
        } else {
            (
                PacketWriteEndInfo::EndPage,
                ((index + 1) * frame * 3) as u64,
            )
        };
        writer.write_packet(packet, serial, end, granule).unwrap();
    }
    writer.into_inner()
}

fn write_wav(path: &Path, rate: u32, channels: u16, samples: &[i16]) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for &sample in samples {
        writer.write_sample(sample).unwrap();
    }
    writer.finalize().unwrap();
}

fn language_dir(root: &Path, language: &str) -> PathBuf {
    let dir = root.join(language);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn committed_prompt(language: &str, key: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../prompts")
        .join(language)
        .join(format!("{key}.opus"))
}

/// The lag in -max..=max at which `decoded` best matches `original`.
fn best_lag(original: &[i16], decoded: &[i16], max: i64) -> i64 {
    let score = |lag: i64| -> f64 {
        (2000..original.len() - 2000)
            .map(|i| {
                let j = (i as i64 + lag) as usize;
                f64::from(original[i]) * f64::from(decoded[j])
            })
            .sum()
    };
    (-max..=max)
        .max_by(|a, b| score(*a).total_cmp(&score(*b)))
        .unwrap()
}

#[test]
fn ogg_opus_decoding_drops_the_pre_skip_and_cuts_the_end_at_the_granule_position() {
    // Not a whole number of 20 ms frames, so the end trim matters.
    let original = chirp(16_000 + 123);
    let dir = tempfile::tempdir().unwrap();
    let en = language_dir(dir.path(), "en-US");
    std::fs::write(en.join("chirp.opus"), encode_ogg_opus(&original)).unwrap();

    let set = PromptSet::load(dir.path(), &["en-US"]).unwrap();
    let decoded = set.get("en-US", "chirp").unwrap();
    assert_eq!(decoded.len(), original.len());
    assert_eq!(best_lag(&original, &decoded, 60), 0);
}

#[test]
fn an_operator_wav_beside_the_opus_file_takes_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let en = language_dir(dir.path(), "en-US");
    std::fs::copy(
        committed_prompt("en-US", "greeting"),
        en.join("greeting.opus"),
    )
    .unwrap();
    std::fs::copy(
        committed_prompt("en-US", "goodbye"),
        en.join("goodbye.opus"),
    )
    .unwrap();
    let recording: Vec<i16> = (0..4000).map(|i| (i % 200 - 100) as i16 * 50).collect();
    write_wav(&en.join("greeting.wav"), 16_000, 1, &recording);

    let set = PromptSet::load(dir.path(), &["en-US"]).unwrap();
    assert_eq!(&*set.get("en-US", "greeting").unwrap(), &recording[..]);
    // The key without a WAV still plays the committed prompt.
    let goodbye = set.get("en-US", "goodbye").unwrap();
    assert!(goodbye.len() > 3200 && goodbye.iter().any(|&s| s.abs() > 1000));
}

#[test]
fn an_8_khz_wav_is_doubled_to_16_khz_by_linear_interpolation() {
    let dir = tempfile::tempdir().unwrap();
    let en = language_dir(dir.path(), "en-US");
    write_wav(&en.join("greeting.wav"), 8_000, 1, &[0, 100, -100, 50]);

    let set = PromptSet::load(dir.path(), &["en-US"]).unwrap();
    assert_eq!(
        &*set.get("en-US", "greeting").unwrap(),
        &[0, 50, 100, 0, -100, -25, 50, 50]
    );
}

#[test]
fn a_stereo_or_44_khz_wav_is_refused_naming_the_file_and_what_it_is() {
    for (rate, channels) in [(16_000, 2), (44_100, 1)] {
        let dir = tempfile::tempdir().unwrap();
        let en = language_dir(dir.path(), "en-US");
        let path = en.join("greeting.wav");
        write_wav(&path, rate, channels, &[0; 800]);

        match PromptSet::load(dir.path(), &["en-US"]) {
            Err(PromptError::UnsupportedWav { path: named, found }) => {
                assert_eq!(named, path);
                assert!(found.contains(&rate.to_string()), "{found}");
                assert!(found.contains(&format!("{channels} channel")), "{found}");
            }
            other => panic!("expected UnsupportedWav, got {other:?}"),
        }
    }
}

#[test]
fn a_language_without_a_prompt_falls_back_to_en_us_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let en = language_dir(dir.path(), "en-US");
    let fr = language_dir(dir.path(), "fr-FR");
    std::fs::copy(
        committed_prompt("en-US", "greeting"),
        en.join("greeting.opus"),
    )
    .unwrap();
    std::fs::copy(
        committed_prompt("en-US", "goodbye"),
        en.join("goodbye.opus"),
    )
    .unwrap();
    std::fs::copy(
        committed_prompt("fr-FR", "goodbye"),
        fr.join("goodbye.opus"),
    )
    .unwrap();
    std::fs::write(fr.join("MANIFEST"), "not audio, ignored\n").unwrap();

    // en-US is loaded even when only fr-FR is asked for.
    let set = PromptSet::load(dir.path(), &["fr-FR"]).unwrap();
    let mut languages: Vec<&str> = set.languages().collect();
    languages.sort();
    assert_eq!(languages, ["en-US", "fr-FR"]);

    let greeting = set.lookup("fr-FR", "greeting").unwrap();
    assert_eq!(greeting.language, FALLBACK_LANGUAGE);
    assert_eq!(greeting.pcm, set.get("en-US", "greeting").unwrap());

    let goodbye = set.lookup("fr-FR", "goodbye").unwrap();
    assert_eq!(goodbye.language, "fr-FR");
    assert_ne!(goodbye.pcm, set.get("en-US", "goodbye").unwrap());

    // A language that was not loaded at all is served in en-US; unknown keys in none.
    assert_eq!(set.lookup("de-DE", "goodbye").unwrap().language, "en-US");
    assert!(set.get("fr-FR", "no-such-prompt").is_none());

    // Debug output summarises instead of printing megabytes of samples.
    let debug = format!("{set:?}");
    assert!(
        debug.contains("\"fr-FR\": 1 clips") && debug.len() < 100,
        "{debug}"
    );
}

#[test]
fn clips_can_be_inserted_without_files() {
    let mut set = PromptSet::default();
    assert!(set.get("en-US", "greeting").is_none());
    set.insert("en-US", "greeting", Arc::from(vec![1i16, 2, 3]));
    set.insert("de-DE", "greeting", Arc::from(vec![4i16]));
    assert_eq!(&*set.get("de-DE", "greeting").unwrap(), &[4]);
    assert_eq!(set.lookup("fr-FR", "greeting").unwrap().language, "en-US");
}

#[test]
fn a_corrupt_opus_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let en = language_dir(dir.path(), "en-US");
    let path = en.join("greeting.opus");
    std::fs::write(&path, b"OggS but not really an Ogg page at all").unwrap();

    match PromptSet::load(dir.path(), &["en-US"]) {
        Err(error @ PromptError::CorruptOpus { .. }) => {
            assert!(
                error.to_string().contains(&path.display().to_string()),
                "{error}"
            );
        }
        other => panic!("expected CorruptOpus, got {other:?}"),
    }
}

#[test]
fn an_ogg_file_that_is_not_opus_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let en = language_dir(dir.path(), "en-US");
    let path = en.join("greeting.opus");
    let mut writer = ogg::PacketWriter::new(Vec::new());
    writer
        .write_packet(&b"\x01vorbis-ish"[..], 1, PacketWriteEndInfo::EndStream, 0)
        .unwrap();
    std::fs::write(&path, writer.into_inner()).unwrap();

    match PromptSet::load(dir.path(), &["en-US"]) {
        Err(PromptError::CorruptOpus {
            path: named,
            reason,
        }) => {
            assert_eq!(named, path);
            assert!(reason.contains("OpusHead"), "{reason}");
        }
        other => panic!("expected CorruptOpus, got {other:?}"),
    }
}

#[test]
fn a_missing_directory_or_language_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    assert!(matches!(
        PromptSet::load(&missing, &["en-US"]),
        Err(PromptError::Directory { path, .. }) if path == missing
    ));

    language_dir(dir.path(), "en-US");
    match PromptSet::load(dir.path(), &["ja-JP"]) {
        Err(PromptError::MissingLanguage { language, path }) => {
            assert_eq!(language, "ja-JP");
            assert_eq!(path, dir.path().join("ja-JP"));
        }
        other => panic!("expected MissingLanguage, got {other:?}"),
    }

    // The fallback language is required too.
    let only_french = tempfile::tempdir().unwrap();
    language_dir(only_french.path(), "fr-FR");
    assert!(matches!(
        PromptSet::load(only_french.path(), &["fr-FR"]),
        Err(PromptError::MissingLanguage { language, .. }) if language == "en-US"
    ));
}

#[test]
fn music_loads_from_opus_or_wav_and_refuses_other_file_types() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("hold.wav");
    write_wav(&wav, 16_000, 1, &[1, 2, 3]);
    assert_eq!(&**MusicLoop::load(&wav).unwrap().clip(), &[1, 2, 3]);

    let mp3 = dir.path().join("hold.mp3");
    std::fs::write(&mp3, b"ID3").unwrap();
    assert!(matches!(
        MusicLoop::load(&mp3),
        Err(PromptError::UnknownFileType { path }) if path == mp3
    ));

    let empty = dir.path().join("empty.wav");
    write_wav(&empty, 16_000, 1, &[]);
    assert!(matches!(
        MusicLoop::load(&empty),
        Err(PromptError::Empty { path }) if path == empty
    ));
}
