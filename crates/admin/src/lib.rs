//! The admin domain of dialbridge.
//!
//! [`rules`] holds the pure domain rules: conference IDs, organizer PINs and their lockout,
//! dial-in number validation, prompt languages, licences, conferencing providers, the
//! notifications an organizer gets, and the content of meeting invitations. Nothing in
//! `rules` does IO or reads a clock or a global random source: randomness comes in as an
//! `&mut impl RngCore + CryptoRng`, time as `now: i64` (Unix seconds). The database lives in
//! `dialbridge-store`; domain services join the two.
//!
//! [`acp_csv`] exports organizers for a third-party audio conferencing provider and imports
//! the file it sends back (checked in full first, then written in one transaction).
//! [`api`] is the REST API under `/api/v1` (axum, token auth, OpenAPI document).
//! [`live`] is the running meetings the binary shows the admin center, and the admin's
//! commands on them.
//! [`mail`] delivers the store's mail outbox over SMTP or into `.eml` files.

pub mod acp_csv;
pub mod api;
pub mod live;
pub mod mail;
pub mod rules;
pub mod services;
