//! Turning templates and service errors into answers.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use dialbridge_admin::services::ServiceError;

/// What every page's frame shows: title, who is signed in, the form token, a notice.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    pub title: String,
    /// The signed-in admin's email; `None` on the sign-in page.
    pub signed_in_as: Option<String>,
    /// The session's CSRF token, for the sign-out form and every other form.
    pub csrf: String,
    /// A one-shot message from the previous action.
    pub notice: Option<String>,
    /// Which navigation entry is current.
    pub section: &'static str,
}

pub(crate) fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot render a page");
            (StatusCode::INTERNAL_SERVER_ERROR, "cannot render this page").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    layout: Layout,
    message: &'a str,
}

/// A page that only says what went wrong.
pub(crate) fn status_page(status: StatusCode, title: &str, message: &str) -> Response {
    let layout = Layout {
        title: title.to_owned(),
        ..Layout::default()
    };
    page(status, &StatusPage { layout, message })
}

/// The status a service error answers with.
pub(crate) fn status_of(error: &ServiceError) -> StatusCode {
    match error {
        ServiceError::NotFound { .. } => StatusCode::NOT_FOUND,
        ServiceError::Forbidden => StatusCode::FORBIDDEN,
        ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// A whole page for an error no form caused (the thing is gone, or not the caller's).
pub(crate) fn service_error(error: &ServiceError, mut layout: Layout) -> Response {
    if let ServiceError::Internal(detail) = error {
        tracing::error!(%detail, "admin center request failed");
    }
    layout.title = match error {
        ServiceError::NotFound { .. } => "Not found".to_owned(),
        ServiceError::Forbidden => "Not allowed".to_owned(),
        _ => "Something went wrong".to_owned(),
    };
    let message = error.to_string();
    page(
        status_of(error),
        &StatusPage {
            layout,
            message: &message,
        },
    )
}
