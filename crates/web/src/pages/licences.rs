//! Licences: seats bought and assigned per organization; platform admins set the seats
//! (assigning and removing a licence is on the organizer's page).

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use dialbridge_admin::services::{ServiceError, ServiceResult};
use dialbridge_store::{OrganizationId, Page, Role};
use serde::Deserialize;

struct Line {
    id: i64,
    name: String,
    seats_bought: i64,
    seats_assigned: i64,
    seats_free: i64,
}

#[derive(Template)]
#[template(path = "licences.html")]
struct LicencesPage {
    layout: Layout,
    lines: Vec<Line>,
    may_set: bool,
    /// The organization whose form failed, what was typed, and why.
    failed: Option<(i64, String, String)>,
}

impl LicencesPage {
    fn error_for(&self, org: &i64) -> Option<&str> {
        match &self.failed {
            Some((id, _, message)) if id == org => Some(message),
            _ => None,
        }
    }

    fn typed_for(&self, line: &Line) -> String {
        match &self.failed {
            Some((id, typed, _)) if *id == line.id => typed.clone(),
            _ => line.seats_bought.to_string(),
        }
    }
}

async fn gather(
    web: &Web,
    admin: &Admin,
    failed: Option<(i64, String, String)>,
) -> ServiceResult<LicencesPage> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    let orgs = svc
        .list_organizations(caller, None, Page::first(Page::MAX_LIMIT))
        .await?
        .items;
    let mut lines = Vec::with_capacity(orgs.len());
    for org in orgs {
        let pool = svc.licence_pool(caller, org.id).await?;
        lines.push(Line {
            id: org.id.0,
            name: org.name,
            seats_bought: pool.seats_bought,
            seats_assigned: pool.seats_assigned,
            seats_free: pool.seats_free(),
        });
    }
    Ok(LicencesPage {
        layout: super::layout(web, admin, "Organizations and licences", "licences"),
        lines,
        may_set: caller.role() == Role::PlatformAdmin,
        failed,
    })
}

async fn respond(
    web: &Web,
    admin: &Admin,
    status: StatusCode,
    failed: Option<(i64, String, String)>,
) -> Response {
    match gather(web, admin, failed).await {
        Ok(page) => render::page(status, &page),
        Err(error) => render::service_error(&error, super::layout(web, admin, "", "licences")),
    }
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin) -> Response {
    respond(&web, &admin, StatusCode::OK, None).await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SeatsForm {
    #[serde(default)]
    seats: String,
}

pub(crate) async fn set_seats(
    State(web): State<Web>,
    admin: Admin,
    Path(id): Path<String>,
    Form(form): Form<SeatsForm>,
) -> Response {
    let Ok(org) = id.parse::<i64>() else {
        return super::not_found().await;
    };
    let result = match form.seats.trim().parse::<u32>() {
        Ok(seats) => web
            .admin()
            .set_licence_seats(&admin.who.caller, OrganizationId(org), seats)
            .await
            .map(|_| ()),
        Err(_) => Err(ServiceError::Invalid(
            "enter the number of seats as a whole number, 0 or more".to_owned(),
        )),
    };
    match result {
        Ok(()) => {
            web.sessions()
                .set_notice(&admin.session.id, "The seats were saved.".to_owned());
            Redirect::to("/licences").into_response()
        }
        Err(error @ (ServiceError::Forbidden | ServiceError::NotFound { .. })) => {
            render::service_error(&error, super::layout(&web, &admin, "", "licences"))
        }
        Err(error) => {
            let status = render::status_of(&error);
            let failed = Some((org, form.seats, error.to_string()));
            respond(&web, &admin, status, failed).await
        }
    }
}
