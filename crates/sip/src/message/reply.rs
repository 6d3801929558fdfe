//! Building responses to requests, including to requests too broken to parse.

use bytes::Bytes;

use super::head::{scan_head, skip_leading_crlf};
use super::header_name::HeaderName;
use super::headers::Headers;
use super::method::Method;
use super::parse::field_to_header;
use super::scalar::CSeq;
use super::types::{Request, Response};

/// A response to `req` carrying what RFC 3261 8.2.6.2 says to copy: every Via in order,
/// From, To, Call-ID and CSeq (the first of each if the request repeated them), and
/// Timestamp on a 100 (8.2.6.1). No To tag is added: the caller adds one when needed.
pub fn response_for(req: &Request, status: u16, reason: &str) -> Response {
    response_from_headers(&req.headers, status, reason)
}

fn response_from_headers(source: &Headers, status: u16, reason: &str) -> Response {
    let mut headers = Headers::with_capacity(8);
    for via in source.get_all(&HeaderName::Via) {
        headers.push(HeaderName::Via, via);
    }
    let mut single = vec![
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::CSeq,
    ];
    if status == 100 {
        single.push(HeaderName::Timestamp);
    }
    for name in single {
        if let Some(value) = source.get(&name) {
            headers.push(name, value);
        }
    }
    Response {
        status,
        reason: reason.to_owned(),
        headers,
        body: Bytes::new(),
    }
}

/// What is needed to answer a request that [`super::parse_message`] refused (for example
/// 400 "Content-Length larger than message", or 505 for `SIP/7.0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorReplyContext {
    /// The method from CSeq.
    pub method: Method,
    /// Via (all), From, To, Call-ID and CSeq as received.
    pub headers: Headers,
}

impl ErrorReplyContext {
    pub fn response(&self, status: u16, reason: &str) -> Response {
        response_from_headers(&self.headers, status, reason)
    }
}

/// Reads just enough of a message that failed [`super::parse_message`] to answer it, in
/// the spirit of RFC 3261 8.2.2 ("respond with 400 when the request is malformed"):
/// returns `Some` only for something that starts like a request, is not an ACK (never
/// answered, 17.1.1.3), and has a Via (where the response goes, 18.2.2),
/// a From, a To, a Call-ID and a well-formed CSeq. Malformed lines are skipped and a
/// truncated head is accepted. Everything else gets no answer: it is dropped.
pub fn parse_for_error_reply(data: &[u8]) -> Option<ErrorReplyContext> {
    let data = Bytes::copy_from_slice(data);
    let start = skip_leading_crlf(&data);
    let head = scan_head(&data, start, true).ok()?;
    let start_line = data.get(head.start_line.clone())?;
    let method_token = start_line.split(|&b| b == b' ').next()?;
    if start_line.get(..4)?.eq_ignore_ascii_case(b"SIP/") || method_token == b"ACK" {
        return None;
    }
    let mut source = Headers::with_capacity(8);
    for field in &head.fields {
        if let Ok((name, value)) = field_to_header(&data, field) {
            if matches!(
                name,
                HeaderName::Via
                    | HeaderName::From
                    | HeaderName::To
                    | HeaderName::CallId
                    | HeaderName::CSeq
            ) {
                source.push_value(name, value);
            }
        }
    }
    // The top Via need not parse: a SIP/7.0 Via still deserves its 505, and the transport
    // falls back to the source address when it cannot read sent-by (RFC 3261 18.2.2).
    source.values(&HeaderName::Via).into_iter().next()?;
    let cseq = CSeq::parse(source.get(&HeaderName::CSeq)?).ok()?;
    if cseq.method == Method::Ack {
        return None;
    }
    for name in [HeaderName::From, HeaderName::To, HeaderName::CallId] {
        source.get(&name).filter(|v| !v.is_empty())?;
    }
    let reply = response_from_headers(&source, 400, "");
    Some(ErrorReplyContext {
        method: cseq.method,
        headers: reply.headers,
    })
}

/// The RFC 3261 section 21 reason phrase (plus RFC 3262/3265/3329/4028/4412/6665 codes).
pub fn default_reason(status: u16) -> &'static str {
    match status {
        100 => "Trying",
        180 => "Ringing",
        181 => "Call Is Being Forwarded",
        182 => "Queued",
        183 => "Session Progress",
        199 => "Early Dialog Terminated",
        200 => "OK",
        202 => "Accepted",
        204 => "No Notification",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        305 => "Use Proxy",
        380 => "Alternative Service",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        410 => "Gone",
        412 => "Conditional Request Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Unsupported URI Scheme",
        420 => "Bad Extension",
        421 => "Extension Required",
        422 => "Session Interval Too Small",
        423 => "Interval Too Brief",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        482 => "Loop Detected",
        483 => "Too Many Hops",
        484 => "Address Incomplete",
        485 => "Ambiguous",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        489 => "Bad Event",
        491 => "Request Pending",
        493 => "Undecipherable",
        494 => "Security Agreement Required",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Server Time-out",
        505 => "Version Not Supported",
        513 => "Message Too Large",
        580 => "Precondition Failure",
        600 => "Busy Everywhere",
        603 => "Decline",
        604 => "Does Not Exist Anywhere",
        606 => "Not Acceptable",
        _ => match status / 100 {
            1 => "Trying",
            2 => "OK",
            3 => "Redirection",
            4 => "Client Error",
            5 => "Server Error",
            6 => "Global Failure",
            _ => "Unknown",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_message, Message};
    use super::*;

    const REQ: &str = "INVITE sip:bob@b.example SIP/2.0\r\n\
        Via: SIP/2.0/UDP p.example;branch=z9hG4bK2\r\n\
        Via: SIP/2.0/UDP a.example;branch=z9hG4bK1\r\n\
        To: <sip:bob@b.example>\r\n\
        From: <sip:al@a.example>;tag=1\r\n\
        Call-ID: c1@a.example\r\n\
        CSeq: 1 INVITE\r\n\
        Timestamp: 54\r\n\
        Contact: <sip:al@a.example>\r\n\
        Content-Length: 0\r\n\r\n";

    #[test]
    fn copies_the_right_headers() {
        let Message::Request(req) = parse_message(Bytes::from_static(REQ.as_bytes())).unwrap()
        else {
            panic!()
        };
        let resp = response_for(&req, 486, default_reason(486));
        let names: Vec<String> = resp.headers.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(names, ["Via", "Via", "From", "To", "Call-ID", "CSeq"]);
        assert_eq!(resp.reason, "Busy Here");
        let trying = response_for(&req, 100, "Trying");
        assert_eq!(trying.headers.get(&HeaderName::Timestamp), Some("54"));
    }

    #[test]
    fn error_reply_from_broken_request() {
        let broken = REQ.replace("Content-Length: 0", "Content-Length: 99");
        assert!(parse_message(Bytes::from(broken.clone())).is_err());
        let ctx = parse_for_error_reply(broken.as_bytes()).unwrap();
        assert_eq!(ctx.method, Method::Invite);
        let resp = ctx.response(400, "Content-Length larger than message");
        assert_eq!(resp.headers.values(&HeaderName::Via).len(), 2);
        assert_eq!(resp.headers.get(&HeaderName::CallId), Some("c1@a.example"));
    }

    #[test]
    fn no_error_reply_for_acks_responses_or_garbage() {
        let ack = REQ
            .replace("INVITE sip", "ACK sip")
            .replace("1 INVITE", "1 ACK");
        assert!(parse_for_error_reply(ack.as_bytes()).is_none());
        assert!(parse_for_error_reply(b"SIP/2.0 200 OK\r\n\r\n").is_none());
        assert!(parse_for_error_reply(b"\x00\x01garbage").is_none());
        let no_via = REQ.replace("Via:", "X-Via:");
        assert!(parse_for_error_reply(no_via.as_bytes()).is_none());
    }
}
