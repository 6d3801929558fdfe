//! An organizer calling someone into the meeting: the number is collected here; the policy
//! check and the call itself are the binary's, which reports back with `dial_out_result`.

use std::time::Instant;

use crate::speech::{keys as speech_keys, SpeechPart};

use super::actions::MeetingAction;
use super::commands::KeyState;
use super::Meeting;

/// The longest number a dial-out may collect: E.164 allows 15 digits.
const MAX_DIAL_OUT_DIGITS: usize = 15;

/// How a dial-out the meeting asked for went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialOutResult {
    /// The callee answered (and will `join` with `dialed_out: true`).
    Answered,
    Busy,
    NoAnswer,
    Failed,
    /// The organization's dial-out policy refused the number.
    NotAllowed,
}

impl Meeting {
    /// Tells the organizer who asked how the call went. Ignored for callers no longer here.
    pub fn dial_out_result(&mut self, by: u64, result: DialOutResult) {
        if self.ended.is_some() {
            return;
        }
        let prompt = match result {
            DialOutResult::Answered => speech_keys::DIAL_OUT_ANSWERED,
            DialOutResult::Busy => speech_keys::DIAL_OUT_BUSY,
            DialOutResult::NoAnswer => speech_keys::DIAL_OUT_NO_ANSWER,
            DialOutResult::Failed => speech_keys::DIAL_OUT_FAILED,
            DialOutResult::NotAllowed => speech_keys::DIAL_OUT_NOT_ALLOWED,
        };
        self.say_prompt(by, prompt);
    }

    pub(super) fn start_dial_out(&mut self, now: Instant, id: u64) {
        if !self.config.dial_out_allowed {
            return self.say_prompt(id, speech_keys::DIAL_OUT_NOT_ALLOWED);
        }
        self.say_prompt(id, speech_keys::DIAL_OUT_ENTER_NUMBER);
        self.push(MeetingAction::StartDialOut { by: id });
        let deadline = now + self.config.dial_out_digit_timeout;
        self.set_keys(
            id,
            KeyState::CollectingDialOut {
                digits: String::new(),
                deadline,
            },
        );
    }

    pub(super) fn dial_out_key(&mut self, now: Instant, id: u64, mut digits: String, key: char) {
        match key {
            '#' if !digits.is_empty() => {
                self.say_to(
                    id,
                    vec![
                        SpeechPart::Prompt(speech_keys::DIAL_OUT_CALLING),
                        SpeechPart::Digits(digits.clone()),
                    ],
                );
                self.push(MeetingAction::DialOut { by: id, digits });
            }
            '0'..='9' if digits.len() < MAX_DIAL_OUT_DIGITS => {
                digits.push(key);
                let deadline = now + self.config.dial_out_digit_timeout;
                self.set_keys(id, KeyState::CollectingDialOut { digits, deadline });
            }
            // `*`, `#` with no number, A–D, or a 16th digit: give up on this number.
            _ => {
                self.error_tone(id);
                self.push(MeetingAction::DialOutCancelled { by: id });
            }
        }
    }
}
