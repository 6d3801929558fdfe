//! The committed prompt set (prompts/ at the repository root) is complete and playable: every
//! language has every key the conference crate speaks (`speech::keys`, `ivr::keys` and
//! `meeting::keys`), each file decodes, is 0.2 to 15 s long
//! and is not silent, and each MANIFEST lists exactly those keys.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::path::PathBuf;

use dialbridge_conference::speech::{keys, PromptKey};
use dialbridge_conference::{ivr, meeting};
use dialbridge_media::codec::INTERNAL_RATE;
use dialbridge_media::PromptSet;

const LANGUAGES: [&str; 10] = [
    "en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "it-IT", "pt-BR", "nl-NL", "ja-JP", "zh-CN",
];

fn prompts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../prompts")
}

fn conference_keys() -> impl Iterator<Item = &'static PromptKey> {
    keys::ALL
        .iter()
        .chain(ivr::keys::ALL)
        .chain(meeting::keys::ALL)
}

fn expected_keys() -> BTreeSet<String> {
    let mut expected: BTreeSet<String> = conference_keys().map(|key| key.0.to_owned()).collect();
    expected.extend((0..=9).map(|digit| format!("digit-{digit}")));
    expected.extend((0..=250).map(|number| format!("number-{number}")));
    expected
}

fn rms_dbfs(pcm: &[i16]) -> f64 {
    let energy: f64 = pcm.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / pcm.len() as f64;
    10.0 * (energy / f64::from(i16::MAX).powi(2)).log10()
}

#[test]
fn the_prompt_folders_are_exactly_the_ten_languages_with_texts_and_music() {
    let mut folders: Vec<String> = std::fs::read_dir(prompts_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    folders.sort();
    let mut expected: Vec<String> = LANGUAGES.iter().map(|l| l.to_string()).collect();
    expected.extend(["music".to_owned(), "texts".to_owned()]);
    expected.sort();
    assert_eq!(folders, expected);
    for language in LANGUAGES {
        let texts = prompts_dir().join("texts").join(format!("{language}.toml"));
        assert!(texts.is_file(), "{} is missing", texts.display());
    }
}

#[test]
fn every_language_has_every_key_and_each_file_is_playable_speech() {
    let set = PromptSet::load(&prompts_dir(), &LANGUAGES).unwrap();
    let expected = expected_keys();
    assert_eq!(expected.len(), conference_keys().count() + 10 + 251);
    let mut total_seconds = 0.0;
    for language in LANGUAGES {
        let language_start = total_seconds;
        let present: BTreeSet<String> = set.keys(language).map(str::to_owned).collect();
        let missing: Vec<_> = expected.difference(&present).collect();
        let extra: Vec<_> = present.difference(&expected).collect();
        assert!(missing.is_empty(), "{language} lacks {missing:?}");
        assert!(extra.is_empty(), "{language} has unknown prompts {extra:?}");
        for key in &expected {
            let served = set.lookup(language, key).unwrap();
            assert_eq!(served.language, language, "{language}/{key} fell back");
            let seconds = served.pcm.len() as f64 / f64::from(INTERNAL_RATE);
            assert!(
                (0.2..=15.0).contains(&seconds),
                "{language}/{key} lasts {seconds:.2} s"
            );
            let level = rms_dbfs(&served.pcm);
            assert!(
                level > -35.0,
                "{language}/{key} is nearly silent: {level:.1} dBFS RMS"
            );
            total_seconds += seconds;
        }
        let seconds = total_seconds - language_start;
        // Shown with --nocapture: what a language costs in memory once decoded.
        println!(
            "{language}: {} clips, {seconds:.0} s, {:.1} MB as 16 kHz PCM",
            expected.len(),
            seconds * f64::from(INTERNAL_RATE) * 2.0 / 1e6
        );
    }
    // Sanity of the whole: about 3180 clips of spoken prompts, not stubs.
    assert!(
        total_seconds > 3_000.0,
        "only {total_seconds:.0} s of prompts"
    );
}

#[test]
fn each_manifest_lists_exactly_the_expected_keys_with_a_sha256() {
    let expected = expected_keys();
    for language in LANGUAGES {
        let path = prompts_dir().join(language).join("MANIFEST");
        let manifest = std::fs::read_to_string(&path).unwrap();
        let mut listed = BTreeSet::new();
        for line in manifest.lines().filter(|line| !line.starts_with('#')) {
            let (key, hash) = line.split_once('\t').unwrap();
            assert_eq!(hash.len(), 64, "{}: {line}", path.display());
            assert!(
                hash.bytes().all(|b| b.is_ascii_hexdigit()),
                "{}: {line}",
                path.display()
            );
            assert!(
                listed.insert(key.to_owned()),
                "{} lists {key} twice",
                path.display()
            );
        }
        let missing: Vec<_> = expected.difference(&listed).collect();
        let extra: Vec<_> = listed.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, unknown {extra:?}",
            path.display()
        );
    }
}
