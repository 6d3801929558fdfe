//! An organization's invitation customization (logo, help and legal links, footer) with a
//! preview of the invitation as organizers will send it. The preview is rendered on the
//! server: `static/invitation.js` asks for it as the admin types; without the script the
//! Preview button posts the form and the page comes back with the preview. Saving checks
//! every field first: a refused field is shown next to it and nothing is saved.

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use dialbridge_admin::services::{
    check_invitation_customization, InvitationFieldError, OrganizerInvitation, ServiceError,
    SettingsPatch,
};
use dialbridge_store::{InvitationCustomization, OrganizationId, Role};
use serde::Deserialize;

const SCRIPT: &str = include_str!("../../static/invitation.js");

/// The form as typed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CustomizationForm {
    #[serde(default)]
    logo_url: String,
    #[serde(default)]
    help_url: String,
    #[serde(default)]
    legal_url: String,
    #[serde(default)]
    footer: String,
}

impl CustomizationForm {
    fn from_stored(c: &InvitationCustomization) -> CustomizationForm {
        CustomizationForm {
            logo_url: c.logo_url.clone().unwrap_or_default(),
            help_url: c.help_url.clone().unwrap_or_default(),
            legal_url: c.legal_url.clone().unwrap_or_default(),
            footer: c.footer.clone().unwrap_or_default(),
        }
    }

    fn customization(&self) -> InvitationCustomization {
        let field = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        InvitationCustomization {
            logo_url: field(&self.logo_url),
            help_url: field(&self.help_url),
            legal_url: field(&self.legal_url),
            // The footer keeps its own line breaks and spaces.
            footer: Some(self.footer.clone()).filter(|v| !v.trim().is_empty()),
        }
    }
}

/// The preview part of the page, also what the script fetches.
#[derive(Template)]
#[template(path = "invitation_preview.html")]
struct PreviewPart {
    preview: Option<OrganizerInvitation>,
    /// Why there is no preview (a refused field, or no dial-in numbers).
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    layout: Layout,
    id: i64,
    name: String,
    may_write: bool,
    form: CustomizationForm,
    errors: Vec<InvitationFieldError>,
    /// An error no single field caused.
    failed: Option<String>,
    part: PreviewPart,
    max_footer: usize,
}

impl InvitationPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field.name() == field)
            .map(|e| e.message.as_str())
    }
}

async fn preview_part(
    web: &Web,
    admin: &Admin,
    id: OrganizationId,
    form: &CustomizationForm,
) -> Result<PreviewPart, ServiceError> {
    let customization = form.customization();
    if let Err(errors) = check_invitation_customization(&customization) {
        let problem = errors
            .iter()
            .map(|e| format!("{}: {}", label_of(e.field.name()), e.message))
            .collect::<Vec<_>>()
            .join(" ");
        return Ok(PreviewPart {
            preview: None,
            problem: Some(format!("No preview until the form is corrected. {problem}")),
        });
    }
    match web
        .admin()
        .preview_invitation(&admin.who.caller, id, &customization)
        .await
    {
        Ok(preview) => Ok(PreviewPart {
            preview: Some(preview),
            problem: None,
        }),
        Err(ServiceError::Invalid(message)) => Ok(PreviewPart {
            preview: None,
            problem: Some(message),
        }),
        Err(error) => Err(error),
    }
}

fn label_of(field: &str) -> &'static str {
    match field {
        "logo_url" => "Logo URL",
        "help_url" => "Help URL",
        "legal_url" => "Legal URL",
        _ => "Footer",
    }
}

async fn respond(
    web: &Web,
    admin: &Admin,
    id: OrganizationId,
    status: StatusCode,
    form: Option<CustomizationForm>,
    errors: Vec<InvitationFieldError>,
    failed: Option<String>,
) -> Response {
    let caller = &admin.who.caller;
    let org = match web.admin().organization(caller, id).await {
        Ok(org) => org,
        Err(error) => {
            return render::service_error(&error, super::layout(web, admin, "", "licences"))
        }
    };
    let form = form.unwrap_or_else(|| CustomizationForm::from_stored(&org.settings.invitation));
    let part = match preview_part(web, admin, id, &form).await {
        Ok(part) => part,
        Err(error) => {
            return render::service_error(&error, super::layout(web, admin, "", "licences"))
        }
    };
    let page = InvitationPage {
        layout: super::layout(web, admin, format!("{}: invitation", org.name), "licences"),
        id: org.id.0,
        name: org.name,
        may_write: caller.role() != Role::ReadOnly,
        form,
        errors,
        failed,
        part,
        max_footer: dialbridge_admin::rules::invitation::Customization::MAX_FOOTER,
    };
    let mut response = render::page(status, &page);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::guard::INVITATION_CONTENT_SECURITY_POLICY),
    );
    response
}

fn organization_id(text: &str) -> Option<OrganizationId> {
    text.parse::<i64>().ok().map(OrganizationId)
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin, Path(id): Path<String>) -> Response {
    match organization_id(&id) {
        Some(id) => respond(&web, &admin, id, StatusCode::OK, None, Vec::new(), None).await,
        None => super::not_found().await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PreviewMode {
    /// `1`: only the preview part (the script's request).
    #[serde(default)]
    part: Option<String>,
}

/// The preview of the typed customization; nothing is saved.
pub(crate) async fn preview(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
    Query(mode): Query<PreviewMode>,
    Form(form): Form<CustomizationForm>,
) -> Response {
    let Some(id) = organization_id(&id) else {
        return super::not_found().await;
    };
    if mode.part.is_none() {
        let errors = check_invitation_customization(&form.customization())
            .err()
            .unwrap_or_default();
        return respond(&web, &admin, id, StatusCode::OK, Some(form), errors, None).await;
    }
    match preview_part(&web, &admin, id, &form).await {
        Ok(part) => match part.render() {
            Ok(html) => Html(html).into_response(),
            Err(error) => {
                tracing::error!(%error, "cannot render the invitation preview");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(error) => (render::status_of(&error), error.to_string()).into_response(),
    }
}

pub(crate) async fn save(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
    Form(form): Form<CustomizationForm>,
) -> Response {
    let Some(id) = organization_id(&id) else {
        return super::not_found().await;
    };
    let customization = form.customization();
    if let Err(errors) = check_invitation_customization(&customization) {
        return respond(
            &web,
            &admin,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(form),
            errors,
            None,
        )
        .await;
    }
    let patch = SettingsPatch {
        invitation: Some(customization),
        ..SettingsPatch::default()
    };
    match web
        .admin()
        .update_organization_settings(&admin.who.caller, id, &patch)
        .await
    {
        Ok(_) => {
            web.sessions().set_notice(
                &admin.session.id,
                "The invitation customization was saved.".to_owned(),
            );
            Redirect::to(&format!("/organizations/{id}/invitation")).into_response()
        }
        Err(error @ (ServiceError::Forbidden | ServiceError::NotFound { .. })) => {
            render::service_error(&error, super::layout(&web, &admin, "", "licences"))
        }
        Err(error) => {
            let status = render::status_of(&error);
            respond(
                &web,
                &admin,
                id,
                status,
                Some(form),
                Vec::new(),
                Some(error.to_string()),
            )
            .await
        }
    }
}

/// The page's script, compiled into the binary.
pub(crate) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}
