//! SIP digest authentication (RFC 3261 §22 as updated by RFC 8760; the computation of
//! RFC 7616, and RFC 2617 / RFC 2069 for MD5 and the form without qop).
//!
//! - [`DigestServer`] challenges and verifies requests we receive (trunks calling in).
//! - [`DigestClient`] and [`select_challenge`] answer challenges from carriers.
//! - [`Challenge`] and [`Credentials`] parse and format the four header values
//!   (`WWW-Authenticate`, `Proxy-Authenticate`, `Authorization`, `Proxy-Authorization`).
//!
//! Algorithms: MD5, SHA-256 and SHA-512-256, each also in its `-sess` form. qop: `auth`
//! and none; `auth-int` is refused with [`DigestHeaderError::UnsupportedQop`].
//! Nothing here reads a clock or a random source: both are arguments.

mod challenge;
mod client;
mod credentials;
mod error;
mod hash;
mod nonce;
mod params;
mod quote;
mod replay;
mod server;

#[cfg(test)]
mod tests;

pub use challenge::Challenge;
pub use client::{select_challenge, ClientError, DigestClient};
pub use credentials::{Credentials, QopFields};
pub use error::DigestHeaderError;
pub use hash::{Algorithm, DigestInput, Qop, QopInput, UnknownAlgorithm};
pub use params::{parse_auth_params, AuthParam, AuthParams, ParamsError};
pub use server::{
    AuthFailure, AuthOk, DigestServer, DigestServerConfig, Remedy, ServerConfigError,
};
