//! One caller's way into a meeting: greeting, language menu, conference ID, organizer PIN,
//! name recording, then [`IvrAction::Join`] (or [`IvrAction::Hangup`] after a goodbye).
//!
//! Sans-IO, like the rest of the crate: the binary feeds key presses, the end of queued
//! speech, lookup and PIN-check results and the current time in, and drains actions:
//!
//! ```text
//! ivr.start(now);
//! loop {
//!     while let Some(action) = ivr.poll_action() { /* Say, LookupConference, Join, ... */ }
//!     sleep until ivr.poll_timeout() or an input arrives, then one of:
//!     ivr.on_digit(now, '5') | ivr.on_playback_finished(now) | ivr.on_lookup_result(..)
//!     | ivr.on_pin_result(..) | ivr.on_name_recorded(..) | ivr.handle_timeout(now)
//! }
//! ```
//!
//! The flow follows Teams dial-in:
//! - The greeting plays in the number's primary language. With secondary languages a menu
//!   follows, each entry in its own language ("For English press 1", "Pour le français
//!   appuyez sur 2"). No key before the menu timeout keeps the primary; an invalid key repeats
//!   the menu once, a second one keeps the primary.
//! - "Enter the conference ID followed by pound." `#` or the inter-digit timeout submits what
//!   was typed. `*` clears the digits typed so far (to fix a typo) without using an attempt.
//!   An empty submission (`#` alone or no key before the first-digit timeout), an ID outside
//!   the configured lengths (refused at the first extra digit) and an unknown ID each use an
//!   attempt; after the last one the caller hears "too many attempts", "goodbye", and the
//!   call is hung up.
//! - When the organizer has a PIN: "If you're the organizer, press star and enter your PIN
//!   followed by pound; otherwise please wait." Without `*` before the timeout the caller
//!   joins as attendee. A wrong PIN (or an empty, short or long one) uses an attempt; after
//!   the last, as in Teams, the caller is told they join as an attendee and does. A locked PIN
//!   or a failed check also joins as attendee, with a word why.
//! - With name recording on, "say your name after the tone" and a beep precede the join; `#`
//!   ends the recording early.
//!
//! Pressing a key over a prompt that asks for keys stops the prompt ([`IvrAction::StopSpeech`])
//! and the key counts. Keys over announcements (goodbye, "joining as attendee", the name
//! prompt) and while a lookup or check is pending are ignored. Each lookup and PIN check
//! carries a [`RequestId`]; a result for any other request is ignored.

mod actions;
mod conference_id;
mod config;
mod digits;
mod joining;
pub mod keys;
mod language_menu;
mod organizer;
mod state;

pub use actions::{
    FoundConference, HangupReason, IvrAction, LookupResult, PinDigits, PinResult, RecordingId,
    RequestId, Role,
};
pub use config::{IvrConfig, IvrConfigError, MAX_SECONDARY_LANGUAGES};

use crate::speech::{keys as shared_keys, Language, PromptKey, SpeechPart, Utterance};
use digits::Key;
use state::{AfterSpeech, State};
use std::collections::VecDeque;
use std::time::Instant;

/// The IVR for one call. `M` is the binary's result of a conference ID lookup (say, the
/// organizer and meeting ids); the IVR hands it back in `VerifyPin` and `Join`.
#[derive(Debug)]
pub struct Ivr<M> {
    config: IvrConfig,
    language: Language,
    state: State<M>,
    /// Speech has been queued and its end not yet reported (nor stopped).
    speaking: bool,
    deadline: Option<Instant>,
    actions: VecDeque<IvrAction<M>>,
    next_request: u64,
    conference_id_failures: u32,
    pin_failures: u32,
    /// The config's setting until a lookup reports the organization's own.
    record_names: bool,
}

impl<M: Clone> Ivr<M> {
    pub fn new(config: IvrConfig) -> Result<Self, IvrConfigError> {
        config.validate()?;
        Ok(Self {
            language: config.primary_language.clone(),
            record_names: config.record_names,
            config,
            state: State::NotStarted,
            speaking: false,
            deadline: None,
            actions: VecDeque::new(),
            next_request: 0,
            conference_id_failures: 0,
            pin_failures: 0,
        })
    }

    /// The call is answered: greet the caller.
    pub fn start(&mut self, _now: Instant) {
        if !matches!(self.state, State::NotStarted) {
            return;
        }
        self.say(vec![SpeechPart::Prompt(shared_keys::GREETING)]);
        if self.config.secondary_languages.is_empty() {
            self.ask_conference_id(Vec::new());
        } else {
            self.offer_language_menu(false);
        }
    }

    /// A dial-pad key: `'0'..='9'`, `'*'` or `'#'` (as `DtmfDigit::as_char` gives); other
    /// keys are ignored.
    pub fn on_digit(&mut self, now: Instant, key: char) {
        let Some(key) = Key::from_char(key) else {
            return;
        };
        match &self.state {
            State::LanguageMenu { repeated } => self.on_language_key(key, *repeated),
            State::ConferenceId { .. } => self.on_conference_id_key(now, key),
            State::OrganizerChoice { .. } => self.on_organizer_choice_key(key),
            State::Pin { .. } => self.on_pin_key(now, key),
            State::RecordingName { .. } => self.on_recording_key(key),
            State::NotStarted
            | State::AwaitingLookup { .. }
            | State::AwaitingPin { .. }
            | State::Announcing { .. }
            | State::Finished => {}
        }
    }

    /// All speech queued so far has played out.
    pub fn on_playback_finished(&mut self, now: Instant) {
        if !std::mem::take(&mut self.speaking) {
            return;
        }
        match &self.state {
            State::LanguageMenu { .. } => {
                self.deadline = Some(now + self.config.language_menu_timeout);
            }
            State::ConferenceId { entry } | State::Pin { entry, .. } if entry.is_empty() => {
                self.deadline = Some(now + self.config.first_digit_timeout);
            }
            State::OrganizerChoice { .. } => {
                self.deadline = Some(now + self.config.organizer_star_timeout);
            }
            State::Announcing { .. } => {
                if let State::Announcing { then } = self.take_state() {
                    self.after_speech(now, then);
                }
            }
            _ => {}
        }
    }

    /// The answer to [`IvrAction::LookupConference`] `request`.
    pub fn on_lookup_result(&mut self, _now: Instant, request: RequestId, result: LookupResult<M>) {
        if matches!(self.state, State::AwaitingLookup { request: pending } if pending == request) {
            self.on_lookup(result);
        }
    }

    /// The answer to [`IvrAction::VerifyPin`] `request`.
    pub fn on_pin_result(&mut self, _now: Instant, request: RequestId, result: PinResult) {
        if let State::AwaitingPin {
            request: pending, ..
        } = &self.state
        {
            if *pending == request {
                if let State::AwaitingPin { found, .. } = self.take_state() {
                    self.on_pin(found, result);
                }
            }
        }
    }

    /// The name recording ended; `None` when nothing usable was recorded.
    pub fn on_name_recorded(&mut self, _now: Instant, recording: Option<RecordingId>) {
        if let State::RecordingName { .. } = &self.state {
            if let State::RecordingName { meeting, role } = self.take_state() {
                self.join(meeting, role, recording);
            }
        }
    }

    /// Call when `now` has reached [`Self::poll_timeout`] (earlier calls do nothing).
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.deadline.is_none_or(|deadline| now < deadline) {
            return;
        }
        self.deadline = None;
        match self.take_state() {
            State::LanguageMenu { .. } => self.ask_conference_id(Vec::new()),
            State::ConferenceId { entry } => self.on_conference_id_timeout(entry),
            State::OrganizerChoice { found } => {
                self.proceed_to_join(found.meeting, Role::Attendee, Vec::new());
            }
            State::Pin { found, entry } => self.on_pin_timeout(found, entry),
            State::RecordingName { meeting, role } => self.join(meeting, role, None),
            other => self.state = other,
        }
    }

    /// When to call [`Self::handle_timeout`].
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }

    /// The next thing to do, in order.
    pub fn poll_action(&mut self) -> Option<IvrAction<M>> {
        self.actions.pop_front()
    }

    /// The language the caller hears (and joins with): the primary until they pick another.
    pub fn language(&self) -> &Language {
        &self.language
    }

    /// Joined or hung up; no more actions will come.
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Finished)
    }

    fn take_state(&mut self) -> State<M> {
        std::mem::replace(&mut self.state, State::Finished)
    }

    fn after_speech(&mut self, now: Instant, then: AfterSpeech<M>) {
        match then {
            AfterSpeech::RecordName { meeting, role } => {
                self.start_name_recording(now, meeting, role);
            }
            AfterSpeech::Join { meeting, role } => self.join(meeting, role, None),
            AfterSpeech::Hangup(reason) => {
                self.actions.push_back(IvrAction::Hangup { reason });
                self.state = State::Finished;
            }
        }
    }

    /// Queues speech in the caller's language; timers wait for it to end.
    fn say(&mut self, parts: Vec<SpeechPart>) {
        let language = self.language.clone();
        self.say_in(language, parts);
    }

    fn say_in(&mut self, language: Language, parts: Vec<SpeechPart>) {
        self.actions
            .push_back(IvrAction::Say(Utterance { language, parts }));
        self.speaking = true;
        self.deadline = None;
    }

    /// A key pressed over a prompt stops it.
    fn barge_in(&mut self) {
        if std::mem::take(&mut self.speaking) {
            self.actions.push_back(IvrAction::StopSpeech);
        }
    }

    fn new_request(&mut self) -> RequestId {
        self.next_request += 1;
        RequestId(self.next_request)
    }
}

/// `feedback` followed by `keys`, as speech.
fn prompts(mut feedback: Vec<SpeechPart>, keys: &[PromptKey]) -> Vec<SpeechPart> {
    feedback.extend(keys.iter().map(|key| SpeechPart::Prompt(*key)));
    feedback
}
