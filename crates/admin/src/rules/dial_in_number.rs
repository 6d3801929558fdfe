//! Dial-in numbers as an admin enters them: E.164, its country, toll or toll-free, and the
//! forms we show people.
//!
//! Unlike the SIP trunk's called-number normalization (which must accept whatever a carrier
//! sends), an admin's entry is checked against libphonenumber's metadata (the `phonenumber`
//! crate): a number it does not know is refused here, since a typo in a dial-in number
//! printed on every invitation is expensive. Premium-rate and shared-cost numbers are
//! refused outright: callers would pay extra to reach a meeting.

use phonenumber::{country, Mode, PhoneNumber, Type};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// What calling the number costs the caller: the kind printed next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    Toll,
    TollFree,
}

impl fmt::Display for NumberKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Toll => "toll",
            Self::TollFree => "toll-free",
        })
    }
}

/// Why an entry is not usable as a dial-in number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DialInNumberError {
    #[error("no number was entered")]
    Empty,
    #[error("{0:?} is not a telephone number")]
    NotANumber(String),
    #[error("{0:?} is not a known country or region code (use two letters, like US or GB)")]
    UnknownRegion(String),
    #[error("{0:?} needs a country code (start it with + and the country code)")]
    NeedsCountryCode(String),
    #[error("{0:?} has no valid country code")]
    InvalidCountryCode(String),
    #[error("{0:?} is too short to be a telephone number")]
    TooShort(String),
    #[error("{0:?} is too long to be a telephone number")]
    TooLong(String),
    #[error("{0:?} has an extension; a dial-in number cannot")]
    HasExtension(String),
    #[error("{0:?} is not a number in use in its country, as far as the numbering plan knows")]
    NotInNumberingPlan(String),
    #[error("{0:?} is a premium-rate number; callers must not pay extra to join a meeting")]
    PremiumRate(String),
    #[error("{0:?} is a shared-cost number; callers must not pay extra to join a meeting")]
    SharedCost(String),
}

/// A checked dial-in number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DialInNumber {
    e164: String,
    /// ISO 3166-1 alpha-2, when libphonenumber can tell (not for non-geographic codes).
    region: Option<String>,
    display: String,
    detected: Option<NumberKind>,
}

impl DialInNumber {
    /// Parses and checks `input`: `+` and the country code, or a national number when
    /// `default_region` (ISO 3166-1 alpha-2, like `US`) says whose.
    pub fn parse(input: &str, default_region: Option<&str>) -> Result<Self, DialInNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DialInNumberError::Empty);
        }
        let region = match default_region {
            Some(r) => Some(
                country::Id::from_str(&r.trim().to_ascii_uppercase())
                    .map_err(|_| DialInNumberError::UnknownRegion(r.to_owned()))?,
            ),
            None => None,
        };
        screen(trimmed, input)?;
        if region.is_none() && !trimmed.starts_with('+') {
            return Err(DialInNumberError::NeedsCountryCode(input.to_owned()));
        }
        let owned = || input.to_owned();
        // A number written with its country code needs no region, and phonenumber 0.3.10
        // misreads some when given one (`+44 121 ...` with US came out as `+44 21 ...`).
        let region = if trimmed.starts_with('+') {
            None
        } else {
            region
        };
        let parsed = phonenumber::parse(region, trimmed).map_err(|e| match e {
            phonenumber::ParseError::InvalidCountryCode => {
                DialInNumberError::InvalidCountryCode(owned())
            }
            phonenumber::ParseError::TooShortAfterIdd | phonenumber::ParseError::TooShortNsn => {
                DialInNumberError::TooShort(owned())
            }
            phonenumber::ParseError::TooLong => DialInNumberError::TooLong(owned()),
            _ => DialInNumberError::NotANumber(owned()),
        })?;
        if parsed.extension().is_some() {
            return Err(DialInNumberError::HasExtension(owned()));
        }
        let e164 = parsed.format().mode(Mode::E164).to_string();
        // E.164 allows at most 15 digits after the + (ITU-T E.164 §6).
        if e164.len() > 16 {
            return Err(DialInNumberError::TooLong(owned()));
        }
        let detected = match parsed.number_type(&phonenumber::metadata::DATABASE) {
            Type::Unknown => return Err(DialInNumberError::NotInNumberingPlan(owned())),
            Type::PremiumRate => return Err(DialInNumberError::PremiumRate(owned())),
            Type::SharedCost => return Err(DialInNumberError::SharedCost(owned())),
            Type::TollFree => Some(NumberKind::TollFree),
            Type::FixedLine | Type::Mobile | Type::FixedLineOrMobile => Some(NumberKind::Toll),
            // VoIP, personal, UAN and other ranges: usually toll, but the numbering plan does
            // not promise it, so the admin's word decides without a warning.
            _ => None,
        };
        Ok(Self {
            region: parsed.country().id().map(|id| id.as_ref().to_owned()),
            display: display_form(&parsed),
            e164,
            detected,
        })
    }

    /// `+18005550199`: the key the dial-in number table and the SIP trunk use.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// ISO 3166-1 alpha-2 country or region, when known.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// International format with spaces: `+1 800 555 0199`, `+44 20 7946 0000`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// `tel:+18005550199` (RFC 3966), for links in invitations.
    pub fn tel_uri(&self) -> String {
        format!("tel:{}", self.e164)
    }

    /// What the numbering plan says this number is, when it says.
    pub fn detected_kind(&self) -> Option<NumberKind> {
        self.detected
    }
}

/// Longest entry we hand to libphonenumber: 15 digits with generous punctuation.
const MAX_INPUT: usize = 40;

/// Lets through only what a written phone number has: digits, one leading `+`, spaces and
/// the visual separators `- . ( ) /`. libphonenumber's parser has panicked on odd input
/// before (`#`, `:` and friends), and an admin's form must never crash the service, so it
/// only ever sees this alphabet.
fn screen(trimmed: &str, input: &str) -> Result<(), DialInNumberError> {
    if trimmed.len() > MAX_INPUT {
        return Err(DialInNumberError::TooLong(input.to_owned()));
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.contains("ext") || lower.contains('x') {
        return Err(DialInNumberError::HasExtension(input.to_owned()));
    }
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/');
    if !body.chars().all(allowed) || !body.chars().any(|c| c.is_ascii_digit()) {
        return Err(DialInNumberError::NotANumber(input.to_owned()));
    }
    Ok(())
}

/// libphonenumber's international format uses the country's own separators (`+1 800-555-0199`);
/// invitations use spaces only, which read the same everywhere.
fn display_form(parsed: &PhoneNumber) -> String {
    parsed
        .format()
        .mode(Mode::International)
        .to_string()
        .chars()
        .map(|c| if c == '-' || c == '.' { ' ' } else { c })
        .collect()
}

impl fmt::Display for DialInNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl From<DialInNumber> for String {
    fn from(n: DialInNumber) -> String {
        n.e164
    }
}

impl TryFrom<String> for DialInNumber {
    type Error = DialInNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s, None)
    }
}

/// A warning the admin sees but may override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum NumberWarning {
    /// The admin said one kind; the numbering plan says the other. The admin's word is kept
    /// (a carrier may bill a range differently from the plan), but it is worth a look.
    KindDisagrees {
        declared: NumberKind,
        detected: NumberKind,
    },
}

impl fmt::Display for NumberWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KindDisagrees { declared, detected } => write!(
                f,
                "entered as {declared}, but the numbering plan lists it as {detected}; kept as {declared}"
            ),
        }
    }
}

/// A dial-in number with the kind it will be listed as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedNumber {
    pub number: DialInNumber,
    pub kind: NumberKind,
    pub warnings: Vec<NumberWarning>,
}

/// Checks a number an admin adds. `declared` is the kind the admin chose, if any: it wins,
/// with a warning when the numbering plan disagrees. Without it the plan decides, and a
/// number the plan cannot classify is listed as toll (the safe claim: never promise "free").
pub fn check(
    input: &str,
    default_region: Option<&str>,
    declared: Option<NumberKind>,
) -> Result<CheckedNumber, DialInNumberError> {
    let number = DialInNumber::parse(input, default_region)?;
    let detected = number.detected_kind();
    let mut warnings = Vec::new();
    let kind = match (declared, detected) {
        (Some(declared), Some(detected)) if declared != detected => {
            warnings.push(NumberWarning::KindDisagrees { declared, detected });
            declared
        }
        (Some(declared), _) => declared,
        (None, Some(detected)) => detected,
        (None, None) => NumberKind::Toll,
    };
    Ok(CheckedNumber {
        number,
        kind,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn us_toll_free_is_detected() {
        let c = check("+1 800 555 0199", None, None).unwrap();
        assert_eq!(c.number.e164(), "+18005550199");
        assert_eq!(c.kind, NumberKind::TollFree);
        assert_eq!(c.number.display(), "+1 800 555 0199");
        assert_eq!(c.number.tel_uri(), "tel:+18005550199");
        assert!(c.warnings.is_empty());
        let national = check("1-800-555-0199", Some("us"), None).unwrap();
        assert_eq!(national.number, c.number);
    }

    #[test]
    fn uk_0800_is_toll_free_and_london_is_toll() {
        let free = check("0800 890 567", Some("GB"), None).unwrap();
        assert_eq!(free.number.e164(), "+44800890567");
        assert_eq!(free.kind, NumberKind::TollFree);
        assert_eq!(free.number.region(), Some("GB"));
        let london = check("+44 20 7946 0000", None, None).unwrap();
        assert_eq!(london.kind, NumberKind::Toll);
        assert_eq!(london.number.display(), "+44 20 7946 0000");
        assert_eq!(london.number.region(), Some("GB"));
    }

    #[test]
    fn geographic_numbers_are_toll_with_their_country() {
        let sf = check("+1 415 555 0123", None, None);
        let sf = sf.unwrap();
        assert_eq!(sf.kind, NumberKind::Toll);
        assert_eq!(sf.number.region(), Some("US"));
        let paris = check("01 23 45 67 89", Some("FR"), None).unwrap();
        assert_eq!(paris.number.e164(), "+33123456789");
        assert_eq!(paris.number.region(), Some("FR"));
        assert_eq!(paris.number.display(), "+33 1 23 45 67 89");
        let berlin = check("+49 30 901820", None, None).unwrap();
        assert_eq!(berlin.number.region(), Some("DE"));
    }

    #[test]
    fn premium_and_shared_cost_are_refused() {
        assert!(matches!(
            check("+1 900 555 0199", None, None),
            Err(DialInNumberError::PremiumRate(_))
        ));
        assert!(matches!(
            check("0909 879 0000", Some("GB"), Some(NumberKind::Toll)),
            Err(DialInNumberError::PremiumRate(_))
        ));
        // libphonenumber files UK 084x under premium rate, which we refuse too.
        assert!(matches!(
            check("0845 464 0000", Some("GB"), None),
            Err(DialInNumberError::PremiumRate(_))
        ));
        for (region, number) in [
            ("FR", "0810 12 34 56"),
            ("DE", "01801 234567"),
            ("ES", "901 12 34 56"),
        ] {
            assert!(
                matches!(
                    check(number, Some(region), Some(NumberKind::Toll)),
                    Err(DialInNumberError::SharedCost(_))
                ),
                "{region} {number}"
            );
        }
    }

    #[test]
    fn admin_kind_wins_with_a_warning() {
        let c = check("+1 800 555 0199", None, Some(NumberKind::Toll)).unwrap();
        assert_eq!(c.kind, NumberKind::Toll);
        assert_eq!(
            c.warnings,
            vec![NumberWarning::KindDisagrees {
                declared: NumberKind::Toll,
                detected: NumberKind::TollFree
            }]
        );
        assert!(c.warnings[0].to_string().contains("kept as toll"));
        let agree = check("+44 800 890 567", None, Some(NumberKind::TollFree)).unwrap();
        assert!(agree.warnings.is_empty());
    }

    #[test]
    fn bad_input_is_refused_precisely() {
        assert_eq!(check("", None, None), Err(DialInNumberError::Empty));
        assert_eq!(check("   ", None, None), Err(DialInNumberError::Empty));
        assert!(matches!(
            check("4155550123", None, None),
            Err(DialInNumberError::NeedsCountryCode(_))
        ));
        assert!(matches!(
            check("4155550123", Some("XX"), None),
            Err(DialInNumberError::UnknownRegion(_))
        ));
        assert!(matches!(
            check("call me", None, None),
            Err(DialInNumberError::NotANumber(_) | DialInNumberError::NeedsCountryCode(_))
        ));
        assert!(matches!(
            check("+0 44 20 7946 0000", None, None),
            Err(DialInNumberError::InvalidCountryCode(_) | DialInNumberError::NotANumber(_))
        ));
        assert!(matches!(
            check("+1 415 555 0123 45678901", None, None),
            Err(DialInNumberError::TooLong(_) | DialInNumberError::NotInNumberingPlan(_))
        ));
        assert!(matches!(
            check("+1 415 555 0123 ext. 12", None, None),
            Err(DialInNumberError::HasExtension(_))
        ));
        // 1-000 is no US area code.
        assert!(matches!(
            check("+1 000 555 0123", None, None),
            Err(DialInNumberError::NotInNumberingPlan(_))
        ));
    }

    #[test]
    fn odd_input_never_panics() {
        use rand::{Rng, SeedableRng};
        let alphabet: Vec<char> = "0123456789+ -.()/#*:;xX,extéé١٢+00".chars().collect();
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        for _ in 0..20_000 {
            let len = rng.gen_range(0..24);
            let s: String = (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect();
            let region = ["US", "GB", "CH", "DE"][rng.gen_range(0..4)];
            let _ = check(&s, Some(region), None);
            let _ = check(&s, None, Some(NumberKind::Toll));
        }
        for s in [
            "  2 22#:",
            "003-836-4618x3001",
            "+",
            "+()",
            "(((",
            "+1 (",
            "1/2",
        ] {
            let _ = check(s, Some("CH"), None);
        }
    }

    #[test]
    fn serde_is_the_e164_string() {
        let n = DialInNumber::parse("+44 20 7946 0000", None).unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"+442079460000\"");
        let back: DialInNumber = serde_json::from_str("\"+442079460000\"").unwrap();
        assert_eq!(back, n);
        assert!(serde_json::from_str::<DialInNumber>("\"+19005550199\"").is_err());
    }

    #[test]
    fn a_number_with_its_country_code_ignores_the_default_region() {
        let with_region = DialInNumber::parse("+44 121 234 5678", Some("US")).unwrap();
        assert_eq!(with_region.e164(), "+441212345678");
    }
}
