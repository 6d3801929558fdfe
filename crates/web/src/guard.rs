//! Runs before every page: finds the session from its cookie, refuses a POST whose `csrf`
//! field is not the session's token (403, before any handler or service runs), notes the
//! source address for the sign-in limits, and adds the security headers to every answer.

use crate::render;
use crate::session::{SessionView, SignedIn};
use crate::token::same_token;
use crate::Web;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dialbridge_admin::services::ServiceError;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

pub(crate) const SESSION_COOKIE: &str = "dialbridge_session";

/// What every page may load: its own stylesheet, scripts and images, nothing else.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The invitation page: as above, plus images over https (the logo in the preview).
pub(crate) const INVITATION_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' https:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Forms here are a few fields; anything larger is not ours.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// An upload (the ACP file, at most `acp_csv::MAX_FILE_BYTES`) with room for the form's
/// other fields and the multipart framing.
const MAX_UPLOAD_BYTES: usize = dialbridge_admin::acp_csv::MAX_FILE_BYTES + 64 * 1024;

/// The request's session, if its cookie names a live one.
#[derive(Debug, Clone)]
pub(crate) struct CurrentSession(pub Option<SessionView>);

/// The peer address, when the server was started with connect info.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source(pub Option<IpAddr>);

/// A signed-in admin: handlers taking this never run for anyone else, who is sent to the
/// sign-in page instead.
#[derive(Debug, Clone)]
pub(crate) struct Admin {
    pub session: SessionView,
    pub who: SignedIn,
}

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let session = parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|current| current.0.clone());
        match session {
            Some(session) => match session.signed_in.clone() {
                Some(who) => Ok(Admin { session, who }),
                None => Err(Redirect::to("/sign-in").into_response()),
            },
            None => Err(Redirect::to("/sign-in").into_response()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<CurrentSession>()
            .cloned()
            .unwrap_or(CurrentSession(None)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Source(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// The session cookie: `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's
/// page sends it), `Secure` on https, no expiry (gone when the browser closes).
pub(crate) fn session_cookie(web: &Web, id: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, id))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(web.settings().secure_cookies)
        .build()
}

pub(crate) fn removal_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, "")).path("/").build()
}

/// The `csrf` field of a multipart upload (the token comes before the file in our forms,
/// but any order is read).
async fn multipart_csrf_field(content_type: &str, body: axum::body::Bytes) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// The forms that take a file: `/organizations/{id}/acp/check`.
fn is_upload_path(path: &str) -> bool {
    path.strip_prefix("/organizations/")
        .and_then(|rest| rest.strip_suffix("/acp/check"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

fn csrf_field(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value)
}

/// The session with its account as it is now: a changed role or organization applies from
/// this request on; a removed account (or one left without its organization) ends the
/// session. If the account cannot be read, the request is refused rather than served
/// with a role that may be stale.
async fn current_account(
    web: &Web,
    mut session: SessionView,
) -> Result<Option<SessionView>, Response> {
    let Some(who) = &session.signed_in else {
        return Ok(Some(session));
    };
    match web.admin().signed_in_account(who.account_id).await {
        Ok(fresh) => {
            if &fresh != who {
                tracing::info!(account = %fresh.account_id, "admin account changed; session follows");
                web.sessions().refresh_signed_in(&session.id, fresh.clone());
                session.signed_in = Some(fresh);
            }
            Ok(Some(session))
        }
        Err(ServiceError::Unauthenticated | ServiceError::Forbidden) => {
            tracing::info!(account = %who.account_id, "admin account gone; session ended");
            web.sessions().end(&session.id);
            Ok(None)
        }
        Err(error) => {
            tracing::error!(error = %error.detail(), "cannot read the session's account");
            Err(render::status_page(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "Unavailable",
                "The admin center cannot check your account right now. Try again shortly.",
            ))
        }
    }
}

pub(crate) async fn guard(
    State(web): State<Web>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    let now = Instant::now();
    let session = jar
        .get(SESSION_COOKIE)
        .and_then(|cookie| web.sessions().get(cookie.value(), now));
    let session = match session {
        Some(session) => match current_account(&web, session).await {
            Ok(session) => session,
            Err(unavailable) => return unavailable,
        },
        None => None,
    };
    let (mut parts, body) = request.into_parts();
    let body = if parts.method == Method::POST {
        let multipart_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
            .map(str::to_owned);
        // Only a signed-in admin's upload to the one upload form may be large: nobody else
        // makes the server hold megabytes.
        let signed_in = session.as_ref().is_some_and(|s| s.signed_in.is_some());
        let limit = if multipart_type.is_some() && signed_in && is_upload_path(parts.uri.path()) {
            MAX_UPLOAD_BYTES
        } else {
            MAX_FORM_BYTES
        };
        let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
            return render::status_page(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "Too large",
                "This form sent more than the admin center accepts.",
            );
        };
        let sent = match &multipart_type {
            Some(content_type) => multipart_csrf_field(content_type, bytes.clone()).await,
            None => csrf_field(&bytes),
        };
        let valid = match (&session, sent) {
            (Some(session), Some(sent)) => same_token(&session.csrf, &sent),
            _ => false,
        };
        if !valid {
            return render::status_page(
                axum::http::StatusCode::FORBIDDEN,
                "Form expired",
                "This form is not from your current session (it may be old, or from another site). Go back, reload the page and try again.",
            );
        }
        Body::from(bytes)
    } else {
        body
    };
    parts.extensions.insert(CurrentSession(session));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let headers = response.headers_mut();
    // A page may set a policy of its own (only ever narrower except for images: the
    // invitation preview shows the organization's logo from its https address).
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Pages can carry a PIN shown once: never kept by the browser or a proxy.
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_upload_form_takes_large_bodies() {
        assert!(is_upload_path("/organizations/12/acp/check"));
        assert!(!is_upload_path("/organizations//acp/check"));
        assert!(!is_upload_path("/organizations/12/acp/import"));
        assert!(!is_upload_path("/sign-in"));
    }

    #[test]
    fn csrf_field_is_found_among_others() {
        assert_eq!(
            csrf_field(b"email=a%40b&csrf=abc&password=x").as_deref(),
            Some("abc")
        );
        assert_eq!(csrf_field(b"email=a"), None);
        assert_eq!(csrf_field(b"\xff\xfe"), None);
    }
}
