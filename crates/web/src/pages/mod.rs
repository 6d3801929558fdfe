//! One file per page.

pub(crate) mod dashboard;
pub(crate) mod invitation;
pub(crate) mod licences;
pub(crate) mod live;
pub(crate) mod number;
pub(crate) mod numbers;
pub(crate) mod organization;
pub(crate) mod organizer;
pub(crate) mod organizers;
pub(crate) mod sign_in;

use crate::render;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const STYLESHEET: &str = include_str!("../../static/app.css");

/// The one stylesheet, compiled into the binary.
pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub(crate) async fn not_found() -> Response {
    render::status_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}

/// The frame of a signed-in page; takes the session's pending notice.
pub(crate) fn layout(
    web: &crate::Web,
    admin: &crate::guard::Admin,
    title: impl Into<String>,
    section: &'static str,
) -> render::Layout {
    render::Layout {
        title: title.into(),
        signed_in_as: Some(admin.who.email.clone()),
        csrf: admin.session.csrf.clone(),
        notice: web.sessions().take_notice(&admin.session.id),
        section,
    }
}
