//! Web addresses an admin gives us (ACP URL, logo, help and legal links, the "find a local
//! number" page) that end up in `href`/`src` attributes of invitations.
//!
//! Only `http` and `https` pass: `javascript:` or `data:` in an invitation link would run in
//! the reader's mail client. We check the shape ourselves rather than pull in a full URL
//! parser (and its IDNA tables): the rule is narrow, and refusing a rare exotic URL is
//! better than printing a dangerous one. Internationalized host names go in as punycode.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// An absolute `http`/`https` URL with a plain host, safe to put in an attribute once
/// HTML-escaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WebUrlError {
    #[error("a web address starts with http:// or https://")]
    Scheme,
    #[error("the web address has no host name")]
    NoHost,
    #[error("the web address's host {0:?} is not a host name (letters, digits, dots and dashes, or an IP address)")]
    BadHost(String),
    #[error("a web address with a user name or password before the host is refused (it disguises where it leads)")]
    UserInfo,
    #[error("the web address contains spaces, quotes, angle brackets or control characters")]
    BadCharacter,
    #[error("the web address is longer than {max} characters", max = WebUrl::MAX_LEN)]
    TooLong,
}

impl WebUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(input: &str) -> Result<Self, WebUrlError> {
        let s = input.trim();
        if s.len() > Self::MAX_LEN {
            return Err(WebUrlError::TooLong);
        }
        if s.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
        }) {
            return Err(WebUrlError::BadCharacter);
        }
        let (scheme, rest) = s.split_once("://").ok_or(WebUrlError::Scheme)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(WebUrlError::Scheme);
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        if authority.contains('@') {
            return Err(WebUrlError::UserInfo);
        }
        host_of(authority)?;
        Ok(Self(format!(
            "{scheme}://{}{path}",
            authority.to_ascii_lowercase()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The host part of `host[:port]` or `[v6]:port`, checked.
fn host_of(authority: &str) -> Result<&str, WebUrlError> {
    if authority.is_empty() {
        return Err(WebUrlError::NoHost);
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6
            .split_once(']')
            .ok_or_else(|| WebUrlError::BadHost(authority.to_owned()))?;
        if inside.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(WebUrlError::BadHost(authority.to_owned()));
        }
        (&authority[..inside.len() + 2], after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(port) = port {
        if port.is_empty() || port.parse::<u16>().is_err() {
            return Err(WebUrlError::BadHost(authority.to_owned()));
        }
    }
    if host.is_empty() {
        return Err(WebUrlError::NoHost);
    }
    if !host.starts_with('[') {
        let labels_ok = host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !labels_ok {
            return Err(WebUrlError::BadHost(host.to_owned()));
        }
    }
    Ok(host)
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WebUrl {
    type Error = WebUrlError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<WebUrl> for String {
    fn from(u: WebUrl) -> String {
        u.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn accepts_plain_web_addresses() {
        for (input, want) in [
            ("https://example.com", "https://example.com"),
            (
                "HTTPS://Example.COM/Help?q=1#top",
                "https://example.com/Help?q=1#top",
            ),
            (
                "http://intranet:8080/dial-in",
                "http://intranet:8080/dial-in",
            ),
            (
                "https://[2001:db8::1]:8443/x",
                "https://[2001:db8::1]:8443/x",
            ),
            ("https://192.0.2.7/numbers", "https://192.0.2.7/numbers"),
            (
                "https://xn--bcher-kva.example/",
                "https://xn--bcher-kva.example/",
            ),
            ("  https://example.com/a  ", "https://example.com/a"),
        ] {
            assert_eq!(WebUrl::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn refuses_dangerous_or_malformed_ones() {
        for (input, want) in [
            ("javascript:alert(1)", WebUrlError::Scheme),
            ("data:text/html,<b>", WebUrlError::BadCharacter),
            ("ftp://example.com", WebUrlError::Scheme),
            ("example.com", WebUrlError::Scheme),
            ("https://", WebUrlError::NoHost),
            ("https:///path", WebUrlError::NoHost),
            ("https://bank.example@evil.example/", WebUrlError::UserInfo),
            ("https://exa mple.com", WebUrlError::BadCharacter),
            (
                "https://example.com/\"onmouseover=",
                WebUrlError::BadCharacter,
            ),
            ("https://example.com/<script>", WebUrlError::BadCharacter),
            (
                "https://ex_ample.com",
                WebUrlError::BadHost("ex_ample.com".into()),
            ),
            (
                "https://example.com:99999",
                WebUrlError::BadHost("example.com:99999".into()),
            ),
            ("https://[nope]/", WebUrlError::BadHost("[nope]".into())),
        ] {
            assert_eq!(WebUrl::parse(input), Err(want), "{input}");
        }
        let long = format!("https://example.com/{}", "a".repeat(WebUrl::MAX_LEN));
        assert_eq!(WebUrl::parse(&long), Err(WebUrlError::TooLong));
    }

    #[test]
    fn odd_input_never_panics() {
        use rand::{Rng, SeedableRng};
        let alphabet: Vec<char> = "htps:/[]@:.-_?#%aZ09é日 ".chars().collect();
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
        for _ in 0..20_000 {
            let len = rng.gen_range(0..30);
            let body: String = (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect();
            let _ = WebUrl::parse(&body);
            if let Ok(u) = WebUrl::parse(&format!("https://{body}")) {
                // Whatever passes has no character that could leave an HTML attribute.
                assert!(!u.as_str().contains(['"', '<', '>', ' ', '\'']), "{u}");
            }
        }
    }
}
