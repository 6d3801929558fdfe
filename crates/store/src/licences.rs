//! Licence seats: an organization buys seats, and each licensed organizer holds one.
//!
//! Never over the seats, even with concurrent assignments: every change first takes the pool
//! row's lock (an UPDATE of that row; PostgreSQL blocks a second writer on it, and SQLite's
//! `BEGIN IMMEDIATE` already serializes writers), and only then counts the seats in use. Under
//! PostgreSQL's READ COMMITTED each later statement sees what the writer before it committed,
//! so the second of two racing assignments sees the first and is refused.

use crate::audit::{Actor, AuditRecord};
use crate::db::{on, Conn, StoreTx};
use crate::ids::{OrganizationId, OrganizerId};
use crate::{Result, StoreError};
use serde::Serialize;
use serde_json::json;

/// An organization's seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LicencePool {
    pub organization_id: OrganizationId,
    pub seats_bought: i64,
    pub seats_assigned: i64,
}

impl LicencePool {
    pub fn seats_free(&self) -> i64 {
        (self.seats_bought - self.seats_assigned).max(0)
    }
}

async fn seats_assigned(c: &mut Conn<'_>, org: OrganizationId) -> Result<i64> {
    let sql = "SELECT COUNT(*) FROM licences l JOIN organizers o ON o.id = l.organizer_id \
        WHERE o.organization_id = $1";
    Ok(on!(c, |c| sqlx::query_scalar(sql)
        .bind(org.0)
        .fetch_one(c)
        .await)?)
}

/// The pool (zero seats bought if the organization never bought any).
pub(crate) async fn pool(c: &mut Conn<'_>, org: OrganizationId) -> Result<LicencePool> {
    let exists: Option<i64> = on!(c, |c| sqlx::query_scalar(
        "SELECT id FROM organizations WHERE id = $1"
    )
    .bind(org.0)
    .fetch_optional(c)
    .await)?;
    if exists.is_none() {
        return Err(StoreError::NotFound {
            what: "organization",
        });
    }
    let bought: Option<i64> = on!(c, |c| sqlx::query_scalar(
        "SELECT seats_bought FROM licence_pools WHERE organization_id = $1"
    )
    .bind(org.0)
    .fetch_optional(c)
    .await)?;
    Ok(LicencePool {
        organization_id: org,
        seats_bought: bought.unwrap_or(0),
        seats_assigned: seats_assigned(c, org).await?,
    })
}

/// Takes the pool row's lock (see the module doc); `false` if the organization has no pool.
async fn lock_pool(c: &mut Conn<'_>, org: OrganizationId, now: i64) -> Result<bool> {
    let sql = "UPDATE licence_pools SET updated_at = $2 WHERE organization_id = $1";
    let n = on!(c, |c| sqlx::query(sql)
        .bind(org.0)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

async fn organization_of(c: &mut Conn<'_>, id: OrganizerId) -> Result<OrganizationId> {
    let org: Option<i64> = on!(c, |c| sqlx::query_scalar(
        "SELECT organization_id FROM organizers WHERE id = $1"
    )
    .bind(id.0)
    .fetch_optional(c)
    .await)?;
    org.map(OrganizationId)
        .ok_or(StoreError::NotFound { what: "organizer" })
}

impl StoreTx {
    /// Sets how many seats the organization has bought. Refused with
    /// `Conflict { what: "seats_in_use" }` below the number assigned.
    pub async fn set_licence_seats(
        &mut self,
        actor: &Actor,
        org: OrganizationId,
        seats: i64,
    ) -> Result<LicencePool> {
        let result = async {
            if seats < 0 {
                return Err(StoreError::Invalid("seats cannot be negative".into()));
            }
            let before = pool(&mut self.conn(), org).await?;
            let now = self.now();
            // Creating the row (or touching it) takes its lock before counting.
            let upsert = "INSERT INTO licence_pools (organization_id, seats_bought, updated_at) \
                VALUES ($1, 0, $2) \
                ON CONFLICT (organization_id) DO UPDATE SET updated_at = excluded.updated_at";
            on!(&mut self.conn(), |c| sqlx::query(upsert)
                .bind(org.0)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            let assigned = seats_assigned(&mut self.conn(), org).await?;
            if seats < assigned {
                return Err(StoreError::Conflict {
                    what: "seats_in_use".into(),
                });
            }
            on!(&mut self.conn(), |c| sqlx::query(
                "UPDATE licence_pools SET seats_bought = $2 WHERE organization_id = $1"
            )
            .bind(org.0)
            .bind(seats)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            let after = pool(&mut self.conn(), org).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(org),
                    action: "licence_pool.set_seats",
                    target: format!("organization:{org}"),
                    details: json!({ "before": before.seats_bought, "after": seats }),
                },
            )
            .await?;
            Ok(after)
        }
        .await;
        self.track(result)
    }

    /// Gives the organizer a seat. `Ok(false)` if they already hold one;
    /// [`StoreError::SeatsExhausted`] if every seat is taken.
    pub async fn assign_licence(&mut self, actor: &Actor, id: OrganizerId) -> Result<bool> {
        let result = async {
            let org = organization_of(&mut self.conn(), id).await?;
            let now = self.now();
            if !lock_pool(&mut self.conn(), org, now).await? {
                return Err(StoreError::SeatsExhausted);
            }
            let held: Option<i64> = on!(&mut self.conn(), |c| sqlx::query_scalar(
                "SELECT organizer_id FROM licences WHERE organizer_id = $1"
            )
            .bind(id.0)
            .fetch_optional(c)
            .await)?;
            if held.is_some() {
                return Ok(false);
            }
            let pool = pool(&mut self.conn(), org).await?;
            if pool.seats_free() == 0 {
                return Err(StoreError::SeatsExhausted);
            }
            on!(&mut self.conn(), |c| sqlx::query(
                "INSERT INTO licences (organizer_id, assigned_at) VALUES ($1, $2)"
            )
            .bind(id.0)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(org),
                    action: "licence.assign",
                    target: format!("organizer:{id}"),
                    details: json!({ "seats_bought": pool.seats_bought,
                                     "seats_assigned": pool.seats_assigned + 1 }),
                },
            )
            .await?;
            Ok(true)
        }
        .await;
        self.track(result)
    }

    /// Frees the organizer's seat; `Ok(false)` if they held none.
    pub async fn remove_licence(&mut self, actor: &Actor, id: OrganizerId) -> Result<bool> {
        let result = async {
            let org = organization_of(&mut self.conn(), id).await?;
            let now = self.now();
            lock_pool(&mut self.conn(), org, now).await?;
            let n = on!(&mut self.conn(), |c| sqlx::query(
                "DELETE FROM licences WHERE organizer_id = $1"
            )
            .bind(id.0)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            if n == 0 {
                return Ok(false);
            }
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(org),
                    action: "licence.remove",
                    target: format!("organizer:{id}"),
                    details: json!({}),
                },
            )
            .await?;
            Ok(true)
        }
        .await;
        self.track(result)
    }
}
