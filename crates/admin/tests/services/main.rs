//! The domain services on a real SQLite file: every operation, the authorization matrix,
//! licences, IDs, PINs, mails, invitations and the call path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
// The store's harness: runs a test on SQLite and on a PostgreSQL server it starts itself.
#[allow(dead_code)]
#[path = "../../../store/tests/store/harness.rs"]
mod harness;

mod acp_import;
mod admin_center;
mod authorization;
mod call_records;
mod dial_in;
mod dial_out;
mod licences;
mod mails;
mod meetings_and_calls;
mod numbers;
mod off_and_expiry;
mod organizations;
mod pin_entry;
