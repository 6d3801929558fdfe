//! Conference IDs: the digits a caller keys in to reach a meeting.
//!
//! An ID is drawn uniformly at random (never a counter: a counter lets anyone who knows one
//! ID guess the next meeting). The first digit is never 0, so an ID keeps its length when
//! someone types it into a spreadsheet or a phone that drops leading zeros, and runs or one
//! repeated digit (`1234567`, `7654321`, `5555555`) are refused because people try them.

use super::digits;
use rand::{CryptoRng, Rng, RngCore};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// How many digits the organization's conference IDs have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct ConferenceIdLength(u8);

impl ConferenceIdLength {
    pub const MIN: u8 = 5;
    pub const MAX: u8 = 10;
    pub const DEFAULT: Self = Self(7);

    pub fn new(digits: u8) -> Result<Self, ConferenceIdLengthError> {
        if (Self::MIN..=Self::MAX).contains(&digits) {
            Ok(Self(digits))
        } else {
            Err(ConferenceIdLengthError(digits))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// How many IDs of this length exist (first digit 1–9), before trivial ones are removed.
    pub fn capacity(self) -> u64 {
        9 * 10u64.pow(u32::from(self.0) - 1)
    }

    /// True when `in_use` IDs fill more than half the space: random draws then start to
    /// collide often and the admin should move to longer IDs before generation fails.
    pub fn is_nearly_full(self, in_use: u64) -> bool {
        in_use.saturating_mul(2) > self.capacity()
    }
}

impl Default for ConferenceIdLength {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u8> for ConferenceIdLength {
    type Error = ConferenceIdLengthError;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<ConferenceIdLength> for u8 {
    fn from(v: ConferenceIdLength) -> u8 {
        v.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a conference ID has {min} to {max} digits, not {0}", min = ConferenceIdLength::MIN, max = ConferenceIdLength::MAX)]
pub struct ConferenceIdLengthError(pub u8);

/// A well-formed conference ID: 5–10 ASCII digits, the first not 0.
///
/// Well-formed is all it promises: whether a meeting has this ID is the store's question.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ConferenceId(String);

impl ConferenceId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true: a conference ID has at least five digits. (Here for clippy's `len` rule.)
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ID in groups for reading aloud or printing: `482 9173`, `4829 1736`.
    /// Groups of 3 and 4 are how people remember phone numbers.
    pub fn grouped(&self) -> String {
        let s = self.0.as_str();
        let split = match s.len() {
            8 => 4,
            9 => 2,
            _ => 3,
        };
        let (head, tail) = s.split_at(split.min(s.len()));
        if s.len() >= 9 {
            let (mid, last) = tail.split_at(3);
            format!("{head} {mid} {last}")
        } else {
            format!("{head} {tail}")
        }
    }
}

impl fmt::Display for ConferenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<ConferenceId> for String {
    fn from(v: ConferenceId) -> String {
        v.0
    }
}

impl TryFrom<String> for ConferenceId {
    type Error = ConferenceIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        check_format(&s)?;
        Ok(Self(s))
    }
}

impl FromStr for ConferenceId {
    type Err = ConferenceIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s.to_owned())
    }
}

/// Why keyed-in or stored digits are not a conference ID.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConferenceIdError {
    #[error("no conference ID was entered")]
    Empty,
    #[error("a conference ID has only the digits 0 to 9")]
    NotDigits,
    #[error("a conference ID has {min} to {max} digits, not {0}", min = ConferenceIdLength::MIN, max = ConferenceIdLength::MAX)]
    WrongLength(usize),
    #[error("no conference ID starts with 0")]
    LeadingZero,
}

fn check_format(s: &str) -> Result<(), ConferenceIdError> {
    if s.is_empty() {
        return Err(ConferenceIdError::Empty);
    }
    if !digits::all_digits(s) {
        return Err(ConferenceIdError::NotDigits);
    }
    let len = s.len();
    if len < usize::from(ConferenceIdLength::MIN) || len > usize::from(ConferenceIdLength::MAX) {
        return Err(ConferenceIdError::WrongLength(len));
    }
    if s.starts_with('0') {
        return Err(ConferenceIdError::LeadingZero);
    }
    Ok(())
}

/// What a caller keyed in, as DTMF digits without the terminating `#`.
///
/// Only the form is checked, so the IVR can say "that is not a conference ID" without a
/// database lookup. Trivial-looking IDs are accepted here: the rule against them is for
/// generation, and an ID that exists must always be reachable.
pub fn parse_entered(digits: &str) -> Result<ConferenceId, ConferenceIdError> {
    digits.parse()
}

/// Why no ID could be generated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GenerateError {
    #[error(
        "no free {length}-digit conference ID found in {attempts} random draws: the ID space is \
         nearly full; increase the organization's conference ID length"
    )]
    SpaceExhausted { length: u8, attempts: u32 },
}

/// Random draws before [`generate`] gives up. With half the space in use, 64 collisions in a
/// row happen with probability 2^-64; failing means the space really is nearly full.
pub const MAX_ATTEMPTS: u32 = 64;

/// Draws a fresh conference ID of `length` digits that `is_taken` says is free.
///
/// `is_taken` is asked about every candidate; it must answer for IDs across the whole
/// service (IDs are unique service-wide, since a dial-in number may be shared), including
/// scheduled meetings' dynamic IDs.
pub fn generate(
    rng: &mut (impl RngCore + CryptoRng),
    length: ConferenceIdLength,
    is_taken: impl Fn(&str) -> bool,
) -> Result<ConferenceId, GenerateError> {
    for _ in 0..MAX_ATTEMPTS {
        let candidate = draw(rng, length);
        if is_generatable(&candidate) && !is_taken(&candidate) {
            return Ok(ConferenceId(candidate));
        }
    }
    Err(GenerateError::SpaceExhausted {
        length: length.get(),
        attempts: MAX_ATTEMPTS,
    })
}

/// One uniform draw: first digit 1–9, the others 0–9.
fn draw(rng: &mut impl RngCore, length: ConferenceIdLength) -> String {
    let mut s = String::with_capacity(usize::from(length.get()));
    s.push(char::from(b'0' + rng.gen_range(1..=9u8)));
    for _ in 1..length.get() {
        s.push(char::from(b'0' + rng.gen_range(0..=9u8)));
    }
    s
}

/// Whether generation may hand out this ID: runs and one repeated digit are refused.
/// (Repeated blocks like `1212121` are refused too: they are as easy to guess.)
fn is_generatable(id: &str) -> bool {
    digits::trivial(id).is_none()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use std::cell::RefCell;
    use std::collections::HashSet;

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(0x00d1_a1b2)
    }

    #[test]
    fn length_bounds() {
        assert!(ConferenceIdLength::new(4).is_err());
        assert!(ConferenceIdLength::new(11).is_err());
        assert_eq!(ConferenceIdLength::new(5).unwrap().get(), 5);
        assert_eq!(ConferenceIdLength::new(10).unwrap().get(), 10);
        assert_eq!(ConferenceIdLength::default().get(), 7);
        assert_eq!(ConferenceIdLength::DEFAULT.capacity(), 9_000_000);
        assert!(!ConferenceIdLength::DEFAULT.is_nearly_full(4_500_000));
        assert!(ConferenceIdLength::DEFAULT.is_nearly_full(4_500_001));
    }

    #[test]
    fn generated_ids_have_the_length_and_no_leading_zero() {
        let mut rng = rng();
        for len in ConferenceIdLength::MIN..=ConferenceIdLength::MAX {
            let length = ConferenceIdLength::new(len).unwrap();
            for _ in 0..200 {
                let id = generate(&mut rng, length, |_| false).unwrap();
                assert_eq!(id.len(), usize::from(len));
                assert!(!id.as_str().starts_with('0'), "{id}");
                assert!(digits::all_digits(id.as_str()));
                assert_eq!(digits::trivial(id.as_str()), None, "{id}");
            }
        }
    }

    #[test]
    fn leading_digits_are_uniform_and_ids_not_sequential() {
        let mut rng = rng();
        let draws = 90_000;
        let mut leading = [0u32; 10];
        let mut second = [0u32; 10];
        let mut seen = HashSet::new();
        let mut previous: Option<u64> = None;
        let mut consecutive = 0;
        for _ in 0..draws {
            let id = generate(&mut rng, ConferenceIdLength::DEFAULT, |_| false).unwrap();
            let b = id.as_str().as_bytes();
            leading[usize::from(b[0] - b'0')] += 1;
            second[usize::from(b[1] - b'0')] += 1;
            let n: u64 = id.as_str().parse().unwrap();
            if previous.is_some_and(|p| n.abs_diff(p) == 1) {
                consecutive += 1;
            }
            previous = Some(n);
            seen.insert(n);
        }
        assert_eq!(leading[0], 0);
        // Each of 1..=9 expects 10_000; a chi-square over 8 degrees of freedom stays below
        // 26.1 with probability 0.999 when the draw is uniform.
        let expected = f64::from(draws) / 9.0;
        let chi2: f64 = leading[1..]
            .iter()
            .map(|&c| (f64::from(c) - expected).powi(2) / expected)
            .sum();
        assert!(
            chi2 < 26.1,
            "leading digits not uniform: {leading:?} chi2={chi2}"
        );
        let expected = f64::from(draws) / 10.0;
        let chi2: f64 = second
            .iter()
            .map(|&c| (f64::from(c) - expected).powi(2) / expected)
            .sum();
        assert!(
            chi2 < 27.9,
            "second digits not uniform: {second:?} chi2={chi2}"
        );
        // Consecutive draws one apart would betray a counter; by chance: ~2e-7 per pair.
        assert!(consecutive <= 1, "{consecutive} sequential pairs");
        // Birthday bound: 90k draws in 9M IDs collide ~450 times; far more means bias.
        assert!(seen.len() > draws as usize - 700, "{} distinct", seen.len());
    }

    #[test]
    fn collisions_are_retried() {
        let mut rng = rng();
        let asked = RefCell::new(0);
        let id = generate(&mut rng, ConferenceIdLength::DEFAULT, |_| {
            *asked.borrow_mut() += 1;
            *asked.borrow() <= 5
        })
        .unwrap();
        assert_eq!(*asked.borrow(), 6);
        assert_eq!(id.len(), 7);
    }

    #[test]
    fn exhausted_space_fails_clearly() {
        let mut rng = rng();
        let err = generate(&mut rng, ConferenceIdLength::new(5).unwrap(), |_| true).unwrap_err();
        assert_eq!(
            err,
            GenerateError::SpaceExhausted {
                length: 5,
                attempts: MAX_ATTEMPTS
            }
        );
        assert!(err
            .to_string()
            .contains("increase the organization's conference ID length"));
    }

    #[test]
    fn fills_a_mostly_full_space() {
        // 5-digit IDs with 80% taken: generation still succeeds, and never returns a taken one.
        let mut rng = rng();
        let length = ConferenceIdLength::new(5).unwrap();
        let taken = |id: &str| id.parse::<u32>().unwrap() % 5 != 0;
        for _ in 0..100 {
            let id = generate(&mut rng, length, taken).unwrap();
            assert!(!taken(id.as_str()));
        }
    }

    #[test]
    fn trivial_ids_are_never_generated() {
        assert!(!is_generatable("1234567"));
        assert!(!is_generatable("7654321"));
        assert!(!is_generatable("5555555"));
        assert!(!is_generatable("1212121"));
        assert!(is_generatable("4829173"));
    }

    #[test]
    fn parse_entered_checks_form_only() {
        assert_eq!(parse_entered("4829173").unwrap().as_str(), "4829173");
        // An existing trivial-looking ID (imported, or from before a rule) stays reachable.
        assert_eq!(parse_entered("1234567").unwrap().as_str(), "1234567");
        assert_eq!(parse_entered(""), Err(ConferenceIdError::Empty));
        assert_eq!(parse_entered("48291*3"), Err(ConferenceIdError::NotDigits));
        assert_eq!(parse_entered("4829173#"), Err(ConferenceIdError::NotDigits));
        assert_eq!(
            parse_entered("4829"),
            Err(ConferenceIdError::WrongLength(4))
        );
        assert_eq!(
            parse_entered("48291734567"),
            Err(ConferenceIdError::WrongLength(11))
        );
        assert_eq!(
            parse_entered("0829173"),
            Err(ConferenceIdError::LeadingZero)
        );
    }

    #[test]
    fn serde_round_trip_validates() {
        let id: ConferenceId = serde_json::from_str("\"4829173\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"4829173\"");
        assert!(serde_json::from_str::<ConferenceId>("\"0829173\"").is_err());
        assert!(serde_json::from_str::<ConferenceIdLength>("4").is_err());
    }

    #[test]
    fn grouping_for_reading_aloud() {
        let g = |s: &str| s.parse::<ConferenceId>().unwrap().grouped();
        assert_eq!(g("48291"), "482 91");
        assert_eq!(g("482917"), "482 917");
        assert_eq!(g("4829173"), "482 9173");
        assert_eq!(g("48291736"), "4829 1736");
        assert_eq!(g("482917365"), "48 291 7365");
        assert_eq!(g("4829173650"), "482 917 3650");
    }
}
