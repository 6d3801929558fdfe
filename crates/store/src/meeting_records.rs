//! Meeting records: one row per meeting that ended, written by the call path (who was there,
//! how many at once, whether an organizer used the PIN, why it ended), listed for admins.
//! Not an admin change, so no audit row (see `call_records.rs`).

use crate::call_records::{check_month, month_of};
use crate::db::{on, Conn, Store};
use crate::ids::{MeetingId, MeetingRecordId, OrganizationId, OrganizerId};
use crate::page::{Page, Paged};
use crate::{validate, Result, StoreError};
use serde::{Deserialize, Serialize};

/// A meeting that ended, as the call path reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeetingRecord {
    /// `None` for a direct conference outside any organization.
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    /// Set for a scheduled meeting's own conference ID.
    pub meeting_id: Option<MeetingId>,
    /// The conference's key in the binary (`organizer-12`, `meeting-5`).
    pub conference_key: String,
    /// Unix seconds: the first participant joined.
    pub started_at: i64,
    /// Unix seconds: the last one left (or the meeting was ended).
    pub ended_at: i64,
    /// Why it ended: `everyone_left`, `roster_unchanged_24h`, `ended_by_admin`, ...
    pub end_reason: String,
    /// Calls that joined over the meeting's life.
    pub participants_total: i32,
    /// Most participants at once.
    pub peak_participants: i32,
    /// Someone joined as organizer with the PIN.
    pub pin_used: bool,
}

/// A meeting record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRecord {
    pub id: MeetingRecordId,
    #[serde(flatten)]
    pub meeting: NewMeetingRecord,
    /// `YYYY-MM` of `ended_at` in UTC.
    pub month: String,
}

/// Which meeting records to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingRecordFilter {
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    /// `YYYY-MM` (UTC) of the end.
    pub month: Option<String>,
}

const COLUMNS: &str = "id, organization_id, organizer_id, meeting_id, conference_key, \
    started_at, ended_at, ended_month, end_reason, participants_total, peak_participants, \
    pin_used";

#[derive(sqlx::FromRow)]
struct MeetingRecordRow {
    id: i64,
    organization_id: Option<i64>,
    organizer_id: Option<i64>,
    meeting_id: Option<i64>,
    conference_key: String,
    started_at: i64,
    ended_at: i64,
    ended_month: String,
    end_reason: String,
    participants_total: i32,
    peak_participants: i32,
    pin_used: bool,
}

impl From<MeetingRecordRow> for MeetingRecord {
    fn from(r: MeetingRecordRow) -> MeetingRecord {
        MeetingRecord {
            id: MeetingRecordId(r.id),
            meeting: NewMeetingRecord {
                organization_id: r.organization_id.map(OrganizationId),
                organizer_id: r.organizer_id.map(OrganizerId),
                meeting_id: r.meeting_id.map(MeetingId),
                conference_key: r.conference_key,
                started_at: r.started_at,
                ended_at: r.ended_at,
                end_reason: r.end_reason,
                participants_total: r.participants_total,
                peak_participants: r.peak_participants,
                pin_used: r.pin_used,
            },
            month: r.ended_month,
        }
    }
}

pub(crate) async fn get(c: &mut Conn<'_>, id: MeetingRecordId) -> Result<MeetingRecord> {
    let sql = format!("SELECT {COLUMNS} FROM meeting_records WHERE id = $1");
    let row: Option<MeetingRecordRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    row.map(MeetingRecord::from).ok_or(StoreError::NotFound {
        what: "meeting record",
    })
}

macro_rules! list_where {
    () => {
        " WHERE ($1 IS NULL OR organization_id = $1) AND ($2 IS NULL OR organizer_id = $2) \
          AND ($3 IS NULL OR ended_month = $3)"
    };
}

pub(crate) async fn list(
    c: &mut Conn<'_>,
    filter: &MeetingRecordFilter,
    page: Page,
) -> Result<Paged<MeetingRecord>> {
    if let Some(month) = &filter.month {
        check_month(month)?;
    }
    let org = filter.organization_id.map(|id| id.0);
    let organizer = filter.organizer_id.map(|id| id.0);
    let month = filter.month.as_deref();
    let select = format!(
        "SELECT {COLUMNS} FROM meeting_records{} ORDER BY ended_at DESC, id DESC \
         LIMIT $4 OFFSET $5",
        list_where!()
    );
    let count = concat!("SELECT COUNT(*) FROM meeting_records", list_where!());
    let rows: Vec<MeetingRecordRow> = on!(c, |c| sqlx::query_as(&select)
        .bind(org)
        .bind(organizer)
        .bind(month)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(count)
        .bind(org)
        .bind(organizer)
        .bind(month)
        .fetch_one(c)
        .await)?;
    Ok(Paged {
        items: rows.into_iter().map(MeetingRecord::from).collect(),
        total,
    })
}

impl Store {
    /// Stores an ended meeting (call path, one statement, no audit row). An organization,
    /// organizer or meeting deleted while it ran is stored as `NULL`, like call records.
    pub async fn insert_meeting_record(&self, new: &NewMeetingRecord) -> Result<MeetingRecord> {
        let key = validate::name("conference key", &new.conference_key)?;
        let end_reason = validate::name("end reason", &new.end_reason)?;
        if new.ended_at < new.started_at {
            return Err(StoreError::Invalid("a meeting ends after it starts".into()));
        }
        if new.participants_total < 0
            || new.peak_participants < 0
            || new.peak_participants > new.participants_total
        {
            return Err(StoreError::Invalid(
                "participant counts are 0 or more, and the peak is at most the total".into(),
            ));
        }
        let month = month_of(new.ended_at)?;
        let sql = "INSERT INTO meeting_records (organization_id, organizer_id, meeting_id, \
            conference_key, started_at, ended_at, ended_month, end_reason, participants_total, \
            peak_participants, pin_used) VALUES ( \
            (SELECT id FROM organizations WHERE id = $1), \
            (SELECT id FROM organizers WHERE id = $2), \
            (SELECT id FROM scheduled_meetings WHERE id = $3), \
            $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
        let mut pc = self.acquire().await?;
        let id: i64 = on!(&mut pc.conn(), |c| sqlx::query_scalar(sql)
            .bind(new.organization_id.map(|id| id.0))
            .bind(new.organizer_id.map(|id| id.0))
            .bind(new.meeting_id.map(|id| id.0))
            .bind(&key)
            .bind(new.started_at)
            .bind(new.ended_at)
            .bind(&month)
            .bind(&end_reason)
            .bind(new.participants_total)
            .bind(new.peak_participants)
            .bind(new.pin_used)
            .fetch_one(c)
            .await)?;
        get(&mut pc.conn(), MeetingRecordId(id)).await
    }
}
