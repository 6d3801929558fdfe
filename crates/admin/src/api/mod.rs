//! The REST API under `/api/v1`: JSON over the domain services, token auth, an OpenAPI
//! document at `/api/v1/openapi.json`.
//!
//! ```text
//!  request ─► route table (one list: router + route check) ─► handler
//!               Authenticated (bearer token ─► Caller) ─► AdminService call ─► JSON | ApiError
//! ```
//!
//! * Every route is registered once, in [`table`], which builds the router and lists the
//!   (method, path) pairs; a test checks that list against the OpenAPI document both ways.
//! * Authorization is the services' (`Caller`); the API only authenticates and maps errors
//!   (`error.rs`) so a scoped admin gets the same 403/404 here as through the CLI.
//! * Store rows (organizations, organizers, numbers) are returned as the store serializes
//!   them; the document describes them as objects for now.

mod acp;
mod auth;
mod calls;
mod dial_outs;
mod error;
mod extract;
mod invitations;
mod live_meetings;
mod meetings;
mod numbers;
mod openapi;
mod organizations;
mod organizers;
mod public_page;
mod records;

pub use auth::Authenticated;
pub use error::{status_of, ApiError, ApiResult, ErrorBody, ErrorDetail};
pub use live_meetings::{live_event_stream, live_events};
pub use openapi::ApiDoc;
pub use public_page::{public_pages, render_numbers_page, PUBLIC_NUMBERS_PAGE};

use crate::services::AdminService;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::routing::{on, MethodFilter};
use axum::{Json, Router};
use std::sync::Arc;

/// What handlers share: the services.
pub type AppState = Arc<AdminService>;

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
            Verb::Patch => MethodFilter::PATCH,
            Verb::Delete => MethodFilter::DELETE,
        }
    }

    /// Lowercase, as OpenAPI path items name operations.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }
}

/// The router being built and the routes it serves, kept in step by [`Table::add`].
struct Table {
    router: Router<AppState>,
    routes: Vec<(Verb, &'static str)>,
}

impl Table {
    fn add<H, T>(mut self, verb: Verb, path: &'static str, handler: H) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // axum merges method routers registered for the same path.
        self.router = self.router.route(path, on(verb.filter(), handler));
        self.routes.push((verb, path));
        self
    }
}

/// Every route of the API, relative to `/api/v1`.
fn table() -> Table {
    use Verb::*;
    let table = Table {
        router: Router::new(),
        routes: Vec::new(),
    };
    table
        .add(Get, "/openapi.json", openapi::document)
        .add(Get, "/organizations", organizations::list)
        .add(Post, "/organizations", organizations::create)
        .add(Get, "/organizations/{id}", organizations::get)
        .add(Patch, "/organizations/{id}", organizations::update_settings)
        .add(Get, "/organizations/{id}/licences", organizations::licences)
        .add(
            Put,
            "/organizations/{id}/licences",
            organizations::set_seats,
        )
        .add(Get, "/organizers", organizers::list)
        .add(Post, "/organizers", organizers::create)
        .add(Get, "/organizers/{id}", organizers::get)
        .add(Patch, "/organizers/{id}", organizers::update)
        .add(
            Post,
            "/organizers/{id}/dial-in/enable",
            organizers::enable_dial_in,
        )
        .add(
            Post,
            "/organizers/{id}/dial-in/disable",
            organizers::disable_dial_in,
        )
        .add(
            Post,
            "/organizers/{id}/conference-id/reset",
            organizers::reset_conference_id,
        )
        .add(Post, "/organizers/{id}/pin/reset", organizers::reset_pin)
        .add(Post, "/organizers/{id}/pin/unlock", organizers::unlock_pin)
        .add(Put, "/organizers/{id}/provider", organizers::set_provider)
        .add(
            Put,
            "/organizers/{id}/default-numbers",
            organizers::set_default_numbers,
        )
        .add(Post, "/organizers/{id}/licence", organizers::assign_licence)
        .add(
            Delete,
            "/organizers/{id}/licence",
            organizers::remove_licence,
        )
        .add(Get, "/organizers/{id}/invitation", invitations::organizer)
        .add(Post, "/organizers/{id}/dial-out", dial_outs::dial_out)
        .add(Get, "/dial-in-numbers", numbers::list)
        .add(Post, "/dial-in-numbers", numbers::create)
        .add(Get, "/dial-in-numbers/{id}", numbers::get)
        .add(Patch, "/dial-in-numbers/{id}", numbers::update)
        .add(Delete, "/dial-in-numbers/{id}", numbers::remove)
        .add(
            Get,
            "/public/organizations/{id}/dial-in-numbers",
            numbers::public,
        )
        .add(Get, "/organizers/{id}/meetings", meetings::list)
        .add(Post, "/organizers/{id}/meetings", meetings::create)
        .add(Get, "/meetings/{id}", meetings::get)
        .add(Put, "/meetings/{id}", meetings::update)
        .add(Delete, "/meetings/{id}", meetings::remove)
        .add(Get, "/organizations/{id}/acp-export", acp::export)
        .add(
            Post,
            "/organizations/{id}/acp-import",
            // The ACP's file may be larger than axum's default body limit.
            acp::import.layer(DefaultBodyLimit::max(crate::acp_csv::MAX_FILE_BYTES)),
        )
        .add(Get, "/live-meetings", live_meetings::list)
        .add(Get, "/live-meetings/events", live_meetings::events)
        .add(
            Post,
            "/live-meetings/{key}/commands",
            live_meetings::command,
        )
        .add(Get, "/audit", records::audit)
        .add(Get, "/mail", records::mail)
        .add(Get, "/admin-accounts/{id}/tokens", records::tokens)
        .add(Delete, "/api-tokens/{id}", records::revoke_token)
        .add(Get, "/call-records", calls::call_records)
        .add(Get, "/usage", calls::usage)
        .add(Get, "/meeting-records", calls::meeting_records)
        .add(Get, "/dial-outs", dial_outs::list)
        .add(Get, "/dial-outs/{reference}", dial_outs::get)
}

/// The API's router, to nest under `/api/v1`.
pub fn router(service: AppState) -> Router {
    table()
        .router
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(service)
}

/// The (method, path) pairs [`router`] serves, relative to `/api/v1`.
pub fn routes() -> Vec<(Verb, &'static str)> {
    table().routes
}

/// JSON for paths the API does not have, like every other error.
async fn unknown_route() -> ApiError {
    ApiError::not_found("route")
}

/// JSON for a known path asked with a method it does not take. Not a service error, so the
/// body is built here; the code is as stable as the services' codes.
async fn wrong_method() -> (StatusCode, Json<ErrorBody>) {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(ErrorBody {
            error: ErrorDetail {
                code: "method_not_allowed".to_owned(),
                message: "this path does not take this method; see /api/v1/openapi.json".to_owned(),
                errors: None,
            },
        }),
    )
}
