//! Transaction tests, all in simulated time: one `Instant::now()` as the base, then offsets.
//! A failed `unwrap` here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

mod invite_client;
mod invite_server;
mod key;
mod non_invite_client;
mod non_invite_server;
mod random_inputs;
mod support;
mod timers;
mod two_xx;
