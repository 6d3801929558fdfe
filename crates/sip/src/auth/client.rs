//! The client (UAC) side: answer a 401/407 when we register with or dial out through a
//! carrier (RFC 3261 §22.2 and §22.3, RFC 7616 §3.4, RFC 8760 §2.4).

use super::challenge::Challenge;
use super::credentials::{Credentials, QopFields};
use super::error::DigestHeaderError;
use super::hash::{DigestInput, QopInput};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClientError {
    /// Every challenge was unparseable or asked for something we do not implement; the
    /// reasons are in the order the header values were given.
    #[error("no usable Digest challenge ({} offered)", reasons.len())]
    NoUsableChallenge { reasons: Vec<DigestHeaderError> },
    #[error("challenge is unusable: {0}")]
    UnusableChallenge(#[from] DigestHeaderError),
    #[error("nonce count must start at 1")]
    ZeroNonceCount,
    #[error("{0} is empty or contains control characters")]
    InvalidInput(&'static str),
}

/// Picks the challenge to answer among the `WWW-Authenticate` (or `Proxy-Authenticate`)
/// values of one response: the strongest algorithm we support, and among equals the
/// first, since servers list challenges most preferred first (RFC 8760 §2.4).
///
/// Challenges we cannot answer (unknown algorithm, `auth-int` only, another scheme) are
/// skipped. A response from a forking proxy may carry challenges for several realms;
/// this answers one, which is what a trunk (one realm) needs.
pub fn select_challenge<'a>(
    header_values: impl IntoIterator<Item = &'a str>,
) -> Result<Challenge, ClientError> {
    let mut best: Option<Challenge> = None;
    let mut reasons = Vec::new();
    for value in header_values {
        let usable = Challenge::parse(value).and_then(|c| c.usable_qop().map(|_| c));
        match usable {
            Ok(challenge) => {
                let stronger = best
                    .as_ref()
                    .is_none_or(|b| challenge.algorithm.strength() > b.algorithm.strength());
                if stronger {
                    best = Some(challenge);
                }
            }
            Err(reason) => reasons.push(reason),
        }
    }
    best.ok_or(ClientError::NoUsableChallenge { reasons })
}

/// The account we authenticate as.
#[derive(Clone)]
pub struct DigestClient<'a> {
    pub username: &'a str,
    pub password: &'a str,
}

impl std::fmt::Debug for DigestClient<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestClient")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl DigestClient<'_> {
    /// The `Authorization` (or `Proxy-Authorization`) value answering `challenge` for a
    /// request with `method` and `request_uri`.
    ///
    /// `cnonce` is fresh client randomness (e.g. 16 random bytes in hex); `nonce_count`
    /// is 1 for the first request under this nonce and counts up for each reuse. Both are
    /// ignored when the server offered no qop (RFC 2069 form).
    pub fn authorization(
        &self,
        challenge: &Challenge,
        method: &str,
        request_uri: &str,
        cnonce: &str,
        nonce_count: u32,
    ) -> Result<String, ClientError> {
        Ok(self
            .credentials(challenge, method, request_uri, cnonce, nonce_count)?
            .to_header_value())
    }

    /// As [`DigestClient::authorization`], returning the parsed form.
    pub fn credentials(
        &self,
        challenge: &Challenge,
        method: &str,
        request_uri: &str,
        cnonce: &str,
        nonce_count: u32,
    ) -> Result<Credentials, ClientError> {
        // These go into a header we build; CR or LF would let them inject header lines.
        let checks = [
            ("username", self.username),
            ("method", method),
            ("request URI", request_uri),
        ];
        for (field, value) in checks {
            if value.is_empty() || value.chars().any(char::is_control) {
                return Err(ClientError::InvalidInput(field));
            }
        }
        if self.password.chars().any(|c| c == '\r' || c == '\n') {
            return Err(ClientError::InvalidInput("password"));
        }

        let qop = match challenge.usable_qop()? {
            None => None,
            Some(qop) => {
                if nonce_count == 0 {
                    return Err(ClientError::ZeroNonceCount);
                }
                if cnonce.is_empty() || cnonce.chars().any(char::is_control) {
                    return Err(ClientError::InvalidInput("cnonce"));
                }
                Some(QopFields {
                    qop,
                    nc_text: format!("{nonce_count:08x}"),
                    nc: nonce_count,
                    cnonce: cnonce.to_owned(),
                })
            }
        };

        let response = DigestInput {
            algorithm: challenge.algorithm,
            username: self.username,
            realm: &challenge.realm,
            password: self.password,
            method,
            digest_uri: request_uri,
            nonce: &challenge.nonce,
            qop: qop.as_ref().map(|q| QopInput {
                qop: q.qop,
                nc: &q.nc_text,
                cnonce: &q.cnonce,
            }),
        }
        .response();

        Ok(Credentials {
            username: self.username.to_owned(),
            realm: challenge.realm.clone(),
            nonce: challenge.nonce.clone(),
            uri: request_uri.to_owned(),
            response,
            algorithm: challenge.algorithm,
            qop,
            // RFC 7616 §3.4: opaque must be returned unchanged.
            opaque: challenge.opaque.clone(),
            other_params: Vec::new(),
        })
    }
}
