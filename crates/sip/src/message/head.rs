//! Splitting a message head into its start line and (unfolded) header fields.
//! Shared by the strict parser and the lenient error-reply scanner.

use std::ops::Range;

use super::error::ParseError;
use super::grammar::is_wsp;

/// One header field as byte ranges into the message: the name, and the value's pieces
/// (more than one when the field was folded over several lines, RFC 3261 7.3.1).
pub(crate) struct RawField {
    pub name: Range<usize>,
    pub first: Range<usize>,
    pub continuations: Vec<Range<usize>>,
}

pub(crate) struct RawHead {
    pub start_line: Range<usize>,
    pub fields: Vec<RawField>,
    /// Index of the first body byte (just past the empty line), or the end of the data.
    pub body_start: usize,
}

/// Skips the CRLFs that RFC 3261 7.5 tells receivers to ignore before a start line.
pub(crate) fn skip_leading_crlf(data: &[u8]) -> usize {
    data.iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(data.len())
}

/// Returns the line starting at `pos` without its terminator, and where the next begins.
/// Lines end in CRLF; a bare LF is tolerated.
fn next_line(data: &[u8], pos: usize) -> Option<(Range<usize>, usize)> {
    let rest = data.get(pos..)?;
    let nl = rest.iter().position(|&b| b == b'\n')?;
    let mut end = pos + nl;
    if end > pos && data.get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    Some((pos..end, pos + nl + 1))
}

fn trim_range(data: &[u8], mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && data.get(r.start).copied().is_some_and(is_wsp) {
        r.start += 1;
    }
    while r.end > r.start && data.get(r.end - 1).copied().is_some_and(is_wsp) {
        r.end -= 1;
    }
    r
}

/// Scans the head starting at `start`. Strict mode refuses a header line without a colon,
/// a continuation line before any header, and a head without its closing empty line;
/// lenient mode skips such lines and accepts a truncated head.
pub(crate) fn scan_head(data: &[u8], start: usize, lenient: bool) -> Result<RawHead, ParseError> {
    let Some((start_line, mut pos)) = next_line(data, start) else {
        if lenient {
            return Ok(RawHead {
                start_line: start..data.len(),
                fields: Vec::new(),
                body_start: data.len(),
            });
        }
        return Err(ParseError::Incomplete);
    };
    let mut fields: Vec<RawField> = Vec::with_capacity(16);
    loop {
        let Some((line, next)) = next_line(data, pos) else {
            if lenient {
                return Ok(RawHead {
                    start_line,
                    fields,
                    body_start: data.len(),
                });
            }
            return Err(ParseError::Incomplete);
        };
        pos = next;
        if line.is_empty() {
            return Ok(RawHead {
                start_line,
                fields,
                body_start: pos,
            });
        }
        let first_byte = data.get(line.start).copied().unwrap_or(0);
        if is_wsp(first_byte) {
            match fields.last_mut() {
                Some(field) => field.continuations.push(trim_range(data, line)),
                None if lenient => {}
                None => return Err(ParseError::BadHeaderLine),
            }
            continue;
        }
        let colon = data
            .get(line.clone())
            .and_then(|l| l.iter().position(|&b| b == b':'));
        match colon {
            Some(colon) => {
                let name = trim_range(data, line.start..line.start + colon);
                let value = trim_range(data, line.start + colon + 1..line.end);
                fields.push(RawField {
                    name,
                    first: value,
                    continuations: Vec::new(),
                });
            }
            None if lenient => {}
            None => return Err(ParseError::BadHeaderLine),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_line_endings() {
        let data = b"\r\n\r\nINVITE x SIP/2.0\r\nA: 1\r\n  2\r\nB:3\n\r\nbody";
        let start = skip_leading_crlf(data);
        let head = scan_head(data, start, false).unwrap();
        assert_eq!(&data[head.start_line.clone()], b"INVITE x SIP/2.0");
        assert_eq!(head.fields.len(), 2);
        assert_eq!(&data[head.fields[0].continuations[0].clone()], b"2");
        assert_eq!(&data[head.fields[1].first.clone()], b"3");
        assert_eq!(&data[head.body_start..], b"body");
    }

    #[test]
    fn strict_refusals() {
        assert!(scan_head(b"X\r\nA: 1\r\n", 0, false).is_err());
        assert!(scan_head(b"X\r\n 1\r\n\r\n", 0, false).is_err());
        assert!(scan_head(b"X\r\nno colon\r\n\r\n", 0, false).is_err());
        let lenient = scan_head(b"X\r\nno colon\r\nA: 1", 0, true).unwrap();
        assert_eq!(lenient.fields.len(), 0);
    }
}
