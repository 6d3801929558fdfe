//! ISO 3166-1 alpha-2 country codes as the policy compares them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A region libphonenumber knows (`US`, `GB`, `FR`…), stored upper case so that `gb` in a
/// form and `GB` from the numbering plan compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country([u8; 2]);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a known ISO 3166 two-letter country or region code (like US or GB)")]
pub struct CountryError(pub String);

impl Country {
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters (checked on construction), so this never fails.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    pub(crate) fn to_phonenumber(self) -> Option<phonenumber::country::Id> {
        phonenumber::country::Id::from_str(self.as_str()).ok()
    }

    pub(crate) fn from_phonenumber(id: phonenumber::country::Id) -> Option<Self> {
        id.as_ref().parse().ok()
    }
}

impl FromStr for Country {
    type Err = CountryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        let known = phonenumber::country::Id::from_str(&upper).is_ok();
        match bytes {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() && known => {
                Ok(Self([*a, *b]))
            }
            _ => Err(CountryError(s.to_owned())),
        }
    }
}

impl TryFrom<String> for Country {
    type Error = CountryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
