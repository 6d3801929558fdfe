//! The third-party provider (ACP) file round trip: export as CSV, import the file the ACP
//! sends back (`text/csv` body), all rows or none, problems listed by line.

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiQuery, Id};
use super::AppState;
use crate::services::AcpImportOutcome;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dialbridge_store::OrganizationId;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Every organizer, not only those with dial-in on.
    pub all: Option<bool>,
}

/// The organization's organizers as CSV for the ACP (columns in `docs/acp-csv.md`).
#[utoipa::path(get, path = "/organizations/{id}/acp-export", tag = "acp",
    params(("id" = i64, Path, description = "Organization id"), ExportQuery),
    responses((status = 200, description = "CSV file", content_type = "text/csv", body = String),
              (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn export(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let bytes = svc
        .export_acp(&caller, OrganizationId(id), q.all.unwrap_or(false))
        .await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"dialbridge-acp-organization-{id}.csv\""
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check the file and report what would change, writing nothing.
    pub dry_run: Option<bool>,
}

/// Imports the ACP's file (the CSV as the body). Every row is checked first; with any
/// problem nothing is written and the 422 error lists each problem by line in `errors`.
#[utoipa::path(post, path = "/organizations/{id}/acp-import", tag = "acp",
    params(("id" = i64, Path, description = "Organization id"), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses((status = 200, description = "`{dry_run, summary, changed, mails}`", body = Object),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, description = "`invalid_file` with `errors: [{line, message}]`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<Json<AcpImportOutcome>> {
    Ok(Json(
        svc.import_acp(
            &caller,
            OrganizationId(id),
            &body,
            q.dry_run.unwrap_or(false),
        )
        .await?,
    ))
}
