//! Writing quoted-strings (RFC 3261 §25.1): `"` and `\` are escaped as quoted-pairs.

/// `value` as a quoted-string. Header values we build contain only values we chose or
/// validated (no CR/LF), so escaping `"` and `\` is all that is needed.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn escapes_quote_and_backslash_only() {
        assert_eq!(quoted(r#"a"b\c d"#), r#""a\"b\\c d""#);
    }
}
