//! Call history (`/call-records`), meeting records (`/meeting-records`) and the chargeback
//! usage report (`/usage`); call history and usage as JSON or,
//! with `Accept: text/csv` or `?format=csv`, as a CSV download.

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{page, ApiQuery};
use super::AppState;
use crate::services::{usage_csv, CallRecordQuery, ServiceError};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dialbridge_store::{CallDirection, OrganizationId, OrganizerId};
use serde::Deserialize;
use utoipa::IntoParams;

/// Whether the client asked for CSV: `?format=csv` (a browser link) or an `Accept` header
/// naming `text/csv`.
fn wants_csv(format: Option<&str>, headers: &HeaderMap) -> ApiResult<bool> {
    match format {
        Some("csv") => return Ok(true),
        Some("json") => return Ok(false),
        Some(other) => {
            return Err(
                ServiceError::Invalid(format!("format {other:?}: use `json` or `csv`")).into(),
            )
        }
        None => {}
    }
    Ok(headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().starts_with("text/csv"))))
}

fn csv_download(bytes: Vec<u8>, filename: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallRecordListQuery {
    /// Only this organization's (an organization admin may name only their own).
    pub organization_id: Option<i64>,
    /// Only calls of this organizer's meetings.
    pub organizer_id: Option<i64>,
    /// `inbound` or `outbound`.
    #[param(value_type = Option<String>)]
    pub direction: Option<CallDirection>,
    /// Calls that ended at or after this time, Unix seconds.
    pub since: Option<i64>,
    /// Calls that ended before this time, Unix seconds.
    pub until: Option<i64>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// Rows per page, 1 to 500 (default 50); CSV ignores paging and holds every match
    /// (up to 100,000 rows).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// Call detail records, newest first: `{items, total}`, or CSV with the columns `id,
/// direction, trunk, called_number, caller_number, dial_in_number_kind, country,
/// organization_id, organizer_id, meeting_id, conference_key, role, started_at, answered_at,
/// ended_at, month, duration_secs, billed_minutes, end_reason` (times ISO 8601 UTC).
#[utoipa::path(get, path = "/call-records", tag = "records",
    params(CallRecordListQuery),
    responses((status = 200, description = "`{items: [{id, direction, trunk, called_number, caller_number, dial_in_number_kind, country, organization_id, organizer_id, meeting_id, conference_key, role, started_at, answered_at, ended_at, duration_secs, end_reason, month}], total}`", body = Object,
               content_type = "application/json"),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn call_records(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<CallRecordListQuery>,
) -> ApiResult<Response> {
    let query = CallRecordQuery {
        organization_id: q.organization_id.map(OrganizationId),
        organizer_id: q.organizer_id.map(OrganizerId),
        direction: q.direction,
        since: q.since,
        until: q.until,
    };
    if wants_csv(q.format.as_deref(), &headers)? {
        let bytes = svc.export_call_records(&caller, &query).await?;
        return Ok(csv_download(bytes, "dialbridge-call-records.csv"));
    }
    let records = svc
        .list_call_records(&caller, &query, page(q.limit, q.offset))
        .await?;
    Ok(Json(records).into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// First month, `YYYY-MM` (UTC).
    pub from: String,
    /// Last month, `YYYY-MM` (UTC), inclusive; at most 120 months after `from`.
    pub to: String,
    /// Only this organization's (an organization admin gets only their own anyway).
    pub organization_id: Option<i64>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// Usage for chargeback: per month, organization, organizer, direction, dial-in number kind
/// and country, the number of calls and the billed minutes (each call rounded up to a whole
/// minute). Inbound rows are dial-in minutes by number kind and country; outbound rows are
/// dial-out minutes by destination country. CSV columns: `month, organization_id,
/// organization_name, organizer_id, organizer_name, direction, dial_in_number_kind, country,
/// calls, minutes`.
#[utoipa::path(get, path = "/usage", tag = "records",
    params(UsageQuery),
    responses((status = 200, description = "`[{month, organization_id, organization_name, organizer_id, organizer_name, direction, dial_in_number_kind, country, calls, minutes}]`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn usage(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> ApiResult<Response> {
    let rows = svc
        .usage_report(
            &caller,
            q.organization_id.map(OrganizationId),
            &q.from,
            &q.to,
        )
        .await?;
    if wants_csv(q.format.as_deref(), &headers)? {
        let bytes = usage_csv(&rows)?;
        let name = format!("dialbridge-usage-{}-{}.csv", q.from, q.to);
        return Ok(csv_download(bytes, &name));
    }
    Ok(Json(rows).into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingRecordListQuery {
    /// Only this organization's (an organization admin may name only their own).
    pub organization_id: Option<i64>,
    /// Only this organizer's meetings.
    pub organizer_id: Option<i64>,
    /// `YYYY-MM` (UTC) the meetings ended in.
    pub month: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// Meetings that ended, newest first: when, how many took part (in all and at once), whether
/// an organizer used the PIN, and why each ended.
#[utoipa::path(get, path = "/meeting-records", tag = "records",
    params(MeetingRecordListQuery),
    responses((status = 200, description = "`{items: [{id, organization_id, organizer_id, meeting_id, conference_key, started_at, ended_at, month, end_reason, participants_total, peak_participants, pin_used}], total}`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn meeting_records(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<MeetingRecordListQuery>,
) -> ApiResult<Json<dialbridge_store::Paged<dialbridge_store::MeetingRecord>>> {
    let query = crate::services::MeetingRecordQuery {
        organization_id: q.organization_id.map(OrganizationId),
        organizer_id: q.organizer_id.map(OrganizerId),
        month: q.month,
    };
    Ok(Json(
        svc.list_meeting_records(&caller, &query, page(q.limit, q.offset))
            .await?,
    ))
}
