//! "For English press 1, pour le français appuyez sur 2, ..."

use super::digits::Key;
use super::state::State;
use super::Ivr;
use crate::speech::{keys, SpeechPart};

impl<M: Clone> Ivr<M> {
    /// Each entry is spoken in its own language, so every caller understands theirs.
    pub(super) fn offer_language_menu(&mut self, repeated: bool) {
        let entries: Vec<_> = self.config.languages().cloned().enumerate().collect();
        for (index, language) in entries {
            let key = (index + 1).to_string();
            self.say_in(
                language,
                vec![
                    SpeechPart::Prompt(keys::LANGUAGE_SELECT),
                    SpeechPart::Digits(key),
                ],
            );
        }
        self.state = State::LanguageMenu { repeated };
    }

    pub(super) fn on_language_key(&mut self, key: Key, repeated: bool) {
        self.barge_in();
        let chosen = match key {
            Key::Digit(digit) => digit
                .to_digit(10)
                .and_then(|n| usize::try_from(n).ok()?.checked_sub(1))
                .and_then(|index| self.config.languages().nth(index).cloned()),
            Key::Star | Key::Pound => None,
        };
        match chosen {
            Some(language) => {
                self.language = language;
                self.ask_conference_id(Vec::new());
            }
            None if !repeated => self.offer_language_menu(true),
            None => self.ask_conference_id(Vec::new()),
        }
    }
}
