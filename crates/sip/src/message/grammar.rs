//! Character classes and small lexical helpers from the RFC 3261 section 25 grammar.

/// `token` characters (RFC 3261 25.1): alphanum and `-.!%*_+`'~`.
pub(crate) fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// `word` characters (RFC 3261 25.1), used by Call-ID.
pub(crate) fn is_word_char(b: u8) -> bool {
    is_token_char(b) || b"()<>:\\\"/[]?{}".contains(&b)
}

/// `unreserved` = alphanum / mark (RFC 3261 25.1).
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// Characters allowed unescaped in the user part of a SIP URI (`unreserved` / `user-unreserved`).
pub(crate) fn is_user_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,;?/".contains(&b)
}

/// Characters allowed unescaped in the password of a SIP URI.
pub(crate) fn is_password_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,".contains(&b)
}

/// `paramchar` without `escaped`: `param-unreserved` / `unreserved`.
pub(crate) fn is_param_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/:&+$".contains(&b)
}

/// `hname`/`hvalue` characters without `escaped`: `hnv-unreserved` / `unreserved`.
pub(crate) fn is_header_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/?:+$".contains(&b)
}

/// `uric` (RFC 2396) minus `escaped`, for opaque absolute URIs of unknown schemes.
pub(crate) fn is_uric(b: u8) -> bool {
    is_unreserved(b) || b";/?:@&=+$,[]".contains(&b)
}

pub(crate) fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

pub(crate) fn trim_lws(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Checks that every byte is either allowed by `allowed` or part of a valid `%HH` escape.
pub(crate) fn is_escaped_text(s: &str, allowed: fn(u8) -> bool) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value);
            let lo = bytes.get(i + 2).copied().and_then(hex_value);
            if hi.is_none() || lo.is_none() {
                return false;
            }
            i += 3;
        } else if allowed(b) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// Decodes `%HH` escapes. Returns `None` when the result is not UTF-8; a decoded `%00`
/// stays a NUL character, which Rust strings carry safely (RFC 4475 3.1.1.4).
pub(crate) fn unescape(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value)?;
            let lo = bytes.get(i + 2).copied().and_then(hex_value)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes every byte that `allowed` rejects.
pub(crate) fn escape_into(out: &mut String, s: &str, allowed: fn(u8) -> bool) {
    let hex_digit = |nibble: u8| char::from_digit(u32::from(nibble), 16).unwrap_or('0');
    for &b in s.as_bytes() {
        if allowed(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4).to_ascii_uppercase());
            out.push(hex_digit(b & 0x0f).to_ascii_uppercase());
        }
    }
}

#[cfg(test)]
pub(crate) fn escape(s: &str, allowed: fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, allowed);
    out
}

/// Parses a `quoted-string` at the start of `s` (after optional LWS). Returns the unescaped
/// content and the rest after the closing quote, or `None` when the quote is unterminated.
pub(crate) fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start_matches([' ', '\t']);
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, body.get(i + 1..)?)),
            // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): CR and LF may not be escaped.
            '\\' => match chars.next() {
                Some((_, e)) if e.is_ascii() && e != '\r' && e != '\n' => out.push(e),
                _ => return None,
            },
            '\r' | '\n' => return None,
            other => out.push(other),
        }
    }
    None
}

/// Finds the end (exclusive byte index) of the quoted string starting at `s[0] == '"'`.
pub(crate) fn quoted_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// Writes `s` as a quoted-string, escaping `"` and `\`.
pub(crate) fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Splits `s` at top-level occurrences of `sep`: not inside a quoted string or `<...>`.
pub(crate) fn split_top_level(s: &str, sep: u8) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut in_angle = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if in_quotes {
            match b {
                b'\\' => i += 1,
                b'"' => in_quotes = false,
                _ => {}
            }
        } else if b == b'"' {
            in_quotes = true;
        } else if b == b'<' {
            in_angle = true;
        } else if b == b'>' {
            in_angle = false;
        } else if b == sep && !in_angle {
            parts.push(s.get(start..i).unwrap_or(""));
            start = i + 1;
        }
        i += 1;
    }
    parts.push(s.get(start..).unwrap_or(""));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_handles_nul_and_bad_escapes() {
        assert_eq!(unescape("null-%00-null").as_deref(), Some("null-\0-null"));
        assert_eq!(unescape("%Z1"), None);
        assert_eq!(unescape("%4"), None);
        assert_eq!(unescape("%e2%82%ac").as_deref(), Some("€"));
    }

    #[test]
    fn escape_round_trips() {
        let s = "sips:user@example.com";
        let e = escape(s, is_user_char);
        assert_eq!(e, "sips%3Auser%40example.com");
        assert_eq!(unescape(&e).as_deref(), Some(s));
    }

    #[test]
    fn quoted_strings() {
        assert_eq!(
            parse_quoted(r#""J Rosenberg \\\"" <x>"#),
            Some((r#"J Rosenberg \""#.to_owned(), " <x>"))
        );
        assert_eq!(parse_quoted(r#""unterminated"#), None);
        let mut out = String::new();
        write_quoted(&mut out, r#"a"b\c"#);
        assert_eq!(out, r#""a\"b\\c""#);
    }

    #[test]
    fn splits_only_at_top_level() {
        let parts = split_top_level(r#""a, b" <sip:x;p=1,2>, <sip:y>,"#, b',');
        assert_eq!(parts, vec![r#""a, b" <sip:x;p=1,2>"#, " <sip:y>", ""]);
        let parts = split_top_level(r#""a\", b", c"#, b',');
        assert_eq!(parts, vec![r#""a\", b""#, " c"]);
    }
}
