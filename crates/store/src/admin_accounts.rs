//! Admin center logins and their roles.

use crate::audit::{Actor, AuditRecord, Deletion};
use crate::db::{on, Conn, StoreTx};
use crate::ids::{AdminAccountId, OrganizationId};
use crate::page::{Page, Paged};
use crate::text_enum::text_enum;
use crate::{validate, Result, StoreError};
use serde::Serialize;
use serde_json::json;

text_enum! {
    /// What an admin may do.
    Role {
        /// Everything, in every organization; belongs to no organization.
        PlatformAdmin = "platform_admin",
        /// Everything within one organization.
        OrgAdmin = "org_admin",
        /// Look, not touch: one organization's, or every one's when it has none.
        ReadOnly = "read_only",
    }
}

/// A new admin login. The password hash (argon2, PHC string) is made by the caller.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAdminAccount {
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    /// Required for `OrgAdmin`, absent for `PlatformAdmin`.
    pub organization_id: Option<OrganizationId>,
}

/// An admin account as stored, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminAccount {
    pub id: AdminAccountId,
    pub email: String,
    pub role: Role,
    pub organization_id: Option<OrganizationId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a login check needs: the account and its password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminLogin {
    pub account: AdminAccount,
    pub password_hash: String,
}

// Hashes stay out of Debug output: logs and error reports must not carry them (an offline
// attack on a leaked hash is what argon2 only slows down).
impl std::fmt::Debug for NewAdminAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAdminAccount")
            .field("email", &self.email)
            .field("password_hash", &"<redacted>")
            .field("role", &self.role)
            .field("organization_id", &self.organization_id)
            .finish()
    }
}

impl std::fmt::Debug for AdminLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminLogin")
            .field("account", &self.account)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

const COLUMNS: &str = "id, email, role, organization_id, created_at, updated_at, password_hash";

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    email: String,
    role: String,
    organization_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
    password_hash: String,
}

impl TryFrom<AccountRow> for AdminLogin {
    type Error = StoreError;

    fn try_from(r: AccountRow) -> Result<AdminLogin> {
        Ok(AdminLogin {
            account: AdminAccount {
                id: AdminAccountId(r.id),
                email: r.email,
                role: Role::parse(&r.role)?,
                organization_id: r.organization_id.map(OrganizationId),
                created_at: r.created_at,
                updated_at: r.updated_at,
            },
            password_hash: r.password_hash,
        })
    }
}

pub(crate) async fn get(c: &mut Conn<'_>, id: AdminAccountId) -> Result<AdminAccount> {
    let sql = format!("SELECT {COLUMNS} FROM admin_accounts WHERE id = $1");
    let row: Option<AccountRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    let login: AdminLogin = row
        .ok_or(StoreError::NotFound {
            what: "admin account",
        })?
        .try_into()?;
    Ok(login.account)
}

pub(crate) async fn login(c: &mut Conn<'_>, email: &str) -> Result<Option<AdminLogin>> {
    let sql = format!("SELECT {COLUMNS} FROM admin_accounts WHERE email = $1");
    let row: Option<AccountRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(email.trim().to_lowercase())
        .fetch_optional(c)
        .await)?;
    row.map(AdminLogin::try_from).transpose()
}

/// Accounts of one organization (or all, with `None`), by id.
pub(crate) async fn list(
    c: &mut Conn<'_>,
    organization_id: Option<OrganizationId>,
    page: Page,
) -> Result<Paged<AdminAccount>> {
    let org = organization_id.map(|id| id.0);
    let filter = "WHERE ($1 IS NULL OR organization_id = $1)";
    let sql =
        format!("SELECT {COLUMNS} FROM admin_accounts {filter} ORDER BY id LIMIT $2 OFFSET $3");
    let count = format!("SELECT COUNT(*) FROM admin_accounts {filter}");
    let rows: Vec<AccountRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(org)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(&count)
        .bind(org)
        .fetch_one(c)
        .await)?;
    let items = rows
        .into_iter()
        .map(|r| AdminLogin::try_from(r).map(|l| l.account))
        .collect::<Result<_>>()?;
    Ok(Paged { items, total })
}

fn check_role(role: Role, org: Option<OrganizationId>) -> Result<()> {
    match (role, org) {
        (Role::PlatformAdmin, Some(_)) => Err(StoreError::Invalid(
            "a platform admin belongs to no organization".into(),
        )),
        (Role::OrgAdmin, None) => Err(StoreError::Invalid(
            "an organization admin needs an organization".into(),
        )),
        _ => Ok(()),
    }
}

impl StoreTx {
    /// Creates an admin login (`Conflict { what: "admin_email" }` if the email is taken).
    pub async fn create_admin_account(
        &mut self,
        actor: &Actor,
        new: &NewAdminAccount,
    ) -> Result<AdminAccount> {
        let result = async {
            check_role(new.role, new.organization_id)?;
            let email = validate::email(&new.email)?;
            let now = self.now();
            let sql = "INSERT INTO admin_accounts (email, password_hash, role, organization_id, \
                created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
            let id: i64 = on!(&mut self.conn(), |c| sqlx::query_scalar(sql)
                .bind(&email)
                .bind(&new.password_hash)
                .bind(new.role.as_str())
                .bind(new.organization_id.map(|id| id.0))
                .bind(now)
                .fetch_one(c)
                .await)?;
            let created = get(&mut self.conn(), AdminAccountId(id)).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: new.organization_id,
                    action: "admin_account.create",
                    target: format!("admin_account:{id}"),
                    details: json!({ "after": created }),
                },
            )
            .await?;
            Ok(created)
        }
        .await;
        self.track(result)
    }

    /// Changes an account's role and organization.
    pub async fn set_admin_role(
        &mut self,
        actor: &Actor,
        id: AdminAccountId,
        role: Role,
        organization_id: Option<OrganizationId>,
    ) -> Result<AdminAccount> {
        let result = async {
            check_role(role, organization_id)?;
            let before = get(&mut self.conn(), id).await?;
            let now = self.now();
            on!(&mut self.conn(), |c| sqlx::query(
                "UPDATE admin_accounts SET role = $2, organization_id = $3, updated_at = $4 \
                 WHERE id = $1"
            )
            .bind(id.0)
            .bind(role.as_str())
            .bind(organization_id.map(|id| id.0))
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            let after = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: after.organization_id.or(before.organization_id),
                    action: "admin_account.role",
                    target: format!("admin_account:{id}"),
                    details: json!({ "before": before, "after": after }),
                },
            )
            .await?;
            Ok(after)
        }
        .await;
        self.track(result)
    }

    /// Replaces the password hash (the audit row says it changed, not to what).
    pub async fn set_admin_password_hash(
        &mut self,
        actor: &Actor,
        id: AdminAccountId,
        password_hash: &str,
    ) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            let now = self.now();
            on!(&mut self.conn(), |c| sqlx::query(
                "UPDATE admin_accounts SET password_hash = $2, updated_at = $3 WHERE id = $1"
            )
            .bind(id.0)
            .bind(password_hash)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: before.organization_id,
                    action: "admin_account.password",
                    target: format!("admin_account:{id}"),
                    details: json!({}),
                },
            )
            .await
        }
        .await;
        self.track(result)
    }

    /// Deletes an account and its API tokens.
    pub async fn delete_admin_account(&mut self, actor: &Actor, id: AdminAccountId) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            self.delete_audited(
                actor,
                Deletion {
                    table: "admin_accounts",
                    id: id.0,
                    kind: "admin_account",
                    organization_id: before.organization_id,
                    before: &before,
                },
            )
            .await
        }
        .await;
        self.track(result)
    }
}

#[cfg(test)]
mod debug_redaction {
    use super::{NewAdminAccount, Role};

    #[test]
    fn new_account_debug_shows_no_hash() {
        let account = NewAdminAccount {
            email: "ops@example.com".to_owned(),
            password_hash: "$argon2id$secret".to_owned(),
            role: Role::PlatformAdmin,
            organization_id: None,
        };
        let shown = format!("{account:?}");
        assert!(!shown.contains("argon2"), "{shown}");
        assert!(shown.contains("ops@example.com"), "{shown}");
    }
}
