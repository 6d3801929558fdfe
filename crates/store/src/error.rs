//! The one error type of the store, and the mapping of both backends' constraint errors onto it.

use sqlx::error::ErrorKind;

/// What a repository call can fail with.
///
/// Unique violations from either backend become [`StoreError::Conflict`] with the same `what`
/// (`organization_name`, `organizer_email`, `dial_in_number`, `conference_id`,
/// `organizer_conference_id`, `meeting_conference_id`, `licence`, `admin_email`, `api_token`;
/// `reference` for a row still referenced or a reference to a missing row; `seats_in_use`),
/// so callers never look at SQLSTATEs or SQLite result codes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The row asked for does not exist (`what` names its kind: "organizer", ...).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// A unique value is taken, or a row is still referenced. `what` is a stable name such as
    /// `conference_id`, `organizer_email`, `dial_in_number` or `reference`.
    #[error("conflict: {what}")]
    Conflict { what: String },
    /// Every licence seat of the organization is assigned (or none were bought).
    #[error("all licence seats of the organization are assigned")]
    SeatsExhausted,
    /// The value breaks a rule of the schema (a CHECK constraint or a check done before it).
    #[error("invalid value: {0}")]
    Invalid(String),
    /// A value read from the database is not one this version knows (a newer schema, or a
    /// hand edit). Reported instead of panicking.
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
    /// An earlier write in this transaction failed, so it was rolled back instead of committed.
    #[error("an earlier write in this transaction failed; the transaction was rolled back")]
    RolledBack,
    /// The database URL is not `sqlite:` or `postgres:`.
    #[error("unsupported database url (expected sqlite://... or postgres://...): {0}")]
    UnsupportedUrl(String),
    /// Applying the embedded migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database or connection error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

/// Result of every store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Unique constraints and the stable `what` each maps to: (PostgreSQL constraint name,
/// SQLite's "table.column" list as it appears in its message, what).
const CONFLICTS: &[(&str, &str, &str)] = &[
    (
        "organizations_name_key",
        "organizations.name",
        "organization_name",
    ),
    (
        "organizers_organization_id_email_key",
        "organizers.organization_id, organizers.email",
        "organizer_email",
    ),
    (
        "dial_in_numbers_e164_key",
        "dial_in_numbers.e164",
        "dial_in_number",
    ),
    (
        "conference_ids_code_key",
        "conference_ids.code",
        "conference_id",
    ),
    (
        "conference_ids_organizer_id_key",
        "conference_ids.organizer_id",
        "organizer_conference_id",
    ),
    (
        "conference_ids_meeting_id_key",
        "conference_ids.meeting_id",
        "meeting_conference_id",
    ),
    ("licences_pkey", "licences.organizer_id", "licence"),
    (
        "licence_pools_pkey",
        "licence_pools.organization_id",
        "licence_pool",
    ),
    (
        "admin_accounts_email_key",
        "admin_accounts.email",
        "admin_email",
    ),
    (
        "api_tokens_token_hash_key",
        "api_tokens.token_hash",
        "api_token",
    ),
];

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let sqlx::Error::Database(db) = &err else {
            return StoreError::Database(err);
        };
        match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict {
                what: conflict_name(db.constraint(), db.message()),
            },
            ErrorKind::ForeignKeyViolation => StoreError::Conflict {
                what: "reference".to_owned(),
            },
            ErrorKind::CheckViolation => StoreError::Invalid(db.message().to_owned()),
            // SQLite reports an `ON DELETE RESTRICT` refusal with the trigger-constraint code,
            // not the foreign-key one; only its message says what it is.
            _ if db.message() == "FOREIGN KEY constraint failed" => StoreError::Conflict {
                what: "reference".to_owned(),
            },
            _ => StoreError::Database(err),
        }
    }
}

/// PostgreSQL names the constraint; SQLite only says "UNIQUE constraint failed: t.c, t.c".
fn conflict_name(constraint: Option<&str>, message: &str) -> String {
    let known = match constraint {
        Some(name) => CONFLICTS.iter().find(|(pg, _, _)| *pg == name),
        None => {
            let columns = message
                .strip_prefix("UNIQUE constraint failed: ")
                .unwrap_or(message);
            CONFLICTS.iter().find(|(_, lite, _)| *lite == columns)
        }
    };
    match (known, constraint) {
        (Some((_, _, what)), _) => (*what).to_owned(),
        (None, Some(name)) => name.to_owned(),
        (None, None) => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_map_to_one_name() {
        assert_eq!(
            conflict_name(Some("conference_ids_code_key"), "duplicate key value"),
            "conference_id"
        );
        assert_eq!(
            conflict_name(None, "UNIQUE constraint failed: conference_ids.code"),
            "conference_id"
        );
        assert_eq!(
            conflict_name(
                None,
                "UNIQUE constraint failed: organizers.organization_id, organizers.email"
            ),
            "organizer_email"
        );
        assert_eq!(conflict_name(Some("other_key"), "x"), "other_key");
    }
}
