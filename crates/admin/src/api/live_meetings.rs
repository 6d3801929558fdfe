//! Running meetings: `/live-meetings` (rosters), `/live-meetings/{key}/commands` (mute,
//! remove, lock, admit, ...) and `/live-meetings/events` (the rosters again over SSE on every
//! change).

use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::ApiJson;
use super::AppState;
use crate::live::{LiveCommand, LiveMeeting};
use crate::services::Caller;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::{Stream, StreamExt};
use std::convert::Infallible;
use tokio_stream::wrappers::WatchStream;

/// The running meetings the caller may see, with their rosters.
#[utoipa::path(get, path = "/live-meetings", tag = "live meetings",
    responses((status = 200, body = Vec<LiveMeeting>)),
    security(("bearer" = [])))]
pub async fn list(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Json<Vec<LiveMeeting>> {
    Json(svc.live_meetings(&caller))
}

/// A command on a running meeting: `{"command": "mute", "participant": 3}`, `{"command":
/// "lock"}`, ... Read-only admins are refused.
#[utoipa::path(post, path = "/live-meetings/{key}/commands", tag = "live meetings",
    params(("key" = String, Path, description = "The meeting's key from the list")),
    request_body = LiveCommand,
    responses((status = 204, description = "Done"),
              (status = 403, body = ErrorBody),
              (status = 404, description = "`not_found`: no such meeting or participant (it may have ended)", body = ErrorBody),
              (status = 409, description = "`live_meetings_unavailable` or refused by the meeting", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn command(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(key): Path<String>,
    ApiJson(command): ApiJson<LiveCommand>,
) -> ApiResult<StatusCode> {
    svc.live_command(&caller, &key, command)
        .map_err(ApiError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Server-sent events: a `snapshot` event (data: the same JSON as `GET /live-meetings`, id:
/// the roster version) at once and after every roster change.
#[utoipa::path(get, path = "/live-meetings/events", tag = "live meetings",
    responses((status = 200, description = "`text/event-stream` of `snapshot` events", content_type = "text/event-stream", body = String)),
    security(("bearer" = [])))]
pub async fn events(
    State(svc): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    live_events(svc, caller)
}

/// The caller's rosters as server-sent events, for this API and the web admin center. Where
/// no conferences run, one empty snapshot and the end of the stream.
pub fn live_events(
    svc: AppState,
    caller: Caller,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    Sse::new(live_event_stream(svc, caller)).keep_alive(KeepAlive::default())
}

/// The events of [`live_events`] before they are wrapped, for a server that ends the stream
/// on its own terms (the web admin center when the session ends).
pub fn live_event_stream(
    svc: AppState,
    caller: Caller,
) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    match svc.live_meetings_changes() {
        // WatchStream yields the current version first, then each new one; versions that
        // change faster than a client reads are folded into one snapshot.
        Some(changes) => WatchStream::new(changes)
            .map(move |version| Ok(snapshot_event(&svc.live_meetings(&caller), version)))
            .left_stream(),
        None => futures_util::stream::once(async { Ok(snapshot_event(&[], 0)) }).right_stream(),
    }
}

fn snapshot_event(meetings: &[LiveMeeting], version: u64) -> Event {
    let event = Event::default().event("snapshot").id(version.to_string());
    match serde_json::to_string(meetings) {
        Ok(json) => event.data(json),
        // Plain structs of strings and numbers always serialize; kept total anyway.
        Err(error) => event.comment(format!("cannot serialize the rosters: {error}")),
    }
}
