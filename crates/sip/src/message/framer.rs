//! Cutting a TCP/TLS byte stream into messages (RFC 3261 18.3, RFC 5626 3.5.1 keep-alives).

use bytes::{Buf, Bytes, BytesMut};

use super::grammar::is_wsp;
use super::scalar::parse_content_length;

/// Why a stream can no longer be framed. After any of these the connection must be
/// closed: there is no way to find the next message boundary again.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    #[error("headers exceed the size limit")]
    HeadersTooLarge,
    #[error("message exceeds the size limit")]
    MessageTooLarge,
    #[error("missing Content-Length on a stream")]
    MissingContentLength,
    #[error("bad Content-Length")]
    BadContentLength,
    #[error("conflicting Content-Length values")]
    ConflictingContentLength,
}

/// Accumulates stream bytes and yields whole messages, each ready for
/// [`super::parse_message`].
///
/// Each pushed byte is scanned once for the end of the headers, so feeding a message one
/// byte at a time stays linear. CRLFs between messages are skipped; each `CRLFCRLF`
/// among them is counted as an RFC 5626 keep-alive ping, which the connection owner
/// should answer with a single CRLF pong (see [`StreamFramer::take_pings`]).
#[derive(Debug)]
pub struct StreamFramer {
    buffer: BytesMut,
    max_message_bytes: usize,
    /// How far the search for the empty line has got in `buffer`.
    scanned: usize,
    /// Total length of the message at the front, once its headers are complete.
    pending_length: Option<usize>,
    pending_crlf_bytes: usize,
    pings: usize,
    failed: bool,
}

impl StreamFramer {
    pub fn new(max_message_bytes: usize) -> StreamFramer {
        StreamFramer {
            buffer: BytesMut::new(),
            max_message_bytes,
            scanned: 0,
            pending_length: None,
            pending_crlf_bytes: 0,
            pings: 0,
            failed: false,
        }
    }

    /// Appends received bytes. Ignored once the framer has failed.
    pub fn push(&mut self, data: &[u8]) {
        if !self.failed {
            self.buffer.extend_from_slice(data);
        }
    }

    /// The next complete message, `None` when more bytes are needed. An error is returned
    /// once; afterwards the framer yields `None` and the connection should be closed.
    pub fn next_message(&mut self) -> Option<Result<Bytes, FramingError>> {
        if self.failed {
            return None;
        }
        match self.try_next() {
            Ok(Some(message)) => Some(Ok(message)),
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                self.buffer = BytesMut::new();
                Some(Err(e))
            }
        }
    }

    /// Keep-alive pings seen since the last call.
    pub fn take_pings(&mut self) -> usize {
        std::mem::take(&mut self.pings)
    }

    /// Bytes buffered but not yet returned as a message.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    pub fn has_failed(&self) -> bool {
        self.failed
    }

    fn try_next(&mut self) -> Result<Option<Bytes>, FramingError> {
        if self.pending_length.is_none() {
            self.skip_crlf();
            if self.buffer.is_empty() {
                return Ok(None);
            }
            let Some(head_end) = self.find_head_end() else {
                if self.buffer.len() > self.max_message_bytes {
                    return Err(FramingError::HeadersTooLarge);
                }
                return Ok(None);
            };
            let body_length = content_length(self.buffer.get(..head_end).unwrap_or_default())?;
            let total = head_end
                .checked_add(body_length)
                .filter(|t| *t <= self.max_message_bytes)
                .ok_or(FramingError::MessageTooLarge)?;
            self.pending_length = Some(total);
        }
        match self.pending_length {
            Some(total) if self.buffer.len() >= total => {
                self.pending_length = None;
                self.scanned = 0;
                Ok(Some(self.buffer.split_to(total).freeze()))
            }
            _ => Ok(None),
        }
    }

    fn skip_crlf(&mut self) {
        let run = self
            .buffer
            .iter()
            .position(|&b| b != b'\r' && b != b'\n')
            .unwrap_or(self.buffer.len());
        if run == 0 {
            return;
        }
        self.pending_crlf_bytes += run;
        self.pings += self.pending_crlf_bytes / 4;
        self.pending_crlf_bytes %= 4;
        self.buffer.advance(run);
        self.scanned = 0;
        if !self.buffer.is_empty() {
            self.pending_crlf_bytes = 0;
        }
    }

    /// Index just past the empty line ending the headers (CRLFCRLF, or LFLF tolerated).
    fn find_head_end(&mut self) -> Option<usize> {
        let from = self.scanned.saturating_sub(3);
        let window = self.buffer.get(from..)?;
        let found = window
            .windows(2)
            .enumerate()
            .find_map(|(i, pair)| match pair {
                [b'\n', b'\n'] => Some(from + i + 2),
                [b'\n', b'\r'] if window.get(i + 2) == Some(&b'\n') => Some(from + i + 3),
                _ => None,
            });
        if found.is_none() {
            self.scanned = self.buffer.len();
        }
        found
    }
}

/// Finds Content-Length (or its compact form `l`) in a header block. Streams must carry
/// it (RFC 3261 18.3 and 20.14).
fn content_length(head: &[u8]) -> Result<usize, FramingError> {
    let mut found: Option<usize> = None;
    let mut lines = head.split(|&b| b == b'\n').skip(1).peekable();
    while let Some(line) = lines.next() {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if line.first().copied().is_some_and(is_wsp) {
            continue;
        }
        let (name, value) = line.split_at(colon);
        let name = trim(name);
        if !(name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"l")) {
            continue;
        }
        let mut text = String::from_utf8_lossy(value.get(1..).unwrap_or_default()).into_owned();
        while let Some(next) = lines.peek() {
            if !next.first().copied().is_some_and(is_wsp) {
                break;
            }
            text.push(' ');
            text.push_str(&String::from_utf8_lossy(next));
            lines.next();
        }
        let length = parse_content_length(text.trim_end_matches('\r').trim())
            .map_err(|_| FramingError::BadContentLength)?;
        match found {
            Some(previous) if previous != length => {
                return Err(FramingError::ConflictingContentLength)
            }
            _ => found = Some(length),
        }
    }
    found.ok_or(FramingError::MissingContentLength)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_wsp(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_wsp(*last) {
            break;
        }
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG1: &[u8] =
        b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\nContent-Length: 5\r\n\r\nhello";
    const MSG2: &[u8] = b"BYE sip:a@b SIP/2.0\r\nl:0\r\n\r\n";

    fn drain(framer: &mut StreamFramer) -> Vec<Result<Bytes, FramingError>> {
        std::iter::from_fn(|| framer.next_message()).collect()
    }

    #[test]
    fn split_at_every_position() {
        let mut stream = b"\r\n\r\n".to_vec();
        stream.extend_from_slice(MSG1);
        stream.extend_from_slice(b"\r\n");
        stream.extend_from_slice(MSG2);
        for cut in 0..=stream.len() {
            let mut framer = StreamFramer::new(4096);
            let mut got = Vec::new();
            framer.push(&stream[..cut]);
            got.extend(drain(&mut framer));
            framer.push(&stream[cut..]);
            got.extend(drain(&mut framer));
            let got: Vec<Bytes> = got.into_iter().map(Result::unwrap).collect();
            assert_eq!(
                got,
                vec![Bytes::from_static(MSG1), Bytes::from_static(MSG2)],
                "cut {cut}"
            );
            assert_eq!(framer.buffered(), 0);
        }
    }

    #[test]
    fn byte_at_a_time_and_many_in_one_push() {
        let mut framer = StreamFramer::new(4096);
        let mut got = Vec::new();
        for b in MSG1.iter().chain(MSG2) {
            framer.push(&[*b]);
            got.extend(drain(&mut framer));
        }
        assert_eq!(got.len(), 2);
        let mut framer = StreamFramer::new(4096);
        let mut all = Vec::new();
        for _ in 0..10 {
            all.extend_from_slice(MSG2);
        }
        framer.push(&all);
        assert_eq!(drain(&mut framer).len(), 10);
    }

    #[test]
    fn keepalive_pings_are_counted() {
        let mut framer = StreamFramer::new(4096);
        framer.push(b"\r\n\r\n");
        assert!(framer.next_message().is_none());
        framer.push(b"\r\n");
        assert!(framer.next_message().is_none());
        framer.push(b"\r\n");
        assert!(framer.next_message().is_none());
        assert_eq!(framer.take_pings(), 2);
    }

    #[test]
    fn errors_are_final() {
        let mut framer = StreamFramer::new(4096);
        framer.push(b"OPTIONS sip:a@b SIP/2.0\r\nTo: x\r\n\r\n");
        assert_eq!(
            framer.next_message(),
            Some(Err(FramingError::MissingContentLength))
        );
        assert_eq!(framer.next_message(), None);
        framer.push(MSG2);
        assert_eq!(framer.next_message(), None);
        assert!(framer.has_failed());
    }

    #[test]
    fn limits() {
        let mut framer = StreamFramer::new(32);
        framer.push(&[b'A'; 33]);
        assert_eq!(
            framer.next_message(),
            Some(Err(FramingError::HeadersTooLarge))
        );
        let mut framer = StreamFramer::new(40);
        framer.push(b"X sip:a SIP/2.0\r\nl: 100\r\n\r\n");
        assert_eq!(
            framer.next_message(),
            Some(Err(FramingError::MessageTooLarge))
        );
        let mut framer = StreamFramer::new(4096);
        framer.push(b"X sip:a SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab");
        assert_eq!(
            framer.next_message(),
            Some(Err(FramingError::ConflictingContentLength))
        );
        let mut framer = StreamFramer::new(4096);
        framer.push(b"X sip:a SIP/2.0\r\nl: -1\r\n\r\n");
        assert_eq!(
            framer.next_message(),
            Some(Err(FramingError::BadContentLength))
        );
    }
}
