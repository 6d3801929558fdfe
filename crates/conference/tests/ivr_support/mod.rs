//! A simulated call around the IVR: a clock that only moves when told, and the actions each
//! input produced.
#![allow(dead_code, clippy::unwrap_used)]

use dialbridge_conference::ivr::{
    FoundConference, Ivr, IvrAction, IvrConfig, LookupResult, PinResult, RecordingId, RequestId,
};
use dialbridge_conference::speech::{keys, Language, PromptKey, SpeechPart, Utterance};
use std::time::{Duration, Instant};

/// The meeting the fake lookup finds.
pub const MEETING: u32 = 42;

pub type Action = IvrAction<u32>;

pub fn en() -> Language {
    Language::new("en-US")
}

pub fn fr() -> Language {
    Language::new("fr-FR")
}

pub fn de() -> Language {
    Language::new("de-DE")
}

pub fn config() -> IvrConfig {
    IvrConfig::new(en())
}

/// `Say` of these prompts in `language`.
pub fn say(language: Language, prompts: &[PromptKey]) -> Action {
    say_parts(
        language,
        prompts.iter().map(|key| SpeechPart::Prompt(*key)).collect(),
    )
}

pub fn say_parts(language: Language, parts: Vec<SpeechPart>) -> Action {
    IvrAction::Say(Utterance { language, parts })
}

pub fn found(organizer_can_use_pin: bool) -> LookupResult<u32> {
    LookupResult::Found(FoundConference {
        meeting: MEETING,
        organizer_can_use_pin,
        pin_locked: false,
        record_names: None,
    })
}

pub struct Call {
    pub ivr: Ivr<u32>,
    pub start: Instant,
    pub now: Instant,
    last_request: Option<RequestId>,
}

impl Call {
    pub fn new(config: IvrConfig) -> Self {
        let start = Instant::now();
        Self {
            ivr: Ivr::new(config).unwrap(),
            start,
            now: start,
            last_request: None,
        }
    }

    /// Time since the call was answered.
    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    pub fn start(&mut self) -> Vec<Action> {
        self.ivr.start(self.now);
        self.drain()
    }

    /// Presses each key at the current time.
    pub fn press(&mut self, keys: &str) -> Vec<Action> {
        for key in keys.chars() {
            self.ivr.on_digit(self.now, key);
        }
        self.drain()
    }

    pub fn playback_finished(&mut self) -> Vec<Action> {
        self.ivr.on_playback_finished(self.now);
        self.drain()
    }

    /// Moves the clock on and lets the IVR see the time.
    pub fn advance(&mut self, by: Duration) -> Vec<Action> {
        self.now += by;
        self.ivr.handle_timeout(self.now);
        self.drain()
    }

    /// Sleeps until the IVR's deadline, as the binary would.
    pub fn wait_for_timeout(&mut self) -> Vec<Action> {
        let deadline = self.ivr.poll_timeout().expect("a timer is armed");
        assert!(deadline >= self.now, "deadline in the past");
        self.now = deadline;
        self.ivr.handle_timeout(self.now);
        self.drain()
    }

    pub fn lookup_result(&mut self, result: LookupResult<u32>) -> Vec<Action> {
        let request = self.last_request.expect("a lookup was requested");
        self.ivr.on_lookup_result(self.now, request, result);
        self.drain()
    }

    pub fn pin_result(&mut self, result: PinResult) -> Vec<Action> {
        let request = self.last_request.expect("a PIN check was requested");
        self.ivr.on_pin_result(self.now, request, result);
        self.drain()
    }

    pub fn name_recorded(&mut self, recording: Option<RecordingId>) -> Vec<Action> {
        self.ivr.on_name_recorded(self.now, recording);
        self.drain()
    }

    /// The request id of the latest lookup or PIN check.
    pub fn last_request(&self) -> RequestId {
        self.last_request.expect("a request was made")
    }

    fn drain(&mut self) -> Vec<Action> {
        let actions: Vec<Action> = std::iter::from_fn(|| self.ivr.poll_action()).collect();
        for action in &actions {
            match action {
                IvrAction::LookupConference { request, .. }
                | IvrAction::VerifyPin { request, .. } => self.last_request = Some(*request),
                _ => {}
            }
        }
        actions
    }

    /// Answers, lets the greeting and question play out: ready for the conference ID.
    pub fn at_conference_id_prompt(config: IvrConfig) -> Self {
        let mut call = Self::new(config);
        call.start();
        call.playback_finished();
        call
    }

    /// Up to the organizer question having played out, for a meeting whose organizer has a PIN.
    pub fn at_organizer_choice(config: IvrConfig, found: LookupResult<u32>) -> Self {
        let mut call = Self::at_conference_id_prompt(config);
        call.press("1234567#");
        assert_eq!(
            call.lookup_result(found),
            vec![say(en(), &[keys::ORGANIZER_PIN_OR_WAIT])]
        );
        call.playback_finished();
        call
    }

    /// Pressed `*` and heard "enter your PIN" to the end.
    pub fn at_pin_prompt(config: IvrConfig) -> Self {
        let mut call = Self::at_organizer_choice(config, found(true));
        assert_eq!(call.press("*"), vec![say(en(), &[keys::ENTER_PIN])]);
        call.playback_finished();
        call
    }
}

/// The `Join` action to expect.
pub fn join(
    role: dialbridge_conference::ivr::Role,
    language: Language,
    name: Option<RecordingId>,
) -> Action {
    IvrAction::Join {
        meeting: MEETING,
        role,
        language,
        name,
    }
}
