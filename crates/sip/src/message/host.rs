//! The host part of SIP URIs and Via sent-by (RFC 3261 25.1 `host`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::error::ParseError;

/// A host: a domain name, an IPv4 address, or an IPv6 address (written `[..]` in SIP).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

impl Host {
    /// Parses `hostname / IPv4address / IPv6reference`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if let Some(inner) = s.strip_prefix('[') {
            let inner = inner.strip_suffix(']').ok_or(ParseError::InvalidHost)?;
            return inner
                .parse::<Ipv6Addr>()
                .map(Host::Ipv6)
                .map_err(|_| ParseError::InvalidHost);
        }
        if let Ok(v4) = s.parse::<Ipv4Addr>() {
            return Ok(Host::Ipv4(v4));
        }
        if is_hostname(s) {
            Ok(Host::Domain(s.to_owned()))
        } else {
            Err(ParseError::InvalidHost)
        }
    }

    /// The address, when the host is an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Host::Domain(_) => None,
            Host::Ipv4(a) => Some(IpAddr::V4(*a)),
            Host::Ipv6(a) => Some(IpAddr::V6(*a)),
        }
    }
}

/// `hostname = *( domainlabel "." ) toplabel [ "." ]`. The top label must not be all
/// digits (that would be a malformed IPv4 address); `_` is tolerated because deployed
/// hosts use it.
fn is_hostname(s: &str) -> bool {
    let trimmed = s.strip_suffix('.').unwrap_or(s);
    if trimmed.is_empty() {
        return false;
    }
    let labels_ok = trimmed.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    let top_is_numeric = trimmed
        .rsplit('.')
        .next()
        .is_some_and(|top| top.bytes().all(|b| b.is_ascii_digit()));
    labels_ok && !top_is_numeric
}

impl From<IpAddr> for Host {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(a) => Host::Ipv4(a),
            IpAddr::V6(a) => Host::Ipv6(a),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(d) => f.write_str(d),
            Host::Ipv4(a) => write!(f, "{a}"),
            Host::Ipv6(a) => write!(f, "[{a}]"),
        }
    }
}

/// Splits `host [":" port]`, honouring IPv6 brackets.
pub(crate) fn parse_host_port(s: &str) -> Result<(Host, Option<u16>), ParseError> {
    let (host, port) = if s.starts_with('[') {
        let close = s.find(']').ok_or(ParseError::InvalidHost)?;
        let (host, rest) = s.split_at(close + 1);
        match rest.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if rest.is_empty() => (host, None),
            None => return Err(ParseError::InvalidHost),
        }
    } else {
        match s.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (s, None),
        }
    };
    let port = port.map(parse_port).transpose()?;
    Ok((Host::parse(host)?, port))
}

pub(crate) fn parse_port(s: &str) -> Result<u16, ParseError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::InvalidNumber);
    }
    s.parse().map_err(|_| ParseError::InvalidNumber)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            Host::parse("example.com").unwrap(),
            Host::Domain("example.com".into())
        );
        assert_eq!(
            Host::parse("192.0.2.1").unwrap(),
            Host::Ipv4(Ipv4Addr::new(192, 0, 2, 1))
        );
        assert_eq!(
            Host::parse("[2001:db8::10]").unwrap().to_string(),
            "[2001:db8::10]"
        );
        assert!(Host::parse("2001:db8::10").is_err());
        assert!(Host::parse("256.1.1.1").is_err());
        assert!(Host::parse("").is_err());
        assert!(Host::parse("a..b").is_err());
        assert!(Host::parse("exa mple.com").is_err());
    }

    #[test]
    fn host_ports() {
        let (h, p) = parse_host_port("[::1]:5061").unwrap();
        assert_eq!((h.to_string(), p), ("[::1]".to_owned(), Some(5061)));
        assert_eq!(parse_host_port("a.example:5060").unwrap().1, Some(5060));
        assert!(parse_host_port("a.example:").is_err());
        assert!(parse_host_port("a.example:70000").is_err());
        assert!(parse_host_port("[::1]x").is_err());
    }
}
