//! Trunk configuration as the operator writes it (`[[trunk]]` in TOML), and its validated
//! form [`Trunk`].

use ipnet::IpNet;
use phonenumber::country;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::net::IpAddr;
use thiserror::Error;

/// Where the number the caller dialed is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CalledNumberFrom {
    /// The user part of the Request-URI: what RFC 3261 routes on, and what most carriers
    /// set to the dialed number.
    #[default]
    RequestUri,
    /// The user part of the To URI, for carriers that put a trunk identifier or our
    /// registration contact in the Request-URI.
    To,
}

/// One `[[trunk]]` entry, as deserialized. Validated by [`super::TrunkTable::new`].
///
/// ```toml
/// [[trunk]]
/// name = "carrier-a"
/// sources = ["203.0.113.0/24", "198.51.100.7", "2001:db8:a::/48"]
/// username = "carrier-a"          # optional: digest credentials the carrier answers with
/// password = "long random secret" # required when username is set
/// called_number_from = "request-uri"  # or "to"; default "request-uri"
/// default_country = "US"          # ISO 3166 alpha-2: how to read national numbers
/// strip_prefixes = ["1234#"]      # optional routing prefixes to remove
/// inband_dtmf = false             # also listen for DTMF tones in the audio (carriers that
///                                 # send no RFC 4733 events); default false
/// ```
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrunkConfig {
    pub name: String,
    /// CIDRs (or single addresses) the carrier sends from. May be empty for a trunk that
    /// authenticates by credentials alone.
    #[serde(default, deserialize_with = "deserialize_sources")]
    pub sources: Vec<IpNet>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub called_number_from: CalledNumberFrom,
    pub default_country: String,
    #[serde(default)]
    pub strip_prefixes: Vec<String>,
    /// Detect DTMF tones in the audio as well as RFC 4733 events and SIP INFO. Off by
    /// default: a detector on speech is a small talk-off risk a trunk that sends events
    /// does not need to take.
    #[serde(default)]
    pub inband_dtmf: bool,
}

impl fmt::Debug for TrunkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrunkConfig")
            .field("name", &self.name)
            .field("sources", &self.sources)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("called_number_from", &self.called_number_from)
            .field("default_country", &self.default_country)
            .field("strip_prefixes", &self.strip_prefixes)
            .finish()
    }
}

/// Accepts `"203.0.113.0/24"` and also a bare address (`"198.51.100.7"`, taken as /32 or
/// /128), since operators list single SBC addresses more often than ranges.
fn deserialize_sources<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<IpNet>, D::Error> {
    let texts = Vec::<String>::deserialize(deserializer)?;
    texts
        .iter()
        .map(|text| {
            let text = text.trim();
            text.parse::<IpNet>()
                .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "{text:?} is not an IP address or CIDR (e.g. \"203.0.113.0/24\")"
                    ))
                })
        })
        .collect()
}

/// What is wrong with the trunk list. Names the trunk so the operator can find it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("trunk #{index} has an empty name")]
    EmptyName { index: usize },
    #[error("trunk name {0:?} is used twice")]
    DuplicateName(String),
    #[error("trunk {trunk:?} has neither sources nor username/password, so nothing could use it")]
    NoWayToAdmit { trunk: String },
    #[error("trunk {trunk:?} has a username without a password or a password without a username")]
    IncompleteCredentials { trunk: String },
    #[error(
        "trunk {trunk:?}: username and password must be non-empty and free of control characters"
    )]
    InvalidCredentials { trunk: String },
    #[error("username {username:?} is used by trunks {first:?} and {second:?}; it must identify one trunk")]
    DuplicateUsername {
        username: String,
        first: String,
        second: String,
    },
    #[error("trunk {trunk:?}: source {net} has host bits set; did you mean {network}?")]
    SourceHasHostBits {
        trunk: String,
        net: IpNet,
        network: IpNet,
    },
    #[error("trunk {trunk:?}: source {net} admits every address without credentials")]
    OpenToEveryone { trunk: String, net: IpNet },
    #[error("source {net} is listed by trunks {first:?} and {second:?}; a source must identify one trunk")]
    DuplicateSource {
        net: IpNet,
        first: String,
        second: String,
    },
    #[error(
        "trunk {trunk:?}: {code:?} is not an ISO 3166 alpha-2 country code (e.g. \"US\", \"GB\")"
    )]
    UnknownCountry { trunk: String, code: String },
    #[error("trunk {trunk:?}: strip prefix {prefix:?} must be non-empty and only digits, '*', '#' or '+'")]
    InvalidStripPrefix { trunk: String, prefix: String },
}

/// A validated trunk.
#[derive(Clone)]
pub struct Trunk {
    pub(crate) name: String,
    pub(crate) sources: Vec<IpNet>,
    pub(crate) credentials: Option<(String, String)>,
    pub(crate) called_number_from: CalledNumberFrom,
    pub(crate) default_country: country::Id,
    pub(crate) default_country_code: String,
    pub(crate) strip_prefixes: Vec<String>,
    pub(crate) inband_dtmf: bool,
}

impl fmt::Debug for Trunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trunk")
            .field("name", &self.name)
            .field("sources", &self.sources)
            .field("username", &self.username())
            .field("called_number_from", &self.called_number_from)
            .field("default_country", &self.default_country_code)
            .field("strip_prefixes", &self.strip_prefixes)
            .field("inband_dtmf", &self.inband_dtmf)
            .finish_non_exhaustive()
    }
}

impl Trunk {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn sources(&self) -> &[IpNet] {
        &self.sources
    }

    /// The digest username this trunk authenticates with, if any.
    pub fn username(&self) -> Option<&str> {
        self.credentials.as_ref().map(|(user, _)| user.as_str())
    }

    pub(crate) fn password(&self) -> Option<&str> {
        self.credentials
            .as_ref()
            .map(|(_, password)| password.as_str())
    }

    pub fn called_number_from(&self) -> CalledNumberFrom {
        self.called_number_from
    }

    /// ISO 3166 alpha-2, upper case.
    pub fn default_country(&self) -> &str {
        &self.default_country_code
    }

    pub fn strip_prefixes(&self) -> &[String] {
        &self.strip_prefixes
    }

    /// Whether calls from this trunk get the in-band DTMF detector.
    pub fn inband_dtmf(&self) -> bool {
        self.inband_dtmf
    }

    pub(crate) fn from_config(index: usize, config: TrunkConfig) -> Result<Self, ConfigError> {
        let name = config.name.trim().to_owned();
        if name.is_empty() {
            return Err(ConfigError::EmptyName { index });
        }
        let trunk = || name.clone();

        let credentials = match (config.username, config.password) {
            (None, None) => None,
            (Some(user), Some(password)) => {
                let bad = |s: &str| s.is_empty() || s.chars().any(char::is_control);
                if bad(&user) || bad(&password) {
                    return Err(ConfigError::InvalidCredentials { trunk: trunk() });
                }
                Some((user, password))
            }
            _ => return Err(ConfigError::IncompleteCredentials { trunk: trunk() }),
        };
        if config.sources.is_empty() && credentials.is_none() {
            return Err(ConfigError::NoWayToAdmit { trunk: trunk() });
        }
        for &source in &config.sources {
            if source.trunc() != source {
                return Err(ConfigError::SourceHasHostBits {
                    trunk: trunk(),
                    net: source,
                    network: source.trunc(),
                });
            }
            if source.prefix_len() == 0 && credentials.is_none() {
                return Err(ConfigError::OpenToEveryone {
                    trunk: trunk(),
                    net: source,
                });
            }
        }

        let code = config.default_country.trim().to_ascii_uppercase();
        let default_country = code
            .parse::<country::Id>()
            .ok()
            .filter(|_| code.len() == 2)
            .ok_or_else(|| ConfigError::UnknownCountry {
                trunk: trunk(),
                code: config.default_country.clone(),
            })?;

        for prefix in &config.strip_prefixes {
            let valid = !prefix.is_empty()
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '*' | '#' | '+'));
            if !valid {
                return Err(ConfigError::InvalidStripPrefix {
                    trunk: trunk(),
                    prefix: prefix.clone(),
                });
            }
        }

        Ok(Trunk {
            name,
            sources: config.sources,
            credentials,
            called_number_from: config.called_number_from,
            default_country,
            default_country_code: code,
            strip_prefixes: config.strip_prefixes,
            inband_dtmf: config.inband_dtmf,
        })
    }
}
