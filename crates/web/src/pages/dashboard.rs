//! The dashboard: licences, numbers and organizers at a glance.

use crate::guard::Admin;
use crate::render;
use crate::Web;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dialbridge_admin::services::{CallRecordQuery, MailQuery, OrganizerQuery, ServiceResult};
use dialbridge_store::{MailStatus, Page};

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
    live_meetings: usize,
    /// Callers in live meetings, lobby included.
    live_callers: usize,
    in_lobby: usize,
    calls_today: i64,
    mail_waiting: i64,
}

/// 00:00 UTC today, Unix seconds: "calls today" are calls that ended since.
fn start_of_today_utc(now_unix: i64) -> i64 {
    now_unix - now_unix.rem_euclid(24 * 60 * 60)
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
    let live = svc.live_meetings(caller);
    let live_callers = live.iter().map(|m| m.participants.len()).sum();
    let in_lobby = live
        .iter()
        .flat_map(|m| &m.participants)
        .filter(|p| p.in_lobby)
        .count();
    let today = CallRecordQuery {
        since: Some(start_of_today_utc(chrono::Utc::now().timestamp())),
        ..CallRecordQuery::default()
    };
    let calls_today = svc
        .list_call_records(caller, &today, Page::first(1))
        .await?
        .total;
    let waiting = MailQuery {
        status: Some(MailStatus::Queued),
        ..MailQuery::default()
    };
    let mail_waiting = svc.list_mail(caller, &waiting, Page::first(1)).await?.total;
    Ok(DashboardPage {
        layout: super::layout(web, admin, "Dashboard", "dashboard"),
        seats_assigned: organizations.iter().map(|o| o.seats_assigned).sum(),
        seats_free: organizations.iter().map(|o| o.seats_free).sum(),
        organizations,
        organizations_total: orgs.total,
        numbers,
        organizers,
        organizers_with_dial_in,
        live_meetings: live.len(),
        live_callers,
        in_lobby,
        calls_today,
        mail_waiting,
    })
}

pub(crate) async fn show(State(web): State<Web>, admin: Admin) -> Response {
    match gather(&web, &admin).await {
        Ok(page) => render::page(StatusCode::OK, &page),
        Err(error) => render::service_error(&error, super::layout(&web, &admin, "", "dashboard")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_starts_at_midnight_utc() {
        // 2026-03-01 12:00:05 UTC.
        assert_eq!(start_of_today_utc(1_772_366_405), 1_772_323_200);
        assert_eq!(start_of_today_utc(1_772_323_200), 1_772_323_200);
    }
}
