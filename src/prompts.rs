//! Loads the prompt set and the music on hold at start-up, so no call waits on a disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use dialbridge_media::prompt::{MusicLoop, PromptSet, FALLBACK_LANGUAGE};

use crate::config::Settings;
use crate::dialin::speech::PromptLibrary;
use crate::media_engine::Clip;

pub struct LoadedPrompts {
    pub library: Arc<PromptLibrary>,
    pub music: Clip,
}

pub fn load(settings: &Settings) -> anyhow::Result<LoadedPrompts> {
    let Some(dir) = &settings.prompts_dir else {
        tracing::warn!("no prompt set found (set media.prompts_dir): callers will hear silence");
        return Ok(LoadedPrompts {
            library: Arc::new(PromptLibrary::new(PromptSet::default())),
            music: Clip::from(Vec::new()),
        });
    };
    let languages = match &settings.prompt_languages {
        Some(languages) => languages.clone(),
        None => languages_in(dir)?,
    };
    // The fallback language now, so the first call hears prompts; the others (each some
    // 300 clips to decode) on a thread, so start-up does not wait for them.
    let set = PromptSet::load(dir, &[FALLBACK_LANGUAGE])
        .with_context(|| format!("cannot load the prompts in {}", dir.display()))?;
    // A language folder that is missing or unreadable fails start-up, as a typo in
    // `prompt_languages` should; its clips are decoded later.
    for language in &languages {
        let folder = dir.join(language);
        if !folder.is_dir() {
            anyhow::bail!("no prompt folder {}", folder.display());
        }
    }
    let music_path = settings
        .music_on_hold
        .clone()
        .unwrap_or_else(|| dir.join("music").join("default.opus"));
    let music = match MusicLoop::load(&music_path) {
        Ok(music) => Arc::clone(music.clip()),
        Err(error) => {
            tracing::warn!(%error, path = %music_path.display(), "no music on hold: the lobby is silent");
            Clip::from(Vec::new())
        }
    };
    let library = Arc::new(PromptLibrary::new(set));
    let background = Arc::clone(&library);
    let dir = dir.clone();
    std::thread::Builder::new()
        .name("prompt-loader".to_owned())
        .spawn(move || {
            for language in languages.iter().filter(|l| l.as_str() != FALLBACK_LANGUAGE) {
                match PromptSet::load(&dir, &[language.as_str()]) {
                    Ok(set) => background.add(&set),
                    Err(error) => tracing::error!(%error, language, "prompts not loaded"),
                }
            }
            tracing::info!(dir = %dir.display(), languages = ?languages, "prompts loaded");
        })
        .context("cannot start the prompt loader")?;
    Ok(LoadedPrompts { library, music })
}

/// Every language folder (named like `en-US`) in the prompt directory.
fn languages_in(dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the prompt directory {}", dir.display()))?;
    let mut languages: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .filter_map(|path: PathBuf| path.file_name()?.to_str().map(str::to_owned))
        .filter(|name| name.len() == 5 && name.as_bytes()[2] == b'-')
        .collect();
    languages.sort();
    Ok(languages)
}
