//! `name-addr` / `addr-spec` with header parameters: From, To, Contact, Route,
//! Record-Route, Refer-To (RFC 3261 20.10, 25.1).

use std::fmt;

use super::error::ParseError;
use super::grammar::{is_token_char, is_wsp, parse_quoted, trim_lws, write_quoted};
use super::params::{find_param, parse_params, set_param, write_params};
use super::uri::{Param, Uri};

/// An address with an optional display name and header parameters (e.g. `tag`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameAddr {
    /// Unquoted and unescaped.
    pub display_name: Option<String>,
    pub uri: Uri,
    /// Header parameters; values are as written (a quoted-string keeps its quotes).
    pub params: Vec<Param>,
}

impl NameAddr {
    pub fn new(uri: Uri) -> NameAddr {
        NameAddr {
            display_name: None,
            uri,
            params: Vec::new(),
        }
    }

    /// Parses `name-addr` (`"Bob" <sip:bob@x>;tag=1`) or `addr-spec` (`sip:bob@x;tag=1`).
    /// In the addr-spec form every `;` parameter belongs to the header, not the URI, and the
    /// URI may not contain `?` or `,` (RFC 3261 20.10).
    pub fn parse(s: &str) -> Result<NameAddr, ParseError> {
        let s = trim_lws(s);
        if s.starts_with('"') {
            let (name, rest) = parse_quoted(s).ok_or(ParseError::InvalidNameAddr)?;
            let rest = rest.trim_start_matches([' ', '\t']);
            if !rest.starts_with('<') {
                return Err(ParseError::InvalidNameAddr);
            }
            return parse_bracketed(Some(name), rest);
        }
        if let Some(open) = s.find('<') {
            let (before, rest) = s.split_at(open);
            if is_token_display_name(before) {
                let name = trim_lws(before);
                let name = (!name.is_empty()).then(|| name.to_owned());
                return parse_bracketed(name, rest);
            }
        }
        parse_addr_spec(s)
    }

    pub fn tag(&self) -> Option<&str> {
        self.param("tag").flatten()
    }

    /// Header parameter by case-insensitive name (same shape as [`Uri::param`]).
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(&self.params, name)
    }

    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        set_param(&mut self.params, name, value);
    }

    pub fn with_tag(mut self, tag: &str) -> NameAddr {
        self.set_param("tag", Some(tag));
        self
    }

    pub fn with_display_name(mut self, name: &str) -> NameAddr {
        self.display_name = Some(name.to_owned());
        self
    }
}

/// `display-name = *(token LWS) / quoted-string`, the unquoted form.
fn is_token_display_name(s: &str) -> bool {
    s.bytes().all(|b| is_token_char(b) || is_wsp(b))
}

/// `s` starts with `<`: the URI runs to `>` with no LWS inside (RFC 3261 LAQUOT/RAQUOT).
fn parse_bracketed(display_name: Option<String>, s: &str) -> Result<NameAddr, ParseError> {
    let inner_and_rest = s.strip_prefix('<').ok_or(ParseError::InvalidNameAddr)?;
    let (inner, rest) = inner_and_rest
        .split_once('>')
        .ok_or(ParseError::InvalidNameAddr)?;
    let uri = Uri::parse(inner).map_err(|_| ParseError::InvalidNameAddr)?;
    let params = parse_params(rest).map_err(|_| ParseError::InvalidNameAddr)?;
    Ok(NameAddr {
        display_name,
        uri,
        params,
    })
}

fn parse_addr_spec(s: &str) -> Result<NameAddr, ParseError> {
    let end = s.find([';', ' ', '\t']).unwrap_or(s.len());
    let (uri_text, rest) = s.split_at(end);
    if uri_text.contains(['?', ',']) {
        return Err(ParseError::InvalidNameAddr);
    }
    let uri = Uri::parse(uri_text).map_err(|_| ParseError::InvalidNameAddr)?;
    let params = parse_params(rest).map_err(|_| ParseError::InvalidNameAddr)?;
    Ok(NameAddr {
        display_name: None,
        uri,
        params,
    })
}

impl fmt::Display for NameAddr {
    /// Always writes the name-addr form (`<...>`), which is valid whatever the URI holds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(96);
        if let Some(name) = &self.display_name {
            write_quoted(&mut out, name);
            out.push(' ');
        }
        out.push('<');
        out.push_str(&self.uri.to_string());
        out.push('>');
        write_params(&mut out, &self.params);
        f.write_str(&out)
    }
}

impl std::str::FromStr for NameAddr {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NameAddr::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Host, Scheme};

    fn round_trip(s: &str) -> NameAddr {
        let a = NameAddr::parse(s).unwrap();
        assert_eq!(NameAddr::parse(&a.to_string()).unwrap(), a, "{s} -> {a}");
        a
    }

    #[test]
    fn quoted_display_name_with_escapes() {
        let a =
            round_trip(r#""J Rosenberg \\\""       <sip:jdrosen@example.com>  ;  tag = 98asjd8"#);
        assert_eq!(a.display_name.as_deref(), Some(r#"J Rosenberg \""#));
        assert_eq!(a.tag(), Some("98asjd8"));
    }

    #[test]
    fn token_display_names() {
        let a = round_trip("caller<sip:caller@example.com>;tag=323");
        assert_eq!(a.display_name.as_deref(), Some("caller"));
        let a = round_trip("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>");
        assert_eq!(
            a.display_name.as_deref(),
            Some("token1~` token2'+_ token3*%!.-")
        );
        let a = round_trip("<sip:anon@example.com>");
        assert_eq!(a.display_name, None);
    }

    #[test]
    fn addr_spec_params_belong_to_header() {
        let a = round_trip("sip:+19725552222@gw1.example.net;unknownparam");
        assert_eq!(a.param("unknownparam"), Some(None));
        assert_eq!(a.uri.param("unknownparam"), None);
        let b = round_trip("<sip:+19725552222@gw1.example.net;unknownparam>");
        assert_eq!(b.param("unknownparam"), None);
        assert_eq!(b.uri.param("unknownparam"), Some(None));
        let c = round_trip("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
        assert_eq!(c.tag(), Some("1918181833n"));
    }

    #[test]
    fn other_schemes() {
        let a = round_trip("isbn:2983792873");
        assert_eq!(a.uri.scheme(), &Scheme::Other("isbn".into()));
        let a = round_trip("<http://www.example.com>;tag=3234233");
        assert_eq!(a.tag(), Some("3234233"));
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            r#""Mr. J. User <sip:j.user@example.com>"#,
            "Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
            r#""Watson, Thomas" < sip:t.watson@example.org >"#,
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            r#""Joe" <sip:joe@example.org>;;;;"#,
            "<sip:user@example.com",
            "",
            "sip:a@b c",
        ] {
            assert!(NameAddr::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn builder_and_tag() {
        let a = NameAddr::new(Uri::sip(
            Some("bob"),
            Host::Domain("b.example".into()),
            None,
        ))
        .with_display_name("Bob \"B\"")
        .with_tag("abc");
        assert_eq!(a.to_string(), r#""Bob \"B\"" <sip:bob@b.example>;tag=abc"#);
        assert_eq!(a.clone().with_tag("xyz").tag(), Some("xyz"));
    }
}
