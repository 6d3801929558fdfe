//! `Authorization: Bearer <token>` on every route but the public ones: a handler that takes
//! [`Authenticated`] cannot run for an anonymous request, and the extractor runs before the
//! body is read, so an anonymous request learns nothing from validation errors.

use super::error::ApiError;
use super::AppState;
use crate::services::{Caller, ServiceError};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

/// The caller the request's token acts as.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or(ApiError(ServiceError::Unauthenticated))?;
        // The scheme is case-insensitive (RFC 9110 section 11.1).
        let (scheme, token) = header
            .split_once(' ')
            .ok_or(ApiError(ServiceError::Unauthenticated))?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError(ServiceError::Unauthenticated));
        }
        let caller = state.authenticate_token(token).await?;
        Ok(Authenticated(caller))
    }
}
