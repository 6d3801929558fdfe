//! An organization's settings: mail, anonymous start default, announcements, name
//! recording, number masking, PIN and conference ID lengths, dial-out (countries, limits,
//! join confirmation) and the operator number. One form, one service call: the patch is
//! checked whole by the rules and saved in one transaction, or not at all.

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use dialbridge_admin::services::{
    check_dial_out_cap, check_dial_out_countries, check_operator_number, ServiceError,
    ServiceResult, SettingsPatch,
};
use dialbridge_store::{Announcements, OrganizationId, Role};
use serde::Deserialize;

/// The form as typed (checkboxes are present when ticked).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    send_emails: Option<String>,
    #[serde(default)]
    sender_address: String,
    #[serde(default)]
    anonymous_start_default: Option<String>,
    #[serde(default)]
    announcements: String,
    #[serde(default)]
    record_names: Option<String>,
    #[serde(default)]
    mask_phone_numbers: Option<String>,
    #[serde(default)]
    pin_length: String,
    #[serde(default)]
    conference_id_length: String,
    /// Comma-separated country codes; empty allows every country.
    #[serde(default)]
    dial_out_countries: String,
    #[serde(default)]
    dial_out_max_per_meeting: String,
    #[serde(default)]
    dial_out_max_per_organization: String,
    #[serde(default)]
    dial_out_join_confirmation: Option<String>,
    #[serde(default)]
    operator_number: String,
    /// Sent by the form's dial-out section (a hidden field), since an unticked box sends
    /// nothing: without it the dial-out settings stay as they are.
    #[serde(default)]
    dial_out_section: Option<String>,
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage {
    layout: Layout,
    id: i64,
    name: String,
    country: String,
    may_write: bool,
    form: SettingsForm,
    /// The field that was wrong (empty: the form as a whole) and why.
    failed: Option<(&'static str, String)>,
}

impl OrganizationPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        match &self.failed {
            Some((name, message)) if *name == field => Some(message),
            _ => None,
        }
    }
}

async fn gather(
    web: &Web,
    admin: &Admin,
    id: OrganizationId,
    form: Option<SettingsForm>,
    failed: Option<(&'static str, String)>,
) -> ServiceResult<OrganizationPage> {
    let caller = &admin.who.caller;
    let org = web.admin().organization(caller, id).await?;
    let s = &org.settings;
    let tick = |on: bool| on.then(|| "on".to_owned());
    let form = form.unwrap_or_else(|| SettingsForm {
        send_emails: tick(s.send_emails),
        sender_address: s.sender_address.clone().unwrap_or_default(),
        anonymous_start_default: tick(s.anonymous_start_default),
        announcements: s.announcements.as_str().to_owned(),
        record_names: tick(s.record_names),
        mask_phone_numbers: tick(s.mask_phone_numbers),
        pin_length: s.pin_length.to_string(),
        conference_id_length: s.conference_id_length.to_string(),
        dial_out_countries: s.dial_out_countries.join(", "),
        dial_out_max_per_meeting: s.dial_out_max_per_meeting.to_string(),
        dial_out_max_per_organization: s.dial_out_max_per_organization.to_string(),
        dial_out_join_confirmation: tick(s.dial_out_join_confirmation),
        operator_number: s.operator_number.clone().unwrap_or_default(),
        dial_out_section: Some("on".to_owned()),
    });
    Ok(OrganizationPage {
        layout: super::layout(web, admin, org.name.clone(), "licences"),
        id: org.id.0,
        name: org.name,
        country: org.country,
        may_write: caller.role() != Role::ReadOnly,
        form,
        failed,
    })
}

async fn respond(
    web: &Web,
    admin: &Admin,
    id: OrganizationId,
    status: StatusCode,
    form: Option<SettingsForm>,
    failed: Option<(&'static str, String)>,
) -> Response {
    match gather(web, admin, id, form, failed).await {
        Ok(page) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(web, admin, "", "licences")),
    }
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin, Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => respond(&web, &admin, OrganizationId(id), StatusCode::OK, None, None).await,
        Err(_) => super::not_found().await,
    }
}

fn digits(field: &'static str, text: &str) -> Result<u8, (&'static str, ServiceError)> {
    text.trim().parse::<u8>().map_err(|_| {
        (
            field,
            ServiceError::Invalid("enter a number of digits".to_owned()),
        )
    })
}

/// A dial-out limit, checked here so its error shows next to its field.
fn cap(field: &'static str, what: &str, text: &str) -> Result<u32, (&'static str, ServiceError)> {
    let value = text.trim().parse::<u32>().map_err(|_| {
        (
            field,
            ServiceError::Invalid("enter a whole number, 0 or more".to_owned()),
        )
    })?;
    check_dial_out_cap(what, value).map_err(|e| (field, e))?;
    Ok(value)
}

/// The dial-out fields and the operator number, each checked with the services' own rule
/// first so an error names its field. `country` is the organization's.
fn dial_out_patch(
    form: &SettingsForm,
    country: &str,
    patch: &mut SettingsPatch,
) -> Result<(), (&'static str, ServiceError)> {
    let countries: Vec<String> = form
        .dial_out_countries
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect();
    check_dial_out_countries(&countries).map_err(|e| ("dial_out_countries", e))?;
    patch.dial_out_countries = Some(countries);
    patch.dial_out_max_per_meeting = Some(cap(
        "dial_out_max_per_meeting",
        "dial-out limit per meeting",
        &form.dial_out_max_per_meeting,
    )?);
    patch.dial_out_max_per_organization = Some(cap(
        "dial_out_max_per_organization",
        "dial-out limit per organization",
        &form.dial_out_max_per_organization,
    )?);
    patch.dial_out_join_confirmation = Some(form.dial_out_join_confirmation.is_some());
    let operator = form.operator_number.trim();
    if !operator.is_empty() {
        check_operator_number(operator, country).map_err(|e| ("operator_number", e))?;
    }
    patch.operator_number = Some((!operator.is_empty()).then(|| operator.to_owned()));
    Ok(())
}

fn patch(form: &SettingsForm) -> Result<SettingsPatch, (&'static str, ServiceError)> {
    let announcements = Announcements::parse(form.announcements.trim()).map_err(|_| {
        (
            "announcements",
            ServiceError::Invalid("choose tones, names or off".to_owned()),
        )
    })?;
    let sender = form.sender_address.trim();
    Ok(SettingsPatch {
        send_emails: Some(form.send_emails.is_some()),
        sender_address: Some((!sender.is_empty()).then(|| sender.to_owned())),
        anonymous_start_default: Some(form.anonymous_start_default.is_some()),
        announcements: Some(announcements),
        record_names: Some(form.record_names.is_some()),
        mask_phone_numbers: Some(form.mask_phone_numbers.is_some()),
        pin_length: Some(digits("pin_length", &form.pin_length)?),
        conference_id_length: Some(digits("conference_id_length", &form.conference_id_length)?),
        ..SettingsPatch::default()
    })
}

pub(crate) async fn save(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>().map(OrganizationId) else {
        return super::not_found().await;
    };
    // The organization's country reads a national operator number; a missing or hidden
    // organization is answered by the save below, as before.
    let country = web
        .admin()
        .organization(&admin.who.caller, id)
        .await
        .map(|org| org.country)
        .unwrap_or_default();
    let checked = patch(&form).and_then(|mut patch| {
        if form.dial_out_section.is_some() {
            dial_out_patch(&form, &country, &mut patch)?;
        }
        Ok(patch)
    });
    let saved = match checked {
        Ok(patch) => web
            .admin()
            .update_organization_settings(&admin.who.caller, id, &patch)
            .await
            .map_err(|e| ("", e)),
        Err(failed) => Err(failed),
    };
    match saved {
        Ok(_) => {
            web.sessions()
                .set_notice(&admin.session.id, "The settings were saved.".to_owned());
            Redirect::to(&format!("/organizations/{id}")).into_response()
        }
        Err((_, error @ (ServiceError::Forbidden | ServiceError::NotFound { .. }))) => {
            render::service_error(&error, super::layout(&web, &admin, "", "licences"))
        }
        Err((field, error)) => {
            let status = render::status_of(&error);
            respond(
                &web,
                &admin,
                id,
                status,
                Some(form),
                Some((field, error.to_string())),
            )
            .await
        }
    }
}
