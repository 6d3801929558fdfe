//! The checks a UAS makes before acting on a request (RFC 3261 8.2, RFC 4475), and the
//! ones a UAC makes on a response (RFC 3261 8.1.3.3). Kept apart from parsing so that a
//! request failing them can still be answered: [`super::response_for`] needs only the
//! Via, From, To, Call-ID and CSeq lines.

use super::error::ParseError;
use super::header_name::HeaderName;
use super::headers::Headers;
use super::name_addr::NameAddr;
use super::scalar::{is_valid_call_id, is_valid_sip_date, parse_max_forwards, CSeq};
use super::types::{Request, Response};
use super::uri::Scheme;
use super::via::Via;

/// Validates a parsed request. Checks, in this order (the first failure is returned):
///
/// 1. at least one Via, each value well-formed;
/// 2. exactly one CSeq, well-formed (32-bit number), its method equal to the request
///    method (RFC 3261 8.1.1.5; ACK and CANCEL carry their own method there too);
/// 3. exactly one Call-ID, From and To, each well-formed;
/// 4. at most one Max-Forwards (0..=255; absent means 70) and Content-Length;
/// 5. the request-URI carries no `?headers` (RFC 3261 19.1.1) and uses sip, sips or tel,
///    else [`ParseError::UnsupportedUriScheme`] (416, RFC 3261 8.2.2.1);
/// 6. Contact, Route and Record-Route values are well-formed (`Contact: *` allowed);
/// 7. Date, if present, is an RFC 1123 date in GMT.
///
/// Not checked here (the application decides): Require/Proxy-Require (420), Content-Type
/// (415), Accept (406), Max-Forwards 0 (483 at a proxy; a UAS just processes the
/// request, RFC 4475 3.3.11), Expires ranges (a registrar uses its default), branch
/// format (RFC 2543 fallback, RFC 4475 3.2.1). SIP/2.0 is already enforced by the parser.
pub fn validate_request(req: &Request) -> Result<(), ParseError> {
    let h = &req.headers;
    check_vias(h)?;
    let cseq = check_cseq(h)?;
    if cseq.method != req.method {
        return Err(ParseError::CSeqMethodMismatch);
    }
    check_dialog_identifiers(h)?;
    if let Some(mf) = at_most_one(h, HeaderName::MaxForwards)? {
        parse_max_forwards(mf)?;
    }
    at_most_one(h, HeaderName::ContentLength)?;
    if !req.uri.headers().is_empty() {
        return Err(ParseError::BadRequestUri);
    }
    if !matches!(req.uri.scheme(), Scheme::Sip | Scheme::Sips | Scheme::Tel) {
        return Err(ParseError::UnsupportedUriScheme);
    }
    check_addresses(h)?;
    check_date(h)
}

/// Validates a received response: Via, CSeq, Call-ID, From, To as for requests.
/// A response failing this is discarded (RFC 3261 8.1.3.3, RFC 4475 3.1.2.5).
pub fn validate_response(resp: &Response) -> Result<(), ParseError> {
    let h = &resp.headers;
    check_vias(h)?;
    check_cseq(h)?;
    check_dialog_identifiers(h)?;
    at_most_one(h, HeaderName::ContentLength)?;
    check_addresses(h)?;
    check_date(h)
}

/// The Max-Forwards a UAS should act on: the header's value, or 70 when absent.
pub fn max_forwards(headers: &Headers) -> Result<u8, ParseError> {
    match headers.get(&HeaderName::MaxForwards) {
        Some(v) => parse_max_forwards(v),
        None => Ok(super::scalar::DEFAULT_MAX_FORWARDS),
    }
}

/// Parses every Via value, topmost first.
pub fn vias(headers: &Headers) -> Result<Vec<Via>, ParseError> {
    headers
        .values(&HeaderName::Via)
        .into_iter()
        .map(|v| Via::parse(v).map_err(|e| e.in_header(HeaderName::Via)))
        .collect()
}

/// The CSeq header, parsed.
pub fn cseq(headers: &Headers) -> Result<CSeq, ParseError> {
    check_cseq(headers)
}

/// Option tags in `Require` that are not in `supported`: a UAS answers 420 Bad Extension
/// listing them in `Unsupported` (RFC 3261 8.2.2.3). Proxy-Require is for proxies and is
/// ignored by a UAS.
pub fn unsupported_requirements<'a>(req: &'a Request, supported: &[&str]) -> Vec<&'a str> {
    req.headers
        .values(&HeaderName::Require)
        .into_iter()
        .filter(|tag| !supported.iter().any(|s| s.eq_ignore_ascii_case(tag)))
        .collect()
}

fn check_vias(h: &Headers) -> Result<(), ParseError> {
    if h.values(&HeaderName::Via).is_empty() {
        return Err(ParseError::MissingHeader(HeaderName::Via));
    }
    vias(h).map(|_| ())
}

fn check_cseq(h: &Headers) -> Result<CSeq, ParseError> {
    let value = exactly_one(h, HeaderName::CSeq)?;
    CSeq::parse(value).map_err(|e| e.in_header(HeaderName::CSeq))
}

fn check_dialog_identifiers(h: &Headers) -> Result<(), ParseError> {
    let call_id = exactly_one(h, HeaderName::CallId)?;
    if !is_valid_call_id(call_id) {
        return Err(ParseError::BadHeader(HeaderName::CallId));
    }
    for name in [HeaderName::From, HeaderName::To] {
        let value = exactly_one(h, name.clone())?;
        NameAddr::parse(value).map_err(|e| e.in_header(name))?;
    }
    Ok(())
}

fn check_addresses(h: &Headers) -> Result<(), ParseError> {
    for name in [
        HeaderName::Contact,
        HeaderName::Route,
        HeaderName::RecordRoute,
    ] {
        for value in h.values(&name) {
            if name == HeaderName::Contact && value == "*" {
                continue;
            }
            NameAddr::parse(value).map_err(|e| e.in_header(name.clone()))?;
        }
    }
    Ok(())
}

fn check_date(h: &Headers) -> Result<(), ParseError> {
    match at_most_one(h, HeaderName::Date)? {
        Some(date) if !is_valid_sip_date(date) => Err(ParseError::BadHeader(HeaderName::Date)),
        _ => Ok(()),
    }
}

fn exactly_one(h: &Headers, name: HeaderName) -> Result<&str, ParseError> {
    at_most_one(h, name.clone())?.ok_or(ParseError::MissingHeader(name))
}

fn at_most_one(h: &Headers, name: HeaderName) -> Result<Option<&str>, ParseError> {
    let (first, count) = {
        let mut lines = h.get_all(&name);
        (lines.next(), 1 + lines.count())
    };
    if count > 1 && first.is_some() {
        return Err(ParseError::DuplicateHeader(name));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_message, Message};
    use super::*;
    use bytes::Bytes;

    fn request(extra: &str, drop: &str) -> Request {
        let mut text = String::from("INVITE sip:bob@b.example SIP/2.0\r\n");
        for line in [
            "Via: SIP/2.0/UDP a.example;branch=z9hG4bK1",
            "To: <sip:bob@b.example>",
            "From: <sip:al@a.example>;tag=1",
            "Call-ID: c1@a.example",
            "CSeq: 1 INVITE",
            "Max-Forwards: 70",
        ] {
            if drop.is_empty() || !line.starts_with(drop) {
                text.push_str(line);
                text.push_str("\r\n");
            }
        }
        text.push_str(extra);
        text.push_str("Content-Length: 0\r\n\r\n");
        match parse_message(Bytes::from(text)).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => panic!(),
        }
    }

    #[test]
    fn accepts_a_good_request() {
        assert_eq!(validate_request(&request("", "")), Ok(()));
        assert_eq!(validate_request(&request("", "Max-Forwards")), Ok(()));
        assert_eq!(max_forwards(&request("", "Max-Forwards").headers), Ok(70));
    }

    #[test]
    fn missing_and_duplicates() {
        for (drop, name) in [
            ("Via", HeaderName::Via),
            ("To", HeaderName::To),
            ("From", HeaderName::From),
            ("Call-ID", HeaderName::CallId),
            ("CSeq", HeaderName::CSeq),
        ] {
            assert_eq!(
                validate_request(&request("", drop)),
                Err(ParseError::MissingHeader(name))
            );
        }
        assert_eq!(
            validate_request(&request("To: <sip:x@y>\r\n", "")),
            Err(ParseError::DuplicateHeader(HeaderName::To))
        );
        assert_eq!(
            validate_request(&request("Max-Forwards: 1\r\n", "")),
            Err(ParseError::DuplicateHeader(HeaderName::MaxForwards))
        );
    }

    #[test]
    fn bad_values() {
        assert_eq!(
            validate_request(&request("CSeq: 2 BYE\r\n", "CSeq")),
            Err(ParseError::CSeqMethodMismatch)
        );
        assert_eq!(
            validate_request(&request("Contact: <sip:x@y\r\n", "")),
            Err(ParseError::BadHeader(HeaderName::Contact))
        );
        assert_eq!(validate_request(&request("Contact: *\r\n", "")), Ok(()));
        assert_eq!(
            validate_request(&request("Date: Sat, 15 Oct 2005 04:44:56 PST\r\n", "")),
            Err(ParseError::BadHeader(HeaderName::Date))
        );
    }

    #[test]
    fn unsupported_requirements_lists_unknown_tags() {
        let r = request("Require: 100rel, foo\r\nProxy-Require: bar\r\n", "");
        assert_eq!(
            unsupported_requirements(&r, &["100Rel", "timer"]),
            vec!["foo"]
        );
    }
}
