//! API tokens of admin accounts. Only a hash of each token is stored (the caller hashes, e.g.
//! SHA-256 of a long random token); the token itself is shown once, at creation.

use crate::admin_accounts::{self, AdminAccount};
use crate::audit::{Actor, AuditRecord, Deletion};
use crate::db::{on, Conn, Store, StoreTx};
use crate::ids::{AdminAccountId, ApiTokenId};
use crate::{validate, Result, StoreError};
use serde::Serialize;
use serde_json::json;

/// An API token as stored, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub account_id: AdminAccountId,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    account_id: i64,
    name: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> ApiToken {
        ApiToken {
            id: ApiTokenId(r.id),
            account_id: AdminAccountId(r.account_id),
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

const COLUMNS: &str = "id, account_id, name, created_at, last_used_at";

async fn get(c: &mut Conn<'_>, id: ApiTokenId) -> Result<ApiToken> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1");
    let row: Option<TokenRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    Ok(row
        .ok_or(StoreError::NotFound { what: "API token" })?
        .into())
}

/// The token with this hash and the account it acts for.
pub(crate) async fn by_hash(
    c: &mut Conn<'_>,
    token_hash: &str,
) -> Result<Option<(ApiToken, AdminAccount)>> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1");
    let row: Option<TokenRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(token_hash)
        .fetch_optional(c)
        .await)?;
    let Some(token) = row.map(ApiToken::from) else {
        return Ok(None);
    };
    let account = admin_accounts::get(c, token.account_id).await?;
    Ok(Some((token, account)))
}

pub(crate) async fn list(c: &mut Conn<'_>, account_id: AdminAccountId) -> Result<Vec<ApiToken>> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE account_id = $1 ORDER BY id");
    let rows: Vec<TokenRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(account_id.0)
        .fetch_all(c)
        .await)?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

impl StoreTx {
    /// Stores a new token's hash for an account (`Conflict { what: "api_token" }` on a hash
    /// collision, which means the caller's random source is broken).
    pub async fn create_api_token(
        &mut self,
        actor: &Actor,
        account_id: AdminAccountId,
        name: &str,
        token_hash: &str,
    ) -> Result<ApiToken> {
        let result = async {
            let name = validate::name("token name", name)?;
            let account = admin_accounts::get(&mut self.conn(), account_id).await?;
            let now = self.now();
            let id: i64 = on!(&mut self.conn(), |c| sqlx::query_scalar(
                "INSERT INTO api_tokens (account_id, name, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id"
            )
            .bind(account_id.0)
            .bind(&name)
            .bind(token_hash)
            .bind(now)
            .fetch_one(c)
            .await)?;
            let token = get(&mut self.conn(), ApiTokenId(id)).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: account.organization_id,
                    action: "api_token.create",
                    target: format!("api_token:{id}"),
                    details: json!({ "after": token }),
                },
            )
            .await?;
            Ok(token)
        }
        .await;
        self.track(result)
    }

    /// Revokes a token.
    pub async fn delete_api_token(&mut self, actor: &Actor, id: ApiTokenId) -> Result<()> {
        let result = async {
            let token = get(&mut self.conn(), id).await?;
            let account = admin_accounts::get(&mut self.conn(), token.account_id).await?;
            self.delete_audited(
                actor,
                Deletion {
                    table: "api_tokens",
                    id: id.0,
                    kind: "api_token",
                    organization_id: account.organization_id,
                    before: &token,
                },
            )
            .await
        }
        .await;
        self.track(result)
    }
}

impl Store {
    /// Records that a token was just used (not audited: it is no change an admin made).
    pub async fn touch_api_token(&self, id: ApiTokenId) -> Result<()> {
        let now = self.now();
        let mut pc = self.acquire().await?;
        on!(&mut pc.conn(), |c| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"
        )
        .bind(id.0)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
