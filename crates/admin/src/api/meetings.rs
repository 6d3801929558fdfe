//! Scheduled meetings, each with its own conference ID: `/organizers/{id}/meetings` and
//! `/meetings/{id}`.

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{page, ApiJson, ApiQuery, Id};
use super::AppState;
use crate::rules::meeting_expiry::dynamic_id_expires_at;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dialbridge_store::{Meeting, MeetingFields, MeetingId, OrganizerId, Paged};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingListQuery {
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// A meeting's subject and times.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingBody {
    pub subject: String,
    /// Unix seconds.
    pub starts_at: i64,
    /// Unix seconds, after `starts_at`.
    pub ends_at: i64,
}

impl From<MeetingBody> for MeetingFields {
    fn from(b: MeetingBody) -> MeetingFields {
        MeetingFields {
            subject: b.subject,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
        }
    }
}

/// A meeting and when its conference ID stops working (60 days after it ends).
#[derive(Debug, Serialize)]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub conference_id_expires_at: i64,
}

fn view(meeting: Meeting) -> MeetingView {
    let conference_id_expires_at = dynamic_id_expires_at(meeting.fields.ends_at);
    MeetingView {
        meeting,
        conference_id_expires_at,
    }
}

/// An organizer's meetings by start time: `{items, total}`.
#[utoipa::path(get, path = "/organizers/{id}/meetings", tag = "meetings",
    params(("id" = i64, Path, description = "Organizer id"), MeetingListQuery),
    responses((status = 200, description = "`{items, total}`", body = Object),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiQuery(q): ApiQuery<MeetingListQuery>,
) -> ApiResult<Json<Paged<MeetingView>>> {
    let meetings = svc
        .list_meetings(&caller, OrganizerId(id), page(q.limit, q.offset))
        .await?;
    Ok(Json(Paged {
        items: meetings.items.into_iter().map(view).collect(),
        total: meetings.total,
    }))
}

/// Schedules a meeting with its own random conference ID (organizer on dialbridge with
/// dial-in on).
#[utoipa::path(post, path = "/organizers/{id}/meetings", tag = "meetings",
    params(("id" = i64, Path, description = "Organizer id")),
    request_body = MeetingBody,
    responses((status = 201, description = "The meeting with `conference_id`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<MeetingBody>,
) -> ApiResult<(StatusCode, Json<MeetingView>)> {
    let meeting = svc
        .create_meeting(&caller, OrganizerId(id), &body.into())
        .await?;
    Ok((StatusCode::CREATED, Json(view(meeting))))
}

#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<MeetingView>> {
    Ok(Json(view(svc.meeting(&caller, MeetingId(id)).await?)))
}

/// Changes subject and times; the conference ID stays.
#[utoipa::path(put, path = "/meetings/{id}", tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = MeetingBody,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<MeetingBody>,
) -> ApiResult<Json<MeetingView>> {
    let meeting = svc
        .update_meeting(&caller, MeetingId(id), &body.into())
        .await?;
    Ok(Json(view(meeting)))
}

/// Cancels a meeting; its conference ID stops working at once.
#[utoipa::path(delete, path = "/meetings/{id}", tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = 204, description = "Cancelled"), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    svc.delete_meeting(&caller, MeetingId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
