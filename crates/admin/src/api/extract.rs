//! axum's extractors with our error body: a bad JSON body, query or path id answers
//! `{"error": {"code": "invalid", ...}}` (or `not_found` for an id that cannot exist)
//! instead of axum's plain-text rejections.

use super::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::Json;
use serde::de::DeserializeOwned;

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError::invalid(format!(
                "the request body is not what this route takes: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// A query string.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection @ QueryRejection::FailedToDeserializeQueryString(_)) => Err(
                ApiError::invalid(format!("bad query parameters: {}", rejection.body_text())),
            ),
            Err(rejection) => Err(ApiError::invalid(rejection.body_text())),
        }
    }
}

/// The numeric `{id}` of a route. An id that is not a number names nothing: 404.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError::not_found("resource")),
        }
    }
}

/// The page a list route's `limit` and `offset` ask for (50 rows from the start by
/// default; the store clamps the limit to 1..=500).
pub fn page(limit: Option<u32>, offset: Option<u64>) -> dialbridge_store::Page {
    dialbridge_store::Page::new(limit.unwrap_or(50), offset.unwrap_or(0))
}
