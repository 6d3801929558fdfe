//! The dashboard: licences, numbers and organizers at a glance.

use crate::guard::Admin;
use crate::render;
use crate::Web;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dialbridge_admin::services::{OrganizerQuery, ServiceResult};
use dialbridge_store::Page;

struct OrganizationLine {
    name: String,
    seats_bought: i64,
    seats_assigned: i64,
    seats_free: i64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: render::Layout,
    organizations: Vec<OrganizationLine>,
    /// More organizations than the table shows.
    organizations_total: i64,
    seats_assigned: i64,
    seats_free: i64,
    numbers: i64,
    organizers: i64,
    organizers_with_dial_in: i64,
}

/// Organizations listed on the dashboard, with their licence pools.
const ORGANIZATIONS_SHOWN: u32 = 100;

async fn gather(web: &Web, admin: &Admin) -> ServiceResult<DashboardPage> {
    let svc = web.admin();
    let caller = &admin.who.caller;
    let orgs = svc
        .list_organizations(caller, None, Page::first(ORGANIZATIONS_SHOWN))
        .await?;
    let mut organizations = Vec::with_capacity(orgs.items.len());
    for org in orgs.items {
        let pool = svc.licence_pool(caller, org.id).await?;
        organizations.push(OrganizationLine {
            name: org.name,
            seats_bought: pool.seats_bought,
            seats_assigned: pool.seats_assigned,
            seats_free: pool.seats_free(),
        });
    }
    let numbers = svc
        .list_dial_in_numbers(caller, None, None, None, Page::first(1))
        .await?
        .total;
    let organizers = svc
        .list_organizers(caller, &OrganizerQuery::default(), Page::first(1))
        .await?
        .total;
    let with_dial_in = OrganizerQuery {
        dial_in_enabled: Some(true),
        ..OrganizerQuery::default()
    };
    let organizers_with_dial_in = svc
        .list_organizers(caller, &with_dial_in, Page::first(1))
        .await?
        .total;
    Ok(DashboardPage {
        layout: super::layout(web, admin, "Dashboard", "dashboard"),
        seats_assigned: organizations.iter().map(|o| o.seats_assigned).sum(),
        seats_free: organizations.iter().map(|o| o.seats_free).sum(),
        organizations,
        organizations_total: orgs.total,
        numbers,
        organizers,
        organizers_with_dial_in,
    })
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin) -> Response {
    match gather(&web, &admin).await {
        Ok(page) => render::page(StatusCode::OK, &page),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "dashboard")),
    }
}
