//! `/organizers`: list, create, read, profile changes, and the dial-in actions (enable,
//! disable, conference ID and PIN reset, provider, default numbers, licence).

use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{page, ApiJson, ApiQuery, Id};
use super::AppState;
use crate::rules::notification::NotificationKind;
use crate::rules::provider::AcpDetails;
use crate::services::{
    DefaultNumbers, DialInOutcome, NewOrganizerInput, OrganizerQuery, PinChoice, ProfileUpdate,
    ProviderChoice,
};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dialbridge_store::{
    DialOutPolicy, MailId, OrganizationId, Organizer, OrganizerId, Paged, ProviderKind,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizerListQuery {
    /// Only this organization's (an organization admin may name only their own).
    pub organization_id: Option<i64>,
    /// `dialbridge` or `acp`.
    #[param(value_type = Option<String>)]
    pub provider: Option<ProviderKind>,
    /// Part of the name or email, any case.
    pub search: Option<String>,
    pub dial_in_enabled: Option<bool>,
    pub licensed: Option<bool>,
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// Profile changes; fields left out stay. Each field is its own service call (and audit
/// row), applied in this order; a refusal stops at that field.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrganizerPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub country: Option<String>,
    pub anonymous_start: Option<bool>,
    pub dial_out_policy: Option<DialOutPolicy>,
    pub toll_free_allowed: Option<bool>,
}

/// A PIN the admin chose; without it (or without a body) a random one is drawn.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PinBody {
    pub pin: Option<String>,
}

/// The provider: `{"kind": "dialbridge"}` or `{"kind": "acp", "details": {provider_name,
/// toll_number, toll_free_numbers, participant_passcode, url}}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProviderBody {
    Dialbridge,
    Acp { details: AcpDetails },
}

/// Whether a licence call changed anything (`false`: already so).
#[derive(Debug, Serialize, ToSchema)]
pub struct LicenceChange {
    pub changed: bool,
}

/// The answer to a dial-in change. `new_pin` is present once, when the change drew a PIN;
/// it is stored only as a hash.
#[derive(Debug, Serialize)]
pub struct DialInChange {
    pub organizer: Organizer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pin: Option<String>,
    pub notifications: Vec<NotificationKind>,
    pub mails: Vec<MailId>,
}

/// The outcome as JSON; never cached, since it may carry a PIN.
fn outcome(outcome: DialInOutcome) -> Response {
    let body = DialInChange {
        new_pin: outcome.new_pin.as_ref().map(|pin| pin.reveal().to_owned()),
        organizer: outcome.organizer,
        notifications: outcome.notifications,
        mails: outcome.mails,
    };
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Organizers the caller may see, filtered and paged: `{items, total}`.
#[utoipa::path(get, path = "/organizers", tag = "organizers",
    params(OrganizerListQuery),
    responses((status = 200, description = "`{items, total}`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<OrganizerListQuery>,
) -> ApiResult<Json<Paged<Organizer>>> {
    let query = OrganizerQuery {
        organization_id: q.organization_id.map(OrganizationId),
        provider: q.provider,
        search: q.search,
        dial_in_enabled: q.dial_in_enabled,
        licensed: q.licensed,
    };
    let page = page(q.limit, q.offset);
    Ok(Json(svc.list_organizers(&caller, &query, page).await?))
}

/// Creates an organizer (on dialbridge, dial-in off).
#[utoipa::path(post, path = "/organizers", tag = "organizers",
    request_body(content = Object, description = "`{organization_id, name, email, country?, anonymous_start?, dial_out_policy?}`"),
    responses((status = 201, body = Object), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewOrganizerInput>,
) -> ApiResult<(StatusCode, Json<Organizer>)> {
    let created = svc.create_organizer(&caller, &input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/organizers/{id}", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<Organizer>> {
    Ok(Json(svc.organizer(&caller, OrganizerId(id)).await?))
}

/// Changes the profile: name, email, country, anonymous start, dial-out policy, toll-free
/// allowed.
#[utoipa::path(patch, path = "/organizers/{id}", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    request_body(content = Object, description = "`{name?, email?, country?, anonymous_start?, dial_out_policy?, toll_free_allowed?}`"),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(patch): ApiJson<OrganizerPatch>,
) -> ApiResult<Json<Organizer>> {
    let id = OrganizerId(id);
    // Read first: the answer for an unchanged patch, and the authorization check for it.
    let mut current = svc.organizer(&caller, id).await?;
    let profile = ProfileUpdate {
        name: patch.name,
        email: patch.email,
        country: patch.country,
    };
    if profile != ProfileUpdate::default() {
        current = svc.update_organizer_profile(&caller, id, &profile).await?;
    }
    if let Some(allowed) = patch.anonymous_start {
        current = svc.set_anonymous_start(&caller, id, allowed).await?;
    }
    if let Some(policy) = patch.dial_out_policy {
        current = svc.set_dial_out_policy(&caller, id, policy).await?;
    }
    if let Some(allowed) = patch.toll_free_allowed {
        current = svc.set_toll_free_allowed(&caller, id, allowed).await?;
    }
    Ok(Json(current))
}

/// Lifts a PIN lockout after too many wrong PINs (the PIN stays).
#[utoipa::path(post, path = "/organizers/{id}/pin/unlock", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    responses((status = 200, description = "The organizer", body = Object),
              (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unlock_pin(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<Organizer>> {
    Ok(Json(svc.unlock_pin(&caller, OrganizerId(id)).await?))
}

/// Turns dial-in on; on dialbridge needs a licence and draws the ID and PIN (in
/// `new_pin`, once) when the organizer has none.
#[utoipa::path(post, path = "/organizers/{id}/dial-in/enable", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    responses((status = 200, description = "`{organizer, new_pin?, notifications, mails}`", body = Object),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable_dial_in(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Response> {
    Ok(outcome(svc.enable_dial_in(&caller, OrganizerId(id)).await?))
}

#[utoipa::path(post, path = "/organizers/{id}/dial-in/disable", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    responses((status = 200, description = "`{organizer, notifications, mails}`", body = Object),
              (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable_dial_in(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Response> {
    Ok(outcome(
        svc.disable_dial_in(&caller, OrganizerId(id)).await?,
    ))
}

/// A new random conference ID; the old one stops working at once.
#[utoipa::path(post, path = "/organizers/{id}/conference-id/reset", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    responses((status = 200, description = "`{organizer, notifications, mails}`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reset_conference_id(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Response> {
    Ok(outcome(
        svc.reset_conference_id(&caller, OrganizerId(id)).await?,
    ))
}

/// A new PIN, random or `{"pin": "..."}`; the response carries it once.
#[utoipa::path(post, path = "/organizers/{id}/pin/reset", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    request_body(content = Option<PinBody>, description = "Optional: a chosen PIN"),
    responses((status = 200, description = "`{organizer, new_pin, notifications, mails}`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reset_pin(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    body: Bytes,
) -> ApiResult<Response> {
    // The body is optional, so it is read by hand rather than by the JSON extractor (which
    // insists on a content type and a body).
    let choice = if body.iter().all(u8::is_ascii_whitespace) {
        PinChoice::Random
    } else {
        let parsed: PinBody = serde_json::from_slice(&body).map_err(|e| {
            ApiError::invalid(format!(
                "the request body is not `{{\"pin\": \"...\"}}`: {e}"
            ))
        })?;
        match parsed.pin {
            Some(pin) => PinChoice::Chosen(pin),
            None => PinChoice::Random,
        }
    };
    Ok(outcome(
        svc.reset_pin(&caller, OrganizerId(id), choice).await?,
    ))
}

/// dialbridge (needs a licence to dial in) or a third-party ACP with its details.
#[utoipa::path(put, path = "/organizers/{id}/provider", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    request_body(content = Object, description = "`{\"kind\": \"dialbridge\"}` or `{\"kind\": \"acp\", \"details\": {provider_name, toll_number, toll_free_numbers, participant_passcode, url}}`"),
    responses((status = 200, description = "`{organizer, new_pin?, notifications, mails}`", body = Object),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_provider(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<ProviderBody>,
) -> ApiResult<Response> {
    let choice = match body {
        ProviderBody::Dialbridge => ProviderChoice::Dialbridge,
        ProviderBody::Acp { details } => ProviderChoice::ThirdParty(details),
    };
    Ok(outcome(
        svc.set_provider(&caller, OrganizerId(id), choice).await?,
    ))
}

/// Replaces the default toll, toll-free and international numbers (`null` clears).
#[utoipa::path(put, path = "/organizers/{id}/default-numbers", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    request_body(content = Object, description = "`{toll?, toll_free?, international?}`: dial-in number ids"),
    responses((status = 200, description = "`{organizer, notifications, mails}`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_default_numbers(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
    ApiJson(numbers): ApiJson<DefaultNumbers>,
) -> ApiResult<Response> {
    Ok(outcome(
        svc.set_default_numbers(&caller, OrganizerId(id), numbers)
            .await?,
    ))
}

/// Gives the organizer one of the organization's seats.
#[utoipa::path(post, path = "/organizers/{id}/licence", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    responses((status = 200, body = LicenceChange), (status = 403, body = ErrorBody),
              (status = 409, description = "`seats_exhausted`", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn assign_licence(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<LicenceChange>> {
    let changed = svc.assign_licence(&caller, OrganizerId(id)).await?;
    Ok(Json(LicenceChange { changed }))
}

/// Frees the organizer's seat (refused while they dial in on dialbridge).
#[utoipa::path(delete, path = "/organizers/{id}/licence", tag = "organizers",
    params(("id" = i64, Path, description = "Organizer id")),
    responses((status = 200, body = LicenceChange), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_licence(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<LicenceChange>> {
    let changed = svc.remove_licence(&caller, OrganizerId(id)).await?;
    Ok(Json(LicenceChange { changed }))
}
