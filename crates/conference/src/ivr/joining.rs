//! The last steps: an optional name recording, then the join.

use super::actions::{IvrAction, RecordingId, Role};
use super::digits::Key;
use super::state::{AfterSpeech, State};
use super::{prompts, Ivr};
use crate::speech::{keys, SpeechPart, Tone};
use std::time::Instant;

impl<M: Clone> Ivr<M> {
    /// Says `preface` (e.g. "you will join as an attendee") and, when names are recorded,
    /// the name prompt and a beep; the join waits for the speech to end so the caller hears
    /// it before the meeting's audio.
    pub(super) fn proceed_to_join(&mut self, meeting: M, role: Role, preface: Vec<SpeechPart>) {
        if self.record_names {
            let mut parts = prompts(preface, &[keys::RECORD_NAME]);
            parts.push(SpeechPart::Tone(Tone::Beep));
            self.say(parts);
            self.state = State::Announcing {
                then: AfterSpeech::RecordName { meeting, role },
            };
        } else if preface.is_empty() {
            self.join(meeting, role, None);
        } else {
            self.say(preface);
            self.state = State::Announcing {
                then: AfterSpeech::Join { meeting, role },
            };
        }
    }

    pub(super) fn start_name_recording(&mut self, now: Instant, meeting: M, role: Role) {
        let max = self.config.max_name_recording;
        self.actions.push_back(IvrAction::RecordName { max });
        // Should the recording never be reported, the caller still gets in.
        self.deadline = Some(now + max + self.config.name_recording_grace);
        self.state = State::RecordingName { meeting, role };
    }

    pub(super) fn on_recording_key(&mut self, key: Key) {
        if key == Key::Pound {
            self.actions.push_back(IvrAction::StopRecording);
        }
    }

    pub(super) fn join(&mut self, meeting: M, role: Role, name: Option<RecordingId>) {
        self.actions.push_back(IvrAction::Join {
            meeting,
            role,
            language: self.language.clone(),
            name,
        });
        self.deadline = None;
        self.state = State::Finished;
    }
}
