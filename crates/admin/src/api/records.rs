//! What admins read back: `/audit`, `/mail`, and API tokens (`/admin-accounts/{id}/tokens`,
//! `/api-tokens/{id}`).

use super::auth::Authenticated;
use super::error::{ApiResult, ErrorBody};
use super::extract::{page, ApiQuery, Id};
use super::AppState;
use crate::services::{AuditQuery, MailQuery, MailSummary};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dialbridge_store::{
    AdminAccountId, ApiToken, ApiTokenId, AuditEntry, MailStatus, OrganizationId, Paged,
};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    /// Only this organization's (an organization admin may name only their own).
    pub organization_id: Option<i64>,
    /// Exact action, e.g. `organizer.pin_reset`.
    pub action: Option<String>,
    /// Exact actor label, as rows show it.
    pub actor: Option<String>,
    /// A kind (`organizer`) or one thing (`organizer:12`).
    pub entity: Option<String>,
    /// Rows at or after this time, Unix seconds.
    pub since: Option<i64>,
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// Audit rows, newest first: `{items, total}`.
#[utoipa::path(get, path = "/audit", tag = "records",
    params(AuditListQuery),
    responses((status = 200, description = "`{items: [{id, at, actor_account_id, actor, organization_id, action, target, details}], total}`", body = Object),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<AuditListQuery>,
) -> ApiResult<Json<Paged<AuditEntry>>> {
    let query = AuditQuery {
        organization_id: q.organization_id.map(OrganizationId),
        action: q.action,
        actor: q.actor,
        entity: q.entity,
        since: q.since,
    };
    Ok(Json(
        svc.list_audit(&caller, &query, page(q.limit, q.offset))
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MailListQuery {
    /// Only this organization's (an organization admin may name only their own).
    pub organization_id: Option<i64>,
    /// `queued`, `sent` or `failed`.
    #[param(value_type = Option<String>)]
    pub status: Option<MailStatus>,
    /// Rows per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// Outbox mails, newest first, without bodies (a queued one may carry a PIN); `eml_file`
/// names the `.eml` file written when no SMTP is configured.
#[utoipa::path(get, path = "/mail", tag = "records",
    params(MailListQuery),
    responses((status = 200, description = "`{items: [{id, organization_id, recipient, subject, status, attempts, next_attempt_at, last_error, created_at, sent_at, eml_file}], total}`", body = Object),
              (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn mail(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<MailListQuery>,
) -> ApiResult<Json<Paged<MailSummary>>> {
    let query = MailQuery {
        organization_id: q.organization_id.map(OrganizationId),
        status: q.status,
    };
    Ok(Json(
        svc.list_mail(&caller, &query, page(q.limit, q.offset))
            .await?,
    ))
}

/// An account's API tokens (platform admins; never the token itself).
#[utoipa::path(get, path = "/admin-accounts/{id}/tokens", tag = "records",
    params(("id" = i64, Path, description = "Admin account id")),
    responses((status = 200, description = "`[{id, account_id, name, created_at, last_used_at}]`", body = Object),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn tokens(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(
        svc.list_api_tokens(&caller, AdminAccountId(id)).await?,
    ))
}

/// Revokes a token: refused from the next request on (platform admins).
#[utoipa::path(delete, path = "/api-tokens/{id}", tag = "records",
    params(("id" = i64, Path, description = "API token id")),
    responses((status = 204, description = "Revoked"), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_token(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    svc.revoke_api_token(&caller, ApiTokenId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
