//! The domain services on a real SQLite file: every operation, the authorization matrix,
//! licences, IDs, PINs, mails, invitations and the call path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod authorization;
mod dial_in;
mod licences;
mod mails;
mod meetings_and_calls;
mod numbers;
mod organizations;
