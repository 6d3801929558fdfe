//! DTMF carried in SIP INFO bodies, for the trunks that send key presses that way instead of
//! RFC 4733 events.
//!
//! Two body formats are in use (neither has an RFC; both come from vendor practice):
//!
//! - `application/dtmf-relay`: `Signal=5\r\nDuration=160\r\n`. Keys are matched without
//!   regard to case or surrounding whitespace, line endings may be CRLF or bare LF, and
//!   `Signal=10` / `Signal=11` are read as `*` / `#` because some gateways send the RFC 4733
//!   event codes rather than the characters. `Duration` (ms) is optional.
//! - `application/dtmf`: the body is the key itself (`5`, `*`), optionally surrounded by
//!   whitespace.
//!
//! Hand-written: a dozen lines of `key=value` parsing, with no crate for the field.

use crate::digit::DtmfDigit;
use std::time::Duration;

/// The SIP INFO content types that carry DTMF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SipInfoDtmfFormat {
    /// `application/dtmf-relay`: `Signal=` and `Duration=` lines.
    DtmfRelay,
    /// `application/dtmf`: the body is the key.
    Dtmf,
}

impl SipInfoDtmfFormat {
    /// The format for a Content-Type value (parameters and case ignored); `None` for
    /// anything else, which the caller should answer 415.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if media_type.eq_ignore_ascii_case("application/dtmf-relay") {
            Some(Self::DtmfRelay)
        } else if media_type.eq_ignore_ascii_case("application/dtmf") {
            Some(Self::Dtmf)
        } else {
            None
        }
    }
}

/// One key press from a SIP INFO body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SipInfoDtmf {
    pub digit: DtmfDigit,
    /// From `Duration=` in `application/dtmf-relay` bodies, when present and numeric.
    pub duration: Option<Duration>,
}

/// Why a SIP INFO body carries no key press.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SipInfoDtmfError {
    /// The body is not UTF-8 text.
    #[error("SIP INFO DTMF body is not text")]
    NotText,
    /// An `application/dtmf-relay` body without a `Signal=` line.
    #[error("no Signal= line in application/dtmf-relay body")]
    MissingSignal,
    /// An `application/dtmf` body with nothing in it.
    #[error("empty application/dtmf body")]
    Empty,
    /// The signal is not one of the sixteen keys (e.g. `Signal=16` for flash, or `Signal=x`).
    #[error("unknown DTMF signal {0:?}")]
    UnknownSignal(String),
}

/// Parses a SIP INFO body of the given format into the key press it carries.
pub fn parse_sip_info_dtmf(
    format: SipInfoDtmfFormat,
    body: &[u8],
) -> Result<SipInfoDtmf, SipInfoDtmfError> {
    let text = std::str::from_utf8(body).map_err(|_| SipInfoDtmfError::NotText)?;
    match format {
        SipInfoDtmfFormat::DtmfRelay => parse_dtmf_relay(text),
        SipInfoDtmfFormat::Dtmf => {
            let signal = text.trim();
            if signal.is_empty() {
                return Err(SipInfoDtmfError::Empty);
            }
            Ok(SipInfoDtmf {
                digit: parse_signal(signal)?,
                duration: None,
            })
        }
    }
}

fn parse_dtmf_relay(text: &str) -> Result<SipInfoDtmf, SipInfoDtmfError> {
    let mut signal = None;
    let mut duration = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key.eq_ignore_ascii_case("signal") && signal.is_none() {
            signal = Some(value);
        } else if key.eq_ignore_ascii_case("duration") && duration.is_none() {
            // A malformed duration does not spoil the key press: the key is what matters.
            duration = value.parse::<u64>().ok().map(Duration::from_millis);
        }
    }
    let signal = signal.ok_or(SipInfoDtmfError::MissingSignal)?;
    Ok(SipInfoDtmf {
        digit: parse_signal(signal)?,
        duration,
    })
}

/// A key as a character (`0-9 * # A-D`, any case) or as an RFC 4733 event code (`10` = `*`,
/// `11` = `#`, `12`-`15` = A-D, which some gateways send).
fn parse_signal(signal: &str) -> Result<DtmfDigit, SipInfoDtmfError> {
    let unknown = || SipInfoDtmfError::UnknownSignal(signal.to_owned());
    let mut chars = signal.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return DtmfDigit::from_char(c).ok_or_else(unknown);
    }
    signal
        .parse::<u8>()
        .ok()
        .and_then(DtmfDigit::from_event_code)
        .ok_or_else(unknown)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn relay(body: &str) -> Result<SipInfoDtmf, SipInfoDtmfError> {
        parse_sip_info_dtmf(SipInfoDtmfFormat::DtmfRelay, body.as_bytes())
    }

    fn plain(body: &str) -> Result<SipInfoDtmf, SipInfoDtmfError> {
        parse_sip_info_dtmf(SipInfoDtmfFormat::Dtmf, body.as_bytes())
    }

    #[test]
    fn dtmf_relay_with_duration() {
        assert_eq!(
            relay("Signal=5\r\nDuration=160\r\n"),
            Ok(SipInfoDtmf {
                digit: DtmfDigit::D5,
                duration: Some(Duration::from_millis(160)),
            })
        );
    }

    #[test]
    fn dtmf_relay_every_key_by_character() {
        for digit in DtmfDigit::ALL {
            let body = format!("Signal={}\r\nDuration=100\r\n", digit.as_char());
            assert_eq!(relay(&body).map(|d| d.digit), Ok(digit), "{body:?}");
        }
        assert_eq!(relay("Signal=a").map(|d| d.digit), Ok(DtmfDigit::A));
        assert_eq!(relay("Signal=d").map(|d| d.digit), Ok(DtmfDigit::D));
    }

    #[test]
    fn dtmf_relay_event_codes_for_star_hash_and_letters() {
        assert_eq!(relay("Signal=10").map(|d| d.digit), Ok(DtmfDigit::Star));
        assert_eq!(relay("Signal=11").map(|d| d.digit), Ok(DtmfDigit::Hash));
        assert_eq!(relay("Signal=12").map(|d| d.digit), Ok(DtmfDigit::A));
        assert_eq!(relay("Signal=15").map(|d| d.digit), Ok(DtmfDigit::D));
    }

    #[test]
    fn dtmf_relay_tolerates_case_whitespace_and_line_endings() {
        let parsed = relay("  signal = #  \nDURATION= 250\n").unwrap();
        assert_eq!(parsed.digit, DtmfDigit::Hash);
        assert_eq!(parsed.duration, Some(Duration::from_millis(250)));
        let parsed = relay("Duration=90\r\nSIGNAL=*").unwrap();
        assert_eq!(parsed.digit, DtmfDigit::Star);
        assert_eq!(parsed.duration, Some(Duration::from_millis(90)));
    }

    #[test]
    fn dtmf_relay_without_or_with_bad_duration_still_gives_the_key() {
        assert_eq!(
            relay("Signal=7"),
            Ok(SipInfoDtmf {
                digit: DtmfDigit::D7,
                duration: None
            })
        );
        assert_eq!(relay("Signal=7\r\nDuration=long").unwrap().duration, None);
    }

    #[test]
    fn dtmf_relay_malformed_bodies_are_errors() {
        assert_eq!(relay(""), Err(SipInfoDtmfError::MissingSignal));
        assert_eq!(relay("Duration=160"), Err(SipInfoDtmfError::MissingSignal));
        assert_eq!(relay("Signal 5"), Err(SipInfoDtmfError::MissingSignal));
        assert_eq!(
            relay("Signal="),
            Err(SipInfoDtmfError::UnknownSignal(String::new()))
        );
        assert_eq!(
            relay("Signal=16"),
            Err(SipInfoDtmfError::UnknownSignal("16".into()))
        );
        assert_eq!(
            relay("Signal=x"),
            Err(SipInfoDtmfError::UnknownSignal("x".into()))
        );
        assert_eq!(
            relay("Signal=55"),
            Err(SipInfoDtmfError::UnknownSignal("55".into()))
        );
        assert_eq!(
            parse_sip_info_dtmf(SipInfoDtmfFormat::DtmfRelay, &[b'S', 0xff, 0xfe]),
            Err(SipInfoDtmfError::NotText)
        );
    }

    #[test]
    fn application_dtmf_body_is_the_key() {
        assert_eq!(plain("5").map(|d| d.digit), Ok(DtmfDigit::D5));
        assert_eq!(plain(" *\r\n").map(|d| d.digit), Ok(DtmfDigit::Star));
        assert_eq!(plain("#").map(|d| d.digit), Ok(DtmfDigit::Hash));
        assert_eq!(plain("b").map(|d| d.digit), Ok(DtmfDigit::B));
        assert_eq!(plain("11").map(|d| d.digit), Ok(DtmfDigit::Hash));
        assert_eq!(plain("5").unwrap().duration, None);
    }

    #[test]
    fn application_dtmf_malformed_bodies_are_errors() {
        assert_eq!(plain(""), Err(SipInfoDtmfError::Empty));
        assert_eq!(plain(" \r\n"), Err(SipInfoDtmfError::Empty));
        assert_eq!(
            plain("55"),
            Err(SipInfoDtmfError::UnknownSignal("55".into()))
        );
        assert_eq!(
            plain("Signal=5"),
            Err(SipInfoDtmfError::UnknownSignal("Signal=5".into()))
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            SipInfoDtmfFormat::from_content_type("application/dtmf-relay"),
            Some(SipInfoDtmfFormat::DtmfRelay)
        );
        assert_eq!(
            SipInfoDtmfFormat::from_content_type(" Application/DTMF ; charset=utf-8"),
            Some(SipInfoDtmfFormat::Dtmf)
        );
        assert_eq!(
            SipInfoDtmfFormat::from_content_type("application/sdp"),
            None
        );
    }
}
