//! "If you're the organizer, press star", then the organizer PIN.

use super::actions::{FoundConference, IvrAction, PinDigits, PinResult, Role};
use super::digits::{DigitEntry, Key, Pushed};
use super::keys::JOIN_AS_ATTENDEE;
use super::state::State;
use super::{prompts, Ivr};
use crate::speech::{keys, SpeechPart};
use std::time::Instant;

impl<M: Clone> Ivr<M> {
    /// Only `*` matters here; other keys must not cut "otherwise please wait" short.
    pub(super) fn on_organizer_choice_key(&mut self, key: Key) {
        if key != Key::Star {
            return;
        }
        self.barge_in();
        let State::OrganizerChoice { found } = self.take_state() else {
            return;
        };
        if found.pin_locked {
            let preface = prompts(Vec::new(), &[keys::PIN_LOCKED, JOIN_AS_ATTENDEE]);
            self.proceed_to_join(found.meeting, Role::Attendee, preface);
        } else {
            self.ask_pin(found, Vec::new());
        }
    }

    fn ask_pin(&mut self, found: FoundConference<M>, feedback: Vec<SpeechPart>) {
        self.say(prompts(feedback, &[keys::ENTER_PIN]));
        self.state = State::Pin {
            found,
            entry: DigitEntry::new(*self.config.pin_length.end()),
        };
    }

    pub(super) fn on_pin_key(&mut self, now: Instant, key: Key) {
        self.barge_in();
        let State::Pin { entry, .. } = &mut self.state else {
            return;
        };
        match key {
            Key::Digit(digit) => match entry.push(digit) {
                Pushed::Kept => self.deadline = Some(now + self.config.inter_digit_timeout),
                Pushed::TooLong => {
                    if let State::Pin { found, .. } = self.take_state() {
                        self.pin_failed(found, wrong_pin());
                    }
                }
            },
            Key::Star => {
                entry.clear();
                self.deadline = Some(now + self.config.first_digit_timeout);
            }
            Key::Pound => {
                if let State::Pin { found, entry } = self.take_state() {
                    self.submit_pin(found, entry);
                }
            }
        }
    }

    pub(super) fn on_pin_timeout(&mut self, found: FoundConference<M>, entry: DigitEntry) {
        if entry.is_empty() {
            self.pin_failed(found, Vec::new());
        } else {
            self.submit_pin(found, entry);
        }
    }

    fn submit_pin(&mut self, found: FoundConference<M>, mut entry: DigitEntry) {
        // Entries no PIN can match are refused here, sparing a hash check and the lockout.
        if entry.len() < *self.config.pin_length.start() {
            self.pin_failed(found, wrong_pin());
            return;
        }
        let request = self.new_request();
        self.actions.push_back(IvrAction::VerifyPin {
            request,
            meeting: found.meeting.clone(),
            pin: PinDigits::new(entry.take()),
        });
        self.deadline = None;
        self.state = State::AwaitingPin { request, found };
    }

    /// After the last attempt the caller still gets in, as an attendee (as Teams does).
    fn pin_failed(&mut self, found: FoundConference<M>, feedback: Vec<SpeechPart>) {
        self.pin_failures += 1;
        if self.pin_failures < self.config.max_pin_attempts {
            self.ask_pin(found, feedback);
        } else {
            let preface = prompts(feedback, &[JOIN_AS_ATTENDEE]);
            self.proceed_to_join(found.meeting, Role::Attendee, preface);
        }
    }

    pub(super) fn on_pin(&mut self, found: FoundConference<M>, result: PinResult) {
        match result {
            PinResult::Correct => self.proceed_to_join(found.meeting, Role::Organizer, Vec::new()),
            PinResult::Wrong => self.pin_failed(found, wrong_pin()),
            PinResult::Locked => {
                let preface = prompts(Vec::new(), &[keys::PIN_LOCKED, JOIN_AS_ATTENDEE]);
                self.proceed_to_join(found.meeting, Role::Attendee, preface);
            }
            PinResult::Unavailable => {
                let preface = prompts(Vec::new(), &[JOIN_AS_ATTENDEE]);
                self.proceed_to_join(found.meeting, Role::Attendee, preface);
            }
        }
    }
}

fn wrong_pin() -> Vec<SpeechPart> {
    vec![SpeechPart::Prompt(keys::WRONG_PIN)]
}
