//! The decoded prompts of the configured languages, looked up by language and key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::audio_file::{load_pcm, AudioFileType};
use super::error::PromptError;

/// The language every other one falls back to, and which is therefore always loaded.
pub const FALLBACK_LANGUAGE: &str = "en-US";

/// A prompt found by [`PromptSet::lookup`], with the language that actually served it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedPrompt<'a> {
    /// 16 kHz mono PCM.
    pub pcm: Arc<[i16]>,
    /// The requested language, or [`FALLBACK_LANGUAGE`] when the requested one lacks the key.
    pub language: &'a str,
}

/// Every prompt of some languages, decoded once at start-up to 16 kHz mono PCM.
///
/// The layout on disk is `<dir>/<language>/<key>.opus`; an operator's `<key>.wav` beside it
/// replaces it. Other files (such as `MANIFEST`) are ignored. Clips are shared `Arc<[i16]>`,
/// so handing one to many calls copies nothing. One language takes roughly 10 to 20 MB of
/// memory, so load only the languages the service offers.
#[derive(Default)]
pub struct PromptSet {
    languages: HashMap<String, HashMap<String, Arc<[i16]>>>,
}

/// Languages and clip counts only: the clips themselves are megabytes of samples.
impl std::fmt::Debug for PromptSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (language, clips) in &self.languages {
            map.entry(language, &format_args!("{} clips", clips.len()));
        }
        map.finish()
    }
}

impl PromptSet {
    /// Loads `languages` (and [`FALLBACK_LANGUAGE`], always) from `dir`. Fails on the first
    /// missing folder or unreadable file, naming it.
    pub fn load<S: AsRef<str>>(dir: &Path, languages: &[S]) -> Result<Self, PromptError> {
        std::fs::metadata(dir).map_err(|source| PromptError::Directory {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut wanted: Vec<&str> = languages.iter().map(AsRef::as_ref).collect();
        if !wanted.contains(&FALLBACK_LANGUAGE) {
            wanted.push(FALLBACK_LANGUAGE);
        }
        let mut set = Self::default();
        for language in wanted {
            if set.languages.contains_key(language) {
                continue;
            }
            let clips = load_language(dir, language)?;
            set.languages.insert(language.to_owned(), clips);
        }
        Ok(set)
    }

    /// Adds or replaces one clip (16 kHz mono), e.g. for tests that need no files, or for a
    /// language the caller decoded itself.
    pub fn insert(&mut self, language: &str, key: &str, pcm: Arc<[i16]>) {
        self.languages
            .entry(language.to_owned())
            .or_default()
            .insert(key.to_owned(), pcm);
    }

    /// The clip for `key` in `language`, or in [`FALLBACK_LANGUAGE`] when `language` lacks it.
    pub fn get(&self, language: &str, key: &str) -> Option<Arc<[i16]>> {
        self.lookup(language, key).map(|served| served.pcm)
    }

    /// Like [`get`](Self::get), also telling which language served the clip.
    pub fn lookup(&self, language: &str, key: &str) -> Option<ServedPrompt<'_>> {
        [language, FALLBACK_LANGUAGE]
            .into_iter()
            .find_map(|candidate| {
                let (name, clips) = self.languages.get_key_value(candidate)?;
                let pcm = clips.get(key)?;
                Some(ServedPrompt {
                    pcm: Arc::clone(pcm),
                    language: name.as_str(),
                })
            })
    }

    /// The loaded languages, in no particular order.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.languages.keys().map(String::as_str)
    }

    /// The keys `language` has files for (without fallback), in no particular order.
    pub fn keys<'a>(&'a self, language: &str) -> impl Iterator<Item = &'a str> {
        self.languages
            .get(language)
            .into_iter()
            .flat_map(|clips| clips.keys().map(String::as_str))
    }
}

fn load_language(dir: &Path, language: &str) -> Result<HashMap<String, Arc<[i16]>>, PromptError> {
    let folder = dir.join(language);
    if !folder.is_dir() {
        return Err(PromptError::MissingLanguage {
            language: language.to_owned(),
            path: folder,
        });
    }
    let entries = std::fs::read_dir(&folder).map_err(|source| PromptError::Directory {
        path: folder.clone(),
        source,
    })?;
    // Pick one file per key first, so an overridden .opus is never decoded.
    let mut chosen: HashMap<String, (PathBuf, AudioFileType)> = HashMap::new();
    for entry in entries {
        let entry = entry.map_err(|source| PromptError::Directory {
            path: folder.clone(),
            source,
        })?;
        let path = entry.path();
        let (Some(file_type), Some(key)) = (
            AudioFileType::of(&path),
            path.file_stem().and_then(|stem| stem.to_str()),
        ) else {
            continue;
        };
        let operator_override = file_type == AudioFileType::Wav;
        if operator_override || !chosen.contains_key(key) {
            chosen.insert(key.to_owned(), (path.clone(), file_type));
        }
    }
    let mut clips = HashMap::with_capacity(chosen.len());
    for (key, (path, file_type)) in chosen {
        clips.insert(key, load_pcm(&path, file_type)?);
    }
    Ok(clips)
}
