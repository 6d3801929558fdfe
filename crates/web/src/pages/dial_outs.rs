//! **Dial-out log**: every attempt to call out of a meeting, refused or placed, newest first,
//! with who was called, how it ended and why; filtered to refusals on demand.

use crate::guard::Admin;
use crate::render;
use crate::Web;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use dialbridge_admin::services::{utc, DialOutQuery, ServiceResult};
use dialbridge_store::{DialOutStatus, Page};
use serde::Deserialize;

const PAGE_SIZE: u32 = 25;

/// The filter as the form sends it (text, so a hand-edited address shows the first page).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Filter {
    /// Present (`on`) when "refused only" is ticked.
    #[serde(default)]
    refused: Option<String>,
    #[serde(default)]
    page: String,
}

struct Row {
    time: String,
    organizer: String,
    number: String,
    status: &'static str,
    refused: bool,
    reason: String,
    reference: String,
}

#[derive(Template)]
#[template(path = "dial_outs.html")]
struct DialOutsPage {
    layout: render::Layout,
    refused_only: bool,
    rows: Vec<Row>,
    total: i64,
    first_shown: u64,
    last_shown: u64,
    previous: Option<String>,
    next: Option<String>,
}

fn link(refused_only: bool, page: u64) -> String {
    if refused_only {
        format!("/dial-outs?refused=on&page={page}")
    } else {
        format!("/dial-outs?page={page}")
    }
}

/// The status as people read it.
fn status_label(status: DialOutStatus) -> &'static str {
    match status {
        DialOutStatus::Refused => "Refused",
        DialOutStatus::Calling => "Calling",
        DialOutStatus::Ringing => "Ringing",
        DialOutStatus::Answered => "Answered",
        DialOutStatus::Joined => "Joined",
        DialOutStatus::DeclinedByCallee => "Did not press 1",
        DialOutStatus::Busy => "Busy",
        DialOutStatus::Declined => "Declined",
        DialOutStatus::NoAnswer => "No answer",
        DialOutStatus::Failed => "Failed",
        DialOutStatus::Cancelled => "Cancelled",
    }
}

async fn gather(web: &Web, admin: &Admin, filter: Filter) -> ServiceResult<DialOutsPage> {
    let refused_only = filter.refused.is_some();
    let page_number = filter.page.parse::<u64>().unwrap_or(1).max(1);
    let offset = (page_number - 1) * u64::from(PAGE_SIZE);
    let query = DialOutQuery {
        refused_only,
        ..DialOutQuery::default()
    };
    let found = web
        .admin()
        .list_dial_outs(&admin.who.caller, &query, Page::new(PAGE_SIZE, offset))
        .await?;
    let rows: Vec<Row> = found
        .items
        .into_iter()
        .map(|a| Row {
            time: utc(a.created_at),
            organizer: a.organizer_name.unwrap_or_else(|| "—".to_owned()),
            number: a.attempt.e164.unwrap_or(a.attempt.dialed),
            status: status_label(a.attempt.status),
            refused: a.attempt.status == DialOutStatus::Refused,
            reason: a.attempt.reason.unwrap_or_default(),
            reference: a.attempt.reference,
        })
        .collect();
    let total = u64::try_from(found.total).unwrap_or(0);
    let shown = u64::try_from(rows.len()).unwrap_or(0);
    Ok(DialOutsPage {
        layout: super::layout(web, admin, "Dial-out log", "dial-outs"),
        refused_only,
        previous: (page_number > 1).then(|| link(refused_only, page_number - 1)),
        next: (offset + shown < total).then(|| link(refused_only, page_number + 1)),
        first_shown: if shown == 0 { 0 } else { offset + 1 },
        last_shown: offset + shown,
        rows,
        total: found.total,
    })
}

pub(crate) async fn list(
    State(web): State<Web>,
    admin: Admin,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Response {
    let filter = filter.map(|Query(f)| f).unwrap_or_default();
    match gather(&web, &admin, filter).await {
        Ok(page) => render::page(StatusCode::OK, &page),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "dial-outs")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_filter() {
        assert_eq!(link(false, 2), "/dial-outs?page=2");
        assert_eq!(link(true, 3), "/dial-outs?refused=on&page=3");
    }
}
