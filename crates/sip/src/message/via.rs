//! One Via header value (RFC 3261 18.2, 20.42, 25.1 `via-parm`; RFC 3581 `rport`).

use std::fmt;
use std::net::IpAddr;

use super::error::ParseError;
use super::grammar::{is_token, trim_lws};
use super::host::{parse_host_port, parse_port, Host};
use super::params::{find_param, parse_params, set_param, write_params};
use super::uri::Param;

/// The RFC 3261 branch prefix that marks a globally unique branch (17.2.3).
pub const BRANCH_MAGIC_COOKIE: &str = "z9hG4bK";

/// One `via-parm`: `SIP/2.0/transport host[:port];params`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Via {
    /// Upper-cased transport token (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, or an unknown one).
    pub transport: String,
    pub host: Host,
    pub port: Option<u16>,
    pub params: Vec<Param>,
}

impl Via {
    pub fn new(transport: &str, host: Host, port: Option<u16>) -> Via {
        Via {
            transport: transport.to_ascii_uppercase(),
            host,
            port,
            params: Vec::new(),
        }
    }

    pub fn with_branch(mut self, branch: &str) -> Via {
        self.set_param("branch", Some(branch));
        self
    }

    /// Adds a flag `;rport` asking for symmetric response routing (RFC 3581).
    pub fn with_rport(mut self) -> Via {
        self.set_param("rport", None);
        self
    }

    /// Parses one Via value; split a multi-valued header with
    /// [`super::Headers::values`] first. LWS is allowed around `/`, `:`, `;` and `=`.
    pub fn parse(s: &str) -> Result<Via, ParseError> {
        let s = trim_lws(s);
        let mut slashes = s.splitn(3, '/');
        let name = trim_lws(slashes.next().unwrap_or(""));
        let version = trim_lws(slashes.next().unwrap_or(""));
        let after_protocol = slashes
            .next()
            .ok_or(ParseError::InvalidVia)?
            .trim_start_matches([' ', '\t']);
        if !name.eq_ignore_ascii_case("SIP") || version != "2.0" {
            return Err(ParseError::InvalidVia);
        }
        let (transport, rest) = after_protocol
            .split_once([' ', '\t'])
            .ok_or(ParseError::InvalidVia)?;
        if !is_token(transport) {
            return Err(ParseError::InvalidVia);
        }
        let (sent_by, params) = rest.split_at(rest.find(';').unwrap_or(rest.len()));
        let sent_by = join_around_colon(sent_by).ok_or(ParseError::InvalidVia)?;
        let (host, port) = parse_host_port(&sent_by).map_err(|_| ParseError::InvalidVia)?;
        let params = parse_params(params).map_err(|_| ParseError::InvalidVia)?;
        let via = Via {
            transport: transport.to_ascii_uppercase(),
            host,
            port,
            params,
        };
        via.check_known_params()?;
        Ok(via)
    }

    /// RFC 3261 25.1 gives `ttl`, `maddr`, `received` and `branch` a grammar; RFC 3581
    /// gives one to `rport`.
    fn check_known_params(&self) -> Result<(), ParseError> {
        let ok = match self.param("ttl") {
            None => true,
            Some(v) => v.is_some_and(|v| v.len() <= 3 && v.parse::<u8>().is_ok()),
        } && match self.param("maddr") {
            None => true,
            Some(v) => v.is_some_and(|v| Host::parse(v).is_ok()),
        } && match self.param("received") {
            None => true,
            Some(v) => v.is_some_and(|v| parse_received(v).is_some()),
        } && match self.param("branch") {
            None => true,
            Some(v) => v.is_some_and(is_token),
        } && match self.param("rport") {
            None | Some(None) => true,
            Some(Some(v)) => parse_port(v).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(ParseError::InvalidVia)
        }
    }

    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(&self.params, name)
    }

    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        set_param(&mut self.params, name, value);
    }

    pub fn branch(&self) -> Option<&str> {
        self.param("branch").flatten()
    }

    /// The branch only if it is an RFC 3261 one: the magic cookie followed by at least one
    /// character. Otherwise the transaction layer must match the RFC 2543 way
    /// (RFC 4475 3.2.1).
    pub fn rfc3261_branch(&self) -> Option<&str> {
        self.branch()
            .filter(|b| b.len() > BRANCH_MAGIC_COOKIE.len() && b.starts_with(BRANCH_MAGIC_COOKIE))
    }

    pub fn received(&self) -> Option<&str> {
        self.param("received").flatten()
    }

    pub fn received_ip(&self) -> Option<IpAddr> {
        self.received().and_then(parse_received)
    }

    /// `None`: no rport; `Some(None)`: `;rport` requested; `Some(Some(p))`: filled in.
    pub fn rport(&self) -> Option<Option<u16>> {
        self.param("rport")
            .map(|v| v.and_then(|p| parse_port(p).ok()))
    }

    pub fn maddr(&self) -> Option<&str> {
        self.param("maddr").flatten()
    }

    pub fn ttl(&self) -> Option<u8> {
        self.param("ttl").flatten().and_then(|t| t.parse().ok())
    }
}

/// `received` holds a bare IPv4 or IPv6 address; brackets are tolerated.
fn parse_received(v: &str) -> Option<IpAddr> {
    let bare = v
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(v);
    bare.parse().ok()
}

/// `sent-by = host [ COLON port ]` where COLON allows LWS on both sides: remove LWS that
/// touches the colon, refuse any other.
fn join_around_colon(s: &str) -> Option<String> {
    let mut joined = String::with_capacity(s.len());
    let mut previous: Option<&str> = None;
    for piece in s.split_whitespace() {
        if let Some(prev) = previous {
            if !(prev.ends_with(':') || piece.starts_with(':')) {
                return None;
            }
        }
        joined.push_str(piece);
        previous = Some(piece);
    }
    (!joined.is_empty()).then_some(joined)
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = format!("SIP/2.0/{} {}", self.transport, self.host);
        if let Some(port) = self.port {
            out.push(':');
            out.push_str(&port.to_string());
        }
        write_params(&mut out, &self.params);
        f.write_str(&out)
    }
}

impl std::str::FromStr for Via {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Via::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn round_trip(s: &str) -> Via {
        let v = Via::parse(s).unwrap();
        assert_eq!(Via::parse(&v.to_string()).unwrap(), v, "{s} -> {v}");
        v
    }

    #[test]
    fn plain() {
        let v = round_trip("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport");
        assert_eq!(v.transport, "UDP");
        assert_eq!(v.host, Host::Domain("pc33.atlanta.com".into()));
        assert_eq!(v.port, Some(5066));
        assert_eq!(v.branch(), Some("z9hG4bK776asdhds"));
        assert_eq!(v.rfc3261_branch(), Some("z9hG4bK776asdhds"));
        assert_eq!(v.rport(), Some(None));
    }

    #[test]
    fn lws_everywhere() {
        let v = round_trip("SIP  /   2.0 /UDP    192.0.2.2;branch=390skdjuw");
        assert_eq!(v.host, Host::Ipv4(Ipv4Addr::new(192, 0, 2, 2)));
        assert_eq!(v.rfc3261_branch(), None);
        let v =
            round_trip("SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8  ");
        assert_eq!(v.transport, "TCP");
        assert_eq!(v.branch(), Some("z9hG4bK9ikj8"));
        let v = round_trip(
            "SIP/2.0/tls host.example : 5061 ;received=192.0.2.9;rport=4711;ttl=16;maddr=224.2.0.1",
        );
        assert_eq!(v.transport, "TLS");
        assert_eq!(v.port, Some(5061));
        assert_eq!(v.received(), Some("192.0.2.9"));
        assert_eq!(v.rport(), Some(Some(4711)));
        assert_eq!(v.ttl(), Some(16));
        assert_eq!(v.maddr(), Some("224.2.0.1"));
    }

    #[test]
    fn ipv6() {
        let v = round_trip(
            "SIP/2.0/UDP [2001:db8::9:1]:5060;received=2001:db8::9:255;branch=z9hG4bKas3-111",
        );
        assert_eq!(v.host.to_string(), "[2001:db8::9:1]");
        assert!(v.received_ip().is_some());
    }

    #[test]
    fn set_received_and_rport() {
        let mut v = Via::new("udp", Host::Domain("a.example".into()), None)
            .with_branch("z9hG4bKx")
            .with_rport();
        v.set_param("received", Some("192.0.2.1"));
        v.set_param("rport", Some("5062"));
        assert_eq!(
            v.to_string(),
            "SIP/2.0/UDP a.example;branch=z9hG4bKx;rport=5062;received=192.0.2.1"
        );
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "SIP/2.0/UDP 192.0.2.15;;,;,,",
            "SIP/2.0/UDP 192.0.2.15;;",
            "SIP/7.0/UDP c.example.com",
            "SIP/2.0/UDP",
            "SIP/2.0 host",
            "SIP/2.0/UDP a b",
            "SIP/2.0/UDP host;ttl=256",
            "SIP/2.0/UDP host;received=not-an-ip",
            "SIP/2.0/UDP host;rport=x",
            "",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad:?} should fail");
        }
    }
}
