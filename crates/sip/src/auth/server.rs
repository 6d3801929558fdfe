//! The server (UAS) side: challenge a request (401) and verify the credentials of the
//! retried request (RFC 3261 §22.2 and §22.4, RFC 7616 §3.4, RFC 8760).
//!
//! Sans-IO: the caller passes the current time and fresh randomness, and gets back header
//! values to send or a verdict.
//!
//! Choices, and why:
//! - **Stateless nonces** ([`super::nonce`]): no per-challenge table; a restart or a key
//!   change only makes outstanding nonces invalid, which costs the peer one more 401.
//! - **qop=auth is required by default.** The RFC 2069 form without qop has no client
//!   nonce, so a captured response can be replayed for as long as the nonce lives, and
//!   every carrier SBC we know sends qop. [`DigestServerConfig::allow_no_qop`] exists for
//!   old equipment; with replay tracking on, such a nonce is then good for one request.
//! - **Replay tracking is on by default** ([`super::replay`]): `nc` must rise per nonce.
//!   SIP retransmissions never reach us twice (the server transaction absorbs them), so
//!   a repeated `nc` is a replay or a broken client, both of which get a fresh challenge.
//! - **`stale=true` only when the response was right** (RFC 2617 §3.2.1): an expired or
//!   replayed nonce with a correct digest proves the peer knows the password, so it may
//!   retry without prompting; a wrong digest is a plain failure whatever the nonce's age.
//! - **The digest-uri must match the Request-URI** (RFC 2617 §3.2.2.5), compared ignoring
//!   ASCII case; otherwise a captured Authorization could be pasted onto a request for
//!   another number.
//! - **Unknown user and wrong password cost the same**: a digest is computed either way,
//!   and both map to [`Remedy::Reject`]. The variants differ only for our logs; the peer
//!   must get the same response for both.
//! - Rate limiting of failures is not done here (the IO shell owns the peer's address
//!   and time, and is the place for it).

use super::challenge::Challenge;
use super::credentials::Credentials;
use super::error::DigestHeaderError;
use super::hash::{Algorithm, DigestInput, Qop, QopInput};
use super::nonce::NonceKey;
use super::replay::{NonceCounts, ReplayRefusal};
use subtle::ConstantTimeEq;
use thiserror::Error;

/// How a [`DigestServer`] behaves. Build with [`DigestServerConfig::new`] and adjust.
#[derive(Clone)]
pub struct DigestServerConfig {
    /// RFC 3261 §22.1: a realm names the protection domain, e.g. `"dialbridge.example.com"`.
    pub realm: String,
    /// HMAC key for nonces: at least 16 bytes, random (the shell reads it from the OS at
    /// start-up, or from config when several nodes must accept each other's nonces).
    pub secret: Vec<u8>,
    /// Offered in this order, most preferred first (RFC 8760 §2.4). Default SHA-256, MD5.
    pub algorithms: Vec<Algorithm>,
    /// How long a nonce may be used. Default 300 s: long enough for in-dialog requests of
    /// a short call to reuse it, short enough to bound what a leaked nonce is worth.
    pub nonce_lifetime_secs: u64,
    /// Accept the RFC 2069 form (no qop). Default false; see the module docs.
    pub allow_no_qop: bool,
    /// How many nonces to track for replay protection; `0` turns tracking off.
    /// Default 4096 (a few hundred kilobytes at most).
    pub replay_tracking_capacity: usize,
}

impl DigestServerConfig {
    pub fn new(realm: impl Into<String>, secret: impl Into<Vec<u8>>) -> Self {
        Self {
            realm: realm.into(),
            secret: secret.into(),
            algorithms: vec![Algorithm::Sha256, Algorithm::Md5],
            nonce_lifetime_secs: 300,
            allow_no_qop: false,
            replay_tracking_capacity: 4096,
        }
    }
}

impl std::fmt::Debug for DigestServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestServerConfig")
            .field("realm", &self.realm)
            .field("secret", &"<redacted>")
            .field("algorithms", &self.algorithms)
            .field("nonce_lifetime_secs", &self.nonce_lifetime_secs)
            .field("allow_no_qop", &self.allow_no_qop)
            .field("replay_tracking_capacity", &self.replay_tracking_capacity)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ServerConfigError {
    #[error("realm must be non-empty and free of control characters")]
    InvalidRealm,
    #[error("nonce secret must be at least 16 bytes, got {0}")]
    SecretTooShort(usize),
    #[error("at least one algorithm must be offered")]
    NoAlgorithms,
    #[error("algorithm {0} is listed twice")]
    DuplicateAlgorithm(Algorithm),
    #[error("nonce lifetime must be at least one second")]
    ZeroNonceLifetime,
}

/// A request that authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthOk {
    pub username: String,
    pub algorithm: Algorithm,
    /// When the nonce was issued (Unix seconds), for logs.
    pub nonce_issued_at: u64,
}

/// Why credentials were refused. Use [`AuthFailure::remedy`] to pick the response.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthFailure {
    #[error("unusable Authorization header: {0}")]
    Malformed(#[from] DigestHeaderError),
    #[error("credentials are for realm {realm:?}, not ours")]
    WrongRealm { realm: String },
    #[error("algorithm {0} was not offered")]
    AlgorithmNotOffered(Algorithm),
    #[error("qop is required")]
    QopRequired,
    #[error("nonce was not issued by us (forged, or issued under an earlier key)")]
    InvalidNonce,
    #[error("digest-uri {digest_uri:?} does not match the Request-URI")]
    UriMismatch { digest_uri: String },
    #[error("unknown user {username:?}")]
    UnknownUser { username: String },
    #[error("wrong response for user {username:?}")]
    WrongResponse { username: String },
    #[error("nonce expired (response was correct) for user {username:?}")]
    StaleNonce { username: String },
    #[error("nonce count replayed, or nonce no longer tracked, for user {username:?}")]
    Replayed { username: String },
}

/// What to answer a request whose credentials failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Send a fresh challenge (401/407); `stale` goes into it.
    Challenge { stale: bool },
    /// Refuse (403): challenging again would only loop.
    Reject,
}

impl AuthFailure {
    pub fn remedy(&self) -> Remedy {
        match self {
            // Credentials for someone else's realm (sent pre-emptively) or a nonce from
            // before our restart: the peer has simply not seen our challenge yet.
            AuthFailure::WrongRealm { .. } | AuthFailure::InvalidNonce => {
                Remedy::Challenge { stale: false }
            }
            AuthFailure::StaleNonce { .. } | AuthFailure::Replayed { .. } => {
                Remedy::Challenge { stale: true }
            }
            AuthFailure::Malformed(_)
            | AuthFailure::AlgorithmNotOffered(_)
            | AuthFailure::QopRequired
            | AuthFailure::UriMismatch { .. }
            | AuthFailure::UnknownUser { .. }
            | AuthFailure::WrongResponse { .. } => Remedy::Reject,
        }
    }
}

/// Digest authentication for requests we receive. One per realm.
pub struct DigestServer {
    config: DigestServerConfig,
    nonces: NonceKey,
    replay: Option<NonceCounts>,
}

impl std::fmt::Debug for DigestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestServer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl DigestServer {
    pub fn new(config: DigestServerConfig) -> Result<Self, ServerConfigError> {
        if config.realm.is_empty() || config.realm.chars().any(char::is_control) {
            return Err(ServerConfigError::InvalidRealm);
        }
        if config.secret.len() < 16 {
            return Err(ServerConfigError::SecretTooShort(config.secret.len()));
        }
        if config.algorithms.is_empty() {
            return Err(ServerConfigError::NoAlgorithms);
        }
        for (index, alg) in config.algorithms.iter().enumerate() {
            if config.algorithms[..index].contains(alg) {
                return Err(ServerConfigError::DuplicateAlgorithm(*alg));
            }
        }
        if config.nonce_lifetime_secs == 0 {
            return Err(ServerConfigError::ZeroNonceLifetime);
        }
        let nonces = NonceKey::new(&config.secret, &config.realm);
        let replay = (config.replay_tracking_capacity > 0)
            .then(|| NonceCounts::new(config.replay_tracking_capacity, config.nonce_lifetime_secs));
        Ok(Self {
            config,
            nonces,
            replay,
        })
    }

    pub fn realm(&self) -> &str {
        &self.config.realm
    }

    /// The `WWW-Authenticate` (or `Proxy-Authenticate`) values for a 401 (407), one per
    /// offered algorithm in preference order (RFC 8760 §2.4), all sharing one nonce.
    pub fn challenge(&self, now_unix_secs: u64, random: [u8; 16]) -> Vec<String> {
        self.challenge_with_stale(now_unix_secs, random, false)
    }

    /// As [`DigestServer::challenge`], with `stale=true` when [`Remedy`] says so.
    pub fn challenge_with_stale(
        &self,
        now_unix_secs: u64,
        random: [u8; 16],
        stale: bool,
    ) -> Vec<String> {
        let nonce = self.nonces.issue(now_unix_secs, random);
        self.config
            .algorithms
            .iter()
            .map(|&algorithm| {
                Challenge {
                    realm: self.config.realm.clone(),
                    nonce: nonce.clone(),
                    algorithm,
                    qop_options: Some(vec![Qop::Auth.as_str().to_owned()]),
                    opaque: None,
                    stale,
                    domain: None,
                    other_params: Vec::new(),
                }
                .to_header_value()
            })
            .collect()
    }

    /// Verifies one `Authorization` (or `Proxy-Authorization`) header value of a request
    /// with `method` and `request_uri`. `password_for(username)` returns that user's
    /// password, or `None` for an unknown user.
    pub fn verify<P: AsRef<str>>(
        &mut self,
        method: &str,
        request_uri: &str,
        authorization: &str,
        now_unix_secs: u64,
        password_for: impl FnOnce(&str) -> Option<P>,
    ) -> Result<AuthOk, AuthFailure> {
        let credentials = Credentials::parse(authorization)?;
        self.verify_parsed(
            method,
            request_uri,
            &credentials,
            now_unix_secs,
            password_for,
        )
    }

    /// As [`DigestServer::verify`], for credentials already parsed (e.g. to pick, among
    /// several Authorization headers, the one for our realm).
    pub fn verify_parsed<P: AsRef<str>>(
        &mut self,
        method: &str,
        request_uri: &str,
        credentials: &Credentials,
        now_unix_secs: u64,
        password_for: impl FnOnce(&str) -> Option<P>,
    ) -> Result<AuthOk, AuthFailure> {
        let c = credentials;
        if c.realm != self.config.realm {
            return Err(AuthFailure::WrongRealm {
                realm: c.realm.clone(),
            });
        }
        if !self.config.algorithms.contains(&c.algorithm) {
            return Err(AuthFailure::AlgorithmNotOffered(c.algorithm));
        }
        if c.qop.is_none() && !self.config.allow_no_qop {
            return Err(AuthFailure::QopRequired);
        }
        let nonce = self
            .nonces
            .verify(&c.nonce)
            .ok_or(AuthFailure::InvalidNonce)?;
        if !digest_uri_matches(&c.uri, request_uri) {
            return Err(AuthFailure::UriMismatch {
                digest_uri: c.uri.clone(),
            });
        }

        let password = password_for(&c.username);
        let known_user = password.is_some();
        let expected = DigestInput {
            algorithm: c.algorithm,
            username: &c.username,
            realm: &c.realm,
            password: password.as_ref().map_or("", AsRef::as_ref),
            method,
            digest_uri: &c.uri,
            nonce: &c.nonce,
            qop: c.qop.as_ref().map(|q| QopInput {
                qop: q.qop,
                nc: &q.nc_text,
                cnonce: &q.cnonce,
            }),
        }
        .response();
        let response_matches: bool = expected.as_bytes().ct_eq(c.response.as_bytes()).into();
        let username = c.username.clone();
        if !known_user {
            return Err(AuthFailure::UnknownUser { username });
        }
        if !response_matches {
            return Err(AuthFailure::WrongResponse { username });
        }

        let age = now_unix_secs.saturating_sub(nonce.issued_at);
        if age > self.config.nonce_lifetime_secs {
            return Err(AuthFailure::StaleNonce { username });
        }
        if let Some(replay) = &mut self.replay {
            // Without qop there is no count: the nonce is then good for one request.
            let nc = c.qop.as_ref().map_or(1, |q| q.nc);
            match replay.accept(&c.nonce, nonce.issued_at, nc, now_unix_secs) {
                Ok(()) => {}
                Err(ReplayRefusal::Replayed | ReplayRefusal::Forgotten) => {
                    return Err(AuthFailure::Replayed { username })
                }
            }
        }
        Ok(AuthOk {
            username,
            algorithm: c.algorithm,
            nonce_issued_at: nonce.issued_at,
        })
    }
}

/// Whether the digest-uri names the request it came with. RFC 3261 22.4 wants the
/// Request-URI itself; some UACs (SIPp among them, and several carrier SBCs) hash the
/// bare `sip:host:port` of the Request-URI instead, registrar-style. That still binds
/// the credentials to us, and replay tracking stops their reuse, so we accept it too.
///
/// The two are compared parsed as well as as text: the shell passes the Request-URI as
/// we re-serialize it, and a UAC that escaped what needs no escaping (`%2B` for `+` in
/// the user part, RFC 3261 19.1.2) hashed its own spelling of the same URI.
fn digest_uri_matches(digest_uri: &str, request_uri: &str) -> bool {
    let (digest_uri, request_uri) = (digest_uri.trim(), request_uri.trim());
    if digest_uri.eq_ignore_ascii_case(request_uri) {
        return true;
    }
    let Ok(request) = crate::message::Uri::parse(request_uri) else {
        return false;
    };
    if crate::message::Uri::parse(digest_uri).is_ok_and(|digest| digest == request) {
        return true;
    }
    let Some(host) = request.host() else {
        return false;
    };
    let bare = match request.port() {
        Some(port) => crate::message::Uri::sip(None, host.clone(), Some(port)),
        None => crate::message::Uri::sip(None, host.clone(), None),
    };
    let scheme_matches = matches!(
        request.scheme(),
        crate::message::Scheme::Sip | crate::message::Scheme::Sips
    );
    let bare = bare.to_string();
    scheme_matches
        && (digest_uri.eq_ignore_ascii_case(&bare)
            || digest_uri.eq_ignore_ascii_case(&bare.replacen("sip:", "sips:", 1)))
}

#[cfg(test)]
mod digest_uri_tests {
    use super::digest_uri_matches;

    #[test]
    fn request_uri_or_its_bare_host_port_match_nothing_else() {
        let request = "sip:15550100@127.0.0.1:5060";
        assert!(digest_uri_matches("sip:15550100@127.0.0.1:5060", request));
        assert!(digest_uri_matches("SIP:15550100@127.0.0.1:5060", request));
        assert!(digest_uri_matches("sip:127.0.0.1:5060", request));
        assert!(!digest_uri_matches("sip:127.0.0.1", request));
        assert!(!digest_uri_matches("sip:15550199@127.0.0.1:5060", request));
        assert!(!digest_uri_matches("sip:other.example.com:5060", request));
        assert!(!digest_uri_matches("garbage", "also garbage"));
    }

    #[test]
    fn an_escaped_spelling_of_the_request_uri_matches() {
        // The Request-URI as the shell re-serializes it, and the carrier's spelling.
        let request = "sip:+15550100@127.0.0.1:5060;user=phone";
        assert!(digest_uri_matches(
            "sip:%2B15550100@127.0.0.1:5060;user=phone",
            request
        ));
        assert!(digest_uri_matches(
            "sip:%2b15550100@127.0.0.1:5060;user=phone",
            request
        ));
        assert!(!digest_uri_matches(
            "sip:%2B15550199@127.0.0.1:5060;user=phone",
            request
        ));
    }
}
