//! Scheduled meetings, each with its own dynamic conference ID (private meetings).

use crate::audit::{Actor, AuditRecord, Deletion};
use crate::conference_ids;
use crate::db::{on, Conn, StoreTx};
use crate::ids::{MeetingId, OrganizationId, OrganizerId};
use crate::page::{Page, Paged};
use crate::{validate, Result, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// What an organizer (or admin) sets on a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingFields {
    pub subject: String,
    /// Unix seconds.
    pub starts_at: i64,
    /// Unix seconds; after `starts_at`.
    pub ends_at: i64,
}

/// A new meeting and its conference ID (one transaction: a taken ID creates no meeting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub organizer_id: OrganizerId,
    pub fields: MeetingFields,
    pub conference_id: String,
}

/// A scheduled meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub organizer_id: OrganizerId,
    pub organization_id: OrganizationId,
    #[serde(flatten)]
    pub fields: MeetingFields,
    pub conference_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT m.id, m.organizer_id, o.organization_id, m.subject, m.starts_at, \
    m.ends_at, ci.code AS conference_id, m.created_at, m.updated_at \
    FROM scheduled_meetings m JOIN organizers o ON o.id = m.organizer_id \
    LEFT JOIN conference_ids ci ON ci.meeting_id = m.id";

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    organizer_id: i64,
    organization_id: i64,
    subject: String,
    starts_at: i64,
    ends_at: i64,
    conference_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<MeetingRow> for Meeting {
    fn from(r: MeetingRow) -> Meeting {
        Meeting {
            id: MeetingId(r.id),
            organizer_id: OrganizerId(r.organizer_id),
            organization_id: OrganizationId(r.organization_id),
            fields: MeetingFields {
                subject: r.subject,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
            },
            conference_id: r.conference_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub(crate) async fn get(c: &mut Conn<'_>, id: MeetingId) -> Result<Meeting> {
    let sql = format!("{SELECT} WHERE m.id = $1");
    let row: Option<MeetingRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    Ok(row.ok_or(StoreError::NotFound { what: "meeting" })?.into())
}

/// An organizer's meetings, by start time.
pub(crate) async fn list(
    c: &mut Conn<'_>,
    organizer_id: OrganizerId,
    page: Page,
) -> Result<Paged<Meeting>> {
    let sql =
        format!("{SELECT} WHERE m.organizer_id = $1 ORDER BY m.starts_at, m.id LIMIT $2 OFFSET $3");
    let rows: Vec<MeetingRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(organizer_id.0)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM scheduled_meetings WHERE organizer_id = $1"
    )
    .bind(organizer_id.0)
    .fetch_one(c)
    .await)?;
    Ok(Paged {
        items: rows.into_iter().map(Meeting::from).collect(),
        total,
    })
}

fn checked(f: &MeetingFields) -> Result<String> {
    if f.ends_at <= f.starts_at {
        return Err(StoreError::Invalid(
            "a meeting must end after it starts".into(),
        ));
    }
    validate::name("meeting subject", &f.subject)
}

impl StoreTx {
    /// Schedules a meeting with its conference ID.
    pub async fn create_meeting(&mut self, actor: &Actor, new: &NewMeeting) -> Result<Meeting> {
        let result = async {
            let subject = checked(&new.fields)?;
            validate::conference_code(&new.conference_id)?;
            let now = self.now();
            let sql = "INSERT INTO scheduled_meetings (organizer_id, subject, starts_at, ends_at, \
                created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
            let id: i64 = on!(&mut self.conn(), |c| sqlx::query_scalar(sql)
                .bind(new.organizer_id.0)
                .bind(&subject)
                .bind(new.fields.starts_at)
                .bind(new.fields.ends_at)
                .bind(now)
                .fetch_one(c)
                .await)
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict { what } if what == "reference" => {
                    StoreError::NotFound { what: "organizer" }
                }
                other => other,
            })?;
            let id = MeetingId(id);
            conference_ids::insert(&mut self.conn(), now, id.into(), &new.conference_id).await?;
            let created = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(created.organization_id),
                    action: "meeting.create",
                    target: format!("meeting:{id}"),
                    details: json!({ "after": created }),
                },
            )
            .await?;
            Ok(created)
        }
        .await;
        self.track(result)
    }

    /// Changes a meeting's subject or times (its conference ID stays).
    pub async fn update_meeting(
        &mut self,
        actor: &Actor,
        id: MeetingId,
        fields: &MeetingFields,
    ) -> Result<Meeting> {
        let result = async {
            let subject = checked(fields)?;
            let before = get(&mut self.conn(), id).await?;
            let now = self.now();
            let sql = "UPDATE scheduled_meetings SET subject = $2, starts_at = $3, ends_at = $4, \
                updated_at = $5 WHERE id = $1";
            on!(&mut self.conn(), |c| sqlx::query(sql)
                .bind(id.0)
                .bind(&subject)
                .bind(fields.starts_at)
                .bind(fields.ends_at)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            let after = get(&mut self.conn(), id).await?;
            self.audit(
                actor,
                AuditRecord {
                    organization_id: Some(after.organization_id),
                    action: "meeting.update",
                    target: format!("meeting:{id}"),
                    details: json!({ "before": before, "after": after }),
                },
            )
            .await?;
            Ok(after)
        }
        .await;
        self.track(result)
    }

    /// Cancels a meeting; its conference ID stops resolving.
    pub async fn delete_meeting(&mut self, actor: &Actor, id: MeetingId) -> Result<()> {
        let result = async {
            let before = get(&mut self.conn(), id).await?;
            self.delete_audited(
                actor,
                Deletion {
                    table: "scheduled_meetings",
                    id: id.0,
                    kind: "meeting",
                    organization_id: Some(before.organization_id),
                    before: &before,
                },
            )
            .await
        }
        .await;
        self.track(result)
    }
}
