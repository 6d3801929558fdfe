//! The usage report for chargeback: billed minutes per month by organization, by organizer,
//! by dial-in number type and country, and dial-out minutes by destination country; the
//! report's rows as CSV. Months are UTC; an org admin sees their organization's.

use crate::guard::Admin;
use crate::render;
use crate::Web;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use dialbridge_admin::services::{usage_csv, ServiceError, ServiceResult};
use dialbridge_store::{CallDirection, UsageRow};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// One line of a summary table: the month, what is summed over, calls and minutes.
struct Total {
    month: String,
    what: String,
    calls: i64,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "usage.html")]
struct UsagePage {
    layout: render::Layout,
    from: String,
    to: String,
    failed: Option<String>,
    sections: Vec<Section>,
    csv_link: String,
}

/// One summary table.
struct Section {
    title: &'static str,
    id: &'static str,
    heading: &'static str,
    totals: Vec<Total>,
}

/// This month, `YYYY-MM` (UTC): the report's default period.
fn this_month() -> String {
    let now = chrono::Utc::now();
    format!("{:04}-{:02}", now.year(), now.month())
}

fn period(asked: Period) -> Period {
    let month = this_month();
    let or_month = |s: String| {
        let s = s.trim().to_owned();
        if s.is_empty() {
            month.clone()
        } else {
            s
        }
    };
    Period {
        from: or_month(asked.from),
        to: or_month(asked.to),
    }
}

/// Sums the report's rows by month and `key` (rows `key` gives `None` for are left out).
fn totals(rows: &[UsageRow], key: impl Fn(&UsageRow) -> Option<String>) -> Vec<Total> {
    let mut sums: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for row in rows {
        if let Some(what) = key(row) {
            let sum = sums.entry((row.month.clone(), what)).or_default();
            sum.0 += row.calls;
            sum.1 += row.minutes;
        }
    }
    sums.into_iter()
        .map(|((month, what), (calls, minutes))| Total {
            month,
            what,
            calls,
            minutes,
        })
        .collect()
}

fn or_unknown(value: Option<&str>) -> String {
    value.unwrap_or("unknown").to_owned()
}

fn csv_link(period: &Period) -> String {
    let pairs = [("from", period.from.as_str()), ("to", period.to.as_str())];
    format!(
        "/usage.csv?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

async fn gather(web: &Web, admin: &Admin, asked: Period) -> ServiceResult<(StatusCode, UsagePage)> {
    let period = period(asked);
    let (status, failed, rows) = match web
        .admin()
        .usage_report(&admin.who.caller, None, &period.from, &period.to)
        .await
    {
        Ok(rows) => (StatusCode::OK, None, rows),
        Err(ServiceError::Invalid(message)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Some(message), Vec::new())
        }
        Err(error) => return Err(error),
    };
    let inbound = |r: &UsageRow| r.direction == CallDirection::Inbound;
    let page = UsagePage {
        layout: super::layout(web, admin, "Usage report", "calls"),
        sections: vec![
            Section {
                title: "Minutes by organization",
                id: "by-organization",
                heading: "Organization",
                totals: totals(&rows, |r| Some(or_unknown(r.organization_name.as_deref()))),
            },
            Section {
                title: "Minutes by organizer",
                id: "by-organizer",
                heading: "Organizer",
                totals: totals(&rows, |r| {
                    Some(format!(
                        "{} ({})",
                        or_unknown(r.organizer_name.as_deref()),
                        super::calls::direction_label(r.direction)
                    ))
                }),
            },
            Section {
                title: "Dial-in minutes by number type and country",
                id: "by-number",
                heading: "Country and number type",
                totals: totals(&rows, |r| {
                    inbound(r).then(|| {
                        format!(
                            "{} {}",
                            or_unknown(r.country.as_deref()),
                            super::calls::kind_label(r.dial_in_number_kind)
                        )
                    })
                }),
            },
            Section {
                title: "Dial-out minutes by destination country",
                id: "dial-out",
                heading: "Destination country",
                totals: totals(&rows, |r| {
                    (!inbound(r)).then(|| or_unknown(r.country.as_deref()))
                }),
            },
        ],
        csv_link: csv_link(&period),
        from: period.from,
        to: period.to,
        failed,
    };
    Ok((status, page))
}

pub(crate) async fn show(
    State(web): State<Web>,
    admin: Admin,
    Query(asked): Query<Period>,
) -> Response {
    match gather(&web, &admin, asked).await {
        Ok((status, page)) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "calls")),
    }
}

pub(crate) async fn csv(
    State(web): State<Web>,
    admin: Admin,
    Query(asked): Query<Period>,
) -> Response {
    let period = period(asked);
    let report = web
        .admin()
        .usage_report(&admin.who.caller, None, &period.from, &period.to)
        .await
        .and_then(|rows| usage_csv(&rows));
    match report {
        Ok(csv) => super::csv_download(&format!("usage-{}-{}.csv", period.from, period.to), csv),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "calls")),
    }
}
