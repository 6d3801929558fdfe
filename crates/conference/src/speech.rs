//! What the bridge says. A [`PromptKey`] names a recorded prompt: the file
//! `prompts/<language>/<key>.opus` (or an operator's `<key>.wav` beside it). Numbers and
//! digit strings are spoken from the `number-N` and `digit-N` prompts.

/// A prompt language tag as used for the prompt folders, e.g. `en-US`, `fr-FR`, `zh-CN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language(pub String);

impl Language {
    pub fn new(tag: impl Into<String>) -> Self {
        Self(tag.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The stem of a prompt file, e.g. `enter-conference-id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PromptKey(pub &'static str);

/// One piece of an utterance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpeechPart {
    /// A recorded prompt.
    Prompt(PromptKey),
    /// A count, 0 to 250, spoken as a number ("number-N"); larger ones are spoken digit by digit.
    Number(u32),
    /// A digit string spoken one key at a time ("digit-N", "key-star", "key-pound").
    Digits(String),
    /// The name a participant recorded at join, by the participant's id in the meeting.
    RecordedName(u64),
    /// A short tone.
    Tone(Tone),
    /// Silence, in milliseconds.
    Pause(u32),
}

/// The tones the bridge plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// Someone joined.
    Entry,
    /// Someone left.
    Exit,
    /// A dial-pad command was not understood.
    Error,
    /// Start speaking now (before name recording).
    Beep,
}

/// A sequence of parts spoken in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub language: Language,
    pub parts: Vec<SpeechPart>,
}

/// The prompt keys the dial-in flow uses. `prompts/<lang>/` holds one file for each, plus
/// `digit-0`..`digit-9`, `key-star`, `key-pound` and `number-0`..`number-250`.
pub mod keys {
    use super::PromptKey;

    macro_rules! keys {
        ($($name:ident = $stem:literal,)*) => {
            $(pub const $name: PromptKey = PromptKey($stem);)*
            /// Every key above, for checking that each language has each file.
            pub const ALL: &[PromptKey] = &[$($name),*];
        };
    }

    keys! {
        GREETING = "greeting",
        LANGUAGE_SELECT = "language-select",
        ENTER_CONFERENCE_ID = "enter-conference-id",
        INVALID_CONFERENCE_ID = "invalid-conference-id",
        TOO_MANY_ATTEMPTS = "too-many-attempts",
        GOODBYE = "goodbye",
        ORGANIZER_PIN_OR_WAIT = "organizer-pin-or-wait",
        ENTER_PIN = "enter-pin",
        WRONG_PIN = "wrong-pin",
        PIN_LOCKED = "pin-locked",
        LOBBY_WAITING = "lobby-waiting",
        MEETING_LOCKED = "meeting-locked",
        MEETING_FULL = "meeting-full",
        JOINED = "joined",
        MUTED = "muted",
        UNMUTED = "unmuted",
        HAND_RAISED = "hand-raised",
        HAND_LOWERED = "hand-lowered",
        ALL_MUTED = "all-muted",
        ALL_UNMUTED = "all-unmuted",
        MEETING_LOCKED_NOW = "meeting-locked-now",
        MEETING_UNLOCKED_NOW = "meeting-unlocked-now",
        LOBBY_ADMITTED = "lobby-admitted",
        ANNOUNCEMENTS_ON = "announcements-on",
        ANNOUNCEMENTS_OFF = "announcements-off",
        PARTICIPANT_COUNT_BEFORE = "participant-count-before",
        PARTICIPANT_COUNT_AFTER = "participant-count-after",
        HELP_INTRO = "help-intro",
        HELP_HELP = "help-help",
        HELP_MUTE = "help-mute",
        HELP_HAND = "help-hand",
        HELP_COUNT = "help-count",
        HELP_MUTE_ALL = "help-mute-all",
        HELP_LOCK = "help-lock",
        HELP_ADMIT = "help-admit",
        HELP_ANNOUNCEMENTS = "help-announcements",
        HELP_OPERATOR = "help-operator",
        HELP_DIAL_OUT = "help-dial-out",
        RECORD_NAME = "record-name",
        HAS_JOINED = "has-joined",
        HAS_LEFT = "has-left",
        ROLL_CALL_INTRO = "roll-call-intro",
        MEETING_ENDING_ORGANIZER_LEFT = "meeting-ending-organizer-left",
        MEETING_ENDED = "meeting-ended",
        OPERATOR_TRANSFER = "operator-transfer",
        OPERATOR_UNAVAILABLE = "operator-unavailable",
        ONLY_ORGANIZER = "only-organizer",
        DIAL_OUT_ENTER_NUMBER = "dial-out-enter-number",
        DIAL_OUT_CALLING = "dial-out-calling",
        DIAL_OUT_NOT_ALLOWED = "dial-out-not-allowed",
        DIAL_OUT_INVITED = "dial-out-invited",
        DIAL_OUT_BUSY = "dial-out-busy",
        DIAL_OUT_NO_ANSWER = "dial-out-no-answer",
        DIAL_OUT_FAILED = "dial-out-failed",
        DIAL_OUT_ANSWERED = "dial-out-answered",
        KEY_STAR = "key-star",
        KEY_POUND = "key-pound",
    }
}
