//! `/organizations`: list, create, read, change settings; licence seats.

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{page, ApiJson, ApiQuery, Id};
use super::AppState;
use crate::services::{NewOrganization, SettingsPatch};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dialbridge_store::{LicencePool, Organization, OrganizationId, Paged};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationListQuery {
    /// Part of the name, any case.
    pub search: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// The seats an organization has bought.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatsBody {
    pub seats: u32,
}

/// Organizations the caller may see (an organization admin sees their own).
#[utoipa::path(get, path = "/organizations", tag = "organizations",
    params(OrganizationListQuery),
    responses((status = 200, description = "`{items, total}`", body = Object),
              (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<OrganizationListQuery>,
) -> ApiResult<Json<Paged<Organization>>> {
    let page = page(q.limit, q.offset);
    Ok(Json(
        svc.list_organizations(&caller, q.search.as_deref(), page)
            .await?,
    ))
}

/// Creates an organization (platform admins).
#[utoipa::path(post, path = "/organizations", tag = "organizations",
    request_body(content = Object, description = "`{name, country, settings?}`"),
    responses((status = 201, body = Object), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(new): ApiJson<NewOrganization>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    let org = svc.create_organization(&caller, &new).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// One organization with its settings.
#[utoipa::path(get, path = "/organizations/{id}", tag = "organizations",
    params(("id" = i64, Path, description = "Organization id")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<Organization>> {
    Ok(Json(svc.organization(&caller, OrganizationId(id)).await?))
}

/// Changes settings; fields left out stay as they are.
#[utoipa::path(patch, path = "/organizations/{id}", tag = "organizations",
    params(("id" = i64, Path, description = "Organization id")),
    request_body(content = Object, description = "Settings patch: `send_emails`, `sender_address`, `anonymous_start_default`, `announcements`, `record_names`, `mask_phone_numbers`, `pin_length`, `conference_id_length`, `pin_max_failures`, `pin_lockout_seconds`, `dial_pad_keys`, `invitation`, `dial_out_countries`, `dial_out_max_per_meeting`, `dial_out_max_per_organization`, `dial_out_join_confirmation`, `operator_number`"),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_settings(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(patch): ApiJson<SettingsPatch>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        svc.update_organization_settings(&caller, OrganizationId(id), &patch)
            .await?,
    ))
}

/// Seats bought and assigned.
#[utoipa::path(get, path = "/organizations/{id}/licences", tag = "organizations",
    params(("id" = i64, Path, description = "Organization id")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn licences(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<LicencePool>> {
    Ok(Json(svc.licence_pool(&caller, OrganizationId(id)).await?))
}

/// Sets the seats bought (platform admins); never below the seats assigned.
#[utoipa::path(put, path = "/organizations/{id}/licences", tag = "organizations",
    params(("id" = i64, Path, description = "Organization id")),
    request_body = SeatsBody,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_seats(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<SeatsBody>,
) -> ApiResult<Json<LicencePool>> {
    Ok(Json(
        svc.set_licence_seats(&caller, OrganizationId(id), body.seats)
            .await?,
    ))
}
