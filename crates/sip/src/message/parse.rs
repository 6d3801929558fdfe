//! `parse_message`: one whole message from a datagram (or a frame cut by
//! [`super::StreamFramer`]).

use bytes::Bytes;

use super::error::ParseError;
use super::head::{scan_head, skip_leading_crlf, RawField};
use super::header_name::HeaderName;
use super::headers::{HeaderValue, Headers};
use super::method::Method;
use super::scalar::parse_content_length;
use super::types::{Message, Request, Response};
use super::uri::Uri;

/// Parses one message.
///
/// * Leading CRLFs are skipped (RFC 3261 7.5); folded header lines are unfolded into one
///   value with a single SP where each fold was.
/// * The body is taken by Content-Length. Bytes past it are dropped (RFC 3261 18.3: extra
///   octets in a datagram are discarded); a Content-Length larger than the data is an
///   error; without Content-Length the body is the rest of the datagram (legal over UDP
///   only: the framer insists on Content-Length for streams).
/// * Single-line header values and the body are slices of `datagram`, not copies.
///
/// This checks the grammar of the start line and the header *lines*, the request-URI,
/// and Content-Length. The meaning of the other headers (mandatory ones present, CSeq
/// matching the method, To/From/Via syntax, ...) is checked by
/// [`super::validate_request`], so that a request that fails there can still be answered.
pub fn parse_message(datagram: Bytes) -> Result<Message, ParseError> {
    let start = skip_leading_crlf(&datagram);
    if start >= datagram.len() {
        return Err(ParseError::Empty);
    }
    let line_end = datagram
        .get(start..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(datagram.len(), |nl| start + nl);
    let start_line = datagram.get(start..line_end).unwrap_or_default();
    let start_line = start_line.strip_suffix(b"\r").unwrap_or(start_line);
    let start_line = parse_start_line(start_line)?;

    let head = scan_head(&datagram, start, false)?;
    let mut headers = Headers::with_capacity(head.fields.len());
    for field in &head.fields {
        let (name, value) = field_to_header(&datagram, field)?;
        headers.push_value(name, value);
    }
    let body = take_body(&datagram, head.body_start, &headers)?;

    Ok(match start_line {
        StartLine::Request(method, uri) => Message::Request(Request {
            method,
            uri,
            headers,
            body,
        }),
        StartLine::Response(status, reason) => Message::Response(Response {
            status,
            reason,
            headers,
            body,
        }),
    })
}

enum StartLine {
    Request(Method, Uri),
    Response(u16, String),
}

/// The start line is judged first, so a message with a broken request line is reported
/// as such even if its headers are broken too.
fn parse_start_line(line: &[u8]) -> Result<StartLine, ParseError> {
    let is_response = line
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"SIP/"));
    if line.contains(&b'\r') {
        return Err(if is_response {
            ParseError::BadStatusLine
        } else {
            ParseError::BadRequestLine
        });
    }
    if is_response {
        let line = std::str::from_utf8(line).map_err(|_| ParseError::BadStatusLine)?;
        let (status, reason) = parse_status_line(line)?;
        Ok(StartLine::Response(status, reason.to_owned()))
    } else {
        let line = std::str::from_utf8(line).map_err(|_| ParseError::BadRequestLine)?;
        let (method, uri) = parse_request_line(line)?;
        Ok(StartLine::Request(method, uri))
    }
}

/// Builds one header from its raw ranges. Values must be UTF-8 and may not hold a stray CR
/// (header injection). Unfolded values are the only ones copied.
pub(crate) fn field_to_header(
    data: &Bytes,
    field: &RawField,
) -> Result<(HeaderName, HeaderValue), ParseError> {
    let name_bytes = data
        .get(field.name.clone())
        .ok_or(ParseError::BadHeaderLine)?;
    let name = std::str::from_utf8(name_bytes).map_err(|_| ParseError::BadHeaderLine)?;
    let name = HeaderName::parse(name)?;
    let not_utf8 = || ParseError::BadHeader(name.clone());
    let has_cr = |r: &std::ops::Range<usize>| {
        data.get(r.clone())
            .is_none_or(|piece| piece.contains(&b'\r'))
    };
    if has_cr(&field.first) || field.continuations.iter().any(has_cr) {
        return Err(ParseError::BadHeaderLine);
    }
    let value = if field.continuations.is_empty() {
        HeaderValue::from_utf8(data.slice(field.first.clone())).map_err(|_| not_utf8())?
    } else {
        let mut joined = Vec::new();
        for piece in std::iter::once(&field.first).chain(&field.continuations) {
            let bytes = data.get(piece.clone()).unwrap_or_default();
            if bytes.is_empty() {
                continue;
            }
            if !joined.is_empty() {
                joined.push(b' ');
            }
            joined.extend_from_slice(bytes);
        }
        HeaderValue::from_utf8(Bytes::from(joined)).map_err(|_| not_utf8())?
    };
    Ok((name, value))
}

/// The body per RFC 3261 18.3 and 20.14. Several Content-Length lines that agree are
/// tolerated here (validation refuses them); ones that disagree leave the body length
/// unknowable (RFC 4475 3.3.9).
fn take_body(data: &Bytes, body_start: usize, headers: &Headers) -> Result<Bytes, ParseError> {
    let mut declared: Option<usize> = None;
    for value in headers.get_all(&HeaderName::ContentLength) {
        let length = parse_content_length(value)?;
        match declared {
            Some(previous) if previous != length => {
                return Err(ParseError::DuplicateHeader(HeaderName::ContentLength))
            }
            _ => declared = Some(length),
        }
    }
    let available = data.len().saturating_sub(body_start);
    match declared {
        Some(length) if length > available => Err(ParseError::ContentLengthTooLarge),
        Some(length) => Ok(data.slice(body_start..body_start + length)),
        None => Ok(data.slice(body_start.min(data.len())..)),
    }
}

/// `Method SP Request-URI SP SIP-Version` with exactly one SP between elements
/// (RFC 3261 7.1; RFC 4475 3.1.2.9 and 3.1.2.10).
fn parse_request_line(line: &str) -> Result<(Method, Uri), ParseError> {
    let (method, rest) = line.split_once(' ').ok_or(ParseError::BadRequestLine)?;
    let (uri, version) = rest.rsplit_once(' ').ok_or(ParseError::BadRequestLine)?;
    if uri.is_empty() || uri.starts_with(' ') || uri.ends_with(' ') {
        return Err(ParseError::BadRequestLine);
    }
    check_version(version).map_err(|e| match e {
        ParseError::UnsupportedVersion => e,
        _ => ParseError::BadRequestLine,
    })?;
    let method = Method::parse(method)?;
    let uri = Uri::parse(uri).map_err(|_| ParseError::BadRequestUri)?;
    Ok((method, uri))
}

/// `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`: well-formed but not 2.0 means 505.
fn check_version(version: &str) -> Result<(), ParseError> {
    let numbers = version
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("SIP/"))
        .and_then(|_| version.get(4..))
        .ok_or(ParseError::BadRequestLine)?;
    let (major, minor) = numbers.split_once('.').ok_or(ParseError::BadRequestLine)?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) {
        return Err(ParseError::BadRequestLine);
    }
    if numbers == "2.0" {
        Ok(())
    } else {
        Err(ParseError::UnsupportedVersion)
    }
}

/// `SIP-Version SP Status-Code SP Reason-Phrase` (RFC 3261 7.2). The reason may be empty
/// (RFC 4475 3.1.1.13); a missing SP before an empty reason is tolerated.
fn parse_status_line(line: &str) -> Result<(u16, &str), ParseError> {
    let (version, rest) = line.split_once(' ').ok_or(ParseError::BadStatusLine)?;
    check_version(version).map_err(|e| match e {
        ParseError::UnsupportedVersion => e,
        _ => ParseError::BadStatusLine,
    })?;
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::BadStatusCode);
    }
    let status: u16 = code.parse().map_err(|_| ParseError::BadStatusCode)?;
    if !(100..=699).contains(&status) {
        return Err(ParseError::BadStatusCode);
    }
    Ok((status, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> Request {
        match parse_message(Bytes::copy_from_slice(text.as_bytes())).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => panic!("expected a request"),
        }
    }

    const BASIC: &str = "INVITE sip:bob@biloxi.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n\
        Max-Forwards: 70\r\n\
        To: Bob <sip:bob@biloxi.com>\r\n\
        From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n\
        Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n\
        CSeq: 314159 INVITE\r\n\
        Contact: <sip:alice@pc33.atlanta.com>\r\n\
        Content-Length: 4\r\n\r\nv=0\n";

    #[test]
    fn basic_request() {
        let r = request(BASIC);
        assert_eq!(r.method, Method::Invite);
        assert_eq!(r.uri.user(), Some("bob"));
        assert_eq!(
            r.headers.get(&HeaderName::CallId),
            Some("a84b4c76e66710@pc33.atlanta.com")
        );
        assert_eq!(&r.body[..], b"v=0\n");
    }

    #[test]
    fn folding_is_unfolded() {
        let r =
            request("OPTIONS sip:a@b SIP/2.0\r\nSubject: one\r\n  two\r\n\tthree\r\nl: 0\r\n\r\n");
        assert_eq!(r.headers.get(&HeaderName::Subject), Some("one two three"));
    }

    #[test]
    fn body_by_content_length() {
        let r = request("OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\nabcdef");
        assert_eq!(&r.body[..], b"ab");
        let r = request("OPTIONS sip:a@b SIP/2.0\r\nTo: x\r\n\r\nabcdef");
        assert_eq!(&r.body[..], b"abcdef");
        let e = parse_message(Bytes::from_static(
            b"OPTIONS sip:a@b SIP/2.0\r\nl: 9\r\n\r\nab",
        ));
        assert_eq!(e, Err(ParseError::ContentLengthTooLarge));
    }

    #[test]
    fn start_line_errors() {
        let cases: &[(&str, ParseError)] = &[
            ("", ParseError::Empty),
            ("\r\n\r\n", ParseError::Empty),
            ("INVITE sip:a@b SIP/2.0\r\n", ParseError::Incomplete),
            ("INVITE sip:a@b\r\n\r\n", ParseError::BadRequestLine),
            (
                "INVITE  sip:a@b SIP/2.0\r\n\r\n",
                ParseError::BadRequestLine,
            ),
            (
                "INVITE sip:a@b SIP/2.0 \r\n\r\n",
                ParseError::BadRequestLine,
            ),
            (
                "INVITE <sip:a@b> SIP/2.0\r\n\r\n",
                ParseError::BadRequestUri,
            ),
            (
                "INVITE sip:a@b SIP/3.0\r\n\r\n",
                ParseError::UnsupportedVersion,
            ),
            ("IN(VITE sip:a@b SIP/2.0\r\n\r\n", ParseError::BadMethod),
            ("SIP/2.0 4294967301 big\r\n\r\n", ParseError::BadStatusCode),
            ("SIP/2.0 099 low\r\n\r\n", ParseError::BadStatusCode),
            ("SIP/2.0\r\n\r\n", ParseError::BadStatusLine),
            ("SIP/2.0 200 O\rK\r\n\r\n", ParseError::BadStatusLine),
            (
                "OPTIONS sip:a@b SIP/2.0\r\nNoColon\r\n\r\n",
                ParseError::BadHeaderLine,
            ),
            (
                "OPTIONS sip:a@b SIP/2.0\r\n folded\r\n\r\n",
                ParseError::BadHeaderLine,
            ),
            (
                "OPTIONS sip:a@b SIP/2.0\r\nl: -1\r\n\r\n",
                ParseError::BadHeader(HeaderName::ContentLength),
            ),
            (
                "OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\nab",
                ParseError::DuplicateHeader(HeaderName::ContentLength),
            ),
            (
                "OPTIONS sip:a@b SIP/2.0\r\nX: a\rb\r\n\r\n",
                ParseError::BadHeaderLine,
            ),
        ];
        for (text, expected) in cases {
            let got = parse_message(Bytes::copy_from_slice(text.as_bytes()));
            assert_eq!(got.as_ref().err(), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn non_utf8_header_is_refused_but_body_is_opaque() {
        let mut data = b"OPTIONS sip:a@b SIP/2.0\r\nSubject: \xff\r\n\r\n".to_vec();
        assert_eq!(
            parse_message(Bytes::from(data.clone())),
            Err(ParseError::BadHeader(HeaderName::Subject))
        );
        data = b"OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\n\xff\x00".to_vec();
        assert!(parse_message(Bytes::from(data)).is_ok());
    }

    #[test]
    fn response_with_empty_reason() {
        let m = parse_message(Bytes::from_static(b"SIP/2.0 100 \r\nl: 0\r\n\r\n")).unwrap();
        let Message::Response(r) = m else { panic!() };
        assert_eq!((r.status, r.reason.as_str()), (100, ""));
    }

    #[test]
    fn values_are_zero_copy() {
        let data = Bytes::copy_from_slice(BASIC.as_bytes());
        let Message::Request(r) = parse_message(data.clone()).unwrap() else {
            panic!()
        };
        let value = r.headers.get(&HeaderName::CallId).unwrap();
        let range = data.as_ptr() as usize..data.as_ptr() as usize + data.len();
        assert!(range.contains(&(value.as_ptr() as usize)));
        assert!(range.contains(&(r.body.as_ptr() as usize)));
    }
}
