//! Call detail records: one row per finished call leg, written by the call path when the call
//! ends, listed for call history and summed per month for the chargeback usage report.
//!
//! Writing a record is not an admin change, so it writes no audit row (as the call path's PIN
//! lockout writes none): the record is itself the trail of the call.

use crate::db::{on, Conn, Store};
use crate::dial_in_numbers::NumberKind;
use crate::ids::{CallRecordId, MeetingId, OrganizationId, OrganizerId};
use crate::page::{Page, Paged};
use crate::text_enum::text_enum;
use crate::{validate, Result, StoreError};
use chrono::{DateTime, Datelike};
use serde::{Deserialize, Serialize};

text_enum! {
    /// Which way a call leg went.
    CallDirection {
        /// Someone dialed one of our dial-in numbers.
        Inbound = "inbound",
        /// The bridge dialed out (call-me / dial-out to a participant).
        Outbound = "outbound",
    }
}

text_enum! {
    /// Whether the caller was the meeting's organizer (entered the PIN) or an attendee.
    CallRole {
        Organizer = "organizer",
        Attendee = "attendee",
    }
}

/// A finished call as the call path reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCallRecord {
    pub direction: CallDirection,
    /// Name of the SIP trunk the call used (from the config file).
    pub trunk: String,
    /// Inbound: the dial-in number called; outbound: the number dialed. E.164.
    pub called_number: String,
    /// The calling number as received (may be anonymous, a SIP URI user part, anything).
    pub caller_number: Option<String>,
    /// Inbound only: the kind of the dial-in number called.
    pub dial_in_number_kind: Option<NumberKind>,
    /// ISO 3166-1 alpha-2: the dial-in number's country (inbound) or the destination's
    /// (outbound).
    pub country: Option<String>,
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    pub meeting_id: Option<MeetingId>,
    /// The conference the call joined (the media layer's key), if it joined one.
    pub conference_key: Option<String>,
    pub role: Option<CallRole>,
    /// Unix seconds: the INVITE arrived (inbound) or was sent (outbound).
    pub started_at: i64,
    /// Unix seconds: the call was answered; `None` if it never was.
    pub answered_at: Option<i64>,
    /// Unix seconds: the call ended.
    pub ended_at: i64,
    /// Seconds from answer to end (0 for a call never answered).
    pub duration_secs: i64,
    /// Why it ended: `caller_hangup`, `pin_locked`, `busy`, a SIP status...
    pub end_reason: String,
}

/// A call detail record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRecord {
    pub id: CallRecordId,
    #[serde(flatten)]
    pub call: NewCallRecord,
    /// `YYYY-MM` of `ended_at` in UTC: the month the call is billed in.
    pub month: String,
}

/// Which records to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallRecordFilter {
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    pub direction: Option<CallDirection>,
    /// Calls that ended at or after this time (Unix seconds).
    pub since: Option<i64>,
    /// Calls that ended before this time (Unix seconds).
    pub until: Option<i64>,
}

/// One line of the usage report: the calls of one month sharing organization, organizer,
/// direction, number kind and country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageRow {
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub organization_id: Option<OrganizationId>,
    pub organization_name: Option<String>,
    pub organizer_id: Option<OrganizerId>,
    pub organizer_name: Option<String>,
    pub direction: CallDirection,
    pub dial_in_number_kind: Option<NumberKind>,
    pub country: Option<String>,
    pub calls: i64,
    /// Billed minutes: each call's duration rounded up to a whole minute, then summed, as
    /// carriers bill (a 61-second call is 2 minutes; an unanswered call is 0).
    pub minutes: i64,
}

/// `YYYY-MM` of a Unix time, in UTC.
pub fn month_of(unix_secs: i64) -> Result<String> {
    let at = DateTime::from_timestamp(unix_secs, 0)
        .ok_or_else(|| StoreError::Invalid(format!("time out of range: {unix_secs}")))?;
    Ok(format!("{:04}-{:02}", at.year(), at.month()))
}

/// Checks a `YYYY-MM` month (month 01 to 12).
pub fn check_month(month: &str) -> Result<()> {
    let bytes = month.as_bytes();
    let shaped = bytes.len() == 7
        && bytes[4] == b'-'
        && bytes[..4].iter().chain(&bytes[5..]).all(u8::is_ascii_digit);
    if shaped
        && matches!(
            &month[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
    {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "a month is YYYY-MM, got {month:?}"
        )))
    }
}

const COLUMNS: &str = "id, direction, trunk, called_number, caller_number, dial_in_number_kind, \
    country, organization_id, organizer_id, meeting_id, conference_key, role, started_at, \
    answered_at, ended_at, ended_month, duration_secs, end_reason";

#[derive(sqlx::FromRow)]
struct CallRecordRow {
    id: i64,
    direction: String,
    trunk: String,
    called_number: String,
    caller_number: Option<String>,
    dial_in_number_kind: Option<String>,
    country: Option<String>,
    organization_id: Option<i64>,
    organizer_id: Option<i64>,
    meeting_id: Option<i64>,
    conference_key: Option<String>,
    role: Option<String>,
    started_at: i64,
    answered_at: Option<i64>,
    ended_at: i64,
    ended_month: String,
    duration_secs: i64,
    end_reason: String,
}

impl TryFrom<CallRecordRow> for CallRecord {
    type Error = StoreError;

    fn try_from(r: CallRecordRow) -> Result<CallRecord> {
        Ok(CallRecord {
            id: CallRecordId(r.id),
            call: NewCallRecord {
                direction: CallDirection::parse(&r.direction)?,
                trunk: r.trunk,
                called_number: r.called_number,
                caller_number: r.caller_number,
                dial_in_number_kind: r
                    .dial_in_number_kind
                    .as_deref()
                    .map(NumberKind::parse)
                    .transpose()?,
                country: r.country,
                organization_id: r.organization_id.map(OrganizationId),
                organizer_id: r.organizer_id.map(OrganizerId),
                meeting_id: r.meeting_id.map(MeetingId),
                conference_key: r.conference_key,
                role: r.role.as_deref().map(CallRole::parse).transpose()?,
                started_at: r.started_at,
                answered_at: r.answered_at,
                ended_at: r.ended_at,
                duration_secs: r.duration_secs,
                end_reason: r.end_reason,
            },
            month: r.ended_month,
        })
    }
}

pub(crate) async fn get(c: &mut Conn<'_>, id: CallRecordId) -> Result<CallRecord> {
    let sql = format!("SELECT {COLUMNS} FROM call_records WHERE id = $1");
    let row: Option<CallRecordRow> = on!(c, |c| sqlx::query_as(&sql)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    row.ok_or(StoreError::NotFound {
        what: "call record",
    })?
    .try_into()
}

macro_rules! list_where {
    () => {
        " WHERE ($1 IS NULL OR organization_id = $1) AND ($2 IS NULL OR organizer_id = $2) \
          AND ($3 IS NULL OR direction = $3) AND ($4 IS NULL OR ended_at >= $4) \
          AND ($5 IS NULL OR ended_at < $5)"
    };
}

pub(crate) async fn list(
    c: &mut Conn<'_>,
    filter: &CallRecordFilter,
    page: Page,
) -> Result<Paged<CallRecord>> {
    let org = filter.organization_id.map(|id| id.0);
    let organizer = filter.organizer_id.map(|id| id.0);
    let direction = filter.direction.map(CallDirection::as_str);
    let select = format!(
        "SELECT {COLUMNS} FROM call_records{} ORDER BY ended_at DESC, id DESC LIMIT $6 OFFSET $7",
        list_where!()
    );
    let count = concat!("SELECT COUNT(*) FROM call_records", list_where!());
    let rows: Vec<CallRecordRow> = on!(c, |c| sqlx::query_as(&select)
        .bind(org)
        .bind(organizer)
        .bind(direction)
        .bind(filter.since)
        .bind(filter.until)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(c)
        .await)?;
    let total: i64 = on!(c, |c| sqlx::query_scalar(count)
        .bind(org)
        .bind(organizer)
        .bind(direction)
        .bind(filter.since)
        .bind(filter.until)
        .fetch_one(c)
        .await)?;
    let items = rows
        .into_iter()
        .map(CallRecord::try_from)
        .collect::<Result<_>>()?;
    Ok(Paged { items, total })
}

#[derive(sqlx::FromRow)]
struct UsageSqlRow {
    month: String,
    organization_id: Option<i64>,
    organization_name: Option<String>,
    organizer_id: Option<i64>,
    organizer_name: Option<String>,
    direction: String,
    dial_in_number_kind: Option<String>,
    country: Option<String>,
    calls: i64,
    minutes: i64,
}

/// Calls and billed minutes per month from `from` to `to` (both `YYYY-MM`, inclusive), per
/// organization, organizer, direction, number kind and country; one organization's or all.
pub(crate) async fn usage(
    c: &mut Conn<'_>,
    organization_id: Option<OrganizationId>,
    from: &str,
    to: &str,
) -> Result<Vec<UsageRow>> {
    check_month(from)?;
    check_month(to)?;
    // Rounded up per call before summing: (secs + 59) / 60 is integer division on both
    // backends. PostgreSQL's SUM of BIGINT is NUMERIC, hence the cast. The backends sort
    // NULL differently (SQLite first, PostgreSQL last): `IS NULL` keys put unknowns last on both.
    let sql = "SELECT c.ended_month AS month, c.organization_id, org.name AS organization_name, \
        c.organizer_id, o.name AS organizer_name, c.direction, c.dial_in_number_kind, c.country, \
        COUNT(*) AS calls, CAST(SUM((c.duration_secs + 59) / 60) AS BIGINT) AS minutes \
        FROM call_records c \
        LEFT JOIN organizations org ON org.id = c.organization_id \
        LEFT JOIN organizers o ON o.id = c.organizer_id \
        WHERE ($1 IS NULL OR c.organization_id = $1) AND c.ended_month >= $2 \
          AND c.ended_month <= $3 \
        GROUP BY c.ended_month, c.organization_id, org.name, c.organizer_id, o.name, \
          c.direction, c.dial_in_number_kind, c.country \
        ORDER BY c.ended_month, org.name IS NULL, org.name, c.organization_id, \
          o.name IS NULL, o.name, c.organizer_id, c.direction, \
          c.dial_in_number_kind IS NULL, c.dial_in_number_kind, c.country IS NULL, c.country";
    let rows: Vec<UsageSqlRow> = on!(c, |c| sqlx::query_as(sql)
        .bind(organization_id.map(|id| id.0))
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?;
    rows.into_iter()
        .map(|r| {
            Ok(UsageRow {
                month: r.month,
                organization_id: r.organization_id.map(OrganizationId),
                organization_name: r.organization_name,
                organizer_id: r.organizer_id.map(OrganizerId),
                organizer_name: r.organizer_name,
                direction: CallDirection::parse(&r.direction)?,
                dial_in_number_kind: r
                    .dial_in_number_kind
                    .as_deref()
                    .map(NumberKind::parse)
                    .transpose()?,
                country: r.country,
                calls: r.calls,
                minutes: r.minutes,
            })
        })
        .collect()
}

fn checked_country(country: Option<&str>) -> Result<Option<String>> {
    country.map(validate::country).transpose()
}

impl Store {
    /// Stores a finished call (call path, one statement, no audit row: see the module doc).
    ///
    /// An organization, organizer or meeting deleted while the call ran is stored as `NULL`
    /// rather than refusing the record: a call that happened is never lost.
    pub async fn insert_call_record(&self, new: &NewCallRecord) -> Result<CallRecord> {
        validate::e164(&new.called_number)?;
        let trunk = validate::name("trunk", &new.trunk)?;
        let country = checked_country(new.country.as_deref())?;
        if new.ended_at < new.started_at || new.duration_secs < 0 {
            return Err(StoreError::Invalid(
                "a call ends after it starts and lasts zero seconds or more".into(),
            ));
        }
        let month = month_of(new.ended_at)?;
        let sql = "INSERT INTO call_records (direction, trunk, called_number, caller_number, \
            dial_in_number_kind, country, organization_id, organizer_id, meeting_id, \
            conference_key, role, started_at, answered_at, ended_at, ended_month, duration_secs, \
            end_reason) VALUES ($1, $2, $3, $4, $5, $6, \
            (SELECT id FROM organizations WHERE id = $7), \
            (SELECT id FROM organizers WHERE id = $8), \
            (SELECT id FROM scheduled_meetings WHERE id = $9), \
            $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id";
        let mut pc = self.acquire().await?;
        let id: i64 = on!(&mut pc.conn(), |c| sqlx::query_scalar(sql)
            .bind(new.direction.as_str())
            .bind(&trunk)
            .bind(&new.called_number)
            .bind(new.caller_number.as_deref())
            .bind(new.dial_in_number_kind.map(NumberKind::as_str))
            .bind(country.as_deref())
            .bind(new.organization_id.map(|id| id.0))
            .bind(new.organizer_id.map(|id| id.0))
            .bind(new.meeting_id.map(|id| id.0))
            .bind(new.conference_key.as_deref())
            .bind(new.role.map(CallRole::as_str))
            .bind(new.started_at)
            .bind(new.answered_at)
            .bind(new.ended_at)
            .bind(&month)
            .bind(new.duration_secs)
            .bind(&new.end_reason)
            .fetch_one(c)
            .await)?;
        get(&mut pc.conn(), CallRecordId(id)).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc() {
        assert_eq!(month_of(0).unwrap(), "1970-01");
        // 2026-01-31T23:59:59Z and one second later.
        assert_eq!(month_of(1_769_903_999).unwrap(), "2026-01");
        assert_eq!(month_of(1_769_904_000).unwrap(), "2026-02");
    }

    #[test]
    fn month_shape_is_checked() {
        for ok in ["2026-01", "1999-12"] {
            assert!(check_month(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-01",
            "2026/01",
            "2026-01-01",
            "",
        ] {
            assert!(check_month(bad).is_err(), "{bad}");
        }
    }
}
