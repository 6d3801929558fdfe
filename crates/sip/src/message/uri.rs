//! `sip:`, `sips:` and `tel:` URIs (RFC 3261 19.1, RFC 3966), with an opaque fallback for
//! other absolute URIs (RFC 3261 allows any `absoluteURI` in From, To, Contact and the
//! request line).

use std::fmt;

use super::error::ParseError;
use super::grammar::{
    escape_into, is_escaped_text, is_header_char, is_param_char, is_password_char, is_uric,
    is_user_char, unescape,
};
use super::host::{parse_host_port, Host};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    Sip,
    Sips,
    Tel,
    /// Any other scheme, lower-cased (schemes are case-insensitive, RFC 3986 3.1).
    Other(String),
}

impl Scheme {
    pub fn as_str(&self) -> &str {
        match self {
            Scheme::Sip => "sip",
            Scheme::Sips => "sips",
            Scheme::Tel => "tel",
            Scheme::Other(s) => s,
        }
    }

    fn parse(s: &str) -> Result<Self, ParseError> {
        let mut bytes = s.bytes();
        let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
        if !first_ok || !bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
            return Err(ParseError::InvalidUri);
        }
        Ok(match s.to_ascii_lowercase().as_str() {
            "sip" => Scheme::Sip,
            "sips" => Scheme::Sips,
            "tel" => Scheme::Tel,
            other => Scheme::Other(other.to_owned()),
        })
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed URI. User, password, parameters and headers are held unescaped and escaped
/// again when written, so `sip:%75ser@h` and `sip:user@h` compare equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uri {
    scheme: Scheme,
    user: Option<String>,
    password: Option<String>,
    host: Option<Host>,
    port: Option<u16>,
    params: Vec<(String, Option<String>)>,
    headers: Vec<(String, String)>,
    /// Everything after `scheme:` for schemes we do not interpret.
    opaque: Option<String>,
}

/// A URI parameter: name and optional value (`None` for a flag such as `;lr`).
pub type Param = (String, Option<String>);

impl Uri {
    /// A `sip:` URI.
    pub fn sip(user: Option<&str>, host: Host, port: Option<u16>) -> Uri {
        Uri::with_scheme(Scheme::Sip, user, host, port)
    }

    /// A `sips:` URI.
    pub fn sips(user: Option<&str>, host: Host, port: Option<u16>) -> Uri {
        Uri::with_scheme(Scheme::Sips, user, host, port)
    }

    fn with_scheme(scheme: Scheme, user: Option<&str>, host: Host, port: Option<u16>) -> Uri {
        Uri {
            scheme,
            user: user.map(str::to_owned),
            password: None,
            host: Some(host),
            port,
            params: Vec::new(),
            headers: Vec::new(),
            opaque: None,
        }
    }

    /// A `tel:` URI for `number` (e.g. `+14155550100`); add `phone-context` with
    /// [`Uri::with_param`] for local numbers.
    pub fn tel(number: &str) -> Uri {
        Uri {
            scheme: Scheme::Tel,
            user: Some(number.to_owned()),
            password: None,
            host: None,
            port: None,
            params: Vec::new(),
            headers: Vec::new(),
            opaque: None,
        }
    }

    /// Parses an absolute URI. No surrounding whitespace or `<>` is allowed.
    pub fn parse(s: &str) -> Result<Uri, ParseError> {
        let (scheme, rest) = s.split_once(':').ok_or(ParseError::InvalidUri)?;
        let scheme = Scheme::parse(scheme)?;
        match scheme {
            Scheme::Sip | Scheme::Sips => parse_sip(scheme, rest),
            Scheme::Tel => parse_tel(rest),
            Scheme::Other(_) => {
                if rest.is_empty() || !is_escaped_text(rest, is_uric) {
                    return Err(ParseError::InvalidUri);
                }
                Ok(Uri {
                    scheme,
                    user: None,
                    password: None,
                    host: None,
                    port: None,
                    params: Vec::new(),
                    headers: Vec::new(),
                    opaque: Some(rest.to_owned()),
                })
            }
        }
    }

    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The unescaped user part; for `tel:` URIs, the telephone number.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    pub fn host(&self) -> Option<&Host> {
        self.host.as_ref()
    }

    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// Looks a parameter up by name, case-insensitively: `None` if absent, `Some(None)`
    /// for a flag parameter like `;lr`, `Some(Some(value))` otherwise (unescaped).
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_deref())
    }

    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The `?name=value&...` part, unescaped.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// For schemes other than sip, sips and tel: the text after `scheme:`.
    pub fn opaque(&self) -> Option<&str> {
        self.opaque.as_deref()
    }

    /// Sets (replacing any existing) a parameter.
    pub fn with_param(mut self, name: &str, value: Option<&str>) -> Uri {
        self.set_param(name, value);
        self
    }

    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        let value = value.map(str::to_owned);
        match self
            .params
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.params.push((name.to_owned(), value)),
        }
    }

    pub fn remove_param(&mut self, name: &str) {
        self.params.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Uri {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Removes the `?headers` part, which RFC 3261 19.1.1 forbids in a request-URI.
    pub fn clear_headers(&mut self) {
        self.headers.clear();
    }
}

fn parse_sip(scheme: Scheme, rest: &str) -> Result<Uri, ParseError> {
    // '@' may not appear unescaped in user, password, host, params or headers, so the first
    // one ends the userinfo; the user part itself may contain ';' and '?' (RFC 4475 3.1.1.2).
    let (userinfo, after_user) = match rest.split_once('@') {
        Some((userinfo, after)) => (Some(userinfo), after),
        None => (None, rest),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(userinfo) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if user.is_empty() || !is_escaped_text(user, is_user_char) {
                return Err(ParseError::InvalidUri);
            }
            let password = match password {
                Some(p) if is_escaped_text(p, is_password_char) => {
                    Some(unescape(p).ok_or(ParseError::InvalidUri)?)
                }
                Some(_) => return Err(ParseError::InvalidUri),
                None => None,
            };
            (
                Some(unescape(user).ok_or(ParseError::InvalidUri)?),
                password,
            )
        }
    };
    let (before_headers, headers) = match after_user.split_once('?') {
        Some((b, h)) => (b, Some(h)),
        None => (after_user, None),
    };
    let mut pieces = before_headers.split(';');
    let host_port = pieces.next().unwrap_or("");
    let (host, port) = parse_host_port(host_port).map_err(|_| ParseError::InvalidUri)?;
    let params = pieces.map(parse_uri_param).collect::<Result<Vec<_>, _>>()?;
    let headers = match headers {
        Some(h) => h
            .split('&')
            .map(parse_uri_header)
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    Ok(Uri {
        scheme,
        user,
        password,
        host: Some(host),
        port,
        params,
        headers,
        opaque: None,
    })
}

fn parse_uri_param(p: &str) -> Result<Param, ParseError> {
    let (name, value) = match p.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (p, None),
    };
    let valid = |s: &str| !s.is_empty() && is_escaped_text(s, is_param_char);
    if !valid(name) || value.is_some_and(|v| !valid(v)) {
        return Err(ParseError::InvalidUri);
    }
    let name = unescape(name).ok_or(ParseError::InvalidUri)?;
    let value = value
        .map(|v| unescape(v).ok_or(ParseError::InvalidUri))
        .transpose()?;
    Ok((name, value))
}

fn parse_uri_header(h: &str) -> Result<(String, String), ParseError> {
    let (name, value) = h.split_once('=').ok_or(ParseError::InvalidUri)?;
    if name.is_empty()
        || !is_escaped_text(name, is_header_char)
        || !is_escaped_text(value, is_header_char)
    {
        return Err(ParseError::InvalidUri);
    }
    Ok((
        unescape(name).ok_or(ParseError::InvalidUri)?,
        unescape(value).ok_or(ParseError::InvalidUri)?,
    ))
}

/// RFC 3966 `telephone-subscriber`: a global (`+` digits) or local number followed by
/// `;name=value` parameters. Visual separators `-.()` are kept as written.
fn parse_tel(rest: &str) -> Result<Uri, ParseError> {
    let mut pieces = rest.split(';');
    let number = pieces.next().unwrap_or("");
    let digits = number.strip_prefix('+').unwrap_or(number);
    let is_tel_char = |b: u8| b.is_ascii_hexdigit() || b"*#-.()".contains(&b);
    if digits.is_empty() || !digits.bytes().all(is_tel_char) {
        return Err(ParseError::InvalidUri);
    }
    let params = pieces.map(parse_uri_param).collect::<Result<Vec<_>, _>>()?;
    Ok(Uri {
        params,
        ..Uri::tel(number)
    })
}

fn is_tel_number_char(b: u8) -> bool {
    b.is_ascii_hexdigit() || b"+*#-.()".contains(&b)
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(64);
        out.push_str(self.scheme.as_str());
        out.push(':');
        if let Some(opaque) = &self.opaque {
            out.push_str(opaque);
            return f.write_str(&out);
        }
        if self.scheme == Scheme::Tel {
            escape_into(
                &mut out,
                self.user.as_deref().unwrap_or(""),
                is_tel_number_char,
            );
        } else if let Some(user) = &self.user {
            escape_into(&mut out, user, is_user_char);
            if let Some(password) = &self.password {
                out.push(':');
                escape_into(&mut out, password, is_password_char);
            }
            out.push('@');
        }
        if let Some(host) = &self.host {
            out.push_str(&host.to_string());
        }
        if let Some(port) = self.port {
            out.push(':');
            out.push_str(&port.to_string());
        }
        for (name, value) in &self.params {
            out.push(';');
            escape_into(&mut out, name, is_param_char);
            if let Some(value) = value {
                out.push('=');
                escape_into(&mut out, value, is_param_char);
            }
        }
        for (i, (name, value)) in self.headers.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            escape_into(&mut out, name, is_header_char);
            out.push('=');
            escape_into(&mut out, value, is_header_char);
        }
        f.write_str(&out)
    }
}

impl std::str::FromStr for Uri {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uri::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    fn round_trip(s: &str) -> Uri {
        let uri = Uri::parse(s).unwrap();
        let again = Uri::parse(&uri.to_string()).unwrap();
        assert_eq!(uri, again, "{s} -> {uri}");
        uri
    }

    #[test]
    fn simple_sip() {
        let uri = round_trip(
            "sip:alice:secret@atlanta.com:5060;transport=tcp;lr?subject=project&priority=urgent",
        );
        assert_eq!(uri.scheme(), &Scheme::Sip);
        assert_eq!(uri.user(), Some("alice"));
        assert_eq!(uri.password(), Some("secret"));
        assert_eq!(uri.host(), Some(&Host::Domain("atlanta.com".into())));
        assert_eq!(uri.port(), Some(5060));
        assert_eq!(uri.param("TRANSPORT"), Some(Some("tcp")));
        assert_eq!(uri.param("lr"), Some(None));
        assert_eq!(uri.param("maddr"), None);
        assert_eq!(uri.headers().len(), 2);
    }

    #[test]
    fn escapes() {
        let uri = round_trip("sip:sips%3Auser%40example.com@example.net");
        assert_eq!(uri.user(), Some("sips:user@example.com"));
        assert_eq!(uri.to_string(), "sip:sips%3Auser%40example.com@example.net");
        let uri = round_trip("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
        assert_eq!(uri.user(), Some("caller"));
        assert_eq!(uri.param("lr"), Some(None));
        assert_eq!(uri.param("name"), Some(Some("value%41")));
        let uri = round_trip("sip:null-%00-null@example.com");
        assert_eq!(uri.user(), Some("null-\0-null"));
        assert!(Uri::parse("sip:bad%zzuser@example.com").is_err());
    }

    #[test]
    fn user_with_semicolons_and_question_marks() {
        let uri = round_trip("sip:user;par=u%40example.net@example.com");
        assert_eq!(uri.user(), Some("user;par=u@example.net"));
        assert_eq!(uri.host(), Some(&Host::Domain("example.com".into())));
        assert!(uri.params().is_empty());
    }

    #[test]
    fn ipv6() {
        let uri = round_trip("sips:[2001:db8::9:1]:5061;maddr=[::1]");
        assert_eq!(
            uri.host(),
            Some(&Host::Ipv6("2001:db8::9:1".parse::<Ipv6Addr>().unwrap()))
        );
        assert_eq!(uri.port(), Some(5061));
        assert_eq!(uri.param("maddr"), Some(Some("[::1]")));
        assert!(Uri::parse("sip:[2001:db8::1").is_err());
    }

    #[test]
    fn tel() {
        let uri = round_trip("tel:+1-201-555-0123;ext=1234");
        assert_eq!(uri.scheme(), &Scheme::Tel);
        assert_eq!(uri.user(), Some("+1-201-555-0123"));
        assert_eq!(uri.param("ext"), Some(Some("1234")));
        let uri = round_trip("TEL:7042;phone-context=example.com");
        assert_eq!(uri.param("phone-context"), Some(Some("example.com")));
        assert_eq!(uri.to_string(), "tel:7042;phone-context=example.com");
        assert!(Uri::parse("tel:").is_err());
        assert!(Uri::parse("tel:12 34").is_err());
    }

    #[test]
    fn other_schemes_are_opaque() {
        let uri = round_trip("http://www.example.com");
        assert_eq!(uri.scheme(), &Scheme::Other("http".into()));
        assert_eq!(uri.opaque(), Some("//www.example.com"));
        round_trip("mailto:bob@example.com");
        round_trip("soap.beep://192.0.2.103:3002");
        round_trip("nobodyKnowsThisScheme:totallyopaquecontent");
        assert!(Uri::parse("1http:x").is_err());
        assert!(Uri::parse("http:").is_err());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "sip:",
            "sip:@example.com",
            "<sip:user@example.com>",
            "sip:user@example.com; lr",
            "sip:user@example.com;",
            "sip:user@example.com;=x",
            "sip:user@exa mple.com",
            "sip:user@example.com:port",
            "sip:user@example.com?noequals",
            "sip:us er@example.com",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn builder() {
        let uri = Uri::sip(
            Some("conf 1"),
            Host::Domain("example.com".into()),
            Some(5080),
        )
        .with_param("transport", Some("tcp"))
        .with_param("lr", None);
        assert_eq!(
            uri.to_string(),
            "sip:conf%201@example.com:5080;transport=tcp;lr"
        );
        assert_eq!(Uri::tel("+14155550100").to_string(), "tel:+14155550100");
    }

    #[test]
    fn headers_are_unescaped() {
        let uri = round_trip("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
        assert_eq!(
            uri.headers(),
            &[("Route".to_owned(), "<sip:sip.example.com>".to_owned())]
        );
    }
}
