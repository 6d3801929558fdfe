//! The store's test suite. Every test runs twice: against a SQLite file and against a real
//! PostgreSQL server started by this binary (see `harness.rs`).

#![allow(clippy::unwrap_used)]

mod harness;

mod fixtures;

mod admin_accounts;
mod call_records;
mod conference_ids;
mod dial_in_numbers;
mod dial_out_attempts;
mod licences;
mod mail_outbox;
mod meeting_records;
mod migrations;
mod organizations;
mod organizers;
mod transactions;
