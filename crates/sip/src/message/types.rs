//! Request, Response and Message.

use bytes::Bytes;

use super::headers::Headers;
use super::method::Method;
use super::uri::Uri;

/// A SIP request. Parsing guarantees the start line is `Method SP Request-URI SP SIP/2.0`;
/// header semantics are checked separately by [`super::validate_request`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub uri: Uri,
    pub headers: Headers,
    pub body: Bytes,
}

/// A SIP response (`SIP/2.0 SP Status-Code SP Reason-Phrase`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Headers,
    pub body: Bytes,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    Request(Request),
    Response(Response),
}

impl Request {
    pub fn new(method: Method, uri: Uri) -> Request {
        Request {
            method,
            uri,
            headers: Headers::new(),
            body: Bytes::new(),
        }
    }
}

impl Response {
    pub fn new(status: u16, reason: &str) -> Response {
        Response {
            status,
            reason: reason.to_owned(),
            headers: Headers::new(),
            body: Bytes::new(),
        }
    }
}

impl Message {
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    pub fn body(&self) -> &Bytes {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }
}

impl From<Request> for Message {
    fn from(r: Request) -> Self {
        Message::Request(r)
    }
}

impl From<Response> for Message {
    fn from(r: Response) -> Self {
        Message::Response(r)
    }
}
