//! Outbound trunks: where dial-out INVITEs go, how the trunk authenticates us, and how the
//! dialed number and the caller ID are written for it.
//!
//! ```toml
//! [[outbound_trunk]]
//! name = "carrier-out"
//! proxy = "sip.carrier.example:5060"   # host:port; the port defaults to 5060
//! transport = "udp"                    # or "tcp"
//! auth = { method = "register", username = "acct1", password = "secret", expires = 600 }
//! # auth = { method = "ip" }           # the carrier admits our address
//! # auth = { method = "digest", username = "acct1", password = "secret" }  # challenges INVITEs, no REGISTER
//! number_format = "e164"               # "+442079460000"; or "e164-digits", "national"
//! country = "US"                       # needed by "national": whose national format
//! prefix = ""                          # prepended to the formatted number (tech prefix)
//! caller_id = "dial-in-number"         # or "organizer-default", or { fixed = "+12025550100" }
//! max_concurrent_calls = 30
//! ```

mod config;
mod format;
mod sip;

#[cfg(test)]
mod tests;

pub use config::{
    DigestAuth, OutboundTrunk, OutboundTrunkConfig, ProxyAddress, RegisterAuth, Transport,
    TrunkAuth, TrunkConfigError,
};
pub use format::{CallerId, CallerIdError, CallerIdRule, CallerIdSources, NumberFormat, TrunkFull};
pub use sip::SipBuildError;
