//! Turning the called number a carrier sends into E.164 (`+14155550123`), the form our
//! dial-in number table is keyed by.
//!
//! Carriers send the same number many ways: `+14155550123`, `14155550123`, `4155550123`,
//! `011 44 20 7946 0000`, `00442079460000`, with visual separators, and sometimes behind a
//! routing ("tech") prefix such as `1234#`. The trunk says which country its national
//! and international-prefix formats belong to; libphonenumber's metadata (the
//! `phonenumber` crate) knows each country's international and national prefixes.

use super::config::Trunk;
use phonenumber::country;
use std::fmt;
use thiserror::Error;

/// A number in E.164 form: `+`, country code, national number; digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164(String);

impl E164 {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a called number could not be normalized.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberError {
    #[error("called number is empty")]
    Empty,
    #[error("{input:?} is not a telephone number (only digits, an optional leading '+' and visual separators are)")]
    NotANumber { input: String },
    #[error("{input:?} has no valid country code")]
    InvalidCountryCode { input: String },
    #[error("{input:?} is too short to be a telephone number")]
    TooShort { input: String },
    #[error("{input:?} is too long to be a telephone number")]
    TooLong { input: String },
}

/// RFC 3966 §3 `visual-separator` (`-`, `.`, `(`, `)`), plus spaces, which carriers and
/// people paste in.
fn is_visual_separator(c: char) -> bool {
    matches!(c, '-' | '.' | '(' | ')' | ' ' | '\t')
}

/// Normalizes the user part of the called URI (Request-URI or To, per
/// [`Trunk::called_number_from`]) as received on `trunk`.
///
/// The caller passes the user part unescaped. URI parameters that some carriers put in
/// the user part (`;npdi`, `;rn=...`, RFC 4694) are ignored; a `;phone-context` must be
/// resolved by the caller before this (it changes what a national number means).
///
/// Steps: drop parameters, drop visual separators, strip the longest matching configured
/// prefix, then require `+digits` or `digits` and let the trunk's country decide what an
/// international prefix (`00`, `011`, ...) or national prefix (`0`, `1`, ...) means.
///
/// The result is not checked against libphonenumber's list of assigned ranges: metadata
/// lags reality, and an unassigned number simply finds no conference (404) later.
pub fn normalize_called_number(trunk: &Trunk, user_part: &str) -> Result<E164, NumberError> {
    normalize(trunk.default_country, &trunk.strip_prefixes, user_part)
}

pub(crate) fn normalize(
    country: country::Id,
    strip_prefixes: &[String],
    user_part: &str,
) -> Result<E164, NumberError> {
    let without_params = user_part.split(';').next().unwrap_or("");
    let compact: String = without_params
        .chars()
        .filter(|&c| !is_visual_separator(c))
        .collect();
    if compact.is_empty() {
        return Err(NumberError::Empty);
    }
    let longest_prefix = strip_prefixes
        .iter()
        .filter(|p| compact.starts_with(p.as_str()))
        .max_by_key(|p| p.len());
    let number = match longest_prefix {
        Some(prefix) => compact.get(prefix.len()..).unwrap_or(""),
        None => compact.as_str(),
    };

    let digits = number.strip_prefix('+').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::NotANumber {
            input: user_part.to_owned(),
        });
    }

    let parsed = phonenumber::parse(Some(country), number).map_err(|e| {
        let input = user_part.to_owned();
        match e {
            phonenumber::ParseError::InvalidCountryCode => {
                NumberError::InvalidCountryCode { input }
            }
            phonenumber::ParseError::TooShortAfterIdd | phonenumber::ParseError::TooShortNsn => {
                NumberError::TooShort { input }
            }
            phonenumber::ParseError::TooLong => NumberError::TooLong { input },
            _ => NumberError::NotANumber { input },
        }
    })?;
    let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
    // E.164 allows at most 15 digits (ITU-T E.164 §6); libphonenumber accepts up to 17.
    if e164.len() > 16 {
        return Err(NumberError::TooLong {
            input: user_part.to_owned(),
        });
    }
    Ok(E164(e164))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(country: &str, input: &str) -> Result<E164, NumberError> {
        normalize(country.parse().expect("country"), &[], input)
    }

    fn e164(country: &str, input: &str) -> String {
        match norm(country, input) {
            Ok(n) => n.to_string(),
            Err(e) => panic!("{input:?} in {country}: {e}"),
        }
    }

    #[test]
    fn us_national_and_with_trunk_prefix() {
        assert_eq!(e164("US", "4155550123"), "+14155550123");
        assert_eq!(e164("US", "14155550123"), "+14155550123");
        assert_eq!(e164("US", "+14155550123"), "+14155550123");
        assert_eq!(e164("US", "(415) 555-0123"), "+14155550123");
        assert_eq!(e164("US", "1.415.555.0123"), "+14155550123");
    }

    #[test]
    fn international_forms() {
        assert_eq!(e164("US", "+44 20 7946 0000"), "+442079460000");
        assert_eq!(e164("DE", "00442079460000"), "+442079460000");
        assert_eq!(e164("US", "011442079460000"), "+442079460000");
        assert_eq!(e164("GB", "020 7946 0000"), "+442079460000");
    }

    #[test]
    fn french_national() {
        assert_eq!(e164("FR", "01 23 45 67 89"), "+33123456789");
    }

    #[test]
    fn user_part_parameters_are_ignored() {
        assert_eq!(
            e164("US", "+14155550123;npdi;rn=+14155550000"),
            "+14155550123"
        );
    }

    #[test]
    fn configured_prefixes_are_stripped_longest_first() {
        let prefixes = vec!["1234#".to_owned(), "12".to_owned(), "*99".to_owned()];
        let us = country::Id::US;
        assert_eq!(
            normalize(us, &prefixes, "1234#4155550123").map(|n| n.to_string()),
            Ok("+14155550123".to_owned())
        );
        assert_eq!(
            normalize(us, &prefixes, "*99+442079460000").map(|n| n.to_string()),
            Ok("+442079460000".to_owned())
        );
        assert_eq!(
            normalize(us, &prefixes, "4155550123").map(|n| n.to_string()),
            Ok("+14155550123".to_owned())
        );
    }

    #[test]
    fn non_numbers_are_rejected() {
        for input in [
            "alice",
            "415555O123",
            "+",
            "++14155550123",
            "1234#4155550123",
            "*67",
        ] {
            assert_eq!(
                norm("US", input),
                Err(NumberError::NotANumber {
                    input: input.to_owned()
                }),
                "{input:?}"
            );
        }
        assert_eq!(norm("US", ""), Err(NumberError::Empty));
        assert_eq!(norm("US", " - "), Err(NumberError::Empty));
    }

    #[test]
    fn implausible_lengths_and_codes_are_rejected() {
        assert!(matches!(
            norm("US", "1"),
            Err(NumberError::TooShort { .. }) | Err(NumberError::NotANumber { .. })
        ));
        assert!(matches!(
            norm("US", "+1415555012345678901"),
            Err(NumberError::TooLong { .. })
        ));
        assert!(matches!(
            norm("US", "+0442079460000"),
            Err(NumberError::InvalidCountryCode { .. })
        ));
    }
}
