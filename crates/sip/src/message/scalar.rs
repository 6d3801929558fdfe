//! Small typed header values: CSeq, Max-Forwards, Content-Length, delta-seconds, option
//! tags, Call-ID and Date syntax.

use std::fmt;

use super::error::ParseError;
use super::grammar::{is_token, is_word_char, trim_lws};
use super::method::Method;

/// `CSeq: 1*DIGIT LWS Method` (RFC 3261 20.16). The number must fit 32 bits (8.1.1.5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CSeq {
    pub seq: u32,
    pub method: Method,
}

impl CSeq {
    pub fn new(seq: u32, method: Method) -> CSeq {
        CSeq { seq, method }
    }

    pub fn parse(s: &str) -> Result<CSeq, ParseError> {
        let s = trim_lws(s);
        let (seq, method) = s
            .split_once([' ', '\t'])
            .ok_or(ParseError::BadHeader(super::HeaderName::CSeq))?;
        let bad = || ParseError::BadHeader(super::HeaderName::CSeq);
        let seq = parse_u32_digits(seq).ok_or_else(bad)?;
        let method = Method::parse(trim_lws(method)).map_err(|_| bad())?;
        Ok(CSeq { seq, method })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

impl std::str::FromStr for CSeq {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CSeq::parse(s)
    }
}

/// `1*DIGIT` into a u32; leading zeros allowed, overflow refused.
fn parse_u32_digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = s.trim_start_matches('0');
    if significant.len() > 10 {
        return None;
    }
    if significant.is_empty() {
        return Some(0);
    }
    significant.parse().ok()
}

/// `Max-Forwards: 1*DIGIT`, 0 to 255 (RFC 3261 20.22). The default when absent is 70.
pub fn parse_max_forwards(s: &str) -> Result<u8, ParseError> {
    parse_u32_digits(trim_lws(s))
        .and_then(|v| u8::try_from(v).ok())
        .ok_or(ParseError::BadHeader(super::HeaderName::MaxForwards))
}

/// The value RFC 3261 8.1.1.6 tells a UAC to use, and what to assume when it is absent.
pub const DEFAULT_MAX_FORWARDS: u8 = 70;

/// `Content-Length: 1*DIGIT` (RFC 3261 20.14).
pub fn parse_content_length(s: &str) -> Result<usize, ParseError> {
    let s = trim_lws(s);
    let bad = || ParseError::BadHeader(super::HeaderName::ContentLength);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let significant = s.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(0);
    }
    significant.parse().map_err(|_| bad())
}

/// `delta-seconds = 1*DIGIT` (RFC 3261 25.1), as used by Expires, Min-Expires,
/// Retry-After and the Contact `expires` parameter: refused beyond 2**32-1.
pub fn parse_delta_seconds(s: &str) -> Result<u32, ParseError> {
    parse_u32_digits(trim_lws(s)).ok_or(ParseError::InvalidNumber)
}

/// Option tags of Require, Proxy-Require, Supported and Unsupported (RFC 3261 20.32):
/// comma-separated tokens. An empty value is an empty list (Supported may be empty).
pub fn parse_option_tags(s: &str) -> Result<Vec<&str>, ParseError> {
    let s = trim_lws(s);
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(trim_lws)
        .map(|tag| {
            if is_token(tag) {
                Ok(tag)
            } else {
                Err(ParseError::InvalidToken)
            }
        })
        .collect()
}

/// `callid = word [ "@" word ]` (RFC 3261 25.1).
pub fn is_valid_call_id(s: &str) -> bool {
    let is_word = |w: &str| !w.is_empty() && w.bytes().all(is_word_char);
    match s.split_once('@') {
        Some((a, b)) => is_word(a) && is_word(b),
        None => is_word(s),
    }
}

/// `SIP-date = rfc1123-date`: `Sun, 06 Nov 1994 08:49:37 GMT`, always GMT (RFC 3261 20.17).
pub fn is_valid_sip_date(s: &str) -> bool {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = trim_lws(s).split(' ').collect();
    let [wkday, day, month, year, time, zone] = parts.as_slice() else {
        return false;
    };
    let digits = |v: &str, n: usize| v.len() == n && v.bytes().all(|b| b.is_ascii_digit());
    let time_ok = {
        let t: Vec<&str> = time.split(':').collect();
        t.len() == 3 && t.iter().all(|p| digits(p, 2))
    };
    wkday.strip_suffix(',').is_some_and(|d| DAYS.contains(&d))
        && digits(day, 2)
        && MONTHS.contains(month)
        && digits(year, 4)
        && time_ok
        && *zone == "GMT"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cseq() {
        let c = CSeq::parse("0009 INVITE").unwrap();
        assert_eq!(c, CSeq::new(9, Method::Invite));
        assert_eq!(c.to_string(), "9 INVITE");
        assert_eq!(CSeq::parse("4294967295 ACK").unwrap().seq, u32::MAX);
        assert!(CSeq::parse("4294967296 ACK").is_err());
        assert!(CSeq::parse("36893488147419103232 REGISTER").is_err());
        assert!(CSeq::parse("-1 INVITE").is_err());
        assert!(CSeq::parse("1").is_err());
        assert!(CSeq::parse("1 IN VITE").is_err());
        assert_eq!(CSeq::parse("x INVITE").unwrap_err().to_string(), "bad CSeq");
    }

    #[test]
    fn scalars() {
        assert_eq!(parse_max_forwards("0068").unwrap(), 68);
        assert_eq!(parse_max_forwards("255").unwrap(), 255);
        assert!(parse_max_forwards("300").is_err());
        assert_eq!(parse_content_length(" 150 ").unwrap(), 150);
        assert!(parse_content_length("-999").is_err());
        assert!(parse_content_length("").is_err());
        assert_eq!(parse_delta_seconds("3600").unwrap(), 3600);
        assert!(parse_delta_seconds("10000000000000000000000").is_err());
    }

    #[test]
    fn option_tags() {
        assert_eq!(
            parse_option_tags("100rel, timer ,replaces").unwrap(),
            vec!["100rel", "timer", "replaces"]
        );
        assert!(parse_option_tags("").unwrap().is_empty());
        assert!(parse_option_tags("a,,b").is_err());
    }

    #[test]
    fn call_id_and_date() {
        assert!(is_valid_call_id(
            "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"
        ));
        assert!(!is_valid_call_id("a@b@c"));
        assert!(!is_valid_call_id(""));
        assert!(!is_valid_call_id("has space"));
        assert!(is_valid_sip_date("Sat, 15 Oct 2005 04:44:56 GMT"));
        assert!(!is_valid_sip_date("Fri, 01 Jan 2010 16:00:00 EST"));
    }
}
