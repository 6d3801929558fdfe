//! Why a `Digest` challenge or credentials header could not be used.

use super::params::ParamsError;
use thiserror::Error;

/// A header value that is syntactically wrong, or well-formed but asks for something
/// this implementation refuses (an unknown algorithm, `auth-int` only, `userhash`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DigestHeaderError {
    #[error("malformed header: {0}")]
    Syntax(#[from] ParamsError),
    #[error("required parameter {0:?} is missing")]
    MissingParam(&'static str),
    #[error("algorithm {0:?} is not supported")]
    UnsupportedAlgorithm(String),
    #[error("qop {0:?} is not supported (only \"auth\" is)")]
    UnsupportedQop(String),
    #[error("nc {0:?} is not 8 hex digits")]
    InvalidNonceCount(String),
    #[error("algorithm {0} needs qop (its HA1 mixes in the cnonce)")]
    SessionAlgorithmWithoutQop(super::Algorithm),
    /// RFC 7616 §3.4.4 `username*`: no SIP trunk uses it and we never offer it.
    #[error("username* (RFC 5987 encoding) is not supported")]
    EncodedUsernameUnsupported,
    /// RFC 7616 §3.4.4 `userhash=true`: we never offer it, so a client must not use it.
    #[error("userhash is not supported")]
    UserhashUnsupported,
}
