//! Dial-in numbers: the list, and adding one (platform admins; the services decide).

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use dialbridge_admin::rules::dial_in_number::NumberKind as RuleKind;
use dialbridge_admin::rules::language::PromptLanguage;
use dialbridge_admin::services::{NewNumber, ServiceError, ServiceResult};
use dialbridge_store::{NumberKind, OrganizationId, Page, Role};
use serde::Deserialize;
use std::collections::HashMap;

const PAGE_SIZE: u32 = 50;

struct Row {
    id: i64,
    e164: String,
    kind: &'static str,
    country: String,
    city: String,
    languages: String,
    used_by: String,
    trunk: String,
}

/// The add form as typed; kept when the service refuses it, so nothing is typed twice.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AddForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    primary_language: String,
    /// Comma-separated tags.
    #[serde(default)]
    secondary_languages: String,
    /// Empty: shared by every organization.
    #[serde(default)]
    organization: String,
    #[serde(default)]
    trunk: String,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "numbers.html")]
struct NumbersPage {
    layout: Layout,
    rows: Vec<Row>,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
    may_add: bool,
    form: AddForm,
    languages: Vec<Choice>,
    organizations: Vec<Choice>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    page: String,
}

async fn gather(
    web: &Web,
    admin: &Admin,
    page_number: u64,
    form: AddForm,
    error: Option<String>,
) -> ServiceResult<NumbersPage> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    let offset = (page_number - 1) * u64::from(PAGE_SIZE);
    let found = svc
        .list_dial_in_numbers(caller, None, None, None, Page::new(PAGE_SIZE, offset))
        .await?;
    let orgs = svc
        .list_organizations(caller, None, Page::first(Page::MAX_LIMIT))
        .await?
        .items;
    let names: HashMap<i64, String> = orgs.iter().map(|o| (o.id.0, o.name.clone())).collect();
    let shown = u64::try_from(found.items.len()).unwrap_or(0);
    let total = u64::try_from(found.total).unwrap_or(0);
    let rows = found
        .items
        .into_iter()
        .map(|n| {
            let mut languages = vec![n.fields.primary_language.clone()];
            languages.extend(n.fields.secondary_languages.iter().cloned());
            Row {
                id: n.id.0,
                e164: n.fields.e164,
                kind: match n.fields.kind {
                    NumberKind::Toll => "toll",
                    NumberKind::TollFree => "toll-free",
                },
                country: n.fields.country,
                city: n.fields.city.unwrap_or_default(),
                languages: languages.join(", "),
                used_by: match n.fields.organization_id {
                    None => "shared".to_owned(),
                    Some(org) => names
                        .get(&org.0)
                        .cloned()
                        .unwrap_or_else(|| org.to_string()),
                },
                trunk: n.fields.trunk,
            }
        })
        .collect();
    Ok(NumbersPage {
        layout: super::layout(web, admin, "Dial-in numbers", "numbers"),
        rows,
        total: found.total,
        previous: (page_number > 1).then(|| format!("/numbers?page={}", page_number - 1)),
        next: (offset + shown < total).then(|| format!("/numbers?page={}", page_number + 1)),
        may_add: caller.role() == Role::PlatformAdmin,
        form,
        languages: PromptLanguage::ALL
            .iter()
            .map(|l| Choice {
                value: l.tag().to_owned(),
                label: format!("{} ({})", l.english_name(), l.tag()),
            })
            .collect(),
        organizations: orgs
            .into_iter()
            .map(|o| Choice {
                value: o.id.0.to_string(),
                label: o.name,
            })
            .collect(),
        error,
    })
}

async fn respond(
    web: &Web,
    admin: &Admin,
    status: StatusCode,
    page_number: u64,
    form: AddForm,
    error: Option<String>,
) -> Response {
    match gather(web, admin, page_number, form, error).await {
        Ok(page) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(web, admin, "", "numbers")),
    }
}

pub(crate) async fn list(
    State(web): State<Web>,
    admin: Admin,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let page_number = query
        .ok()
        .and_then(|Query(q)| q.page.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1);
    let form = AddForm {
        primary_language: "en-US".to_owned(),
        ..AddForm::default()
    };
    respond(&web, &admin, StatusCode::OK, page_number, form, None).await
}

fn new_number(form: &AddForm) -> ServiceResult<NewNumber> {
    let kind = match form.kind.as_str() {
        "toll" => Some(RuleKind::Toll),
        "toll_free" => Some(RuleKind::TollFree),
        _ => None,
    };
    let organization_id = match form.organization.trim() {
        "" => None,
        id => Some(OrganizationId(id.parse().map_err(|_| {
            ServiceError::Invalid("choose an organization from the list".to_owned())
        })?)),
    };
    let city = form.city.trim();
    Ok(NewNumber {
        number: form.number.trim().to_owned(),
        default_region: None,
        kind,
        city: (!city.is_empty()).then(|| city.to_owned()),
        primary_language: form.primary_language.trim().to_owned(),
        secondary_languages: form
            .secondary_languages
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        organization_id,
        trunk: form.trunk.trim().to_owned(),
    })
}

pub(crate) async fn add(
    State(web): State<Web>,
    admin: Admin,
    Form(form): Form<AddForm>,
) -> Response {
    let added = match new_number(&form) {
        Ok(new) => {
            web.admin()
                .add_dial_in_number(&admin.who.caller, &new)
                .await
        }
        Err(error) => Err(error),
    };
    match added {
        Ok(added) => {
            let mut notice = format!("Added {}.", added.number.fields.e164);
            for warning in &added.warnings {
                notice.push_str(&format!(" Note: {warning}."));
            }
            web.sessions().set_notice(&admin.session.id, notice);
            Redirect::to("/numbers").into_response()
        }
        Err(error @ ServiceError::Forbidden) => {
            render::service_error(&error, super::layout(&web, &admin, "", "numbers"))
        }
        Err(error) => {
            if let ServiceError::Internal(detail) = &error {
                tracing::error!(%detail, "adding a dial-in number failed");
            }
            let status = render::status_of(&error);
            respond(&web, &admin, status, 1, form, Some(error.to_string())).await
        }
    }
}
