//! `*( SEMI generic-param )` as used after a name-addr, an addr-spec or a Via sent-by
//! (RFC 3261 25.1: `generic-param = token [ EQUAL gen-value ]`, SEMI and EQUAL allow LWS).

use std::fmt::Write as _;

use super::error::ParseError;
use super::grammar::{is_token, is_token_char, quoted_len, split_top_level, trim_lws};
use super::uri::Param;

/// Parses header parameters. `s` is empty or starts (after LWS) with `;`. Values are kept
/// as written: a quoted-string value keeps its quotes so that it serializes unchanged.
pub(crate) fn parse_params(s: &str) -> Result<Vec<Param>, ParseError> {
    let s = trim_lws(s);
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let mut pieces = split_top_level(s, b';').into_iter();
    if !pieces.next().is_some_and(|lead| trim_lws(lead).is_empty()) {
        return Err(ParseError::InvalidParam);
    }
    pieces.map(parse_param).collect()
}

fn parse_param(piece: &str) -> Result<Param, ParseError> {
    let (name, value) = match piece.split_once('=') {
        Some((n, v)) => (trim_lws(n), Some(trim_lws(v))),
        None => (trim_lws(piece), None),
    };
    if !is_token(name) {
        return Err(ParseError::InvalidParam);
    }
    if let Some(value) = value {
        if !is_gen_value(value) {
            return Err(ParseError::InvalidParam);
        }
    }
    Ok((name.to_owned(), value.map(str::to_owned)))
}

/// `gen-value = token / host / quoted-string`.
pub(crate) fn is_gen_value(v: &str) -> bool {
    if v.starts_with('"') {
        return quoted_len(v) == Some(v.len());
    }
    !v.is_empty()
        && v.bytes()
            .all(|b| is_token_char(b) || b == b'[' || b == b']' || b == b':')
}

pub(crate) fn find_param<'a>(params: &'a [Param], name: &str) -> Option<Option<&'a str>> {
    params
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_deref())
}

pub(crate) fn set_param(params: &mut Vec<Param>, name: &str, value: Option<&str>) {
    let value = value.map(str::to_owned);
    match params
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        Some(slot) => slot.1 = value,
        None => params.push((name.to_owned(), value)),
    }
}

pub(crate) fn write_params(out: &mut String, params: &[Param]) {
    for (name, value) in params {
        out.push(';');
        out.push_str(name);
        if let Some(value) = value {
            let _ = write!(out, "={value}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lws_around_separators() {
        let p = parse_params(" ;   tag    = 1918181833n").unwrap();
        assert_eq!(p, vec![("tag".into(), Some("1918181833n".into()))]);
        let p = parse_params(" ; newparam = newvalue ; secondparam ; q = 0.33").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(find_param(&p, "SECONDPARAM"), Some(None));
        assert_eq!(find_param(&p, "q"), Some(Some("0.33")));
    }

    #[test]
    fn quoted_values_keep_quotes() {
        let p = parse_params(r#";x="a;b\"c";y=[::1]"#).unwrap();
        assert_eq!(p[0].1.as_deref(), Some(r#""a;b\"c""#));
        assert_eq!(p[1].1.as_deref(), Some("[::1]"));
    }

    #[test]
    fn rejects_empty_and_junk() {
        for bad in [
            ";",
            ";;",
            ";;;;",
            "x",
            ";a=",
            ";a b",
            r#";a="open"#,
            ";a=b c",
        ] {
            assert!(parse_params(bad).is_err(), "{bad:?}");
        }
    }
}
