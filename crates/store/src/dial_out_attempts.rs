//! The dial-out log: every attempt to call out (asked for in the admin center or from the
//! phone), refused or placed, with its outcome as it progresses.
//!
//! Written by the call path and the services as a system record, one statement each, without
//! audit rows (like call records): the log is itself the trail.

use crate::db::{on, Conn, Store};
use crate::ids::{DialOutAttemptId, OrganizationId, OrganizerId};
use crate::page::{Page, Paged};
use crate::text_enum::text_enum;
use crate::{validate, Result, StoreError};
use serde::{Deserialize, Serialize};

text_enum! {
    /// Why a dial-out was placed.
    DialOutKind {
        /// An admin's "call me at" for the organizer.
        CallMe = "call_me",
        /// An admin added a participant by phone.
        AddParticipant = "add_participant",
        /// The organizer's dial-pad command (`*2`, number, `#`).
        Phone = "phone",
        /// A caller's `*0` transfer to the organization's operator.
        Operator = "operator",
    }
}

text_enum! {
    /// Where a dial-out attempt is, or how it ended.
    DialOutStatus {
        /// The policy refused it; nothing was dialed.
        Refused = "refused",
        Calling = "calling",
        Ringing = "ringing",
        Answered = "answered",
        /// The called person joined the meeting (pressed 1, or no confirmation asked).
        Joined = "joined",
        /// Answered, but the called person did not press 1 (or hung up first).
        DeclinedByCallee = "declined_by_callee",
        Busy = "busy",
        /// The far end rejected the call (e.g. 603 Decline).
        Declined = "declined",
        NoAnswer = "no_answer",
        Failed = "failed",
        /// Given up on our side (meeting ended, admin cancelled, server stopping).
        Cancelled = "cancelled",
    }
}

/// What is written for an attempt: the whole row the first time, the progress later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialOutAttemptWrite {
    /// 16 lower-case hex characters; the key of the upsert.
    pub reference: String,
    pub organization_id: OrganizationId,
    pub organizer_id: Option<OrganizerId>,
    /// The conference the attempt was for (`organizer-12`).
    pub conference_key: Option<String>,
    pub purpose: DialOutKind,
    /// Who asked, as audit rows name actors.
    pub requested_by: String,
    /// The number as typed.
    pub dialed: String,
    /// The number normalized, when it could be.
    pub e164: Option<String>,
    /// ISO 3166-1 alpha-2 of the destination, when known.
    pub destination_country: Option<String>,
    pub status: DialOutStatus,
    /// The machine reason of a refusal or failure (`international_not_allowed`, a SIP code).
    pub reason: Option<String>,
}

/// An attempt as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DialOutAttempt {
    pub id: DialOutAttemptId,
    #[serde(flatten)]
    pub attempt: DialOutAttemptWrite,
    /// The organizer's current name, if they still exist.
    pub organizer_name: Option<String>,
    /// Unix seconds: asked for (or refused).
    pub created_at: i64,
    /// Unix seconds: the last change of status.
    pub updated_at: i64,
}

/// Which attempts to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DialOutFilter {
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    pub status: Option<DialOutStatus>,
}

const COLUMNS: &str = "a.id, a.reference, a.organization_id, a.organizer_id, a.conference_key, \
    a.purpose, a.requested_by, a.dialed, a.e164, a.destination_country, a.status, a.reason, \
    o.name AS organizer_name, a.created_at, a.updated_at";

const FROM: &str = "dial_out_attempts a LEFT JOIN organizers o ON o.id = a.organizer_id";

#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: i64,
    reference: String,
    organization_id: i64,
    organizer_id: Option<i64>,
    conference_key: Option<String>,
    purpose: String,
    requested_by: String,
    dialed: String,
    e164: Option<String>,
    destination_country: Option<String>,
    status: String,
    reason: Option<String>,
    organizer_name: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<AttemptRow> for DialOutAttempt {
    type Error = StoreError;

    fn try_from(r: AttemptRow) -> Result<DialOutAttempt> {
        Ok(DialOutAttempt {
            id: DialOutAttemptId(r.id),
            attempt: DialOutAttemptWrite {
                reference: r.reference,
                organization_id: OrganizationId(r.organization_id),
                organizer_id: r.organizer_id.map(OrganizerId),
                conference_key: r.conference_key,
                purpose: DialOutKind::parse(&r.purpose)?,
                requested_by: r.requested_by,
                dialed: r.dialed,
                e164: r.e164,
                destination_country: r.destination_country,
                status: DialOutStatus::parse(&r.status)?,
                reason: r.reason,
            },
            organizer_name: r.organizer_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(crate) async fn by_reference(c: &mut Conn<'_>, reference: &str) -> Result<DialOutAttempt> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE a.reference = $1");
    let row: Option<AttemptRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(reference)
        .fetch_optional(c)
        .await)?;
    row.ok_or(StoreError::NotFound {
        what: "dial-out attempt",
    })?
    .try_into()
}

macro_rules! list_where {
    () => {
        " WHERE ($1 IS NULL OR a.organization_id = $1) AND ($2 IS NULL OR a.organizer_id = $2) \
          AND ($3 IS NULL OR a.status = $3)"
    };
}

pub(crate) async fn list(
    c: &mut Conn<'_>,
    filter: &DialOutFilter,
    page: Page,
) -> Result<Paged<DialOutAttempt>> {
    let org = filter.organization_id.map(|id| id.0);
    let organizer = filter.organizer_id.map(|id| id.0);
    let status = filter.status.map(DialOutStatus::as_str);
    let select = format!(
        "SELECT {COLUMNS} FROM {FROM}{} ORDER BY a.created_at DESC, a.id DESC LIMIT $4 OFFSET $5",
        list_where!()
    );
    let count = format!("SELECT COUNT(*) FROM {FROM}{}", list_where!());
    let rows: Vec<AttemptRow> = on!(c, |c| sqlx::query_as(&select)
        .bind(org)
        .bind(organizer)
        .bind(status)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(&count)
        .bind(org)
        .bind(organizer)
        .bind(status)
        .fetch_one(c)
        .await)?;
    let items = rows
        .into_iter()
        .map(DialOutAttempt::try_from)
        .collect::<Result<_>>()?;
    Ok(Paged { items, total })
}

/// A reference is what the services draw: 16 lower-case hex characters.
fn check_reference(reference: &str) -> Result<()> {
    let ok = reference.len() == 16
        && reference
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "a dial-out reference is 16 lower-case hex characters, got {reference:?}"
        )))
    }
}

impl Store {
    /// Logs an attempt: the first write of a reference inserts it; later writes change its
    /// status and reason, fill in the number and country when now known (a known value is
    /// never erased), and move `updated_at`. One statement, race-free on both backends.
    ///
    /// An organizer deleted meanwhile is logged as `NULL`, like call records.
    pub async fn record_dial_out_attempt(
        &self,
        write: &DialOutAttemptWrite,
    ) -> Result<DialOutAttempt> {
        check_reference(&write.reference)?;
        let requested_by = validate::name("requested_by", &write.requested_by)?;
        if let Some(e164) = &write.e164 {
            validate::e164(e164)?;
        }
        let country = write
            .destination_country
            .as_deref()
            .map(validate::country)
            .transpose()?;
        let now = self.now();
        let sql = "INSERT INTO dial_out_attempts (reference, organization_id, organizer_id, \
            conference_key, purpose, requested_by, dialed, e164, destination_country, status, \
            reason, created_at, updated_at) VALUES ($1, $2, \
            (SELECT id FROM organizers WHERE id = $3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
            ON CONFLICT (reference) DO UPDATE SET status = excluded.status, \
            reason = excluded.reason, \
            e164 = COALESCE(excluded.e164, dial_out_attempts.e164), \
            destination_country = COALESCE(excluded.destination_country, \
                dial_out_attempts.destination_country), \
            updated_at = excluded.updated_at";
        let mut pc = self.acquire().await?;
        on!(&mut pc.conn(), |c| sqlx::query(sql)
            .bind(&write.reference)
            .bind(write.organization_id.0)
            .bind(write.organizer_id.map(|id| id.0))
            .bind(write.conference_key.as_deref())
            .bind(write.purpose.as_str())
            .bind(&requested_by)
            .bind(&write.dialed)
            .bind(write.e164.as_deref())
            .bind(country.as_deref())
            .bind(write.status.as_str())
            .bind(write.reason.as_deref())
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        by_reference(&mut pc.conn(), &write.reference).await
    }
}
