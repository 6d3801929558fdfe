//! The web admin center of dialbridge: server-rendered HTML over the admin services.
//!
//! ```text
//!  browser ──► guard (session cookie ─► SessionView; CSRF check on every POST; headers)
//!                └─► page handler ─► AdminService(caller, ...) ─► askama template ─► HTML
//! ```
//!
//! * Sign-in with the admin accounts the CLI creates; sessions live in memory on the server
//!   (`session.rs`), the browser holds only a random id in an `HttpOnly`, `SameSite=Strict`
//!   cookie (`Secure` when the public URL is https).
//! * Every POST carries the session's CSRF token in a hidden `csrf` field; `guard.rs` refuses
//!   any POST without it (403) before a handler runs.
//! * Wrong passwords are counted per source address and per account (`throttle.rs`).
//! * Authorization is the services' (`Caller`): pages show what the services return and the
//!   errors they give, next to the form that caused them. Each action is one service call,
//!   so one transaction: nothing is half-saved.
//! * Plain links and forms; two small scripts (same origin only) make the live meetings page
//!   update itself and the invitation preview follow the typing; both pages work without.

mod guard;
mod pages;
mod render;
mod session;
mod throttle;
mod token;

pub use session::SessionLimits;
pub use throttle::ThrottlePolicy;

use axum::routing::{get, post};
use axum::Router;
use dialbridge_admin::services::AdminService;
use session::SessionStore;
use std::sync::{Arc, Mutex, MutexGuard};
use throttle::SignInThrottle;

/// What the admin center needs from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebSettings {
    /// Mark the session cookie `Secure` (the admin center is reached over https).
    pub secure_cookies: bool,
    pub sessions: SessionLimits,
    pub sign_in_throttle: ThrottlePolicy,
}

impl WebSettings {
    /// Defaults for an admin center reached at `public_url` (the `[http] public_url` setting):
    /// `Secure` cookies when it is https.
    pub fn for_public_url(public_url: &str) -> WebSettings {
        let secure_cookies = public_url
            .trim()
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        WebSettings {
            secure_cookies,
            sessions: SessionLimits::default(),
            sign_in_throttle: ThrottlePolicy::default(),
        }
    }
}

/// What handlers share.
#[derive(Clone)]
pub(crate) struct Web(Arc<WebInner>);

pub(crate) struct WebInner {
    admin: Arc<AdminService>,
    settings: WebSettings,
    // std mutexes, held only for a map lookup, never across an await.
    sessions: Mutex<SessionStore>,
    throttle: Mutex<SignInThrottle>,
}

impl Web {
    pub(crate) fn admin(&self) -> &Arc<AdminService> {
        &self.0.admin
    }

    pub(crate) fn settings(&self) -> &WebSettings {
        &self.0.settings
    }

    /// A panic elsewhere while holding the lock leaves the map itself usable.
    pub(crate) fn sessions(&self) -> MutexGuard<'_, SessionStore> {
        self.0
            .sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn throttle(&self) -> MutexGuard<'_, SignInThrottle> {
        self.0
            .throttle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The admin center's pages, to merge at `/` beside `/api/v1`. For per-address sign-in
/// limits, serve with `into_make_service_with_connect_info::<SocketAddr>()`; without it,
/// only the per-account limit applies.
pub fn router(admin: Arc<AdminService>, settings: WebSettings) -> Router {
    let web = Web(Arc::new(WebInner {
        admin,
        settings,
        sessions: Mutex::new(SessionStore::new(settings.sessions)),
        throttle: Mutex::new(SignInThrottle::new(settings.sign_in_throttle)),
    }));
    Router::new()
        .route("/", get(pages::dashboard::show))
        .route(
            "/sign-in",
            get(pages::sign_in::form).post(pages::sign_in::submit),
        )
        .route("/sign-out", post(pages::sign_in::sign_out))
        .route("/organizers", get(pages::organizers::list))
        .route("/organizers/{id}", get(pages::organizer::show))
        .route("/organizers/{id}/{action}", post(pages::organizer::act))
        .route(
            "/numbers",
            get(pages::numbers::list).post(pages::numbers::add),
        )
        .route(
            "/numbers/{id}",
            get(pages::number::show).post(pages::number::save),
        )
        .route("/numbers/{id}/remove", post(pages::number::remove))
        .route("/organizations/{id}", get(pages::organization::show))
        .route(
            "/organizations/{id}/settings",
            post(pages::organization::save),
        )
        .route(
            "/organizations/{id}/invitation",
            get(pages::invitation::show).post(pages::invitation::save),
        )
        .route(
            "/organizations/{id}/invitation/preview",
            post(pages::invitation::preview),
        )
        .route("/organizations/{id}/acp", get(pages::acp::show))
        .route(
            "/organizations/{id}/acp/export.csv",
            get(pages::acp::export),
        )
        .route("/organizations/{id}/acp/check", post(pages::acp::check))
        .route("/organizations/{id}/acp/import", post(pages::acp::confirm))
        .route("/organizations/{id}/acp/cancel", post(pages::acp::cancel))
        .route("/static/invitation.js", get(pages::invitation::script))
        .route("/licences", get(pages::licences::show))
        .route("/licences/{id}", post(pages::licences::set_seats))
        .route("/dial-outs", get(pages::dial_outs::list))
        .route("/calls", get(pages::calls::list))
        .route("/calls.csv", get(pages::calls::csv))
        .route("/usage", get(pages::usage::show))
        .route("/usage.csv", get(pages::usage::csv))
        .route("/audit", get(pages::records::audit))
        .route("/mail", get(pages::records::mail))
        .route("/live", get(pages::live::show))
        .route("/live/events", get(pages::live::events))
        .route("/live/{key}/{action}", post(pages::live::command))
        .route("/static/live.js", get(pages::live::script))
        .route("/static/app.css", get(pages::stylesheet))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            web.clone(),
            guard::guard,
        ))
        .with_state(web)
}
