//! **Dial-in users**: organizers, filtered by provider, searched by name or email, in pages.

use crate::guard::Admin;
use crate::render;
use crate::Web;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use dialbridge_admin::services::{OrganizerQuery, ServiceResult};
use dialbridge_store::{Page, ProviderKind};
use serde::Deserialize;
use std::collections::HashMap;

pub(crate) const PAGE_SIZE: u32 = 25;

/// The filter as the form sends it: every field text, so a hand-edited address shows the
/// first page rather than an error.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Filter {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

struct Row {
    id: i64,
    name: String,
    email: String,
    organization: String,
    provider: &'static str,
    licensed: bool,
    dial_in: bool,
    conference_id: String,
}

#[derive(Template)]
#[template(path = "organizers.html")]
struct OrganizersPage {
    layout: render::Layout,
    provider: String,
    q: String,
    rows: Vec<Row>,
    total: i64,
    first_shown: u64,
    last_shown: u64,
    previous: Option<String>,
    next: Option<String>,
}

fn link(provider: &str, q: &str, page: u64) -> String {
    let mut pairs = Vec::new();
    if !provider.is_empty() {
        pairs.push(("provider", provider.to_owned()));
    }
    if !q.is_empty() {
        pairs.push(("q", q.to_owned()));
    }
    pairs.push(("page", page.to_string()));
    format!(
        "/organizers?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

fn provider_label(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::Dialbridge => "dialbridge",
        ProviderKind::Acp => "third-party",
    }
}

async fn gather(web: &Web, admin: &Admin, filter: Filter) -> ServiceResult<OrganizersPage> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    let provider = match filter.provider.as_str() {
        "dialbridge" => Some(ProviderKind::Dialbridge),
        "acp" => Some(ProviderKind::Acp),
        _ => None,
    };
    let q = filter.q.trim().to_owned();
    let page_number = filter.page.parse::<u64>().unwrap_or(1).max(1);
    let query = OrganizerQuery {
        provider,
        search: (!q.is_empty()).then(|| q.clone()),
        ..OrganizerQuery::default()
    };
    let offset = (page_number - 1) * u64::from(PAGE_SIZE);
    let found = svc
        .list_organizers(caller, &query, Page::new(PAGE_SIZE, offset))
        .await?;
    let names: HashMap<i64, String> = svc
        .list_organizations(caller, None, Page::first(Page::MAX_LIMIT))
        .await?
        .items
        .into_iter()
        .map(|o| (o.id.0, o.name))
        .collect();
    let rows: Vec<Row> = found
        .items
        .into_iter()
        .map(|o| Row {
            id: o.id.0,
            organization: names
                .get(&o.organization_id.0)
                .cloned()
                .unwrap_or_else(|| o.organization_id.to_string()),
            name: o.profile.name,
            email: o.profile.email,
            provider: provider_label(o.provider.kind()),
            licensed: o.licensed,
            dial_in: o.profile.dial_in_enabled,
            conference_id: o.conference_id.unwrap_or_default(),
        })
        .collect();
    let total = u64::try_from(found.total).unwrap_or(0);
    let provider_text = provider.map(|p| p.as_str()).unwrap_or("").to_owned();
    let shown = u64::try_from(rows.len()).unwrap_or(0);
    Ok(OrganizersPage {
        layout: super::layout(web, admin, "Dial-in users", "organizers"),
        previous: (page_number > 1).then(|| link(&provider_text, &q, page_number - 1)),
        next: (offset + shown < total).then(|| link(&provider_text, &q, page_number + 1)),
        first_shown: if shown == 0 { 0 } else { offset + 1 },
        last_shown: offset + shown,
        provider: provider_text,
        q,
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
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "organizers")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_filter_and_escape_the_search() {
        assert_eq!(link("", "", 2), "/organizers?page=2");
        assert_eq!(
            link("acp", "a&b c", 3),
            "/organizers?provider=acp&q=a%26b+c&page=3"
        );
    }
}
