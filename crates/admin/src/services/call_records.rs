//! Call detail records: the call path stores one when a call ends
//! ([`AdminService::record_call`], no caller, like `resolve`); admins list them (call history)
//! and read the monthly usage report for chargeback, both scoped to their organization, as
//! JSON or CSV.

use super::error::{ServiceError, ServiceResult};
use super::logs::scope;
use super::{AdminService, Caller};
use crate::acp_csv::guard;
use chrono::{DateTime, Datelike, Timelike};
use dialbridge_store::{
    check_month, CallDirection, CallRecord, CallRecordFilter, CallRole, MeetingId, NewCallRecord,
    NumberKind, OrganizationId, OrganizerId, Page, Paged, UsageRow,
};
use serde::Deserialize;

/// A finished call, as the call path knows it. Left-out organization, number kind and
/// country are filled in from the dial-in number called (inbound) or the dialed number's
/// country code (outbound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecordInput {
    pub direction: CallDirection,
    /// The SIP trunk's name from the config file.
    pub trunk: String,
    /// Inbound: the dial-in number called; outbound: the number dialed. E.164.
    pub called_number: String,
    /// The calling number as received (From / P-Asserted-Identity user part), if any.
    pub caller_number: Option<String>,
    pub dial_in_number_kind: Option<NumberKind>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    pub meeting_id: Option<MeetingId>,
    /// The conference joined, if any.
    pub conference_key: Option<String>,
    pub role: Option<CallRole>,
    /// Unix seconds: INVITE received (inbound) or sent (outbound).
    pub started_at: i64,
    /// Unix seconds; `None` if never answered. The duration runs from here to `ended_at`.
    pub answered_at: Option<i64>,
    /// Unix seconds.
    pub ended_at: i64,
    /// A short word: `caller_hangup`, `conference_ended`, `pin_locked`, `no_answer`, ...
    pub end_reason: String,
}

/// Which call records to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CallRecordQuery {
    /// A scoped caller's organization is implied; naming another is refused.
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    pub direction: Option<CallDirection>,
    /// Calls ended at or after this time (Unix seconds).
    pub since: Option<i64>,
    /// Calls ended before this time (Unix seconds).
    pub until: Option<i64>,
}

/// The most rows one CSV download holds; a larger history is downloaded in date ranges.
pub const MAX_CSV_RECORDS: usize = 100_000;

/// The longest usage report, in months (ten years).
const MAX_REPORT_MONTHS: i64 = 120;

/// The destination country of a dialed E.164 number, when libphonenumber knows it. Only
/// `+` and digits reach the parser (it has panicked on odd input before).
fn country_of(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parsed = phonenumber::parse(None, e164).ok()?;
    parsed.country().id().map(|id| id.as_ref().to_owned())
}

/// The start (00:00 UTC, Unix seconds) of a day written `YYYY-MM-DD`, or Unix seconds as
/// they are: what `--since` and `--until` take on the command line.
pub fn parse_time(text: &str) -> ServiceResult<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map_err(|_| ServiceError::invalid(format!("time {text:?} is too large")));
    }
    let bad = || {
        ServiceError::invalid(format!(
            "{text:?}: give a day as YYYY-MM-DD (UTC) or Unix seconds"
        ))
    };
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(bad());
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return Err(bad());
    }
    let (Ok(year), Ok(month), Ok(day)) = (year.parse(), month.parse(), day.parse()) else {
        return Err(bad());
    };
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)?;
    Ok(date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp())
}

fn month_index(month: &str) -> ServiceResult<i64> {
    check_month(month).map_err(|e| ServiceError::invalid(e.to_string()))?;
    let year: i64 = month[..4].parse().map_err(ServiceError::internal)?;
    let m: i64 = month[5..].parse().map_err(ServiceError::internal)?;
    Ok(year * 12 + m - 1)
}

impl AdminService {
    /// Stores a finished call (the call path; no caller, no audit row). Fills in what the
    /// call path left out: for an inbound call, the dial-in number's kind, country and (for
    /// a number dedicated to one organization) organization; the organizer's organization;
    /// for an outbound call, the destination country.
    pub async fn record_call(&self, input: CallRecordInput) -> ServiceResult<()> {
        let mut new = NewCallRecord {
            direction: input.direction,
            trunk: input.trunk,
            called_number: input.called_number.trim().to_owned(),
            caller_number: input.caller_number,
            dial_in_number_kind: input.dial_in_number_kind,
            country: input.country,
            organization_id: input.organization_id,
            organizer_id: input.organizer_id,
            meeting_id: input.meeting_id,
            conference_key: input.conference_key,
            role: input.role,
            started_at: input.started_at,
            answered_at: input.answered_at,
            ended_at: input.ended_at,
            duration_secs: input
                .answered_at
                .map_or(0, |answered| (input.ended_at - answered).max(0)),
            end_reason: input.end_reason,
        };
        match new.direction {
            CallDirection::Inbound => {
                let missing = new.dial_in_number_kind.is_none()
                    || new.country.is_none()
                    || new.organization_id.is_none();
                if missing {
                    if let Some(number) = self
                        .store
                        .dial_in_number_by_e164(&new.called_number)
                        .await?
                    {
                        new.dial_in_number_kind.get_or_insert(number.fields.kind);
                        new.country.get_or_insert(number.fields.country);
                        if new.organization_id.is_none() {
                            new.organization_id = number.fields.organization_id;
                        }
                    }
                }
            }
            CallDirection::Outbound => {
                if new.country.is_none() {
                    new.country = country_of(&new.called_number);
                }
            }
        }
        if let (None, Some(organizer_id)) = (new.organization_id, new.organizer_id) {
            match self.store.organizer(organizer_id).await {
                Ok(organizer) => new.organization_id = Some(organizer.organization_id),
                // Deleted while the call ran: the store keeps the call without it.
                Err(dialbridge_store::StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.store.insert_call_record(&new).await?;
        Ok(())
    }

    /// Call history, newest first: a scoped admin sees their organization's calls only.
    pub async fn list_call_records(
        &self,
        caller: &Caller,
        query: &CallRecordQuery,
        page: Page,
    ) -> ServiceResult<Paged<CallRecord>> {
        let filter = CallRecordFilter {
            organization_id: scope(caller, query.organization_id)?,
            organizer_id: query.organizer_id,
            direction: query.direction,
            since: query.since,
            until: query.until,
        };
        Ok(self.store.list_call_records(&filter, page).await?)
    }

    /// Every record the query matches (up to [`MAX_CSV_RECORDS`]) as CSV (columns in
    /// [`CALL_RECORD_COLUMNS`]).
    pub async fn export_call_records(
        &self,
        caller: &Caller,
        query: &CallRecordQuery,
    ) -> ServiceResult<Vec<u8>> {
        let mut records = Vec::new();
        let mut offset = 0_u64;
        while records.len() < MAX_CSV_RECORDS {
            let page = Page::new(Page::MAX_LIMIT, offset);
            let batch = self.list_call_records(caller, query, page).await?;
            let got = batch.items.len();
            records.extend(batch.items);
            if got < Page::MAX_LIMIT as usize {
                break;
            }
            offset += got as u64;
        }
        records.truncate(MAX_CSV_RECORDS);
        call_records_csv(&records)
    }

    /// Calls and billed minutes per month, `from` to `to` (`YYYY-MM`, inclusive, UTC), per
    /// organization, organizer, direction, dial-in number kind and country. A scoped admin
    /// gets their organization's; a platform admin all or the one named.
    pub async fn usage_report(
        &self,
        caller: &Caller,
        organization_id: Option<OrganizationId>,
        from: &str,
        to: &str,
    ) -> ServiceResult<Vec<UsageRow>> {
        let organization_id = scope(caller, organization_id)?;
        let months = month_index(to)? - month_index(from)?;
        if months < 0 {
            return Err(ServiceError::invalid(format!(
                "the report starts ({from}) after it ends ({to})"
            )));
        }
        if months >= MAX_REPORT_MONTHS {
            return Err(ServiceError::invalid(format!(
                "a report covers at most {MAX_REPORT_MONTHS} months"
            )));
        }
        Ok(self.store.usage_report(organization_id, from, to).await?)
    }
}

/// The call history CSV's columns. Times are ISO 8601 UTC; `billed_minutes` is the duration
/// rounded up to whole minutes, as the usage report sums it.
pub const CALL_RECORD_COLUMNS: [&str; 19] = [
    "id",
    "direction",
    "trunk",
    "called_number",
    "caller_number",
    "dial_in_number_kind",
    "country",
    "organization_id",
    "organizer_id",
    "meeting_id",
    "conference_key",
    "role",
    "started_at",
    "answered_at",
    "ended_at",
    "month",
    "duration_secs",
    "billed_minutes",
    "end_reason",
];

/// The usage report CSV's columns.
pub const USAGE_COLUMNS: [&str; 10] = [
    "month",
    "organization_id",
    "organization_name",
    "organizer_id",
    "organizer_name",
    "direction",
    "dial_in_number_kind",
    "country",
    "calls",
    "minutes",
];

/// `2026-03-01T12:00:05Z`: how times are written in CSV files and shown in the admin center.
pub fn utc(unix_secs: i64) -> String {
    match DateTime::from_timestamp(unix_secs, 0) {
        Some(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        None => unix_secs.to_string(),
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn write_csv<const N: usize>(
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> ServiceResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| ServiceError::internal(format!("writing CSV: {e}"));
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(&row).map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| ServiceError::internal(format!("writing CSV: {e}")))
}

/// Call records as CSV ([`CALL_RECORD_COLUMNS`]), with free text guarded against formula
/// injection as in the ACP export.
pub fn call_records_csv(records: &[CallRecord]) -> ServiceResult<Vec<u8>> {
    write_csv(
        CALL_RECORD_COLUMNS,
        records.iter().map(|r| {
            let c = &r.call;
            [
                r.id.to_string(),
                c.direction.to_string(),
                guard::text(&c.trunk),
                guard::phone(&c.called_number),
                c.caller_number
                    .as_deref()
                    .map(guard::phone)
                    .unwrap_or_default(),
                opt(c.dial_in_number_kind),
                opt(c.country.as_deref()),
                opt(c.organization_id),
                opt(c.organizer_id),
                opt(c.meeting_id),
                c.conference_key
                    .as_deref()
                    .map(guard::text)
                    .unwrap_or_default(),
                opt(c.role),
                utc(c.started_at),
                c.answered_at.map(utc).unwrap_or_default(),
                utc(c.ended_at),
                r.month.clone(),
                c.duration_secs.to_string(),
                ((c.duration_secs + 59) / 60).to_string(),
                guard::text(&c.end_reason),
            ]
        }),
    )
}

/// The usage report as CSV ([`USAGE_COLUMNS`]).
pub fn usage_csv(rows: &[UsageRow]) -> ServiceResult<Vec<u8>> {
    write_csv(
        USAGE_COLUMNS,
        rows.iter().map(|r| {
            [
                r.month.clone(),
                opt(r.organization_id),
                r.organization_name
                    .as_deref()
                    .map(guard::text)
                    .unwrap_or_default(),
                opt(r.organizer_id),
                r.organizer_name
                    .as_deref()
                    .map(guard::text)
                    .unwrap_or_default(),
                r.direction.to_string(),
                opt(r.dial_in_number_kind),
                opt(r.country.as_deref()),
                r.calls.to_string(),
                r.minutes.to_string(),
            ]
        }),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn destination_country_comes_from_the_country_code() {
        assert_eq!(country_of("+442071838750").as_deref(), Some("GB"));
        assert_eq!(country_of("+33142685300").as_deref(), Some("FR"));
        assert_eq!(country_of("+1 206").as_deref(), None, "not plain E.164");
        assert_eq!(country_of("=cmd").as_deref(), None);
    }

    #[test]
    fn times_are_iso_utc() {
        assert_eq!(utc(1_772_323_205), "2026-03-01T00:00:05Z");
    }

    #[test]
    fn times_are_days_or_unix_seconds() {
        assert_eq!(parse_time("2026-03-01").unwrap(), 1_772_323_200);
        assert_eq!(parse_time("1772323200").unwrap(), 1_772_323_200);
        for bad in ["2026-02-30", "2026-3-01", "yesterday", "", "-5"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn month_ranges() {
        assert_eq!(
            month_index("2026-01").unwrap() - month_index("2025-12").unwrap(),
            1
        );
        assert!(month_index("2026-13").is_err());
    }
}
