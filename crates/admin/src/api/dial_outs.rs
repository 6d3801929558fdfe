//! Dial-out: `POST /organizers/{id}/dial-out` ("call me at", "add a participant by phone")
//! and the dial-out log, `/dial-outs`.

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{page, ApiJson, ApiQuery, Id};
use super::AppState;
use crate::live::DialOutPurpose;
use crate::services::DialOutQuery;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use dialbridge_store::{DialOutAttempt, DialOutStatus, OrganizationId, OrganizerId, Paged};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DialOutListQuery {
    /// Only this organization's (an organization admin may name only their own).
    pub organization_id: Option<i64>,
    /// Only this organizer's meetings' attempts.
    pub organizer_id: Option<i64>,
    /// `refused`, `calling`, `ringing`, `answered`, `joined`, `declined_by_callee`, `busy`,
    /// `declined`, `no_answer`, `failed` or `cancelled`.
    #[param(value_type = Option<String>)]
    pub status: Option<DialOutStatus>,
    /// Only refusals.
    pub refused_only: Option<bool>,
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// The dial-out log, newest first: every attempt, refused or placed, with its outcome.
#[utoipa::path(get, path = "/dial-outs", tag = "dial-out",
    params(DialOutListQuery),
    responses((status = 200, description = "`{items: [{id, reference, organization_id, organizer_id, organizer_name, conference_key, purpose, requested_by, dialed, e164, destination_country, status, reason, created_at, updated_at}], total}`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<DialOutListQuery>,
) -> ApiResult<Json<Paged<DialOutAttempt>>> {
    let query = DialOutQuery {
        organization_id: q.organization_id.map(OrganizationId),
        organizer_id: q.organizer_id.map(OrganizerId),
        status: q.status,
        refused_only: q.refused_only.unwrap_or(false),
    };
    Ok(Json(
        svc.list_dial_outs(&caller, &query, page(q.limit, q.offset))
            .await?,
    ))
}

/// One attempt of the dial-out log, by the reference `POST /organizers/{id}/dial-out`
/// answered.
#[utoipa::path(get, path = "/dial-outs/{reference}", tag = "dial-out",
    params(("reference" = String, Path, description = "16 hex characters")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(reference): Path<String>,
) -> ApiResult<Json<DialOutAttempt>> {
    Ok(Json(svc.dial_out_attempt(&caller, &reference).await?))
}
