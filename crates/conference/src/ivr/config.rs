//! How one dialed number's IVR behaves.

use crate::speech::Language;
use std::ops::RangeInclusive;
use std::time::Duration;

/// At most this many languages besides the primary one, so the menu fits keys 1 to 5.
pub const MAX_SECONDARY_LANGUAGES: usize = 4;

/// The settings of the dialed number (languages) and of the service (timeouts, limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IvrConfig {
    /// The language of the greeting, and of everything else unless the caller picks another.
    pub primary_language: Language,
    /// Offered in the language menu as keys 2, 3, ...; empty means no menu.
    pub secondary_languages: Vec<Language>,
    /// How long after the menu ends the caller may pick a language before the primary stays.
    pub language_menu_timeout: Duration,
    /// How long after a prompt ends the caller may take to press the first key.
    pub first_digit_timeout: Duration,
    /// How long after a key the caller may take to press the next one; then what they typed
    /// is submitted as if they had pressed `#`.
    pub inter_digit_timeout: Duration,
    /// How long after the "organizer: press star" prompt ends before joining as attendee.
    pub organizer_star_timeout: Duration,
    /// Conference ID entries (wrong, empty or timed out) before the call is ended.
    pub max_conference_id_attempts: u32,
    /// Organizer PIN entries per call before the caller joins as attendee.
    pub max_pin_attempts: u32,
    /// Ask callers to record their name before joining (the organization's "names" setting);
    /// a lookup result may override it for the organization it found.
    pub record_names: bool,
    /// The longest name recording.
    pub max_name_recording: Duration,
    /// How long past `max_name_recording` to wait for the recording before joining without it.
    pub name_recording_grace: Duration,
    /// Valid conference ID lengths; a longer entry is refused at the first extra digit.
    pub conference_id_length: RangeInclusive<usize>,
    /// Valid organizer PIN lengths.
    pub pin_length: RangeInclusive<usize>,
}

impl IvrConfig {
    /// The defaults (Teams-like timings, three tries each), for a number in `primary_language`.
    pub fn new(primary_language: Language) -> Self {
        Self {
            primary_language,
            secondary_languages: Vec::new(),
            language_menu_timeout: Duration::from_secs(5),
            first_digit_timeout: Duration::from_secs(10),
            inter_digit_timeout: Duration::from_secs(5),
            organizer_star_timeout: Duration::from_secs(5),
            max_conference_id_attempts: 3,
            max_pin_attempts: 3,
            record_names: false,
            max_name_recording: Duration::from_secs(5),
            name_recording_grace: Duration::from_secs(2),
            // The admin rules issue conference IDs of 5 to 10 digits and PINs of 4 to 12.
            conference_id_length: 5..=10,
            pin_length: 4..=12,
        }
    }

    /// The primary language followed by the secondary ones: the menu in key order.
    pub fn languages(&self) -> impl Iterator<Item = &Language> {
        std::iter::once(&self.primary_language).chain(&self.secondary_languages)
    }

    /// Checks the settings that would make the flow impossible.
    pub fn validate(&self) -> Result<(), IvrConfigError> {
        if self.secondary_languages.len() > MAX_SECONDARY_LANGUAGES {
            return Err(IvrConfigError::TooManySecondaryLanguages {
                count: self.secondary_languages.len(),
            });
        }
        if self.max_conference_id_attempts == 0 || self.max_pin_attempts == 0 {
            return Err(IvrConfigError::NoAttempts);
        }
        for (what, range) in [
            ("conference ID", &self.conference_id_length),
            ("PIN", &self.pin_length),
        ] {
            if *range.start() == 0 || range.is_empty() {
                return Err(IvrConfigError::LengthBounds {
                    what,
                    min: *range.start(),
                    max: *range.end(),
                });
            }
        }
        Ok(())
    }
}

/// Why an [`IvrConfig`] cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IvrConfigError {
    #[error("{count} secondary languages; the menu offers at most {MAX_SECONDARY_LANGUAGES}")]
    TooManySecondaryLanguages { count: usize },
    #[error("conference ID and PIN attempts must each be at least 1")]
    NoAttempts,
    #[error("{what} length bounds {min}..={max} admit no entry")]
    LengthBounds {
        what: &'static str,
        min: usize,
        max: usize,
    },
}
