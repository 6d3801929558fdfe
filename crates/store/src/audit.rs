//! The audit log: who changed what, when. Append-only (triggers in both schemas refuse UPDATE
//! and DELETE); every admin write adds its row inside the transaction of the change, so there is
//! never a change without its row or a row without its change.

use crate::db::{on, Conn};
use crate::ids::{AdminAccountId, AuditId, OrganizationId};
use crate::page::{Page, Paged};
use crate::{validate, Result};
use serde::Serialize;

/// Who makes a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The admin account, if a person (or their API token) acted.
    pub account_id: Option<AdminAccountId>,
    /// A readable name kept in the log even after the account is gone: an email address,
    /// `system:demo`, `cli`...
    pub label: String,
}

impl Actor {
    /// An admin account acting (web UI or API token).
    pub fn admin(account_id: AdminAccountId, email: &str) -> Actor {
        Actor {
            account_id: Some(account_id),
            label: email.to_owned(),
        }
    }

    /// The service itself (demo seeding, an importer, the CLI run by an operator on the host).
    pub fn system(component: &str) -> Actor {
        Actor {
            account_id: None,
            label: format!("system:{component}"),
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: AuditId,
    /// Unix seconds.
    pub at: i64,
    pub actor_account_id: Option<AdminAccountId>,
    pub actor: String,
    pub organization_id: Option<OrganizationId>,
    /// What happened, as `thing.verb`: `organizer.create`, `conference_id.reset`, ...
    pub action: String,
    /// What it happened to, as `kind:id`: `organizer:12`.
    pub target: String,
    /// What changed (`before` and/or `after`); never secrets (no PIN or password hashes).
    pub details: serde_json::Value,
}

/// Which audit rows to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub organization_id: Option<OrganizationId>,
    /// Exact action, e.g. `organizer.pin_reset`.
    pub action: Option<String>,
    /// Exact actor label, as rows show it (`admin@contoso.example`, `system:acp-import`).
    pub actor: Option<String>,
    /// What it happened to: a kind (`organizer`, every organizer) or one thing
    /// (`organizer:12`).
    pub entity: Option<String>,
    /// Rows at or after this time (Unix seconds).
    pub since: Option<i64>,
}

pub(crate) struct AuditRecord<'a> {
    pub organization_id: Option<OrganizationId>,
    pub action: &'a str,
    pub target: String,
    pub details: serde_json::Value,
}

pub(crate) async fn record(
    c: &mut Conn<'_>,
    now: i64,
    actor: &Actor,
    row: AuditRecord<'_>,
) -> Result<()> {
    let details = validate::to_json(&row.details)?;
    let sql = "INSERT INTO audit_log \
               (at, actor_account_id, actor, organization_id, action, target, details) \
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on!(c, |c| sqlx::query(sql)
        .bind(now)
        .bind(actor.account_id.map(|id| id.0))
        .bind(&actor.label)
        .bind(row.organization_id.map(|id| id.0))
        .bind(row.action)
        .bind(&row.target)
        .bind(&details)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_account_id: Option<i64>,
    actor: String,
    organization_id: Option<i64>,
    action: String,
    target: String,
    details: String,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = crate::StoreError;

    fn try_from(row: AuditRow) -> Result<AuditEntry> {
        Ok(AuditEntry {
            id: AuditId(row.id),
            at: row.at,
            actor_account_id: row.actor_account_id.map(AdminAccountId),
            actor: row.actor,
            organization_id: row.organization_id.map(OrganizationId),
            action: row.action,
            target: row.target,
            details: validate::from_json("audit details", &row.details)?,
        })
    }
}

macro_rules! audit_where {
    () => {
        " WHERE ($1 IS NULL OR organization_id = $1) AND ($2 IS NULL OR action = $2) \
          AND ($5 IS NULL OR actor = $5) \
          AND ($6 IS NULL OR target = $6 OR target LIKE $7 ESCAPE '\\') \
          AND ($8 IS NULL OR at >= $8)"
    };
}

pub(crate) async fn list(
    c: &mut Conn<'_>,
    filter: &AuditFilter,
    page: Page,
) -> Result<Paged<AuditEntry>> {
    let org = filter.organization_id.map(|id| id.0);
    let action = filter.action.as_deref();
    let actor = filter.actor.as_deref();
    let entity = filter.entity.as_deref();
    // `organizer` also matches every `organizer:<id>`; LIKE's wildcards in it are literal.
    let kind_pattern = entity.map(|e| {
        let escaped = e
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("{escaped}:%")
    });
    let since = filter.since;
    let select = concat!(
        "SELECT id, at, actor_account_id, actor, organization_id, action, target, details \
         FROM audit_log",
        audit_where!(),
        " ORDER BY id DESC LIMIT $3 OFFSET $4"
    );
    let count = concat!("SELECT COUNT(*) FROM audit_log", audit_where!());
    let rows: Vec<AuditRow> = on!(c, |c| sqlx::query_as(select)
        .bind(org)
        .bind(action)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .bind(actor)
        .bind(entity)
        .bind(kind_pattern.as_deref())
        .bind(since)
        .fetch_all(c)
        .await)?;
    // Same placeholders as the page query: $3 and $4 are bound but unused here.
    let total: i64 = on!(c, |c| sqlx::query_scalar(count)
        .bind(org)
        .bind(action)
        .bind(0_i64)
        .bind(0_i64)
        .bind(actor)
        .bind(entity)
        .bind(kind_pattern.as_deref())
        .bind(since)
        .fetch_one(c)
        .await)?;
    let items = rows
        .into_iter()
        .map(AuditEntry::try_from)
        .collect::<Result<_>>()?;
    Ok(Paged { items, total })
}

/// What [`crate::StoreTx::delete_audited`] removes: one row by id, and how the audit log
/// names it (`<kind>.delete`, `<kind>:<id>`).
pub(crate) struct Deletion<'a, T: Serialize> {
    /// A table name from our own schema, never input.
    pub table: &'static str,
    pub id: i64,
    pub kind: &'static str,
    pub organization_id: Option<OrganizationId>,
    /// The row as it was, kept in the audit entry.
    pub before: &'a T,
}

impl crate::StoreTx {
    /// Deletes one row by id and appends its audit entry, in this transaction: every
    /// repository's delete is this, with only the table and the names changing.
    pub(crate) async fn delete_audited<T: Serialize>(
        &mut self,
        actor: &Actor,
        deletion: Deletion<'_, T>,
    ) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE id = $1", deletion.table);
        on!(&mut self.conn(), |c| sqlx::query(&sql)
            .bind(deletion.id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        let action = format!("{}.delete", deletion.kind);
        self.audit(
            actor,
            AuditRecord {
                organization_id: deletion.organization_id,
                action: &action,
                target: format!("{}:{}", deletion.kind, deletion.id),
                details: serde_json::json!({ "before": deletion.before }),
            },
        )
        .await
    }
}
