//! Header field names: canonical spellings, compact forms, case-insensitive comparison.

use std::fmt;
use std::hash::{Hash, Hasher};

use super::error::ParseError;
use super::grammar::is_token;

/// A header field name. Known names serialize in their canonical spelling; `Other` keeps
/// the spelling it was parsed with but compares (and hashes) case-insensitively, as
/// RFC 3261 7.3.1 says field names are case-insensitive.
#[derive(Clone, Debug)]
pub enum HeaderName {
    Via,
    From,
    To,
    CallId,
    CSeq,
    Contact,
    MaxForwards,
    ContentLength,
    ContentType,
    ContentEncoding,
    Route,
    RecordRoute,
    Allow,
    Supported,
    Require,
    ProxyRequire,
    Unsupported,
    Accept,
    Expires,
    MinExpires,
    SessionExpires,
    MinSE,
    Authorization,
    WwwAuthenticate,
    ProxyAuthenticate,
    ProxyAuthorization,
    UserAgent,
    Server,
    Subject,
    Event,
    AllowEvents,
    ReferTo,
    ReferredBy,
    Date,
    Timestamp,
    RetryAfter,
    Other(String),
}

/// Known names with their canonical spelling.
const KNOWN: &[(HeaderName, &str)] = &[
    (HeaderName::Via, "Via"),
    (HeaderName::From, "From"),
    (HeaderName::To, "To"),
    (HeaderName::CallId, "Call-ID"),
    (HeaderName::CSeq, "CSeq"),
    (HeaderName::Contact, "Contact"),
    (HeaderName::MaxForwards, "Max-Forwards"),
    (HeaderName::ContentLength, "Content-Length"),
    (HeaderName::ContentType, "Content-Type"),
    (HeaderName::ContentEncoding, "Content-Encoding"),
    (HeaderName::Route, "Route"),
    (HeaderName::RecordRoute, "Record-Route"),
    (HeaderName::Allow, "Allow"),
    (HeaderName::Supported, "Supported"),
    (HeaderName::Require, "Require"),
    (HeaderName::ProxyRequire, "Proxy-Require"),
    (HeaderName::Unsupported, "Unsupported"),
    (HeaderName::Accept, "Accept"),
    (HeaderName::Expires, "Expires"),
    (HeaderName::MinExpires, "Min-Expires"),
    (HeaderName::SessionExpires, "Session-Expires"),
    (HeaderName::MinSE, "Min-SE"),
    (HeaderName::Authorization, "Authorization"),
    (HeaderName::WwwAuthenticate, "WWW-Authenticate"),
    (HeaderName::ProxyAuthenticate, "Proxy-Authenticate"),
    (HeaderName::ProxyAuthorization, "Proxy-Authorization"),
    (HeaderName::UserAgent, "User-Agent"),
    (HeaderName::Server, "Server"),
    (HeaderName::Subject, "Subject"),
    (HeaderName::Event, "Event"),
    (HeaderName::AllowEvents, "Allow-Events"),
    (HeaderName::ReferTo, "Refer-To"),
    (HeaderName::ReferredBy, "Referred-By"),
    (HeaderName::Date, "Date"),
    (HeaderName::Timestamp, "Timestamp"),
    (HeaderName::RetryAfter, "Retry-After"),
];

/// Compact forms (RFC 3261 7.3.3 and 20; RFC 3265 o/u; RFC 3515 r; RFC 3892 b;
/// RFC 4028 x; RFC 3841 a/j/d; RFC 8224 y; RFC 4474 n).
fn expand_compact(c: u8) -> Option<HeaderName> {
    Some(match c.to_ascii_lowercase() {
        b'i' => HeaderName::CallId,
        b'm' => HeaderName::Contact,
        b'e' => HeaderName::ContentEncoding,
        b'l' => HeaderName::ContentLength,
        b'c' => HeaderName::ContentType,
        b'f' => HeaderName::From,
        b's' => HeaderName::Subject,
        b'k' => HeaderName::Supported,
        b't' => HeaderName::To,
        b'v' => HeaderName::Via,
        b'o' => HeaderName::Event,
        b'u' => HeaderName::AllowEvents,
        b'r' => HeaderName::ReferTo,
        b'b' => HeaderName::ReferredBy,
        b'x' => HeaderName::SessionExpires,
        b'a' => HeaderName::Other("Accept-Contact".to_owned()),
        b'j' => HeaderName::Other("Reject-Contact".to_owned()),
        b'd' => HeaderName::Other("Request-Disposition".to_owned()),
        b'y' => HeaderName::Other("Identity".to_owned()),
        b'n' => HeaderName::Other("Identity-Info".to_owned()),
        _ => return None,
    })
}

impl HeaderName {
    /// Parses a field name (a `token`), case-insensitively, expanding compact forms.
    pub fn parse(name: &str) -> Result<Self, ParseError> {
        if !is_token(name) {
            return Err(ParseError::BadHeaderLine);
        }
        if let [c] = name.as_bytes() {
            if let Some(known) = expand_compact(*c) {
                return Ok(known);
            }
        }
        for (known, canonical) in KNOWN {
            if canonical.eq_ignore_ascii_case(name) {
                return Ok(known.clone());
            }
        }
        Ok(HeaderName::Other(name.to_owned()))
    }

    /// The canonical spelling (or the original spelling of an `Other` name).
    pub fn as_str(&self) -> &str {
        if let HeaderName::Other(name) = self {
            return name;
        }
        KNOWN
            .iter()
            .find(|(known, _)| known.same_variant(self))
            .map_or("", |(_, canonical)| canonical)
    }

    fn same_variant(&self, other: &HeaderName) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// Whether the grammar makes this header a comma-separated list (RFC 3261 7.3.1), so
    /// that several field lines may be combined and [`super::Headers::values`] is meaningful.
    pub fn is_list(&self) -> bool {
        matches!(
            self,
            HeaderName::Via
                | HeaderName::Contact
                | HeaderName::Route
                | HeaderName::RecordRoute
                | HeaderName::Allow
                | HeaderName::Supported
                | HeaderName::Require
                | HeaderName::ProxyRequire
                | HeaderName::Unsupported
                | HeaderName::Accept
                | HeaderName::ContentEncoding
                | HeaderName::AllowEvents
        )
    }
}

impl PartialEq for HeaderName {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (HeaderName::Other(a), HeaderName::Other(b)) => a.eq_ignore_ascii_case(b),
            _ => self.same_variant(other),
        }
    }
}

impl Eq for HeaderName {}

impl Hash for HeaderName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        if let HeaderName::Other(name) = self {
            for b in name.bytes() {
                state.write_u8(b.to_ascii_lowercase());
            }
        }
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_case_insensitive() {
        for (input, expected) in [
            ("v", HeaderName::Via),
            ("V", HeaderName::Via),
            ("vIa", HeaderName::Via),
            ("i", HeaderName::CallId),
            ("call-id", HeaderName::CallId),
            ("m", HeaderName::Contact),
            ("l", HeaderName::ContentLength),
            ("c", HeaderName::ContentType),
            ("e", HeaderName::ContentEncoding),
            ("f", HeaderName::From),
            ("t", HeaderName::To),
            ("s", HeaderName::Subject),
            ("k", HeaderName::Supported),
            ("o", HeaderName::Event),
            ("u", HeaderName::AllowEvents),
            ("r", HeaderName::ReferTo),
            ("b", HeaderName::ReferredBy),
            ("x", HeaderName::SessionExpires),
            ("min-se", HeaderName::MinSE),
            ("www-authenticate", HeaderName::WwwAuthenticate),
        ] {
            assert_eq!(HeaderName::parse(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn canonical_spelling() {
        assert_eq!(HeaderName::parse("CALL-ID").unwrap().to_string(), "Call-ID");
        assert_eq!(HeaderName::parse("cseq").unwrap().to_string(), "CSeq");
        assert_eq!(HeaderName::MinSE.to_string(), "Min-SE");
        assert_eq!(HeaderName::WwwAuthenticate.to_string(), "WWW-Authenticate");
        assert_eq!(HeaderName::parse("y").unwrap().to_string(), "Identity");
    }

    #[test]
    fn other_keeps_spelling_and_compares_case_insensitively() {
        let a = HeaderName::parse("P-Asserted-Identity").unwrap();
        let b = HeaderName::parse("p-asserted-identity").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "P-Asserted-Identity");
        assert_ne!(a, HeaderName::Via);
        let mut set = std::collections::HashSet::new();
        set.insert(a);
        assert!(set.contains(&b));
    }

    #[test]
    fn rejects_non_tokens() {
        assert!(HeaderName::parse("").is_err());
        assert!(HeaderName::parse("Bad Name").is_err());
        assert!(HeaderName::parse("a:b").is_err());
    }
}
