//! SRTP and SRTCP (RFC 3711) keyed by SDES (RFC 4568), for trunks that require encrypted
//! media.
//!
//! Hand-written on RustCrypto's `aes`, `ctr` and `hmac`/`sha1` rather than taken from
//! `rtc-srtp` or `webrtc-srtp`: those bring `ring`, the webrtc-rs `shared`/`util` crates and
//! a second RTP/RTCP packet stack for what is, for the two SDES suites every trunk offers,
//! AES in counter mode plus a truncated HMAC-SHA1, checked here against the RFC 3711
//! appendix B vectors and libsrtp's reference packets.
//!
//! - [`parse_crypto_attribute`] reads an offer's `a=crypto` line (`AES_CM_128_HMAC_SHA1_80`
//!   or `_32`, `inline:` base64 key||salt, optional lifetime; MKI and session parameters
//!   are refused); [`format_crypto_attribute`] writes ours.
//! - [`SrtpContext`] protects or unprotects in place in the caller's buffer: one built
//!   from our key for what we send, one from the far end's key for what we receive. It
//!   tracks the rollover counter per SSRC (RFC 3711 appendix A) and refuses replays within
//!   a 64-packet window and forged or damaged packets (constant-time tag check).

mod context;
mod sdes;

pub use context::{SrtpContext, SrtpError};
pub use sdes::{
    format_crypto_attribute, parse_crypto_attribute, CryptoSuite, SdesCrypto, SdesError,
    MASTER_KEY_LEN, MASTER_SALT_LEN,
};
