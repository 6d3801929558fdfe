//! One file per page.

pub(crate) mod acp;
pub(crate) mod calls;
pub(crate) mod dashboard;
pub(crate) mod dial_outs;
pub(crate) mod invitation;
pub(crate) mod licences;
pub(crate) mod live;
pub(crate) mod number;
pub(crate) mod numbers;
pub(crate) mod organization;
pub(crate) mod organizer;
pub(crate) mod organizers;
pub(crate) mod records;
pub(crate) mod sign_in;
pub(crate) mod usage;

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

/// A CSV file to save (not to show): the browser downloads it as `file_name`.
pub(crate) fn csv_download(file_name: &str, csv: Vec<u8>) -> Response {
    // Our file names are ASCII letters, digits, dashes and dots: nothing to quote.
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
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

/// The frame of a signed-in page that leaves the session's notice for the next full page.
pub(crate) fn layout_keeping_notice(
    admin: &crate::guard::Admin,
    title: impl Into<String>,
    section: &'static str,
) -> render::Layout {
    render::Layout {
        title: title.into(),
        signed_in_as: Some(admin.who.email.clone()),
        csrf: admin.session.csrf.clone(),
        notice: None,
        section,
    }
}
