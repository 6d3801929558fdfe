//! A person the meeting dialed out to: "You have been invited to a meeting. Press 1 to join."
//!
//! Teams' dial-out join confirmation exists because a voicemail box or a child answering
//! must not land in a meeting; so the callee joins only after pressing 1. Organizations
//! may switch the confirmation off, and then the callee joins as soon as they answer.
//! The prompt repeats a few times; silence or any other key ends the call politely.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::speech::{keys, Language, SpeechPart, Utterance};

/// How long we wait for the key after the prompt ends, before saying it again.
pub const KEY_WAIT: Duration = Duration::from_secs(6);

/// How many times the prompt is said before we give up.
pub const PROMPT_TIMES: u32 = 3;

/// The key that accepts the invitation.
pub const JOIN_KEY: char = '1';

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitedAction {
    Say(Utterance),
    /// Stop the prompt now playing (the callee pressed 1 during it).
    StopSpeech,
    /// Put the callee in the meeting.
    Join,
    /// End the call once the last prompt has played.
    Hangup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The prompt is playing.
    Prompting,
    /// The prompt ended; waiting for the key until the deadline.
    Waiting { until: Instant },
    /// Joined or hung up: nothing more happens here.
    Done,
}

/// One dialed-out callee from answer to join (or goodbye).
#[derive(Debug)]
pub struct InvitedCallee {
    language: Language,
    state: State,
    prompts_said: u32,
    actions: VecDeque<InvitedAction>,
}

impl InvitedCallee {
    /// The callee answered. With `confirm`, they are asked to press 1; without, they join.
    pub fn answered(language: Language, confirm: bool) -> Self {
        let mut callee = InvitedCallee {
            language,
            state: State::Done,
            prompts_said: 0,
            actions: VecDeque::new(),
        };
        if confirm {
            callee.prompt();
        } else {
            callee.actions.push_back(InvitedAction::Join);
        }
        callee
    }

    pub fn language(&self) -> &Language {
        &self.language
    }

    pub fn on_digit(&mut self, _now: Instant, digit: char) {
        if self.state == State::Done || digit != JOIN_KEY {
            return;
        }
        if self.state == State::Prompting {
            self.actions.push_back(InvitedAction::StopSpeech);
        }
        self.state = State::Done;
        self.actions.push_back(InvitedAction::Join);
    }

    /// The last `Say` finished playing.
    pub fn on_playback_finished(&mut self, now: Instant) {
        if self.state == State::Prompting {
            self.state = State::Waiting {
                until: now + KEY_WAIT,
            };
        }
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Waiting { until } => Some(until),
            _ => None,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        let State::Waiting { until } = self.state else {
            return;
        };
        if now < until {
            return;
        }
        if self.prompts_said < PROMPT_TIMES {
            self.prompt();
        } else {
            self.state = State::Done;
            self.say(keys::GOODBYE);
            self.actions.push_back(InvitedAction::Hangup);
        }
    }

    pub fn poll_action(&mut self) -> Option<InvitedAction> {
        self.actions.pop_front()
    }

    fn prompt(&mut self) {
        self.prompts_said += 1;
        self.state = State::Prompting;
        self.say(keys::DIAL_OUT_INVITED);
    }

    fn say(&mut self, key: crate::speech::PromptKey) {
        self.actions.push_back(InvitedAction::Say(Utterance {
            language: self.language.clone(),
            parts: vec![SpeechPart::Prompt(key)],
        }));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn drain(callee: &mut InvitedCallee) -> Vec<InvitedAction> {
        std::iter::from_fn(|| callee.poll_action()).collect()
    }

    fn said(actions: &[InvitedAction]) -> Vec<&'static str> {
        actions
            .iter()
            .filter_map(|action| match action {
                InvitedAction::Say(utterance) => match utterance.parts.first() {
                    Some(SpeechPart::Prompt(key)) => Some(key.0),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    fn english() -> Language {
        Language::new("en-US")
    }

    #[test]
    fn without_confirmation_the_callee_joins_at_once() {
        let mut callee = InvitedCallee::answered(english(), false);
        assert_eq!(drain(&mut callee), vec![InvitedAction::Join]);
        assert_eq!(callee.poll_timeout(), None);
    }

    #[test]
    fn pressing_1_during_the_prompt_stops_it_and_joins() {
        let now = Instant::now();
        let mut callee = InvitedCallee::answered(english(), true);
        assert_eq!(said(&drain(&mut callee)), vec!["dial-out-invited"]);
        callee.on_digit(now, '1');
        assert_eq!(
            drain(&mut callee),
            vec![InvitedAction::StopSpeech, InvitedAction::Join]
        );
        // A second 1 (or a late timer) changes nothing.
        callee.on_digit(now, '1');
        callee.handle_timeout(now + Duration::from_secs(60));
        assert!(drain(&mut callee).is_empty());
    }

    #[test]
    fn pressing_1_after_the_prompt_joins_without_stopping_anything() {
        let now = Instant::now();
        let mut callee = InvitedCallee::answered(english(), true);
        drain(&mut callee);
        callee.on_playback_finished(now);
        callee.on_digit(now + Duration::from_secs(2), '1');
        assert_eq!(drain(&mut callee), vec![InvitedAction::Join]);
    }

    #[test]
    fn other_keys_do_not_join() {
        let now = Instant::now();
        let mut callee = InvitedCallee::answered(english(), true);
        drain(&mut callee);
        for key in ['2', '*', '#', '0'] {
            callee.on_digit(now, key);
        }
        assert!(drain(&mut callee).is_empty());
    }

    #[test]
    fn silence_repeats_the_prompt_then_says_goodbye_and_hangs_up() {
        let mut now = Instant::now();
        let mut callee = InvitedCallee::answered(english(), true);
        let mut prompts = said(&drain(&mut callee));
        for _ in 1..PROMPT_TIMES {
            callee.on_playback_finished(now);
            let due = callee.poll_timeout().unwrap();
            assert_eq!(due, now + KEY_WAIT);
            // Not yet due: nothing happens.
            callee.handle_timeout(due - Duration::from_millis(1));
            assert!(drain(&mut callee).is_empty());
            now = due;
            callee.handle_timeout(now);
            prompts.extend(said(&drain(&mut callee)));
        }
        assert_eq!(prompts, vec!["dial-out-invited"; PROMPT_TIMES as usize]);
        callee.on_playback_finished(now);
        now += KEY_WAIT;
        callee.handle_timeout(now);
        let last = drain(&mut callee);
        assert_eq!(said(&last), vec!["goodbye"]);
        assert_eq!(last.last(), Some(&InvitedAction::Hangup));
        assert_eq!(callee.poll_timeout(), None);
        // After goodbye a 1 is too late.
        callee.on_digit(now, '1');
        assert!(drain(&mut callee).is_empty());
    }
}
