//! What admins read back: the **audit log** (who changed what, filtered by action, actor,
//! thing and start day) and the **mail outbox** (by status). Both newest first, in pages,
//! scoped by the services to the admin's organization. Mail bodies are never shown: a
//! queued body may carry a PIN.

use crate::guard::Admin;
use crate::render;
use crate::Web;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use dialbridge_admin::services::{parse_time, AuditQuery, MailQuery, ServiceError, ServiceResult};
use dialbridge_store::{MailStatus, Page};
use serde::Deserialize;

const PAGE_SIZE: u32 = 50;

fn page_number(text: &str) -> u64 {
    text.trim().parse::<u64>().unwrap_or(1).max(1)
}

fn link(path: &str, pairs: &[(&'static str, &str)], page: u64) -> String {
    let mut pairs: Vec<(&str, String)> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (*k, v.trim().to_owned()))
        .collect();
    pairs.push(("page", page.to_string()));
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// Where a page of `shown` rows out of `total` sits, and its neighbours' links.
struct Paging {
    first_shown: u64,
    last_shown: u64,
    previous: Option<String>,
    next: Option<String>,
}

fn paging(
    path: &str,
    pairs: &[(&'static str, &str)],
    page: u64,
    shown: usize,
    total: i64,
) -> Paging {
    let first_shown = (page - 1) * u64::from(PAGE_SIZE) + 1;
    let last_shown = first_shown + (shown as u64).saturating_sub(1);
    Paging {
        first_shown,
        last_shown,
        previous: (page > 1).then(|| link(path, pairs, page - 1)),
        next: (shown > 0 && last_shown < u64::try_from(total).unwrap_or(0))
            .then(|| link(path, pairs, page + 1)),
    }
}

fn offset(page: u64) -> Page {
    Page::new(PAGE_SIZE, (page - 1) * u64::from(PAGE_SIZE))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditFilter {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    page: String,
}

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    target: String,
    details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: render::Layout,
    filter: AuditFilter,
    failed: Option<(&'static str, String)>,
    rows: Vec<AuditRow>,
    total: i64,
    paging: Paging,
}

impl AuditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        match &self.failed {
            Some((name, message)) if *name == field => Some(message),
            _ => None,
        }
    }
}

fn text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

async fn gather_audit(
    web: &Web,
    admin: &Admin,
    filter: AuditFilter,
) -> ServiceResult<(StatusCode, AuditPage)> {
    let page = page_number(&filter.page);
    let since = match text(&filter.since).map(|s| parse_time(&s)).transpose() {
        Ok(since) => Ok(since),
        Err(error) => Err(("since", error.to_string())),
    };
    let listed = match since {
        Ok(since) => {
            let query = AuditQuery {
                action: text(&filter.action),
                actor: text(&filter.actor),
                entity: text(&filter.entity),
                since,
                ..AuditQuery::default()
            };
            match web
                .admin()
                .list_audit(&admin.who.caller, &query, offset(page))
                .await
            {
                Ok(listed) => Ok(listed),
                // The only field the services check is the thing's form.
                Err(ServiceError::Invalid(message)) => Err(("entity", message)),
                Err(error) => return Err(error),
            }
        }
        Err(failed) => Err(failed),
    };
    let (status, failed, items, total) = match listed {
        Ok(listed) => (StatusCode::OK, None, listed.items, listed.total),
        Err(failed) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(failed),
            Vec::new(),
            0,
        ),
    };
    let pairs = [
        ("action", filter.action.as_str()),
        ("actor", filter.actor.as_str()),
        ("entity", filter.entity.as_str()),
        ("since", filter.since.as_str()),
    ];
    let paging = paging("/audit", &pairs, page, items.len(), total);
    let rows = items
        .into_iter()
        .map(|e| AuditRow {
            at: super::calls::utc_minute(e.at),
            actor: e.actor,
            action: e.action,
            target: e.target,
            details: e.details.to_string(),
        })
        .collect();
    Ok((
        status,
        AuditPage {
            layout: super::layout(web, admin, "Audit log", "records"),
            filter,
            failed,
            rows,
            total,
            paging,
        },
    ))
}

pub(crate) async fn audit(
    State(web): State<Web>,
    admin: Admin,
    Query(filter): Query<AuditFilter>,
) -> Response {
    match gather_audit(&web, &admin, filter).await {
        Ok((status, page)) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "records")),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MailFilter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

struct MailRow {
    created_at: String,
    recipient: String,
    subject: String,
    status: &'static str,
    attempts: i32,
    last_error: String,
    sent_at: String,
    eml_file: String,
}

#[derive(Template)]
#[template(path = "mail.html")]
struct MailPage {
    layout: render::Layout,
    status: String,
    rows: Vec<MailRow>,
    total: i64,
    paging: Paging,
}

async fn gather_mail(web: &Web, admin: &Admin, filter: MailFilter) -> ServiceResult<MailPage> {
    let page = page_number(&filter.page);
    // An unknown status (a hand-edited address) lists every mail, as the form's "Any".
    let status = MailStatus::parse(filter.status.trim()).ok();
    let query = MailQuery {
        status,
        ..MailQuery::default()
    };
    let listed = web
        .admin()
        .list_mail(&admin.who.caller, &query, offset(page))
        .await?;
    let status_text = status.map(|s| s.as_str()).unwrap_or("");
    let pairs = [("status", status_text)];
    let paging = paging("/mail", &pairs, page, listed.items.len(), listed.total);
    let rows = listed
        .items
        .into_iter()
        .map(|m| MailRow {
            created_at: super::calls::utc_minute(m.created_at),
            recipient: m.recipient,
            subject: m.subject,
            status: m.status.as_str(),
            attempts: m.attempts,
            last_error: m.last_error.unwrap_or_default(),
            sent_at: m.sent_at.map(super::calls::utc_minute).unwrap_or_default(),
            eml_file: m.eml_file.unwrap_or_default(),
        })
        .collect();
    Ok(MailPage {
        layout: super::layout(web, admin, "Mail outbox", "records"),
        status: status_text.to_owned(),
        rows,
        total: listed.total,
        paging,
    })
}

pub(crate) async fn mail(
    State(web): State<Web>,
    admin: Admin,
    Query(filter): Query<MailFilter>,
) -> Response {
    match gather_mail(&web, &admin, filter).await {
        Ok(page) => render::page(StatusCode::OK, &page),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "records")),
    }
}
