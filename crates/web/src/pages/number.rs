//! One dial-in number: edit its type, city, languages, organization and trunk, or remove it.
//! Organization admins may change only the languages (the services decide; the form offers
//! only what the caller may change).

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use dialbridge_admin::rules::dial_in_number::NumberKind as RuleKind;
use dialbridge_admin::rules::language::PromptLanguage;
use dialbridge_admin::services::{NumberUpdate, ServiceError, ServiceResult};
use dialbridge_store::{DialInNumberId, NumberKind, OrganizationId, Page, Role};
use serde::Deserialize;

/// The edit form as typed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EditForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    primary_language: String,
    #[serde(default)]
    secondary_languages: String,
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
#[template(path = "number.html")]
struct NumberPage {
    layout: Layout,
    id: i64,
    e164: String,
    country: String,
    /// Platform admins change everything; others only the languages.
    everything: bool,
    may_write: bool,
    form: EditForm,
    languages: Vec<Choice>,
    organizations: Vec<Choice>,
    /// The form that failed (`edit` or `remove`) and why.
    failed: Option<(&'static str, String)>,
}

impl NumberPage {
    fn error_for(&self, form: &str) -> Option<&str> {
        match &self.failed {
            Some((name, message)) if *name == form => Some(message),
            _ => None,
        }
    }
}

async fn gather(
    web: &Web,
    admin: &Admin,
    id: DialInNumberId,
    form: Option<EditForm>,
    failed: Option<(&'static str, String)>,
) -> ServiceResult<NumberPage> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    let number = svc.dial_in_number(caller, id).await?;
    let orgs = svc
        .list_organizations(caller, None, Page::first(Page::MAX_LIMIT))
        .await?
        .items;
    let fields = &number.fields;
    let form = form.unwrap_or_else(|| EditForm {
        kind: match fields.kind {
            NumberKind::Toll => "toll",
            NumberKind::TollFree => "toll_free",
        }
        .to_owned(),
        city: fields.city.clone().unwrap_or_default(),
        primary_language: fields.primary_language.clone(),
        secondary_languages: fields.secondary_languages.join(", "),
        organization: fields
            .organization_id
            .map(|o| o.0.to_string())
            .unwrap_or_default(),
        trunk: fields.trunk.clone(),
    });
    Ok(NumberPage {
        layout: super::layout(web, admin, fields.e164.clone(), "numbers"),
        id: number.id.0,
        e164: fields.e164.clone(),
        country: fields.country.clone(),
        everything: caller.role() == Role::PlatformAdmin,
        may_write: caller.role() != Role::ReadOnly,
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
        failed,
    })
}

async fn respond(
    web: &Web,
    admin: &Admin,
    id: DialInNumberId,
    status: StatusCode,
    form: Option<EditForm>,
    failed: Option<(&'static str, String)>,
) -> Response {
    match gather(web, admin, id, form, failed).await {
        Ok(page) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(web, admin, "", "numbers")),
    }
}

fn parse_id(text: &str) -> Option<DialInNumberId> {
    text.parse().ok().map(DialInNumberId)
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin, Path(id): Path<String>) -> Response {
    match parse_id(&id) {
        Some(id) => respond(&web, &admin, id, StatusCode::OK, None, None).await,
        None => super::not_found().await,
    }
}

fn update(form: &EditForm, everything: bool) -> ServiceResult<NumberUpdate> {
    let secondary = form
        .secondary_languages
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let mut update = NumberUpdate {
        primary_language: Some(form.primary_language.trim().to_owned()),
        secondary_languages: Some(secondary),
        ..NumberUpdate::default()
    };
    if everything {
        update.kind = match form.kind.as_str() {
            "toll" => Some(RuleKind::Toll),
            "toll_free" => Some(RuleKind::TollFree),
            _ => None,
        };
        let city = form.city.trim();
        update.city = Some((!city.is_empty()).then(|| city.to_owned()));
        update.organization_id = Some(match form.organization.trim() {
            "" => None,
            id => Some(OrganizationId(id.parse().map_err(|_| {
                ServiceError::Invalid("choose an organization from the list".to_owned())
            })?)),
        });
        update.trunk = Some(form.trunk.trim().to_owned());
    }
    Ok(update)
}

pub(crate) async fn save(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found().await;
    };
    let caller = &admin.who.caller;
    let everything = caller.role() == Role::PlatformAdmin;
    let saved = match update(&form, everything) {
        Ok(update) => web.admin().update_dial_in_number(caller, id, &update).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(number) => {
            let notice = format!("Saved {}.", number.fields.e164);
            web.sessions().set_notice(&admin.session.id, notice);
            Redirect::to(&format!("/numbers/{id}")).into_response()
        }
        Err(error @ (ServiceError::Forbidden | ServiceError::NotFound { .. })) => {
            render::service_error(&error, super::layout(&web, &admin, "", "numbers"))
        }
        Err(error) => {
            let status = render::status_of(&error);
            respond(
                &web,
                &admin,
                id,
                status,
                Some(form),
                Some(("edit", error.to_string())),
            )
            .await
        }
    }
}

pub(crate) async fn remove(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found().await;
    };
    match web
        .admin()
        .remove_dial_in_number(&admin.who.caller, id)
        .await
    {
        Ok(()) => {
            web.sessions()
                .set_notice(&admin.session.id, "The number was removed.".to_owned());
            Redirect::to("/numbers").into_response()
        }
        Err(error @ (ServiceError::Forbidden | ServiceError::NotFound { .. })) => {
            render::service_error(&error, super::layout(&web, &admin, "", "numbers"))
        }
        Err(error) => {
            let status = render::status_of(&error);
            respond(
                &web,
                &admin,
                id,
                status,
                None,
                Some(("remove", error.to_string())),
            )
            .await
        }
    }
}
