//! Sign-in and sign-out.

use crate::guard::{removal_cookie, session_cookie, CurrentSession, Source};
use crate::render::{self, Layout};
use crate::Web;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use dialbridge_admin::services::ServiceError;
use serde::Deserialize;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    email: String,
    error: Option<String>,
}

fn sign_in_page(csrf: &str, email: &str, error: Option<String>) -> SignInPage {
    SignInPage {
        layout: Layout {
            title: "Sign in".to_owned(),
            csrf: csrf.to_owned(),
            ..Layout::default()
        },
        email: email.to_owned(),
        error,
    }
}

/// The form. A visitor without a session gets an anonymous one: it carries the form's CSRF
/// token, so signing in is protected like every other POST.
pub(crate) async fn form(
    State(web): State<Web>,
    CurrentSession(session): CurrentSession,
    jar: CookieJar,
) -> Response {
    match session {
        Some(session) if session.signed_in.is_some() => Redirect::to("/").into_response(),
        Some(session) => render::page(StatusCode::OK, &sign_in_page(&session.csrf, "", None)),
        None => {
            let session = web.sessions().start(None, Instant::now());
            let page = render::page(StatusCode::OK, &sign_in_page(&session.csrf, "", None));
            (jar.add(session_cookie(&web, session.id)), page).into_response()
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn minutes(wait: Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
}

pub(crate) async fn submit(
    State(web): State<Web>,
    CurrentSession(session): CurrentSession,
    Source(source): Source,
    jar: CookieJar,
    Form(credentials): Form<Credentials>,
) -> Response {
    // The guard let this POST through, so it came with this session's token.
    let Some(session) = session else {
        return Redirect::to("/sign-in").into_response();
    };
    let email = credentials.email.trim().to_owned();
    let password = Zeroizing::new(credentials.password);
    let refuse = |status: StatusCode, message: String| {
        render::page(status, &sign_in_page(&session.csrf, &email, Some(message)))
    };
    let checked = web.throttle().check(source, &email, Instant::now());
    if let Err(wait) = checked {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-ins. Sign-in is locked for this account or address; try again in {} minutes.",
                minutes(wait)
            ),
        );
    }
    if email.is_empty() || password.is_empty() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your email address and password.".to_owned(),
        );
    }
    let signed_in = match web.admin().sign_in(&email, &password).await {
        Ok(signed_in) => signed_in,
        Err(ServiceError::Unauthenticated) => {
            web.throttle()
                .record_failure(source, &email, Instant::now());
            return refuse(
                StatusCode::UNAUTHORIZED,
                "Wrong email address or password.".to_owned(),
            );
        }
        Err(ServiceError::Forbidden) => {
            web.throttle().record_success(&email);
            return refuse(
                StatusCode::FORBIDDEN,
                "This account belongs to no organization, so it cannot sign in; ask a platform admin."
                    .to_owned(),
            );
        }
        Err(error) => {
            tracing::error!(error = %error.detail(), "sign-in check failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, error.to_string());
        }
    };
    web.throttle().record_success(&email);
    let account_id = signed_in.account_id;
    let fresh = {
        let mut sessions = web.sessions();
        sessions.end(&session.id);
        sessions.start(Some(signed_in), Instant::now())
    };
    tracing::info!(account = %account_id, "admin signed in to the web admin center");
    (jar.add(session_cookie(&web, fresh.id)), Redirect::to("/")).into_response()
}

pub(crate) async fn sign_out(
    State(web): State<Web>,
    CurrentSession(session): CurrentSession,
    jar: CookieJar,
) -> Response {
    if let Some(session) = session {
        web.sessions().end(&session.id);
    }
    (jar.remove(removal_cookie()), Redirect::to("/sign-in")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_rounded_up_to_whole_minutes() {
        assert_eq!(minutes(Duration::from_secs(1)), 1);
        assert_eq!(minutes(Duration::from_secs(61)), 2);
        assert_eq!(minutes(Duration::from_secs(600)), 10);
    }
}
