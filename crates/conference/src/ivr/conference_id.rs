//! "Enter the conference ID followed by pound", up to the lookup's answer.

use super::actions::{IvrAction, LookupResult, Role};
use super::digits::{DigitEntry, Key, Pushed};
use super::keys::SERVICE_UNAVAILABLE;
use super::state::{AfterSpeech, State};
use super::{prompts, HangupReason, Ivr};
use crate::speech::{keys, SpeechPart};
use std::time::Instant;

impl<M: Clone> Ivr<M> {
    /// Says `feedback` (e.g. "that ID is not valid"), then asks for the ID.
    pub(super) fn ask_conference_id(&mut self, feedback: Vec<SpeechPart>) {
        self.say(prompts(feedback, &[keys::ENTER_CONFERENCE_ID]));
        self.state = State::ConferenceId {
            entry: DigitEntry::new(*self.config.conference_id_length.end()),
        };
    }

    pub(super) fn on_conference_id_key(&mut self, now: Instant, key: Key) {
        self.barge_in();
        let State::ConferenceId { entry } = &mut self.state else {
            return;
        };
        match key {
            Key::Digit(digit) => match entry.push(digit) {
                Pushed::Kept => self.deadline = Some(now + self.config.inter_digit_timeout),
                Pushed::TooLong => self.conference_id_failed(invalid_id()),
            },
            Key::Star => {
                entry.clear();
                self.deadline = Some(now + self.config.first_digit_timeout);
            }
            Key::Pound => {
                if let State::ConferenceId { entry } = self.take_state() {
                    self.submit_conference_id(entry);
                }
            }
        }
    }

    pub(super) fn on_conference_id_timeout(&mut self, entry: DigitEntry) {
        if entry.is_empty() {
            // Silence says nothing was wrong with an ID, so only the question is repeated.
            self.conference_id_failed(Vec::new());
        } else {
            self.submit_conference_id(entry);
        }
    }

    fn submit_conference_id(&mut self, mut entry: DigitEntry) {
        if entry.len() < *self.config.conference_id_length.start() {
            self.conference_id_failed(invalid_id());
            return;
        }
        let request = self.new_request();
        self.actions.push_back(IvrAction::LookupConference {
            request,
            digits: entry.take(),
        });
        self.deadline = None;
        self.state = State::AwaitingLookup { request };
    }

    fn conference_id_failed(&mut self, feedback: Vec<SpeechPart>) {
        self.conference_id_failures += 1;
        if self.conference_id_failures < self.config.max_conference_id_attempts {
            self.ask_conference_id(feedback);
            return;
        }
        self.say(prompts(feedback, &[keys::TOO_MANY_ATTEMPTS, keys::GOODBYE]));
        self.state = State::Announcing {
            then: AfterSpeech::Hangup(HangupReason::TooManyConferenceIdAttempts),
        };
    }

    pub(super) fn on_lookup(&mut self, result: LookupResult<M>) {
        match result {
            LookupResult::Found(found) => {
                self.record_names = found.record_names.unwrap_or(self.config.record_names);
                if found.organizer_can_use_pin {
                    self.say(prompts(Vec::new(), &[keys::ORGANIZER_PIN_OR_WAIT]));
                    self.state = State::OrganizerChoice { found };
                } else {
                    self.proceed_to_join(found.meeting, Role::Attendee, Vec::new());
                }
            }
            LookupResult::NotFound => self.conference_id_failed(invalid_id()),
            LookupResult::Unavailable => {
                self.say(prompts(Vec::new(), &[SERVICE_UNAVAILABLE, keys::GOODBYE]));
                self.state = State::Announcing {
                    then: AfterSpeech::Hangup(HangupReason::ServiceUnavailable),
                };
            }
        }
    }
}

fn invalid_id() -> Vec<SpeechPart> {
    vec![SpeechPart::Prompt(keys::INVALID_CONFERENCE_ID)]
}
