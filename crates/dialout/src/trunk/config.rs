//! `[[outbound_trunk]]` as the operator writes it, and its validated form.

use super::format::{CallerIdRule, NumberFormat};
use crate::Country;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Udp,
    Tcp,
}

/// Digest registration with the carrier (REGISTER, refreshed before it expires).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterAuth {
    pub username: String,
    pub password: String,
    /// The realm to expect; when set, a challenge for another realm is not answered.
    #[serde(default)]
    pub realm: Option<String>,
    /// Registration lifetime asked for, in seconds; the carrier may grant less.
    #[serde(default = "default_expires")]
    pub expires: u32,
}

fn default_expires() -> u32 {
    3600
}

impl fmt::Debug for RegisterAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("realm", &self.realm)
            .field("expires", &self.expires)
            .finish()
    }
}

/// How the carrier knows the call is ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TrunkAuth {
    /// The carrier admits our source address; challenges are not answered.
    Ip,
    /// We register, and answer 401/407 on INVITEs with the same credentials.
    Register(RegisterAuth),
    /// We do not register, but answer the carrier's 401/407 on each INVITE (carriers that
    /// authenticate calls rather than bindings).
    Digest(DigestAuth),
}

/// Credentials for a trunk that challenges INVITEs without a registration.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestAuth {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for DigestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// One `[[outbound_trunk]]` entry, as deserialized (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundTrunkConfig {
    pub name: String,
    pub proxy: String,
    #[serde(default)]
    pub transport: Transport,
    pub auth: TrunkAuth,
    #[serde(default)]
    pub number_format: NumberFormat,
    /// The trunk's own country, for the `national` number format.
    #[serde(default)]
    pub country: Option<Country>,
    #[serde(default)]
    pub prefix: String,
    pub caller_id: CallerIdRule,
    pub max_concurrent_calls: u32,
    /// The host in our From URI; defaults to the proxy's host.
    #[serde(default)]
    pub from_domain: Option<String>,
}

/// Where the carrier's proxy is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProxyAddress {
    /// A DNS name, an IPv4 address or an IPv6 address without brackets.
    pub host: String,
    pub port: u16,
}

impl ProxyAddress {
    /// `host:port` as it goes in a SIP URI (IPv6 in brackets).
    pub fn uri_hostport(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest.split_once(']')?;
            host.parse::<std::net::Ipv6Addr>().ok()?;
            let port = match after {
                "" => DEFAULT_SIP_PORT,
                _ => after.strip_prefix(':')?.parse().ok()?,
            };
            (host, port)
        } else {
            match text.rsplit_once(':') {
                Some((host, port)) => (host, port.parse().ok()?),
                None => (text, DEFAULT_SIP_PORT),
            }
        };
        if !is_host(host) || port == 0 {
            return None;
        }
        Some(Self {
            host: host.to_owned(),
            port,
        })
    }
}

/// A DNS name or an address, as far as the characters go (the resolver judges the rest).
fn is_host(text: &str) -> bool {
    let host_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':');
    !text.is_empty() && text.chars().all(host_char)
}

const DEFAULT_SIP_PORT: u16 = 5060;

/// The shortest registration we ask for; below this a carrier's 423 is likely anyway and
/// the refresh traffic grows for nothing.
const MIN_EXPIRES: u32 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrunkConfigError {
    #[error("outbound trunk #{index} has an empty name")]
    EmptyName { index: usize },
    #[error("outbound trunk name {0:?} is used twice")]
    DuplicateName(String),
    #[error("outbound trunk {trunk:?}: proxy {proxy:?} is not host:port (e.g. \"sip.carrier.example:5060\")")]
    InvalidProxy { trunk: String, proxy: String },
    #[error("outbound trunk {trunk:?}: username and password must be non-empty and free of control characters")]
    InvalidCredentials { trunk: String },
    #[error(
        "outbound trunk {trunk:?}: expires must be at least {MIN_EXPIRES} seconds, not {expires}"
    )]
    ExpiresTooShort { trunk: String, expires: u32 },
    #[error("outbound trunk {trunk:?}: number_format \"national\" needs country (e.g. country = \"US\")")]
    NationalNeedsCountry { trunk: String },
    #[error("outbound trunk {trunk:?}: prefix {prefix:?} may hold only digits, * and #")]
    InvalidPrefix { trunk: String, prefix: String },
    #[error("outbound trunk {trunk:?}: fixed caller ID {number:?} is not an E.164 number like \"+12025550100\"")]
    InvalidFixedCallerId { trunk: String, number: String },
    #[error("outbound trunk {trunk:?}: max_concurrent_calls must be at least 1")]
    NoCapacity { trunk: String },
    #[error("outbound trunk {trunk:?}: from_domain {domain:?} is not a host name or address")]
    InvalidFromDomain { trunk: String, domain: String },
}

/// A checked outbound trunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundTrunk {
    pub name: String,
    pub proxy: ProxyAddress,
    pub transport: Transport,
    pub auth: TrunkAuth,
    pub number_format: NumberFormat,
    pub country: Option<Country>,
    pub prefix: String,
    pub caller_id: CallerIdRule,
    pub max_concurrent_calls: u32,
    pub from_domain: String,
}

impl OutboundTrunk {
    /// Checks every trunk and that names are unique.
    pub fn from_configs(configs: Vec<OutboundTrunkConfig>) -> Result<Vec<Self>, TrunkConfigError> {
        let mut names = HashSet::new();
        let mut trunks = Vec::with_capacity(configs.len());
        for (index, config) in configs.into_iter().enumerate() {
            if config.name.trim().is_empty() {
                return Err(TrunkConfigError::EmptyName { index });
            }
            if !names.insert(config.name.clone()) {
                return Err(TrunkConfigError::DuplicateName(config.name));
            }
            trunks.push(Self::from_config(config)?);
        }
        Ok(trunks)
    }

    pub fn from_config(config: OutboundTrunkConfig) -> Result<Self, TrunkConfigError> {
        let trunk = config.name.clone();
        if trunk.trim().is_empty() {
            return Err(TrunkConfigError::EmptyName { index: 0 });
        }
        let proxy =
            ProxyAddress::parse(&config.proxy).ok_or_else(|| TrunkConfigError::InvalidProxy {
                trunk: trunk.clone(),
                proxy: config.proxy.clone(),
            })?;
        if let TrunkAuth::Digest(digest) = &config.auth {
            let bad = |s: &str| s.is_empty() || s.chars().any(char::is_control);
            if bad(&digest.username) || bad(&digest.password) {
                return Err(TrunkConfigError::InvalidCredentials { trunk });
            }
        }
        if let TrunkAuth::Register(register) = &config.auth {
            let bad = |s: &str| s.is_empty() || s.chars().any(char::is_control);
            let realm_bad = register.realm.as_deref().is_some_and(bad);
            if bad(&register.username) || bad(&register.password) || realm_bad {
                return Err(TrunkConfigError::InvalidCredentials { trunk });
            }
            if register.expires < MIN_EXPIRES {
                return Err(TrunkConfigError::ExpiresTooShort {
                    trunk,
                    expires: register.expires,
                });
            }
        }
        if config.number_format == NumberFormat::National && config.country.is_none() {
            return Err(TrunkConfigError::NationalNeedsCountry { trunk });
        }
        let prefix_ok = config
            .prefix
            .chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '#');
        if !prefix_ok {
            return Err(TrunkConfigError::InvalidPrefix {
                trunk,
                prefix: config.prefix,
            });
        }
        if let CallerIdRule::Fixed(number) = &config.caller_id {
            if super::format::checked_e164(number).is_none() {
                return Err(TrunkConfigError::InvalidFixedCallerId {
                    trunk,
                    number: number.clone(),
                });
            }
        }
        if config.max_concurrent_calls == 0 {
            return Err(TrunkConfigError::NoCapacity { trunk });
        }
        let from_domain = match config.from_domain {
            None => proxy.host.clone(),
            Some(domain) if is_host(&domain) => domain,
            Some(domain) => return Err(TrunkConfigError::InvalidFromDomain { trunk, domain }),
        };
        Ok(Self {
            name: config.name,
            proxy,
            transport: config.transport,
            auth: config.auth,
            number_format: config.number_format,
            country: config.country,
            prefix: config.prefix,
            caller_id: config.caller_id,
            max_concurrent_calls: config.max_concurrent_calls,
            from_domain,
        })
    }
}
