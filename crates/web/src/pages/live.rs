//! Live meetings: every running meeting the admin may see, its roster (talking, muted, hand
//! raised, in the lobby) and the admin's commands (admit, mute, remove, lock, end). Works as
//! plain pages and forms; `static/live.js` reloads the rosters when the server says they
//! changed (server-sent events at `/live/events`).

use crate::guard::Admin;
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use dialbridge_admin::live::{LiveCommand, LiveMeeting, LiveParticipant, LiveRole};
use dialbridge_admin::services::ServiceError;
use dialbridge_store::Role;
use futures_util::StreamExt;
use serde::Deserialize;
use std::time::Instant;

const SCRIPT: &str = include_str!("../../static/live.js");

#[derive(Template)]
#[template(path = "live.html")]
struct LivePage {
    layout: Layout,
    meetings: Vec<LiveMeeting>,
    /// The roster version the page shows, so the script knows when it is stale.
    version: u64,
    may_act: bool,
}

impl LivePage {
    fn waiting(&self, meeting: &LiveMeeting) -> usize {
        meeting.participants.iter().filter(|p| p.in_lobby).count()
    }

    fn on_call(&self, meeting: &LiveMeeting) -> usize {
        meeting.participants.len() - self.waiting(meeting)
    }

    fn role_name(&self, participant: &LiveParticipant) -> &'static str {
        role_name(participant)
    }

    fn joined(&self, participant: &LiveParticipant) -> String {
        clock_time(participant.joined_at)
    }
}

fn role_name(participant: &LiveParticipant) -> &'static str {
    match participant.role {
        LiveRole::Organizer => "Organizer",
        LiveRole::Attendee => "Attendee",
    }
}

/// `HH:MM:SS UTC` of a Unix time: calls on this page started today, so the date is left out
/// (and the web crate needs no calendar library for it).
fn clock_time(unix: i64) -> String {
    let seconds = unix.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02} UTC",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `?rosters=1`: the script's refresh, which swaps only the rosters; it must not take the
/// one-shot notice meant for the page the admin's last action leads to (a command bumps
/// the rosters' version, so the old page's refresh can race the redirect).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct View {
    #[serde(default)]
    rosters: Option<String>,
}

pub(crate) async fn show(
    State(web): State<Web>,
    admin: Admin,
    axum::extract::Query(view): axum::extract::Query<View>,
) -> Response {
    let svc = web.admin();
    let caller = &admin.who.caller;
    // Read before the snapshot: a change in between makes the page look stale, never fresh.
    let version = svc
        .live_meetings_changes()
        .map(|changes| *changes.borrow())
        .unwrap_or(0);
    let page = LivePage {
        layout: if view.rosters.is_some() {
            super::layout_keeping_notice(&admin, "Live meetings", "live")
        } else {
            super::layout(&web, &admin, "Live meetings", "live")
        },
        meetings: svc.live_meetings(caller),
        version,
        may_act: caller.role() != Role::ReadOnly,
    };
    render::page(StatusCode::OK, &page)
}

/// The rosters as server-sent events, under the session's sign-in (no API token). The
/// stream ends at the first roster change after the session has ended (sign-out, expiry).
pub(crate) async fn events(State(web): State<Web>, admin: Admin) -> Response {
    let events =
        dialbridge_admin::api::live_event_stream(web.admin().clone(), admin.who.caller.clone());
    let session = admin.session.id;
    let events = events.take_while(move |_| {
        std::future::ready(web.sessions().is_signed_in(&session, Instant::now()))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CommandForm {
    participant: Option<u64>,
}

pub(crate) async fn command(
    State(web): State<Web>,
    admin: Admin,
    Path((key, action)): Path<(String, String)>,
    Form(form): Form<CommandForm>,
) -> Response {
    let Some(command) = LiveCommand::parse(&action, form.participant) else {
        return super::not_found().await;
    };
    let notice = match web.admin().live_command(&admin.who.caller, &key, command) {
        Ok(()) => done(command).to_owned(),
        Err(error @ ServiceError::Forbidden) => {
            return render::service_error(&error, super::layout(&web, &admin, "", "live"));
        }
        // The meeting moved on (ended, the caller hung up, already locked): say so over the
        // fresh rosters rather than on a page of its own.
        Err(error) => {
            if let ServiceError::Internal(detail) = &error {
                tracing::error!(%detail, "live meeting command failed");
            }
            format!("Not done: {error}")
        }
    };
    web.sessions().set_notice(&admin.session.id, notice);
    Redirect::to("/live").into_response()
}

fn done(command: LiveCommand) -> &'static str {
    match command {
        LiveCommand::AdmitAll => "Everyone waiting was let in.",
        LiveCommand::Admit { .. } => "The caller was let in.",
        LiveCommand::Mute { .. } => "The caller was muted.",
        LiveCommand::Unmute { .. } => "The caller was unmuted.",
        LiveCommand::Remove { .. } => "The caller was removed.",
        LiveCommand::Lock => "The meeting is locked: nobody new gets in.",
        LiveCommand::Unlock => "The meeting is unlocked.",
        LiveCommand::End => "The meeting was ended.",
    }
}

/// The page's script, compiled into the binary like the stylesheet.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_time_is_utc_time_of_day() {
        assert_eq!(clock_time(0), "00:00:00 UTC");
        assert_eq!(clock_time(1_800_000_000), "08:00:00 UTC");
        assert_eq!(clock_time(86_399), "23:59:59 UTC");
        assert_eq!(clock_time(-1), "23:59:59 UTC");
    }
}
