//! # dialbridge-store
//!
//! The admin domain's database: schema, migrations and repositories, for SQLite (the embedded
//! default, one file in the data directory) and PostgreSQL (shared by several nodes).
//!
//! ```text
//!  admin services ──► Store ── reads, call-path counters ──► pool ──► SQLite | PostgreSQL
//!                       └── begin() ─► StoreTx ── writes + audit rows ─► commit()
//! ```
//!
//! * [`Store::connect`] takes `sqlite://path?mode=rwc` or `postgres://...`;
//!   [`Store::open_in_dir`] opens `dialbridge.db` in a data directory. Both apply the embedded
//!   migrations (`migrations/sqlite`, `migrations/postgres`).
//! * Every admin write is a method of [`StoreTx`] taking an [`Actor`]; it writes its
//!   `audit_log` row in the same transaction. Several writes in one `StoreTx` commit together
//!   or not at all; a failed write leaves the transaction able only to roll back.
//! * Reads exist on both `Store` and `StoreTx` (see `reads.rs`).
//!
//! ## Why two concrete drivers, not `sqlx::Any`
//! Each query is written once, in the SQL both databases accept (`$1` placeholders, which
//! SQLite also understands, `RETURNING`, `ON CONFLICT`), and the private `on!` macro compiles
//! it for `SqliteConnection` and for `PgConnection`. Compared with `sqlx::Any` this keeps each
//! driver's native types (SQLite's integer booleans decode as `bool`; PostgreSQL's strict
//! `INT4`/`INT8` typing is checked, not papered over), its native errors (unique-violation
//! codes map to [`StoreError::Conflict`] with the constraint named on PostgreSQL), and
//! per-backend control where the two differ (SQLite's `BEGIN IMMEDIATE`). Compared with a
//! trait and two implementations, no query is written twice. The schemas are two files kept
//! in step by hand, since the DDL types differ.
//!
//! ## Choices
//! * **Ids** are `i64` newtypes ([`OrganizerId`], ...): native and compact on both backends,
//!   never reused (AUTOINCREMENT / identity), and ordered, so lists page stably. Access
//!   between organizations is guarded by authorization in the admin layer, not by unguessable
//!   ids.
//! * **Times** are `i64` unix seconds: one representation on both backends (SQLite has no
//!   time type), trivially compared in SQL (`next_attempt_at <= $1`), and passed in as values,
//!   like everywhere else in dialbridge. The store reads its [`Clock`] once per transaction.
//! * **Enums** are stored as words with CHECK constraints and read back with a check, so an
//!   unknown word is [`StoreError::Corrupt`], never a panic.
//! * **Rules that need a transaction to be race-free live here**: unique conference IDs
//!   across the service (one table, one UNIQUE), licence seats never exceeded, an ACP
//!   organizer keeps no dialbridge ID or PIN. Other rules (PIN triviality, ID generation,
//!   E.164 numbering plans, who may do what) are the admin domain's.

mod admin_accounts;
mod api_tokens;
mod audit;
mod call_records;
mod conference_ids;
mod db;
mod dial_in_numbers;
mod dial_out_attempts;
mod error;
mod ids;
mod licences;
mod mail_outbox;
mod meeting_records;
mod meetings;
mod organizations;
mod organizers;
mod page;
mod reads;
mod text_enum;
mod validate;

pub use admin_accounts::{AdminAccount, AdminLogin, NewAdminAccount, Role};
pub use api_tokens::ApiToken;
pub use audit::{Actor, AuditEntry, AuditFilter};
pub use call_records::{
    check_month, month_of, CallDirection, CallRecord, CallRecordFilter, CallRole, NewCallRecord,
    UsageRow,
};
pub use conference_ids::{ConferenceOwner, ConferenceTarget};
pub use db::{BackendKind, Clock, Store, StoreTx, SQLITE_FILE_NAME};
pub use dial_in_numbers::{
    DialInNumber, DialInNumberFields, DialInNumberFilter, NumberKind, MAX_SECONDARY_LANGUAGES,
};
pub use dial_out_attempts::{
    DialOutAttempt, DialOutAttemptWrite, DialOutFilter, DialOutKind, DialOutStatus,
};
pub use error::{Result, StoreError};
pub use ids::{
    AdminAccountId, ApiTokenId, AuditId, CallRecordId, DialInNumberId, DialOutAttemptId, MailId,
    MeetingId, MeetingRecordId, OrganizationId, OrganizerId,
};
pub use licences::LicencePool;
pub use mail_outbox::{Mail, MailFilter, MailStatus, NewMail};
pub use meeting_records::{MeetingRecord, MeetingRecordFilter, NewMeetingRecord};
pub use meetings::{Meeting, MeetingFields, NewMeeting};
pub use organizations::{
    Announcements, InvitationCustomization, Organization, OrganizationFields, OrganizationSettings,
};
pub use organizers::{
    AcpSettings, DialOutPolicy, NewOrganizer, Organizer, OrganizerFilter, OrganizerProfile,
    PinLockoutWrite, PinState, Provider, ProviderKind,
};
pub use page::{Page, Paged};
