//! `/dial-in-numbers`: list, add, read, change, remove; and the public list per
//! organization, which needs no login (it is what invitations link to).

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{page, ApiJson, ApiQuery, Id};
use super::AppState;
use crate::rules::dial_in_number::NumberWarning;
use crate::services::{NewNumber, NumberUpdate, PublicNumber};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dialbridge_store::{DialInNumber, DialInNumberId, NumberKind, OrganizationId, Paged};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NumberListQuery {
    /// Numbers this organization may use: shared ones and its dedicated ones.
    pub organization_id: Option<i64>,
    /// `toll` or `toll_free`.
    #[param(value_type = Option<String>)]
    pub kind: Option<NumberKind>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// A number just added, with what the admin should check.
#[derive(Debug, Serialize)]
pub struct Added {
    pub number: DialInNumber,
    pub warnings: Vec<NumberWarning>,
}

/// The public dial-in numbers of an organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicNumbers {
    pub organization_id: i64,
    /// `{display, e164, country, city, kind, primary_language, secondary_languages}`
    #[schema(value_type = Vec<Object>)]
    pub numbers: Vec<PublicNumber>,
}

/// Numbers the caller may see: `{items, total}`.
#[utoipa::path(get, path = "/dial-in-numbers", tag = "dial-in numbers",
    params(NumberListQuery),
    responses((status = 200, description = "`{items, total}`", body = Object),
              (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<NumberListQuery>,
) -> ApiResult<Json<Paged<DialInNumber>>> {
    let page = page(q.limit, q.offset);
    Ok(Json(
        svc.list_dial_in_numbers(
            &caller,
            q.organization_id.map(OrganizationId),
            q.kind,
            q.country.as_deref(),
            page,
        )
        .await?,
    ))
}

/// Adds a number (platform admins).
#[utoipa::path(post, path = "/dial-in-numbers", tag = "dial-in numbers",
    request_body(content = Object, description = "`{number, default_region?, kind?, city?, primary_language, secondary_languages?, organization_id?, trunk}`"),
    responses((status = 201, description = "`{number, warnings}`", body = Object),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(new): ApiJson<NewNumber>,
) -> ApiResult<(StatusCode, Json<Added>)> {
    let added = svc.add_dial_in_number(&caller, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(Added {
            number: added.number,
            warnings: added.warnings,
        }),
    ))
}

#[utoipa::path(get, path = "/dial-in-numbers/{id}", tag = "dial-in numbers",
    params(("id" = i64, Path, description = "Dial-in number id")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<DialInNumber>> {
    Ok(Json(svc.dial_in_number(&caller, DialInNumberId(id)).await?))
}

/// Changes a number; organization admins may change only the languages of their own.
#[utoipa::path(patch, path = "/dial-in-numbers/{id}", tag = "dial-in numbers",
    params(("id" = i64, Path, description = "Dial-in number id")),
    request_body(content = Object, description = "`{kind?, city?, primary_language?, secondary_languages?, organization_id?, trunk?}`"),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(update): ApiJson<NumberUpdate>,
) -> ApiResult<Json<DialInNumber>> {
    Ok(Json(
        svc.update_dial_in_number(&caller, DialInNumberId(id), &update)
            .await?,
    ))
}

/// Removes a number (platform admins; refused while organizers print it).
#[utoipa::path(delete, path = "/dial-in-numbers/{id}", tag = "dial-in numbers",
    params(("id" = i64, Path, description = "Dial-in number id")),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    svc.remove_dial_in_number(&caller, DialInNumberId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organization's dial-in numbers for everyone: no login.
#[utoipa::path(get, path = "/public/organizations/{id}/dial-in-numbers", tag = "public",
    params(("id" = i64, Path, description = "Organization id")),
    responses((status = 200, body = PublicNumbers), (status = 404, body = ErrorBody)),
    security(()))]
pub async fn public(State(svc): State<AppState>, Id(id): Id) -> ApiResult<Json<PublicNumbers>> {
    let numbers = svc.public_dial_in_numbers(OrganizationId(id)).await?;
    Ok(Json(PublicNumbers {
        organization_id: id,
        numbers,
    }))
}
