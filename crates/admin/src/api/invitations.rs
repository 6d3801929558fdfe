//! `GET /organizers/{id}/invitation`: the dial-in section of the organizer's meeting
//! invitations as JSON (`text` and `html`), or one format as its own media type.

use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiQuery, Id};
use super::AppState;
use crate::services::CalendarEvent;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dialbridge_store::OrganizerId;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationQuery {
    /// `json` (default: `{text, html}`), `text`, `html` or `ics`.
    pub format: Option<String>,
    /// For `ics`: the meeting's start, Unix seconds.
    pub starts_at: Option<i64>,
    /// For `ics`: the meeting's end, Unix seconds.
    pub ends_at: Option<i64>,
    /// For `ics`: the meeting's title (default "Meeting").
    pub subject: Option<String>,
}

#[derive(Debug, Serialize)]
struct InvitationJson {
    text: String,
    html: String,
}

#[utoipa::path(get, path = "/organizers/{id}/invitation", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id"), InvitationQuery),
    responses((status = 200, description = "`{text, html}`, or text/plain, text/html, text/calendar by `format`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn organizer(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiQuery(q): ApiQuery<InvitationQuery>,
) -> ApiResult<Response> {
    let id = OrganizerId(id);
    let format = q.format.as_deref().unwrap_or("json");
    match format {
        "json" | "text" | "html" => {
            let invitation = svc.organizer_invitation(&caller, id).await?;
            Ok(match format {
                "text" => (
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    invitation.text,
                )
                    .into_response(),
                "html" => (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    invitation.html,
                )
                    .into_response(),
                _ => Json(InvitationJson {
                    text: invitation.text,
                    html: invitation.html,
                })
                .into_response(),
            })
        }
        "ics" => {
            let (Some(starts_at), Some(ends_at)) = (q.starts_at, q.ends_at) else {
                return Err(ApiError::invalid(
                    "format=ics needs starts_at and ends_at (Unix seconds)",
                ));
            };
            let event = CalendarEvent {
                // Stable per organizer and start, so a calendar updates rather than
                // duplicates an event fetched twice.
                uid: format!("organizer-{id}-{starts_at}@{}", svc.config().calendar_host),
                subject: q.subject.unwrap_or_else(|| "Meeting".to_owned()),
                starts_at,
                ends_at,
            };
            let invitation = svc
                .organizer_calendar_invitation(&caller, id, &event)
                .await?;
            let ics = invitation
                .icalendar
                .ok_or_else(|| ApiError::invalid("no calendar file for this organizer"))?;
            Ok((
                [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
                ics,
            )
                .into_response())
        }
        other => Err(ApiError::invalid(format!(
            "unknown format {other:?}; use json, text, html or ics"
        ))),
    }
}
