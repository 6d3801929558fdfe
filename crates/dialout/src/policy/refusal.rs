//! Why a dial-out was refused, in words an admin reading the log understands.

use crate::Country;
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// One precise reason per rule, so the admin log and the API can say exactly which rule
/// stopped the call (and a person can tell a typo from a fraud attempt).
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum RefusalReason {
    #[error("the organizer may not dial out (their dial-out policy is \"none\")")]
    DialOutDisabled,
    #[error("no number was entered")]
    Empty,
    #[error("this is not a telephone number (only digits, a leading + and spaces, dashes, dots, parentheses or slashes are accepted)")]
    NotANumber,
    #[error("this number has no country code and no country was given to read it in; start it with + and the country code")]
    NeedsCountryCode,
    #[error("the number does not start with a valid country code")]
    InvalidCountryCode,
    #[error("the number is too short to be a telephone number")]
    TooShort,
    #[error("the number is too long to be a telephone number")]
    TooLong,
    #[error("the number has an extension, which dial-out cannot dial")]
    HasExtension,
    #[error("the number is not in use in its country, as far as the numbering plan knows")]
    NotInNumberingPlan,
    #[error("the number belongs to no country (a global or satellite service), a common toll-fraud destination")]
    NoCountry,
    #[error("the number is premium rate, which dial-out never calls")]
    PremiumRate,
    #[error("the number is shared cost, which dial-out never calls")]
    SharedCost,
    #[error("the number is a personal (follow-me) number, often billed like premium rate; dial-out never calls these")]
    PersonalNumber,
    #[error("the number is a universal access (company) number with unpredictable cost; dial-out never calls these")]
    UniversalAccess,
    #[error("the number is a voicemail access number; no person would answer")]
    Voicemail,
    #[error("the number is a pager, which cannot join an audio meeting")]
    Pager,
    #[error("the number is an emergency or short-code service; dial-out never calls these")]
    ShortCodeOrEmergency,
    #[error(
        "the numbering plan cannot say what kind of number this is, so dial-out does not call it"
    )]
    UnclassifiedNumberType,
    #[error("the number is in {destination}, but the organizer may only call numbers in {organizer_country}")]
    InternationalNotAllowed {
        destination: Country,
        organizer_country: Country,
    },
    #[error("the organization does not allow calls to {destination}")]
    CountryNotAllowed { destination: Country },
    #[error("the number is a toll-free number in {destination}; toll-free numbers are only called within the organizer's country ({organizer_country})")]
    TollFreeAbroad {
        destination: Country,
        organizer_country: Country,
    },
    #[error("this meeting already has {limit} dial-out calls, its limit")]
    MeetingLimitReached { limit: u32 },
    #[error("the organization already has {limit} dial-out calls, its limit")]
    OrganizationLimitReached { limit: u32 },
}

/// A refused dial-out: the reason, and the number in E.164 when it could be read (so the
/// log shows what would have been called).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub reason: RefusalReason,
    pub e164: Option<String>,
}

impl Refusal {
    pub(crate) fn unparsed(reason: RefusalReason) -> Self {
        Self { reason, e164: None }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.e164 {
            Some(e164) => write!(f, "dial-out to {e164} refused: {}", self.reason),
            None => write!(f, "dial-out refused: {}", self.reason),
        }
    }
}

impl std::error::Error for Refusal {}
