//! Turns the conference crate's utterances into the clips a media worker plays: prompts
//! decoded once at start-up, numbers and digits from their own prompts, recorded names,
//! tones and pauses.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use dialbridge_conference::speech::{Language, PromptKey, SpeechPart, Tone, Utterance};
use dialbridge_media::codec::INTERNAL_RATE;
use dialbridge_media::prompt::PromptSet;
pub use dialbridge_media::prompt::FALLBACK_LANGUAGE;

use crate::media_engine::Clip;

/// Every prompt in every loaded language, as 16 kHz clips, and the tones. Languages other
/// than the fallback are decoded in the background after start-up ([`PromptLibrary::add`]);
/// until one arrives its prompts are spoken in the fallback language.
#[derive(Debug, Default)]
pub struct PromptLibrary {
    set: RwLock<PromptSet>,
    tones: HashMap<ToneKey, Clip>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ToneKey {
    Entry,
    Exit,
    Error,
    Beep,
}

impl PromptLibrary {
    pub fn new(set: PromptSet) -> Self {
        let mut library = PromptLibrary {
            set: RwLock::new(set),
            tones: HashMap::new(),
        };
        library
            .tones
            .insert(ToneKey::Entry, two_tones(660.0, 880.0));
        library.tones.insert(ToneKey::Exit, two_tones(880.0, 660.0));
        library.tones.insert(ToneKey::Error, tone(330.0, 300, 0.25));
        library.tones.insert(ToneKey::Beep, tone(1000.0, 250, 0.3));
        library
    }

    /// Adds the clips of languages decoded later.
    pub fn add(&self, more: &PromptSet) {
        let mut set = self
            .set
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for language in more.languages() {
            for key in more.keys(language) {
                if let Some(clip) = more.get(language, key) {
                    set.insert(language, key, clip);
                }
            }
        }
    }

    fn prompt(&self, language: &Language, key: &str) -> Option<Clip> {
        // A poisoned lock still holds whole clips: inserts replace one Arc at a time.
        self.set
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(language.as_str(), key)
    }

    /// The clips for an utterance. A prompt missing from the set is skipped (and logged):
    /// a caller hears the rest rather than nothing.
    pub fn render(
        &self,
        utterance: &Utterance,
        recorded_name: impl Fn(u64) -> Option<Clip>,
    ) -> Vec<Clip> {
        let language = &utterance.language;
        let mut clips = Vec::with_capacity(utterance.parts.len());
        let push_prompt = |clips: &mut Vec<Clip>, key: &str| match self.prompt(language, key) {
            Some(clip) => clips.push(clip),
            None => tracing::warn!(language = language.as_str(), key, "prompt missing"),
        };
        for part in &utterance.parts {
            match part {
                SpeechPart::Prompt(PromptKey(key)) => push_prompt(&mut clips, key),
                SpeechPart::Number(n) if *n <= 250 => {
                    push_prompt(&mut clips, &format!("number-{n}"));
                }
                SpeechPart::Number(n) => {
                    for digit in n.to_string().chars() {
                        push_prompt(&mut clips, &format!("digit-{digit}"));
                    }
                }
                SpeechPart::Digits(digits) => {
                    for key in digits.chars() {
                        match key {
                            '*' => push_prompt(&mut clips, "key-star"),
                            '#' => push_prompt(&mut clips, "key-pound"),
                            digit => push_prompt(&mut clips, &format!("digit-{digit}")),
                        }
                    }
                }
                SpeechPart::RecordedName(id) => {
                    if let Some(clip) = recorded_name(*id) {
                        clips.push(clip);
                    }
                }
                SpeechPart::Tone(tone) => {
                    let key = match tone {
                        Tone::Entry => ToneKey::Entry,
                        Tone::Exit => ToneKey::Exit,
                        Tone::Error => ToneKey::Error,
                        Tone::Beep => ToneKey::Beep,
                    };
                    if let Some(clip) = self.tones.get(&key) {
                        clips.push(Arc::clone(clip));
                    }
                }
                SpeechPart::Pause(ms) => clips.push(silence(*ms)),
            }
        }
        clips
    }
}

fn samples_for(ms: u32) -> usize {
    (INTERNAL_RATE / 1000 * ms) as usize
}

fn silence(ms: u32) -> Clip {
    vec![0i16; samples_for(ms)].into()
}

/// A sine with 10 ms raised-cosine edges, so it starts and stops without a click.
fn tone_samples(frequency: f32, ms: u32, level: f32) -> Vec<i16> {
    let total = samples_for(ms);
    let edge = samples_for(10).min(total / 2).max(1);
    (0..total)
        .map(|i| {
            let t = i as f32 / INTERNAL_RATE as f32;
            let ramp = if i < edge {
                i as f32 / edge as f32
            } else if total - i < edge {
                (total - i) as f32 / edge as f32
            } else {
                1.0
            };
            let envelope = 0.5 - 0.5 * (std::f32::consts::PI * ramp).cos();
            let value = (2.0 * std::f32::consts::PI * frequency * t).sin() * level * envelope;
            (value * f32::from(i16::MAX)) as i16
        })
        .collect()
}

fn tone(frequency: f32, ms: u32, level: f32) -> Clip {
    tone_samples(frequency, ms, level).into()
}

fn two_tones(first: f32, second: f32) -> Clip {
    let mut samples = tone_samples(first, 150, 0.25);
    samples.extend(tone_samples(second, 200, 0.25));
    samples.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dialbridge_conference::speech::keys;

    fn clip(n: usize) -> Clip {
        vec![1i16; n].into()
    }

    #[test]
    fn renders_prompts_numbers_digits_and_falls_back_to_english() {
        let mut set = PromptSet::default();
        set.insert("fr-FR", "joined", clip(1));
        set.insert("en-US", "muted", clip(2));
        set.insert("fr-FR", "number-12", clip(3));
        set.insert("fr-FR", "digit-4", clip(4));
        set.insert("fr-FR", "key-pound", clip(5));
        let library = PromptLibrary::new(set);
        let utterance = Utterance {
            language: Language::new("fr-FR"),
            parts: vec![
                SpeechPart::Prompt(keys::JOINED),
                SpeechPart::Prompt(keys::MUTED),
                SpeechPart::Number(12),
                SpeechPart::Digits("4#".to_owned()),
                SpeechPart::Prompt(keys::GOODBYE),
            ],
        };
        let lengths: Vec<usize> = library
            .render(&utterance, |_| None)
            .iter()
            .map(|c| c.len())
            .collect();
        // goodbye exists in neither language and is skipped.
        assert_eq!(lengths, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn tones_and_pauses_have_their_length_and_start_silent() {
        let library = PromptLibrary::new(PromptSet::default());
        let utterance = Utterance {
            language: Language::new("en-US"),
            parts: vec![SpeechPart::Tone(Tone::Beep), SpeechPart::Pause(100)],
        };
        let clips = library.render(&utterance, |_| None);
        assert_eq!(clips[0].len(), 4000);
        assert_eq!(clips[0][0], 0);
        assert!(clips[0].iter().map(|s| s.unsigned_abs()).max().unwrap_or(0) > 5000);
        assert_eq!(clips[1].len(), 1600);
    }
}
