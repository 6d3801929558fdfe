//! Conference IDs: every ID of the service, an organizer's static one or a scheduled meeting's
//! dynamic one, lives in the one `conference_ids` table, whose UNIQUE constraint makes IDs
//! unique across the service even when two admins pick the same random number at once.
//! Generating IDs (random, of the organization's length) is the admin domain's job; the store
//! answers `Conflict { what: "conference_id" }` and the caller draws again.

use crate::audit::{Actor, AuditRecord};
use crate::db::{on, Conn, StoreTx};
use crate::ids::{MeetingId, OrganizationId, OrganizerId};
use crate::{validate, Result, StoreError};
use serde::Serialize;
use serde_json::json;

/// Whose conference ID it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ConferenceOwner {
    /// An organizer's static (reservation-less) ID.
    Organizer(OrganizerId),
    /// A scheduled meeting's dynamic ID.
    Meeting(MeetingId),
}

impl From<OrganizerId> for ConferenceOwner {
    fn from(id: OrganizerId) -> Self {
        ConferenceOwner::Organizer(id)
    }
}

impl From<MeetingId> for ConferenceOwner {
    fn from(id: MeetingId) -> Self {
        ConferenceOwner::Meeting(id)
    }
}

impl ConferenceOwner {
    fn column(self) -> (&'static str, i64) {
        match self {
            ConferenceOwner::Organizer(id) => ("organizer_id", id.0),
            ConferenceOwner::Meeting(id) => ("meeting_id", id.0),
        }
    }

    fn target(self) -> String {
        match self {
            ConferenceOwner::Organizer(id) => format!("organizer:{id}"),
            ConferenceOwner::Meeting(id) => format!("meeting:{id}"),
        }
    }
}

/// What a dialed conference ID leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ConferenceTarget {
    pub organization_id: OrganizationId,
    pub organizer_id: OrganizerId,
    /// `Some` for a scheduled meeting's ID, `None` for the organizer's static ID.
    pub meeting_id: Option<MeetingId>,
}

/// Looks up a dialed conference ID.
pub(crate) async fn resolve(c: &mut Conn<'_>, code: &str) -> Result<Option<ConferenceTarget>> {
    let sql = "SELECT o.organization_id, o.id, ci.meeting_id FROM conference_ids ci \
        LEFT JOIN scheduled_meetings m ON m.id = ci.meeting_id \
        JOIN organizers o ON o.id = COALESCE(ci.organizer_id, m.organizer_id) \
        WHERE ci.code = $1";
    let row: Option<(i64, i64, Option<i64>)> = on!(c, |c| sqlx::query_as(sql)
        .bind(code)
        .fetch_optional(c)
        .await)?;
    Ok(row.map(|(org, organizer, meeting)| ConferenceTarget {
        organization_id: OrganizationId(org),
        organizer_id: OrganizerId(organizer),
        meeting_id: meeting.map(MeetingId),
    }))
}

/// The current ID of an owner.
pub(crate) async fn of(c: &mut Conn<'_>, owner: ConferenceOwner) -> Result<Option<String>> {
    let (column, id) = owner.column();
    let sql = format!("SELECT code FROM conference_ids WHERE {column} = $1");
    Ok(on!(c, |c| sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_optional(c)
        .await)?)
}

/// Inserts an ID row (the owner must have none).
pub(crate) async fn insert(
    c: &mut Conn<'_>,
    now: i64,
    owner: ConferenceOwner,
    code: &str,
) -> Result<()> {
    validate::conference_code(code)?;
    let (organizer, meeting) = match owner {
        ConferenceOwner::Organizer(id) => (Some(id.0), None),
        ConferenceOwner::Meeting(id) => (None, Some(id.0)),
    };
    let sql = "INSERT INTO conference_ids (code, organizer_id, meeting_id, created_at) \
        VALUES ($1, $2, $3, $4)";
    on!(c, |c| sqlx::query(sql)
        .bind(code)
        .bind(organizer)
        .bind(meeting)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The organization an owner belongs to (and that it exists).
async fn organization_of(c: &mut Conn<'_>, owner: ConferenceOwner) -> Result<OrganizationId> {
    let (sql, id, what) = match owner {
        ConferenceOwner::Organizer(id) => (
            "SELECT organization_id FROM organizers WHERE id = $1",
            id.0,
            "organizer",
        ),
        ConferenceOwner::Meeting(id) => (
            "SELECT o.organization_id FROM scheduled_meetings m \
             JOIN organizers o ON o.id = m.organizer_id WHERE m.id = $1",
            id.0,
            "meeting",
        ),
    };
    let org: Option<i64> = on!(c, |c| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(c)
        .await)?;
    org.map(OrganizationId).ok_or(StoreError::NotFound { what })
}

impl StoreTx {
    /// Gives `owner` the conference ID `code`, replacing the one it had (a reset). The old row
    /// is deleted and the new one inserted in this transaction: once it commits, the old ID
    /// resolves to nothing. A taken code is `Conflict { what: "conference_id" }`.
    pub async fn set_conference_id(
        &mut self,
        actor: &Actor,
        owner: ConferenceOwner,
        code: &str,
    ) -> Result<()> {
        let result = async {
            validate::conference_code(code)?;
            let org = organization_of(&mut self.conn(), owner).await?;
            if let ConferenceOwner::Organizer(id) = owner {
                let provider: Option<String> = on!(&mut self.conn(), |c| sqlx::query_scalar(
                    "SELECT provider FROM organizers WHERE id = $1"
                )
                .bind(id.0)
                .fetch_optional(c)
                .await)?;
                if provider.as_deref() == Some("acp") {
                    return Err(StoreError::Invalid(
                        "an organizer on a third-party ACP has no dialbridge conference ID".into(),
                    ));
                }
            }
            let old = of(&mut self.conn(), owner).await?;
            let (column, id) = owner.column();
            let delete = format!("DELETE FROM conference_ids WHERE {column} = $1");
            on!(&mut self.conn(), |c| sqlx::query(&delete)
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            let now = self.now();
            insert(&mut self.conn(), now, owner, code).await?;
            let action = if old.is_some() {
                "conference_id.reset"
            } else {
                "conference_id.set"
            };
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(org),
                    action,
                    target: owner.target(),
                    details: json!({ "before": old, "after": code }),
                },
            )
            .await
        }
        .await;
        self.track(result)
    }

    /// Removes an owner's conference ID; `false` if it had none.
    pub async fn remove_conference_id(
        &mut self,
        actor: &Actor,
        owner: ConferenceOwner,
    ) -> Result<bool> {
        let result = async {
            let org = organization_of(&mut self.conn(), owner).await?;
            let Some(old) = of(&mut self.conn(), owner).await? else {
                return Ok(false);
            };
            let (column, id) = owner.column();
            let delete = format!("DELETE FROM conference_ids WHERE {column} = $1");
            on!(&mut self.conn(), |c| sqlx::query(&delete)
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(org),
                    action: "conference_id.remove",
                    target: owner.target(),
                    details: json!({ "before": old }),
                },
            )
            .await?;
            Ok(true)
        }
        .await;
        self.track(result)
    }
}
