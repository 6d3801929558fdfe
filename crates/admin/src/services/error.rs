//! The one error of the domain services. Each variant has a stable machine code (the REST API
//! puts it in its JSON error body, the CLI in `--json` output) and a message for a person.

use dialbridge_store::StoreError;

/// What a service call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The thing asked for does not exist. Only callers who may see everything get this;
    /// an organization-scoped caller gets [`ServiceError::Forbidden`] instead, so ids of other
    /// organizations cannot be probed.
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The caller may not do this (or may not see the thing it names).
    #[error("you are not allowed to do this, or it does not exist for you")]
    Forbidden,
    /// A unique value is taken or a row is still in use; `what` is stable (`organizer_email`,
    /// `conference_id`, `reference`, `seats_in_use`, `licence_in_use`, ...).
    #[error("{message}")]
    Conflict { what: String, message: String },
    /// The input breaks a rule; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// Every licence seat of the organization is assigned.
    #[error("all licence seats of the organization are assigned; buy more seats or remove a licence first")]
    SeatsExhausted,
    /// The organizer needs a dial-in conferencing licence for this.
    #[error("the organizer has no dial-in conferencing licence, so cannot use dialbridge as provider; assign a licence or choose a third-party provider")]
    NotLicensed,
    /// No free conference ID could be drawn: the organization should use longer IDs.
    #[error("{0}")]
    IdSpaceExhausted(String),
    /// No valid credentials: an API token that is missing, malformed or unknown. One answer
    /// for all three, so a caller cannot tell a revoked token from a mistyped one.
    #[error("missing or invalid API token; send `Authorization: Bearer dbt_...`")]
    Unauthenticated,
    /// An uploaded file (the ACP's CSV) has problems; each is listed with its line, and
    /// nothing was written.
    #[error("{0}")]
    InvalidFile(crate::acp_csv::ImportErrors),
    /// The dial-out policy refused a call; `reason` is the machine tag
    /// (`international_not_allowed`, ...), the message says why for a person.
    #[error("{message}")]
    DialOutRefused { reason: String, message: String },
    /// The server cannot do this at all right now (no outbound trunk, stopping); the message
    /// says why.
    #[error("{0}")]
    Unavailable(String),
    /// Something broke on our side (database down, corrupt row). The detail is for the log,
    /// not for the person who asked.
    #[error(
        "something went wrong on our side; please try again or ask the operator to check the log"
    )]
    Internal(String),
}

impl ServiceError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::NotFound { .. } => "not_found",
            ServiceError::Forbidden => "forbidden",
            ServiceError::Conflict { .. } => "conflict",
            ServiceError::Invalid(_) => "invalid",
            ServiceError::SeatsExhausted => "seats_exhausted",
            ServiceError::NotLicensed => "not_licensed",
            ServiceError::IdSpaceExhausted(_) => "id_space_exhausted",
            ServiceError::Unauthenticated => "unauthorized",
            ServiceError::InvalidFile(_) => "invalid_file",
            ServiceError::DialOutRefused { .. } => "dial_out_refused",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Internal(_) => "internal",
        }
    }

    /// For the log: the internal detail where there is one.
    pub fn detail(&self) -> String {
        match self {
            ServiceError::Internal(detail) => detail.clone(),
            other => other.to_string(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(message.into())
    }

    pub(crate) fn conflict(what: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::Conflict {
            what: what.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn internal(detail: impl std::fmt::Display) -> ServiceError {
        ServiceError::Internal(detail.to_string())
    }

    /// Whether this is the store refusing a conference ID someone else took first.
    pub(crate) fn is_conference_id_taken(&self) -> bool {
        matches!(self, ServiceError::Conflict { what, .. } if what == "conference_id")
    }
}

/// What a person reads for each conflict the store names.
fn conflict_message(what: &str) -> String {
    match what {
        "organization_name" => "an organization with this name already exists".into(),
        "organizer_email" => {
            "an organizer with this email address already exists in the organization".into()
        }
        "dial_in_number" => "this dial-in number is already listed".into(),
        "conference_id" | "organizer_conference_id" | "meeting_conference_id" => {
            "this conference ID is already in use".into()
        }
        "licence" => "the organizer already holds a licence".into(),
        "seats_in_use" => {
            "more licences are assigned than that; remove licences before giving seats back".into()
        }
        "reference" => "it is still in use (for example as an organizer's default number, or by dedicated numbers); remove those uses first".into(),
        other => format!("conflicting value: {other}"),
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> ServiceError {
        match err {
            StoreError::NotFound { what } => ServiceError::NotFound { what },
            StoreError::Conflict { what } => ServiceError::Conflict {
                message: conflict_message(&what),
                what,
            },
            StoreError::SeatsExhausted => ServiceError::SeatsExhausted,
            StoreError::Invalid(message) => ServiceError::Invalid(message),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

/// Result of every service call.
pub type ServiceResult<T> = Result<T, ServiceError>;
