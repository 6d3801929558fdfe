//! Reading the dialed number with libphonenumber (the `phonenumber` crate): E.164, its
//! country and what kind of number it is.

use super::refusal::RefusalReason;
use crate::Country;
use phonenumber::{Mode, Type};
use serde::Serialize;
use std::fmt;

/// The kinds of number dial-out calls. Everything else is refused (see [`classify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberType {
    FixedLine,
    Mobile,
    /// The numbering plan cannot tell (the US and Canada, for example).
    FixedLineOrMobile,
    /// Called only within the organizer's own country (see the policy).
    TollFree,
    /// Nomadic VoIP ranges (UK 056, FR 09): priced like fixed lines by carriers.
    Voip,
}

impl fmt::Display for NumberType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FixedLine => "fixed line",
            Self::Mobile => "mobile",
            Self::FixedLineOrMobile => "fixed line or mobile",
            Self::TollFree => "toll-free",
            Self::Voip => "VoIP",
        })
    }
}

/// A dialed number that libphonenumber could read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ParsedNumber {
    pub e164: String,
    /// `None` for non-geographic country codes (+800, +881 …).
    pub country: Option<Country>,
    pub kind: Type,
}

/// Longest input handed to libphonenumber: 15 digits, an IDD prefix and generous
/// punctuation.
const MAX_INPUT: usize = 40;

/// Parses `dialed` (keypad digits, where international calls start with the country's IDD
/// prefix such as `00` or `011`, or an API string like `+44 20 7946 0000`). National
/// numbers are read as `national_context`'s.
pub(super) fn parse(
    dialed: &str,
    national_context: Option<Country>,
) -> Result<ParsedNumber, RefusalReason> {
    let trimmed = dialed.trim();
    if trimmed.is_empty() {
        return Err(RefusalReason::Empty);
    }
    screen(trimmed)?;
    let region = national_context.and_then(Country::to_phonenumber);
    // phonenumber 0.3.10 misreads an international number when it is also given a region
    // whose national prefix begins the number after the country code (`+44 121…` read in
    // the US loses its `1`), so international numbers are parsed without a region.
    let (region, text) = if trimmed.starts_with('+') {
        (None, trimmed.to_owned())
    } else {
        match national_context.and_then(|c| after_idd_prefix(trimmed, c)) {
            Some(international) => (None, international),
            None if region.is_none() => return Err(RefusalReason::NeedsCountryCode),
            None => (region, trimmed.to_owned()),
        }
    };
    let parsed = phonenumber::parse(region, &text).map_err(|e| match e {
        phonenumber::ParseError::InvalidCountryCode => RefusalReason::InvalidCountryCode,
        phonenumber::ParseError::TooShortAfterIdd | phonenumber::ParseError::TooShortNsn => {
            RefusalReason::TooShort
        }
        phonenumber::ParseError::TooLong => RefusalReason::TooLong,
        _ => RefusalReason::NotANumber,
    })?;
    if parsed.extension().is_some() {
        return Err(RefusalReason::HasExtension);
    }
    let e164 = parsed.format().mode(Mode::E164).to_string();
    // E.164 allows at most 15 digits after the + (ITU-T E.164 §6).
    if e164.len() > 16 {
        return Err(RefusalReason::TooLong);
    }
    Ok(ParsedNumber {
        country: parsed.country().id().and_then(Country::from_phonenumber),
        kind: parsed.number_type(&phonenumber::metadata::DATABASE),
        e164,
    })
}

/// Rewrites keypad digits that start with `country`'s international (IDD) prefix, such as
/// `011` in the US or `00` in most of Europe, to `+` and what follows.
fn after_idd_prefix(trimmed: &str, country: Country) -> Option<String> {
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let metadata = phonenumber::metadata::DATABASE.by_id(country.as_str())?;
    let idd = metadata.international_prefix()?.find(&digits)?;
    let rest = digits.get(idd.end()..)?;
    (idd.start() == 0 && !rest.is_empty()).then(|| format!("+{rest}"))
}

/// Lets through only what a written or keyed phone number has: digits, one leading `+`,
/// spaces and `- . ( ) /`. libphonenumber's parser has panicked on odd input before, and
/// a caller's keypad or an API client must never crash the service. `*` and `#` are
/// refused: the organizer's keypad command strips its own `*2` and `#`.
fn screen(trimmed: &str) -> Result<(), RefusalReason> {
    if trimmed.len() > MAX_INPUT {
        return Err(RefusalReason::TooLong);
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.contains("ext") || lower.contains('x') {
        return Err(RefusalReason::HasExtension);
    }
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/');
    if !body.chars().all(allowed) || !body.chars().any(|c| c.is_ascii_digit()) {
        return Err(RefusalReason::NotANumber);
    }
    Ok(())
}

/// What dial-out does with each libphonenumber type, and why:
///
/// - fixed line, mobile, fixed-or-mobile: the people a meeting calls. Allowed.
/// - toll-free: allowed, but only within the organizer's country (checked by the policy):
///   abroad they are often unreachable or billed to the caller.
/// - VoIP (UK 056, FR 09, …): geographic-rate business lines. Allowed.
/// - premium rate, shared cost: the caller pays a surcharge that flows to the callee, the
///   core of toll fraud. Refused.
/// - personal numbers (UK 070, US 500): follow-me ranges billed up to premium rates and a
///   classic fraud target. Refused.
/// - UAN (UK 055, FR 0806): company numbers with carrier-dependent cost. Refused.
/// - voicemail access, pager: nobody can join the meeting from them. Refused.
/// - emergency, short codes: never dialed by a conferencing bridge. Refused.
/// - unknown and the rest (standard rate, carrier codes): the plan cannot vouch for the
///   cost. Refused.
pub(super) fn classify(kind: Type) -> Result<NumberType, RefusalReason> {
    match kind {
        Type::FixedLine => Ok(NumberType::FixedLine),
        Type::Mobile => Ok(NumberType::Mobile),
        Type::FixedLineOrMobile => Ok(NumberType::FixedLineOrMobile),
        Type::TollFree => Ok(NumberType::TollFree),
        Type::Voip => Ok(NumberType::Voip),
        Type::PremiumRate => Err(RefusalReason::PremiumRate),
        Type::SharedCost => Err(RefusalReason::SharedCost),
        Type::PersonalNumber => Err(RefusalReason::PersonalNumber),
        Type::Uan => Err(RefusalReason::UniversalAccess),
        Type::Voicemail => Err(RefusalReason::Voicemail),
        Type::Pager => Err(RefusalReason::Pager),
        Type::Emergency | Type::ShortCode => Err(RefusalReason::ShortCodeOrEmergency),
        Type::Unknown => Err(RefusalReason::NotInNumberingPlan),
        Type::StandardRate | Type::Carrier | Type::NoInternational => {
            Err(RefusalReason::UnclassifiedNumberType)
        }
    }
}
