//! Writing messages. Content-Length always states the real body length.

use bytes::{BufMut, Bytes, BytesMut};

use super::header_name::HeaderName;
use super::headers::Headers;
use super::types::{Message, Request, Response};

impl Request {
    pub fn to_bytes(&self) -> Bytes {
        let uri = self.uri.to_string();
        let mut out = BytesMut::with_capacity(estimate(&self.headers, &self.body) + uri.len());
        out.put_slice(self.method.as_str().as_bytes());
        out.put_u8(b' ');
        put_text(&mut out, &uri);
        out.put_slice(b" SIP/2.0\r\n");
        finish(out, &self.headers, &self.body)
    }
}

impl Response {
    pub fn to_bytes(&self) -> Bytes {
        let mut out = BytesMut::with_capacity(estimate(&self.headers, &self.body) + 32);
        out.put_slice(format!("SIP/2.0 {:03} ", self.status).as_bytes());
        put_text(&mut out, &self.reason);
        out.put_slice(b"\r\n");
        finish(out, &self.headers, &self.body)
    }
}

impl Message {
    pub fn to_bytes(&self) -> Bytes {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }
}

fn estimate(headers: &Headers, body: &Bytes) -> usize {
    let header_bytes: usize = headers
        .iter()
        .map(|(n, v)| n.as_str().len() + v.len() + 4)
        .sum();
    64 + header_bytes + body.len()
}

/// Writes the headers, replacing every Content-Length by one with the body's real length
/// at the first one's place (or at the end), then the empty line and the body.
fn finish(mut out: BytesMut, headers: &Headers, body: &Bytes) -> Bytes {
    let mut wrote_length = false;
    for (name, value) in headers.raw() {
        if *name == HeaderName::ContentLength {
            if !wrote_length {
                put_content_length(&mut out, body.len());
                wrote_length = true;
            }
            continue;
        }
        out.put_slice(name.as_str().as_bytes());
        out.put_slice(b": ");
        put_text(&mut out, value.as_str());
        out.put_slice(b"\r\n");
    }
    if !wrote_length {
        put_content_length(&mut out, body.len());
    }
    out.put_slice(b"\r\n");
    out.put_slice(body);
    out.freeze()
}

fn put_content_length(out: &mut BytesMut, length: usize) {
    out.put_slice(b"Content-Length: ");
    out.put_slice(length.to_string().as_bytes());
    out.put_slice(b"\r\n");
}

/// Values built in code could hold CR or LF; written raw they would inject header lines,
/// so each becomes a space.
fn put_text(out: &mut BytesMut, text: &str) {
    let bytes = text.as_bytes();
    if !bytes.iter().any(|&b| b == b'\r' || b == b'\n') {
        out.put_slice(bytes);
        return;
    }
    for &b in bytes {
        out.put_u8(if b == b'\r' || b == b'\n' { b' ' } else { b });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_message, Host, Method, Uri};
    use super::*;

    #[test]
    fn content_length_is_rewritten() {
        let mut r = Request::new(
            Method::Options,
            Uri::sip(Some("a"), Host::Domain("b.example".into()), None),
        );
        r.headers.push(HeaderName::ContentLength, "999");
        r.headers.push(HeaderName::CallId, "x");
        r.headers.push(HeaderName::ContentLength, "5");
        r.body = Bytes::from_static(b"hello");
        let text = r.to_bytes();
        assert_eq!(
            &text[..],
            b"OPTIONS sip:a@b.example SIP/2.0\r\nContent-Length: 5\r\nCall-ID: x\r\n\r\nhello"
        );
    }

    #[test]
    fn injection_is_neutralised() {
        let mut r = Response::new(200, "OK\r\nEvil: yes");
        r.headers.push(HeaderName::Subject, "a\r\nEvil: yes");
        let text = r.to_bytes();
        let Message::Response(back) = parse_message(text).unwrap() else {
            panic!()
        };
        assert_eq!(back.headers.get(&HeaderName::Other("Evil".into())), None);
        assert_eq!(back.headers.len(), 2);
    }

    #[test]
    fn response_round_trip() {
        let mut r = Response::new(180, "Ringing");
        r.headers.push(HeaderName::To, "<sip:a@b>;tag=1");
        let m = Message::Response(r);
        let back = parse_message(m.to_bytes()).unwrap();
        assert_eq!(parse_message(back.to_bytes()).unwrap(), back);
        assert_eq!(back.headers().get(&HeaderName::ContentLength), Some("0"));
    }
}
