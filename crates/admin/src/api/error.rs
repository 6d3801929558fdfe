//! Errors as the API answers them: `{"error": {"code": "...", "message": "..."}}` with the
//! service's stable code, and the HTTP status derived from that code alone, so a client can
//! rely on either.

use crate::acp_csv::RowError;
use crate::services::ServiceError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// A failed request. Wraps the service's error; the extractors add theirs as `invalid`.
#[derive(Debug)]
pub struct ApiError(pub ServiceError);

/// What every handler returns.
pub type ApiResult<T> = Result<T, ApiError>;

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> ApiError {
        ApiError(err)
    }
}

impl ApiError {
    /// Input the API could not read (body, query, path): the message says what was wrong.
    pub(crate) fn invalid(message: impl Into<String>) -> ApiError {
        ApiError(ServiceError::invalid(message))
    }

    pub(crate) fn not_found(what: &'static str) -> ApiError {
        ApiError(ServiceError::NotFound { what })
    }

    pub fn status(&self) -> StatusCode {
        status_of(&self.0)
    }
}

/// The HTTP status for each service error.
pub fn status_of(err: &ServiceError) -> StatusCode {
    match err {
        ServiceError::NotFound { .. } => StatusCode::NOT_FOUND,
        // A policy's refusal is the caller not being allowed this call; the code
        // (`dial_out_refused`) tells it apart from a missing right.
        ServiceError::Forbidden | ServiceError::DialOutRefused { .. } => StatusCode::FORBIDDEN,
        ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ServiceError::Invalid(_) | ServiceError::InvalidFile(_) => StatusCode::UNPROCESSABLE_ENTITY,
        // All three are "the current state does not allow this": retrying the same request
        // fails until something else changes.
        ServiceError::Conflict { .. }
        | ServiceError::SeatsExhausted
        | ServiceError::NotLicensed
        | ServiceError::IdSpaceExhausted(_) => StatusCode::CONFLICT,
        ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        ServiceError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `not_found`, `forbidden`, `unauthorized`, `conflict`, `invalid`,
    /// `seats_exhausted`, `not_licensed`, `id_space_exhausted`, `invalid_file`, `dial_out_refused`,
    /// `unavailable`, `internal`, and
    /// `method_not_allowed` from the router.
    pub code: String,
    /// For a person: what went wrong and how to fix it.
    pub message: String,
    /// With `invalid_file`: every problem of the uploaded file, by line (`line` is null for
    /// a problem with the whole file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<RowError>>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The detail goes to the log only; `Display` of an internal error is generic.
            tracing::error!(code = self.0.code(), detail = %self.0.detail(), "API request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_owned(),
                message: match &self.0 {
                    ServiceError::InvalidFile(e) => format!(
                        "the file was not imported; {} problem(s), listed in `errors`",
                        e.errors.len()
                    ),
                    other => other.to_string(),
                },
                errors: match &self.0 {
                    ServiceError::InvalidFile(e) => Some(e.errors.clone()),
                    _ => None,
                },
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
