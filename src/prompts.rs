//! Loads the prompt set and the music on hold at start-up, so no call waits on a disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use dialbridge_media::prompt::{MusicLoop, PromptSet};

use crate::config::Settings;
use crate::dialin::speech::PromptLibrary;
use crate::media_engine::Clip;

pub struct LoadedPrompts {
    pub library: PromptLibrary,
    pub music: Clip,
}

pub fn load(settings: &Settings) -> anyhow::Result<LoadedPrompts> {
    let Some(dir) = &settings.prompts_dir else {
        tracing::warn!("no prompt set found (set media.prompts_dir): callers will hear silence");
        return Ok(LoadedPrompts {
            library: PromptLibrary::new(PromptSet::default()),
            music: Clip::from(Vec::new()),
        });
    };
    let languages = match &settings.prompt_languages {
        Some(languages) => languages.clone(),
        None => languages_in(dir)?,
    };
    let set = PromptSet::load(dir, &languages)
        .with_context(|| format!("cannot load the prompts in {}", dir.display()))?;
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
    tracing::info!(dir = %dir.display(), languages = ?languages, "prompts loaded");
    Ok(LoadedPrompts {
        library: PromptLibrary::new(set),
        music,
    })
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
