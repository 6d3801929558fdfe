//! Dial-out: `POST /organizers/{id}/dial-out` ("call me at", "add a participant by phone").

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiJson, Id};
use super::AppState;
use crate::live::DialOutPurpose;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dialbridge_store::OrganizerId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A call to place into the organizer's meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialOutBody {
    /// With its country code, as typed: `+44 20 7946 0000`.
    pub number: String,
    pub purpose: DialOutPurpose,
}

/// The attempt, accepted and being called.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DialOutAccepted {
    /// 16 lower-case hex characters naming the attempt in the dial-out log.
    pub reference: String,
    /// Always `calling` here; the log has the outcome.
    pub status: String,
}

/// Calls a number into the organizer's meeting: the organizer themself (`call_me`) or an
/// attendee (`add_participant`). The server's dial-out policy decides before anything is
/// dialed. Read-only admins are refused.
#[utoipa::path(post, path = "/organizers/{id}/dial-out", tag = "dial-out",
    params(("id" = i64, Path, description = "Organizer id")),
    request_body = DialOutBody,
    responses((status = 202, description = "Being called", body = DialOutAccepted),
              (status = 403, description = "`forbidden`, or `dial_out_refused` by the policy (the message says why)", body = ErrorBody),
              (status = 409, description = "`conflict`: the organizer has dial-in off or a third-party provider", body = ErrorBody),
              (status = 422, body = ErrorBody),
              (status = 503, description = "`unavailable`: this server cannot dial out", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn dial_out(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<DialOutBody>,
) -> ApiResult<(StatusCode, Json<DialOutAccepted>)> {
    let reference = svc
        .dial_out(&caller, OrganizerId(id), &body.number, body.purpose)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(DialOutAccepted {
            reference,
            status: "calling".to_owned(),
        }),
    ))
}
