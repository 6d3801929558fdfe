//! **Call history**: call detail records filtered by date range (UTC days), direction,
//! organizer and phone number, in pages, with the same search as a CSV download. Filters are
//! a GET form, so a search is a link an admin can keep.

use crate::guard::Admin;
use crate::render;
use crate::Web;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Timelike};
use dialbridge_admin::services::{
    parse_time, CallRecordQuery, OrganizerQuery, ServiceError, ServiceResult,
};
use dialbridge_store::{CallDirection, CallRecord, NumberKind, OrganizerId, Page};
use serde::Deserialize;
use std::collections::HashMap;

const PAGE_SIZE: u32 = 50;
const DAY_SECS: i64 = 24 * 60 * 60;

/// The filter as the form sends it: all text, checked here so errors go next to fields.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct Filter {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    organizer: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    page: String,
}

struct Row {
    ended_at: String,
    direction: &'static str,
    called_number: String,
    caller_number: String,
    organizer: String,
    kind: &'static str,
    country: String,
    duration: String,
    end_reason: String,
}

struct OrganizerChoice {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    layout: render::Layout,
    filter: Filter,
    organizers: Vec<OrganizerChoice>,
    /// The field that was wrong and why.
    failed: Option<(&'static str, String)>,
    rows: Vec<Row>,
    total: i64,
    first_shown: u64,
    last_shown: u64,
    previous: Option<String>,
    next: Option<String>,
    csv_link: String,
}

impl CallsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        match &self.failed {
            Some((name, message)) if *name == field => Some(message),
            _ => None,
        }
    }
}

/// The search the filter asks for, or the field that is wrong.
fn query(filter: &Filter) -> Result<CallRecordQuery, (&'static str, String)> {
    let day = |field: &'static str, text: &str| -> Result<Option<i64>, (&'static str, String)> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.len() != 10 {
            return Err((field, "give a day as YYYY-MM-DD".to_owned()));
        }
        parse_time(text)
            .map(Some)
            .map_err(|e| (field, e.to_string()))
    };
    let since = day("from", &filter.from)?;
    // "To" is inclusive: calls that ended before the next day began.
    let until = day("to", &filter.to)?.map(|t| t + DAY_SECS);
    if let (Some(since), Some(until)) = (since, until) {
        if until <= since {
            return Err(("to", "the last day is before the first".to_owned()));
        }
    }
    let direction = match filter.direction.as_str() {
        "" => None,
        "inbound" => Some(CallDirection::Inbound),
        "outbound" => Some(CallDirection::Outbound),
        _ => return Err(("direction", "choose inbound, outbound or any".to_owned())),
    };
    let organizer_id = match filter.organizer.trim() {
        "" => None,
        id => Some(OrganizerId(id.parse().map_err(|_| {
            ("organizer", "choose an organizer from the list".to_owned())
        })?)),
    };
    Ok(CallRecordQuery {
        organizer_id,
        direction,
        since,
        until,
        ..CallRecordQuery::default()
    })
}

fn filter_pairs(filter: &Filter) -> Vec<(&'static str, String)> {
    [
        ("from", &filter.from),
        ("to", &filter.to),
        ("direction", &filter.direction),
        ("organizer", &filter.organizer),
        ("number", &filter.number),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| (k, v.trim().to_owned()))
    .collect()
}

fn link(path: &str, filter: &Filter, page: Option<u64>) -> String {
    let mut pairs = filter_pairs(filter);
    if let Some(page) = page {
        pairs.push(("page", page.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// `2026-03-01 12:00 UTC`.
pub(crate) fn utc_minute(unix_secs: i64) -> String {
    match chrono::DateTime::from_timestamp(unix_secs, 0) {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute()
        ),
        None => unix_secs.to_string(),
    }
}

fn duration(secs: i64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

pub(crate) fn kind_label(kind: Option<NumberKind>) -> &'static str {
    match kind {
        Some(NumberKind::Toll) => "toll",
        Some(NumberKind::TollFree) => "toll-free",
        None => "",
    }
}

pub(crate) fn direction_label(direction: CallDirection) -> &'static str {
    match direction {
        CallDirection::Inbound => "inbound",
        CallDirection::Outbound => "dial-out",
    }
}

fn row(record: CallRecord, names: &HashMap<i64, String>) -> Row {
    let call = record.call;
    Row {
        ended_at: utc_minute(call.ended_at),
        direction: direction_label(call.direction),
        called_number: call.called_number,
        caller_number: call.caller_number.unwrap_or_default(),
        organizer: call
            .organizer_id
            .map(|id| {
                names
                    .get(&id.0)
                    .cloned()
                    .unwrap_or_else(|| format!("#{id}"))
            })
            .unwrap_or_default(),
        kind: kind_label(call.dial_in_number_kind),
        country: call.country.unwrap_or_default(),
        duration: duration(call.duration_secs),
        end_reason: call.end_reason,
    }
}

async fn gather(
    web: &Web,
    admin: &Admin,
    filter: Filter,
) -> ServiceResult<(StatusCode, CallsPage)> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    let organizers: Vec<OrganizerChoice> = svc
        .list_organizers(
            caller,
            &OrganizerQuery::default(),
            Page::first(Page::MAX_LIMIT),
        )
        .await?
        .items
        .into_iter()
        .map(|o| OrganizerChoice {
            id: o.id.0,
            name: o.profile.name,
        })
        .collect();
    let names: HashMap<i64, String> = organizers.iter().map(|o| (o.id, o.name.clone())).collect();
    let page_number = filter.page.trim().parse::<u64>().unwrap_or(1).max(1);
    let (status, failed, found) = match query(&filter) {
        Ok(query) => {
            let page = Page::new(PAGE_SIZE, (page_number - 1) * u64::from(PAGE_SIZE));
            let number = Some(filter.number.as_str()).filter(|n| !n.trim().is_empty());
            match svc.search_call_records(caller, &query, number, page).await {
                Ok(found) => (StatusCode::OK, None, Some(found)),
                Err(ServiceError::Invalid(message)) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, Some(("", message)), None)
                }
                Err(error) => return Err(error),
            }
        }
        Err(failed) => (StatusCode::UNPROCESSABLE_ENTITY, Some(failed), None),
    };
    let (items, total) = found.map(|p| (p.items, p.total)).unwrap_or_default();
    let shown = items.len() as u64;
    let first_shown = (page_number - 1) * u64::from(PAGE_SIZE) + 1;
    let total_u = u64::try_from(total).unwrap_or(0);
    let last_shown = first_shown + shown.saturating_sub(1);
    let page = CallsPage {
        layout: super::layout(web, admin, "Call history", "calls"),
        previous: (page_number > 1).then(|| link("/calls", &filter, Some(page_number - 1))),
        next: (last_shown < total_u && shown > 0)
            .then(|| link("/calls", &filter, Some(page_number + 1))),
        csv_link: link("/calls.csv", &filter, None),
        rows: items.into_iter().map(|r| row(r, &names)).collect(),
        total,
        first_shown,
        last_shown,
        organizers,
        failed,
        filter,
    };
    Ok((status, page))
}

pub(crate) async fn list(
    State(web): State<Web>,
    admin: Admin,
    Query(filter): Query<Filter>,
) -> Response {
    match gather(&web, &admin, filter).await {
        Ok((status, page)) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "calls")),
    }
}

pub(crate) async fn csv(
    State(web): State<Web>,
    admin: Admin,
    Query(filter): Query<Filter>,
) -> Response {
    let query = match query(&filter) {
        Ok(query) => query,
        Err((_, message)) => {
            return render::service_error(
                &ServiceError::Invalid(message),
                super::layout(&web, &admin, "", "calls"),
            )
        }
    };
    let number = Some(filter.number.as_str()).filter(|n| !n.trim().is_empty());
    match web
        .admin()
        .export_call_record_search(&admin.who.caller, &query, number)
        .await
    {
        Ok(csv) => super::csv_download("call-history.csv", csv),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "calls")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(1_772_366_405), "2026-03-01 12:00 UTC");
        assert_eq!(utc_minute(951_782_400), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn the_last_day_is_inclusive_and_bad_fields_are_named() {
        let filter = Filter {
            from: "2026-03-01".into(),
            to: "2026-03-01".into(),
            ..Filter::default()
        };
        let q = query(&filter).unwrap_or_default();
        assert_eq!(q.until.zip(q.since).map(|(u, s)| u - s), Some(DAY_SECS));
        let bad = Filter {
            from: "March".into(),
            ..Filter::default()
        };
        assert_eq!(query(&bad).map_err(|e| e.0), Err("from"));
        let backwards = Filter {
            from: "2026-03-02".into(),
            to: "2026-03-01".into(),
            ..Filter::default()
        };
        assert_eq!(query(&backwards).map_err(|e| e.0), Err("to"));
    }
}
