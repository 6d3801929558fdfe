//! The generic shape shared by all four authentication headers:
//! `Digest name=value, name="quoted value", ...` (RFC 3261 §25.1, `challenge` and
//! `credentials`; RFC 7616 §3.3 and §3.4 for the parameter set).
//!
//! This layer knows nothing about what the parameters mean; [`super::challenge`] and
//! [`super::credentials`] give them types. Input comes from the network, so every
//! malformation is an [`ParamsError`], never a panic.

use thiserror::Error;

/// One `name=value` pair as it appeared on the wire, with the value unquoted and unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParam {
    /// Lower-cased: parameter names are case-insensitive (RFC 3261 §7.3.1).
    pub name: String,
    pub value: String,
    /// Whether the value was a quoted-string. Kept because a few parameters are defined
    /// as tokens (`nc`, `stale`) and others as quoted-strings (`uri`, `response`).
    pub quoted: bool,
}

/// A parsed `Digest ...` header value: the auth-scheme and its parameters in wire order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParams {
    pub params: Vec<AuthParam>,
}

impl AuthParams {
    /// The value of parameter `name` (lower-case), if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }
}

/// What was wrong with an authentication header value. Byte offsets point into the
/// header value as given, for logs.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParamsError {
    #[error("empty header value")]
    Empty,
    #[error("auth-scheme {0:?} is not Digest")]
    UnsupportedScheme(String),
    #[error("expected whitespace after the auth-scheme")]
    MissingSpaceAfterScheme,
    #[error("expected a parameter name at byte {at}")]
    ExpectedName { at: usize },
    #[error("expected '=' after parameter {name:?} at byte {at}")]
    ExpectedEquals { name: String, at: usize },
    #[error("expected a value for parameter {name:?} at byte {at}")]
    ExpectedValue { name: String, at: usize },
    #[error("quoted-string starting at byte {at} is not terminated")]
    UnterminatedQuotedString { at: usize },
    #[error("invalid escape or control character in quoted-string at byte {at}")]
    InvalidQuotedCharacter { at: usize },
    #[error("expected ',' between parameters at byte {at}")]
    ExpectedComma { at: usize },
    #[error("parameter {0:?} appears more than once")]
    DuplicateParam(String),
    #[error("no parameters after the auth-scheme")]
    NoParams,
}

/// Parses one header value of `WWW-Authenticate`, `Proxy-Authenticate`, `Authorization`
/// or `Proxy-Authorization`. Only the `Digest` scheme is accepted; RFC 3261 §22.1 forbids
/// Basic in SIP and we know no other.
///
/// Liberal where RFC 4475 asks us to be: folded lines (CRLF + WSP) count as whitespace,
/// whitespace around `=` and `,` is allowed, empty list elements (`a=1,,b=2`) are skipped.
/// Strict where it matters: a parameter name may appear only once (RFC 3261 §7.3.1), since
/// two different `response` or `realm` values would make the header ambiguous.
pub fn parse_auth_params(input: &str) -> Result<AuthParams, ParamsError> {
    let mut cursor = Cursor::new(input);
    cursor.skip_whitespace();
    if cursor.at_end() {
        return Err(ParamsError::Empty);
    }
    let scheme = cursor.take_token();
    if !scheme.eq_ignore_ascii_case("Digest") {
        let shown = if scheme.is_empty() {
            cursor.rest().chars().take(16).collect()
        } else {
            scheme.to_owned()
        };
        return Err(ParamsError::UnsupportedScheme(shown));
    }
    if !cursor.skip_whitespace() {
        return Err(if cursor.at_end() {
            ParamsError::NoParams
        } else {
            ParamsError::MissingSpaceAfterScheme
        });
    }

    let mut params: Vec<AuthParam> = Vec::new();
    loop {
        cursor.skip_whitespace();
        if cursor.at_end() {
            break;
        }
        if cursor.eat(',') {
            continue;
        }
        let param = parse_one_param(&mut cursor)?;
        if params.iter().any(|p| p.name == param.name) {
            return Err(ParamsError::DuplicateParam(param.name));
        }
        params.push(param);
        cursor.skip_whitespace();
        if cursor.at_end() {
            break;
        }
        if !cursor.eat(',') {
            return Err(ParamsError::ExpectedComma { at: cursor.pos });
        }
    }
    if params.is_empty() {
        return Err(ParamsError::NoParams);
    }
    Ok(AuthParams { params })
}

fn parse_one_param(cursor: &mut Cursor<'_>) -> Result<AuthParam, ParamsError> {
    let name_at = cursor.pos;
    let name = cursor.take_token();
    if name.is_empty() {
        return Err(ParamsError::ExpectedName { at: name_at });
    }
    let name = name.to_ascii_lowercase();
    cursor.skip_whitespace();
    if !cursor.eat('=') {
        return Err(ParamsError::ExpectedEquals {
            name,
            at: cursor.pos,
        });
    }
    cursor.skip_whitespace();
    let value_at = cursor.pos;
    if cursor.peek() == Some('"') {
        let value = cursor.take_quoted_string()?;
        return Ok(AuthParam {
            name,
            value,
            quoted: true,
        });
    }
    let value = cursor.take_token();
    if value.is_empty() {
        return Err(ParamsError::ExpectedValue { name, at: value_at });
    }
    Ok(AuthParam {
        name,
        value: value.to_owned(),
        quoted: false,
    })
}

/// RFC 3261 §25.1 `token` characters.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.' | '!' | '%' | '*' | '_' | '+' | '`' | '\'' | '~'
        )
}

/// Walks the header value by byte offset; all delimiters we look for are ASCII, so
/// slicing at the offsets we stop on is always on a char boundary.
struct Cursor<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(input: &'a str) -> Self {
        Self { input, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, expected: char) -> bool {
        if self.peek() == Some(expected) {
            self.pos += expected.len_utf8();
            true
        } else {
            false
        }
    }

    /// Skips SP, HTAB and folded line breaks (RFC 3261 §25.1 `LWS`). Returns whether
    /// anything was skipped.
    fn skip_whitespace(&mut self) -> bool {
        let start = self.pos;
        loop {
            let rest = self.rest();
            if rest.starts_with([' ', '\t']) {
                self.pos += 1;
            } else if rest.starts_with("\r\n ") || rest.starts_with("\r\n\t") {
                self.pos += 3;
            } else if rest.starts_with("\n ") || rest.starts_with("\n\t") {
                self.pos += 2;
            } else {
                break;
            }
        }
        self.pos > start
    }

    fn take_token(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        self.pos += len;
        rest.get(..len).unwrap_or("")
    }

    /// RFC 3261 §25.1: `quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE`, where
    /// qdtext is any UTF-8 except `"` and `\`, and `quoted-pair = "\" (%x00-09 / %x0B-0C /
    /// %x0E-7F)`, i.e. any ASCII but CR and LF may be escaped.
    fn take_quoted_string(&mut self) -> Result<String, ParamsError> {
        let start = self.pos;
        self.pos += 1; // opening quote
        let mut value = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((offset, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += offset + 1;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, escaped))
                        if escaped.is_ascii() && escaped != '\r' && escaped != '\n' =>
                    {
                        value.push(escaped)
                    }
                    Some((bad, _)) => {
                        return Err(ParamsError::InvalidQuotedCharacter { at: self.pos + bad })
                    }
                    None => return Err(ParamsError::UnterminatedQuotedString { at: start }),
                },
                '\r' | '\n' => {
                    // Only a fold (CRLF followed by WSP) may appear inside; it reads as one SP.
                    let after = self.rest().get(offset..).unwrap_or("");
                    let fold_len = if after.starts_with("\r\n ") || after.starts_with("\r\n\t") {
                        3
                    } else if after.starts_with("\n ") || after.starts_with("\n\t") {
                        2
                    } else {
                        return Err(ParamsError::InvalidQuotedCharacter {
                            at: self.pos + offset,
                        });
                    };
                    for _ in 1..fold_len {
                        chars.next();
                    }
                    value.push(' ');
                }
                c if c.is_ascii_control() && c != '\t' => {
                    return Err(ParamsError::InvalidQuotedCharacter {
                        at: self.pos + offset,
                    })
                }
                c => value.push(c),
            }
        }
        Err(ParamsError::UnterminatedQuotedString { at: start })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> AuthParams {
        parse_auth_params(input).expect("should parse")
    }

    #[test]
    fn scheme_is_case_insensitive_and_names_lowercased() {
        let p = parse("dIgEsT Realm=\"a\", NONCE=abc");
        assert_eq!(p.get("realm"), Some("a"));
        assert_eq!(p.get("nonce"), Some("abc"));
    }

    #[test]
    fn quoted_string_escapes_and_commas_inside() {
        let p = parse(r#"Digest realm="a \"b\", c\\d", qop="auth,auth-int""#);
        assert_eq!(p.get("realm"), Some(r#"a "b", c\d"#));
        assert_eq!(p.get("qop"), Some("auth,auth-int"));
    }

    #[test]
    fn whitespace_and_folding_anywhere_legal() {
        let p = parse("  Digest\r\n realm = \"x\" ,\r\n\tnonce=\"n\"  ,, stale = TRUE ");
        assert_eq!(p.get("realm"), Some("x"));
        assert_eq!(p.get("nonce"), Some("n"));
        assert_eq!(p.get("stale"), Some("TRUE"));
        assert_eq!(p.params.len(), 3);
    }

    #[test]
    fn utf8_in_quoted_string() {
        let p = parse("Digest realm=\"bücher\"");
        assert_eq!(p.get("realm"), Some("bücher"));
    }

    #[test]
    fn errors_are_precise() {
        assert_eq!(parse_auth_params(""), Err(ParamsError::Empty));
        assert_eq!(parse_auth_params("   "), Err(ParamsError::Empty));
        assert_eq!(
            parse_auth_params("Basic QWxhZGRpbjpvcGVu"),
            Err(ParamsError::UnsupportedScheme("Basic".into()))
        );
        assert_eq!(parse_auth_params("Digest"), Err(ParamsError::NoParams));
        assert_eq!(parse_auth_params("Digest ,, "), Err(ParamsError::NoParams));
        assert_eq!(
            parse_auth_params("Digest realm=\"abc"),
            Err(ParamsError::UnterminatedQuotedString { at: 13 })
        );
        assert_eq!(
            parse_auth_params("Digest realm=\"a\" nonce=\"b\""),
            Err(ParamsError::ExpectedComma { at: 17 })
        );
        assert_eq!(
            parse_auth_params("Digest realm"),
            Err(ParamsError::ExpectedEquals {
                name: "realm".into(),
                at: 12
            })
        );
        assert_eq!(
            parse_auth_params("Digest realm="),
            Err(ParamsError::ExpectedValue {
                name: "realm".into(),
                at: 13
            })
        );
        assert_eq!(
            parse_auth_params("Digest realm=a, REALM=b"),
            Err(ParamsError::DuplicateParam("realm".into()))
        );
        assert!(matches!(
            parse_auth_params("Digest realm=\"a\rb\""),
            Err(ParamsError::InvalidQuotedCharacter { .. })
        ));
        assert!(matches!(
            parse_auth_params("Digest =x"),
            Err(ParamsError::ExpectedName { .. })
        ));
        assert!(matches!(
            parse_auth_params("Digestrealm=x"),
            Err(ParamsError::UnsupportedScheme(_))
        ));
    }

    #[test]
    fn never_panics_on_arbitrary_prefixes() {
        let sample = "Digest realm=\"a\\\"ü\", nonce=x,\r\n qop=\"auth\" ,stale=true";
        for end in 0..=sample.len() {
            if let Some(prefix) = sample.get(..end) {
                let _ = parse_auth_params(prefix);
            }
        }
        for bytes in [&b"Digest \xff"[..], b"\\\\\\", b"Digest a=\"\\"] {
            let text = String::from_utf8_lossy(bytes);
            let _ = parse_auth_params(&text);
        }
    }
}
