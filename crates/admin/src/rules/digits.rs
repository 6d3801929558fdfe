//! Digit-string checks shared by conference IDs and PINs: what makes a string of digits
//! guessable.
//!
//! The phone keypad order is 1 2 3 4 5 6 7 8 9 0, so `7890` is as much a run as `6789`;
//! we treat 9 → 0 as the step after 9 (and 0 → 9 going down).

/// Why a digit string is guessable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trivial {
    /// One digit repeated: `11111`.
    SameDigit,
    /// A run up or down the keypad: `1234`, `4321`, `67890`.
    Run,
    /// A short block repeated: `1212`, `123123`, `12121`.
    Repeated,
}

/// The next digit up the keypad (1 → 2, …, 9 → 0, 0 → 1).
fn keypad_next(d: u8) -> u8 {
    (d + 1) % 10
}

/// Classifies a non-empty ASCII-digit string; `None` when it is not trivially guessable.
///
/// The caller has checked that every byte is an ASCII digit.
pub(crate) fn trivial(digits: &str) -> Option<Trivial> {
    let d: Vec<u8> = digits.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    let first = *d.first()?;
    if d.iter().all(|&x| x == first) {
        return Some(Trivial::SameDigit);
    }
    let ascending = d.windows(2).all(|w| keypad_next(w[0]) == w[1]);
    let descending = d.windows(2).all(|w| keypad_next(w[1]) == w[0]);
    if ascending || descending {
        return Some(Trivial::Run);
    }
    // A period p <= len/2 means the string is a block of p digits said again (and perhaps
    // started once more): people pick these because they are easy to type and remember.
    let periodic = (2..=d.len() / 2).any(|p| (p..d.len()).all(|i| d[i] == d[i - p]));
    if periodic {
        return Some(Trivial::Repeated);
    }
    None
}

/// Every byte is an ASCII digit (and there is at least one).
pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let cases: &[(&str, Option<Trivial>)] = &[
            ("1111", Some(Trivial::SameDigit)),
            ("0000000", Some(Trivial::SameDigit)),
            ("1234", Some(Trivial::Run)),
            ("4321", Some(Trivial::Run)),
            ("1234567", Some(Trivial::Run)),
            ("7654321", Some(Trivial::Run)),
            ("67890", Some(Trivial::Run)),
            ("09876", Some(Trivial::Run)),
            ("1212", Some(Trivial::Repeated)),
            ("123123", Some(Trivial::Repeated)),
            ("12121", Some(Trivial::Repeated)),
            ("9898989", Some(Trivial::Repeated)),
            ("1357", None),
            ("1235", None),
            ("1122", None),
            ("4829173", None),
            ("12345670", None),
            ("1231", None),
        ];
        for (digits, want) in cases {
            assert_eq!(trivial(digits), *want, "{digits}");
        }
    }

    #[test]
    fn all_digits_rejects_empty_and_non_digits() {
        assert!(all_digits("0123"));
        assert!(!all_digits(""));
        assert!(!all_digits("12a4"));
        assert!(!all_digits("１２３")); // full-width digits are not keypad digits
        assert!(!all_digits("12 4"));
    }
}
