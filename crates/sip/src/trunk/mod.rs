//! Trunk admission: which carriers may call us (by source address and/or digest
//! credentials), and what number the caller dialed, as E.164.
//!
//! Sans-IO like the rest of the crate: [`TrunkTable::admit`] takes the request's facts,
//! the time and fresh randomness, and returns a verdict.

mod config;
mod number;
mod table;

#[cfg(test)]
mod tests;

pub use config::{CalledNumberFrom, ConfigError, Trunk, TrunkConfig};
pub use number::{normalize_called_number, NumberError, E164};
pub use table::{Admission, InboundRequest, Refusal, TrunkId, TrunkTable};
