//! An organizer's page and its actions. Each action is one POST form and one service call
//! (so one transaction): it either happens whole or not at all, and its error is shown next
//! to its form. A new PIN is shown in the answer to the reset, once, and never stored here.

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use dialbridge_admin::rules::provider::AcpDetails;
use dialbridge_admin::services::{
    DefaultNumbers, DialInOutcome, PinChoice, ProviderChoice, ServiceError, ServiceResult,
};
use dialbridge_store::{
    DialInNumber, DialInNumberId, DialOutPolicy, LicencePool, NumberKind, Organizer, OrganizerId,
    Page, Provider, Role,
};
use serde::Deserialize;
use zeroize::Zeroizing;

/// One dial-in number as a choice in a list.
struct Choice {
    id: i64,
    label: String,
}

/// What the page shows of a third-party provider.
struct AcpView {
    provider_name: String,
    toll_number: String,
    toll_free_numbers: String,
    conference_id: String,
    url: String,
}

#[derive(Template)]
#[template(path = "organizer.html")]
struct OrganizerPage {
    layout: Layout,
    organizer: Organizer,
    organization: String,
    acp: Option<AcpView>,
    pool: Option<LicencePool>,
    may_write: bool,
    toll_choices: Vec<Choice>,
    toll_free_choices: Vec<Choice>,
    international_choices: Vec<Choice>,
    /// Shown once, right after a reset.
    new_pin: Option<Zeroizing<String>>,
    /// The form that failed and why.
    failed: Option<(&'static str, String)>,
    /// The dial-in text of the organizer's invitations, when they have something to dial.
    invitation: Option<String>,
    passcode: String,
}

impl OrganizerPage {
    /// The error for the form named `form`, if that one failed.
    fn error_for(&self, form: &str) -> Option<&str> {
        match &self.failed {
            Some((name, message)) if *name == form => Some(message),
            _ => None,
        }
    }

    // References: templates pass their arguments by reference.
    fn label_of(&self, id: &Option<DialInNumberId>) -> String {
        let Some(id) = id else {
            return "none".to_owned();
        };
        self.toll_choices
            .iter()
            .chain(&self.toll_free_choices)
            .find(|c| c.id == id.0)
            .map(|c| c.label.clone())
            .unwrap_or_else(|| format!("number {id}"))
    }

    fn chosen(&self, current: &Option<DialInNumberId>, id: &i64) -> bool {
        current.is_some_and(|n| n.0 == *id)
    }

    fn policy(&self) -> &'static str {
        self.organizer.profile.dial_out_policy.as_str()
    }

    fn locked(&self) -> bool {
        self.organizer.pin_locked_until.is_some()
    }
}

fn number_label(n: &DialInNumber) -> String {
    let kind = match n.fields.kind {
        NumberKind::Toll => "toll",
        NumberKind::TollFree => "toll-free",
    };
    let city = n
        .fields
        .city
        .as_deref()
        .map(|c| format!(", {c}"))
        .unwrap_or_default();
    format!("{} ({kind}, {}{city})", n.fields.e164, n.fields.country)
}

fn choice(n: &DialInNumber) -> Choice {
    Choice {
        id: n.id.0,
        label: number_label(n),
    }
}

async fn gather(
    web: &Web,
    admin: &Admin,
    id: OrganizerId,
    new_pin: Option<Zeroizing<String>>,
    failed: Option<(&'static str, String)>,
) -> ServiceResult<OrganizerPage> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    let organizer = svc.organizer(caller, id).await?;
    let org = svc.organization(caller, organizer.organization_id).await?;
    let pool = svc.licence_pool(caller, org.id).await.ok();
    let numbers = svc
        .list_dial_in_numbers(
            caller,
            Some(org.id),
            None,
            None,
            Page::first(Page::MAX_LIMIT),
        )
        .await?
        .items;
    let toll_choices: Vec<Choice> = numbers
        .iter()
        .filter(|n| n.fields.kind == NumberKind::Toll)
        .map(choice)
        .collect();
    let toll_free_choices = numbers
        .iter()
        .filter(|n| n.fields.kind == NumberKind::TollFree)
        .map(choice)
        .collect();
    let acp = match &organizer.provider {
        Provider::Dialbridge => None,
        Provider::Acp(acp) => Some(AcpView {
            provider_name: acp.provider_name.clone(),
            toll_number: acp.toll_number.clone().unwrap_or_default(),
            toll_free_numbers: acp.toll_free_numbers.join(", "),
            conference_id: acp.conference_id.clone().unwrap_or_default(),
            url: acp.url.clone().unwrap_or_default(),
        }),
    };
    let invitation = svc
        .organizer_invitation(caller, id)
        .await
        .ok()
        .map(|i| i.text);
    let passcode = match &organizer.provider {
        Provider::Acp(acp) => acp.participant_passcode.clone().unwrap_or_default(),
        Provider::Dialbridge => String::new(),
    };
    let title = organizer.profile.name.clone();
    Ok(OrganizerPage {
        layout: super::layout(web, admin, title, "organizers"),
        organization: org.name,
        acp,
        pool,
        may_write: caller.role() != Role::ReadOnly,
        international_choices: numbers.iter().map(choice).collect(),
        toll_choices,
        toll_free_choices,
        organizer,
        new_pin,
        failed,
        invitation,
        passcode,
    })
}

async fn respond(
    web: &Web,
    admin: &Admin,
    id: OrganizerId,
    status: StatusCode,
    new_pin: Option<Zeroizing<String>>,
    failed: Option<(&'static str, String)>,
) -> Response {
    match gather(web, admin, id, new_pin, failed).await {
        Ok(page) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(web, admin, "", "organizers")),
    }
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin, Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => respond(&web, &admin, OrganizerId(id), StatusCode::OK, None, None).await,
        Err(_) => super::not_found().await,
    }
}

/// Every field any action form sends; each action reads its own. Text throughout, so a bad
/// value is explained next to its form instead of failing the whole request.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    pin: String,
    #[serde(default)]
    toll: String,
    #[serde(default)]
    toll_free: String,
    #[serde(default)]
    international: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    anonymous_start: Option<String>,
    #[serde(default)]
    dial_out_policy: String,
    /// `dialbridge` or `acp`.
    #[serde(default)]
    provider: String,
    #[serde(default)]
    acp_name: String,
    #[serde(default)]
    acp_toll: String,
    /// Comma-separated.
    #[serde(default)]
    acp_toll_free: String,
    #[serde(default)]
    acp_passcode: String,
    #[serde(default)]
    acp_url: String,
}

/// The provider the form asks for; ACP details are checked by the rules first.
fn provider_choice(form: &ActionForm) -> ServiceResult<ProviderChoice> {
    if form.provider != "acp" {
        return Ok(ProviderChoice::Dialbridge);
    }
    let toll_free: Vec<&str> = form
        .acp_toll_free
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let url = form.acp_url.trim();
    AcpDetails::new(
        &form.acp_name,
        &form.acp_toll,
        &toll_free,
        &form.acp_passcode,
        (!url.is_empty()).then_some(url),
    )
    .map(ProviderChoice::ThirdParty)
    .map_err(|e| ServiceError::Invalid(e.to_string()))
}

/// What an action did.
enum Done {
    Notice(&'static str),
    /// A new PIN to show once (and a notice).
    Pin(Zeroizing<String>, &'static str),
}

fn number_field(what: &str, text: &str) -> ServiceResult<Option<DialInNumberId>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(|id| Some(DialInNumberId(id)))
        .map_err(|_| ServiceError::Invalid(format!("{what}: choose a number from the list")))
}

fn after(outcome: DialInOutcome, notice: &'static str) -> Done {
    match outcome.new_pin {
        Some(pin) => Done::Pin(Zeroizing::new(pin.reveal().to_owned()), notice),
        None => Done::Notice(notice),
    }
}

/// The form names actions go by; each is also the key its error is shown under.
async fn perform(
    web: &Web,
    admin: &Admin,
    id: OrganizerId,
    action: &str,
    form: ActionForm,
) -> Result<Done, (&'static str, ServiceError)> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    match action {
        "enable-dial-in" => svc
            .enable_dial_in(caller, id)
            .await
            .map(|o| after(o, "Dial-in is on."))
            .map_err(|e| ("dial-in", e)),
        "disable-dial-in" => svc
            .disable_dial_in(caller, id)
            .await
            .map(|o| after(o, "Dial-in is off."))
            .map_err(|e| ("dial-in", e)),
        "send-dial-in-details" => svc
            .send_dial_in_details(caller, id)
            .await
            .map(|_| Done::Notice("The dial-in details are in the mail outbox for the organizer."))
            .map_err(|e| ("send-details", e)),
        "reset-pin" => {
            let choice = match form.pin.trim() {
                "" => PinChoice::Random,
                chosen => PinChoice::Chosen(chosen.to_owned()),
            };
            svc.reset_pin(caller, id, choice)
                .await
                .map(|o| after(o, "The PIN was reset."))
                .map_err(|e| ("pin", e))
        }
        "unlock-pin" => svc
            .unlock_pin(caller, id)
            .await
            .map(|_| Done::Notice("The PIN lockout was lifted."))
            .map_err(|e| ("pin", e)),
        "reset-conference-id" => svc
            .reset_conference_id(caller, id)
            .await
            .map(|o| {
                after(
                    o,
                    "The conference ID was reset; the old one no longer works.",
                )
            })
            .map_err(|e| ("conference-id", e)),
        "default-numbers" => {
            let numbers = (|| {
                Ok::<_, ServiceError>(DefaultNumbers {
                    toll: number_field("toll number", &form.toll)?,
                    toll_free: number_field("toll-free number", &form.toll_free)?,
                    international: number_field("international number", &form.international)?,
                })
            })()
            .map_err(|e| ("default-numbers", e))?;
            svc.set_default_numbers(caller, id, numbers)
                .await
                .map(|o| after(o, "The default numbers were saved."))
                .map_err(|e| ("default-numbers", e))
        }
        "anonymous-start" => svc
            .set_anonymous_start(caller, id, form.anonymous_start.is_some())
            .await
            .map(|_| Done::Notice("Anonymous start was saved."))
            .map_err(|e| ("anonymous-start", e)),
        "dial-out-policy" => {
            let policy = DialOutPolicy::parse(form.dial_out_policy.trim()).map_err(|_| {
                (
                    "dial-out-policy",
                    ServiceError::Invalid("choose none, domestic or international".to_owned()),
                )
            })?;
            svc.set_dial_out_policy(caller, id, policy)
                .await
                .map(|_| Done::Notice("The dial-out policy was saved."))
                .map_err(|e| ("dial-out-policy", e))
        }
        "provider" => {
            let choice = provider_choice(&form).map_err(|e| ("provider", e))?;
            svc.set_provider(caller, id, choice)
                .await
                .map(|o| after(o, "The provider was saved."))
                .map_err(|e| ("provider", e))
        }
        "assign-licence" => svc
            .assign_licence(caller, id)
            .await
            .map(|_| Done::Notice("A licence was assigned."))
            .map_err(|e| ("licence", e)),
        "remove-licence" => svc
            .remove_licence(caller, id)
            .await
            .map(|_| Done::Notice("The licence was removed."))
            .map_err(|e| ("licence", e)),
        _ => Err(("", ServiceError::NotFound { what: "action" })),
    }
}

pub(crate) async fn act(
    State(web): State<Web>,
    admin: Admin,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>().map(OrganizerId) else {
        return super::not_found().await;
    };
    match perform(&web, &admin, id, &action, form).await {
        // The PIN is in this answer only: a redirect would have to keep it somewhere.
        Ok(Done::Pin(pin, notice)) => {
            web.sessions()
                .set_notice(&admin.session.id, notice.to_owned());
            respond(&web, &admin, id, StatusCode::OK, Some(pin), None).await
        }
        Ok(Done::Notice(notice)) => {
            web.sessions()
                .set_notice(&admin.session.id, notice.to_owned());
            Redirect::to(&format!("/organizers/{id}")).into_response()
        }
        // Not about a form: the organizer is gone or not the caller's, or no such action.
        Err((_, error @ (ServiceError::NotFound { .. } | ServiceError::Forbidden)))
        | Err(("", error)) => {
            render::service_error(&error, super::layout(&web, &admin, "", "organizers"))
        }
        Err((form_name, error)) => {
            if let ServiceError::Internal(detail) = &error {
                tracing::error!(%detail, "organizer action failed");
            }
            let status = render::status_of(&error);
            respond(
                &web,
                &admin,
                id,
                status,
                None,
                Some((form_name, error.to_string())),
            )
            .await
        }
    }
}
