//! Writing an approved number and our caller ID the way a trunk wants them.

use super::config::OutboundTrunk;
use crate::policy::Approved;
use phonenumber::Mode;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How the called number is written in the Request-URI and To.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberFormat {
    /// `+442079460000`.
    #[default]
    E164,
    /// `442079460000`: E.164 without the plus.
    E164Digits,
    /// As dialed in the trunk's `country`: `02079460000` at home, and abroad the country's
    /// international prefix and the E.164 digits (`00442079460000` from FR, `011…` from US).
    National,
}

/// Which number we present as the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallerIdRule {
    /// The meeting's dial-in number, so the callee can call back into the meeting.
    DialInNumber,
    /// The organizer's default number (from their profile).
    OrganizerDefault,
    /// Always this E.164 number.
    Fixed(String),
}

/// The numbers a caller-ID rule may pick from, for one call, in E.164.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallerIdSources<'a> {
    pub dial_in_number: Option<&'a str>,
    pub organizer_default: Option<&'a str>,
}

/// Our identity on one outbound call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerId {
    /// `+12025550100`.
    pub e164: String,
    /// The From header's URI: `sip:<number in the trunk's format>@<from_domain>`.
    pub from_uri: String,
    /// The P-Asserted-Identity value (RFC 3325), always E.164:
    /// `<sip:+12025550100@from_domain;user=phone>`.
    pub p_asserted_identity: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallerIdError {
    #[error(
        "the trunk presents the meeting's dial-in number as caller ID, but this call has none"
    )]
    NoDialInNumber,
    #[error("the trunk presents the organizer's default number as caller ID, but the organizer has none")]
    NoOrganizerDefault,
    #[error("caller ID {0:?} is not an E.164 number")]
    NotE164(String),
}

/// The trunk already carries its `max_concurrent_calls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the outbound trunk is at its limit of {limit} concurrent calls")]
pub struct TrunkFull {
    pub limit: u32,
}

impl OutboundTrunk {
    /// The called number as this trunk wants it: formatted, then `prefix` prepended.
    pub fn dial_string(&self, approved: &Approved) -> String {
        format!("{}{}", self.prefix, self.format_number(&approved.e164))
    }

    /// `sip:<dial string>@<proxy host:port>` for the INVITE's Request-URI and To.
    pub fn request_uri(&self, approved: &Approved) -> String {
        // `#` (a tech-prefix separator) is not allowed bare in a SIP URI user part.
        format!(
            "sip:{}@{}",
            self.dial_string(approved).replace('#', "%23"),
            self.proxy.uri_hostport()
        )
    }

    /// Applies the caller-ID rule. The number is formatted like called numbers (without the
    /// tech prefix) in From, and given in E.164 in P-Asserted-Identity.
    pub fn caller_id(&self, sources: CallerIdSources<'_>) -> Result<CallerId, CallerIdError> {
        let chosen = match &self.caller_id {
            CallerIdRule::DialInNumber => sources
                .dial_in_number
                .ok_or(CallerIdError::NoDialInNumber)?,
            CallerIdRule::OrganizerDefault => sources
                .organizer_default
                .ok_or(CallerIdError::NoOrganizerDefault)?,
            CallerIdRule::Fixed(number) => number.as_str(),
        };
        let e164 = checked_e164(chosen).ok_or_else(|| CallerIdError::NotE164(chosen.to_owned()))?;
        Ok(CallerId {
            from_uri: format!("sip:{}@{}", self.format_number(&e164), self.from_domain),
            p_asserted_identity: format!("<sip:{e164}@{};user=phone>", self.from_domain),
            e164,
        })
    }

    /// Refuses a call when `active` calls already use the trunk.
    pub fn admit_call(&self, active: u32) -> Result<(), TrunkFull> {
        if active >= self.max_concurrent_calls {
            return Err(TrunkFull {
                limit: self.max_concurrent_calls,
            });
        }
        Ok(())
    }

    fn format_number(&self, e164: &str) -> String {
        let digits = e164.trim_start_matches('+');
        match (self.number_format, self.country) {
            (NumberFormat::E164, _) => format!("+{digits}"),
            (NumberFormat::E164Digits, _) => digits.to_owned(),
            (NumberFormat::National, Some(country)) => {
                national_form(e164, country.as_str()).unwrap_or_else(|| format!("+{digits}"))
            }
            // Config validation requires a country for National; E.164 is the safe reading.
            (NumberFormat::National, None) => format!("+{digits}"),
        }
    }
}

/// `e164` as dialed from `country`: the national form at home, the international prefix
/// and the digits abroad. `None` when libphonenumber cannot say (then E.164 is sent).
fn national_form(e164: &str, country: &str) -> Option<String> {
    let parsed = phonenumber::parse(None, e164).ok()?;
    let home = parsed
        .country()
        .id()
        .is_some_and(|id| id.as_ref() == country);
    if home {
        let national = parsed.format().mode(Mode::National).to_string();
        return Some(national.chars().filter(char::is_ascii_digit).collect());
    }
    let metadata = phonenumber::metadata::DATABASE.by_id(country)?;
    let idd = match metadata.preferred_international_prefix() {
        Some(preferred) => preferred.to_owned(),
        None => {
            let pattern = metadata.international_prefix()?.as_str();
            pattern
                .chars()
                .all(|c| c.is_ascii_digit())
                .then(|| pattern.to_owned())?
        }
    };
    Some(format!("{idd}{}", e164.trim_start_matches('+')))
}

/// `number` in E.164 if it is a valid number with a leading `+`.
pub(super) fn checked_e164(number: &str) -> Option<String> {
    let trimmed = number.trim();
    let body = trimmed.strip_prefix('+')?;
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit()) || body.len() > 15 {
        return None;
    }
    let parsed = phonenumber::parse(None, trimmed).ok()?;
    parsed
        .is_valid()
        .then(|| parsed.format().mode(Mode::E164).to_string())
}
