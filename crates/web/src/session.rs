//! Server-side sessions, sans-IO: every call takes `now`, so expiry is tested in simulated
//! time. The browser holds only a random 256-bit id in an `HttpOnly` cookie; what the session
//! means (who signed in, its CSRF token, a one-shot notice) stays here, in memory. A restart
//! signs everyone out, which is acceptable for an admin center.
//!
//! Hand-written on purpose: a `HashMap` behind the caller's mutex is all this needs; the
//! session crates for axum bring a storage abstraction and signed cookies we do not use.

use crate::token::new_token;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// A signed-in session unused this long ends.
    pub idle: Duration,
    /// A signed-in session ends this long after sign-in, used or not.
    pub lifetime: Duration,
    /// A session nobody signed in to (it only carries the sign-in form's CSRF token).
    pub anonymous_idle: Duration,
    /// More sessions than this: expired ones are swept, then the least recently used go.
    pub max_sessions: usize,
}

impl Default for SessionLimits {
    fn default() -> SessionLimits {
        SessionLimits {
            idle: Duration::from_secs(30 * 60),
            lifetime: Duration::from_secs(12 * 60 * 60),
            anonymous_idle: Duration::from_secs(30 * 60),
            max_sessions: 10_000,
        }
    }
}

/// Who a session belongs to (the admin services' answer to a sign-in).
pub(crate) use dialbridge_admin::services::SignedIn;

/// A session as handlers see it (a copy: the store's lock is not held while they work).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionView {
    pub id: String,
    pub csrf: String,
    pub signed_in: Option<SignedIn>,
}

/// An uploaded file checked and waiting for the admin to confirm it (the import wizard):
/// kept here, not sent back and forth through the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingUpload {
    /// What the file is for, e.g. `acp-import:12`.
    pub purpose: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
struct Session {
    csrf: String,
    signed_in: Option<SignedIn>,
    notice: Option<String>,
    /// At most one waiting upload per session: a new check replaces the last.
    pending_upload: Option<PendingUpload>,
    started: Instant,
    last_seen: Instant,
}

impl Session {
    fn expired(&self, limits: &SessionLimits, now: Instant) -> bool {
        let idle = now.saturating_duration_since(self.last_seen);
        match self.signed_in {
            Some(_) => {
                idle >= limits.idle
                    || now.saturating_duration_since(self.started) >= limits.lifetime
            }
            None => idle >= limits.anonymous_idle,
        }
    }
}

/// Every live session, by id.
#[derive(Debug)]
pub(crate) struct SessionStore {
    limits: SessionLimits,
    sessions: HashMap<String, Session>,
}

impl SessionStore {
    pub fn new(limits: SessionLimits) -> SessionStore {
        SessionStore {
            limits,
            sessions: HashMap::new(),
        }
    }

    /// A new session with a new id and CSRF token. Signing in always starts a new one, so an
    /// id planted before sign-in (session fixation) never becomes a signed-in session.
    pub fn start(&mut self, signed_in: Option<SignedIn>, now: Instant) -> SessionView {
        if self.sessions.len() >= self.limits.max_sessions {
            self.make_room(now);
        }
        let id = new_token();
        let session = Session {
            csrf: new_token(),
            signed_in,
            notice: None,
            pending_upload: None,
            started: now,
            last_seen: now,
        };
        let view = SessionView {
            id: id.clone(),
            csrf: session.csrf.clone(),
            signed_in: session.signed_in.clone(),
        };
        self.sessions.insert(id, session);
        view
    }

    /// The live session with this id, marked as used now; an expired one is removed.
    pub fn get(&mut self, id: &str, now: Instant) -> Option<SessionView> {
        let session = self.sessions.get_mut(id)?;
        if session.expired(&self.limits, now) {
            self.sessions.remove(id);
            return None;
        }
        session.last_seen = now;
        Some(SessionView {
            id: id.to_owned(),
            csrf: session.csrf.clone(),
            signed_in: session.signed_in.clone(),
        })
    }

    /// Whether the session is still signed in, without counting this as activity (a page
    /// held open on a stream is not the admin using it).
    pub fn is_signed_in(&self, id: &str, now: Instant) -> bool {
        self.sessions
            .get(id)
            .is_some_and(|s| !s.expired(&self.limits, now) && s.signed_in.is_some())
    }

    /// The account as it is now (its role or organization may have changed since sign-in).
    pub fn refresh_signed_in(&mut self, id: &str, fresh: SignedIn) {
        if let Some(session) = self.sessions.get_mut(id) {
            if session.signed_in.is_some() {
                session.signed_in = Some(fresh);
            }
        }
    }

    pub fn end(&mut self, id: &str) {
        self.sessions.remove(id);
    }

    /// A message for the next page this session sees (after a redirect).
    pub fn set_notice(&mut self, id: &str, notice: String) {
        if let Some(session) = self.sessions.get_mut(id) {
            session.notice = Some(notice);
        }
    }

    pub fn take_notice(&mut self, id: &str) -> Option<String> {
        self.sessions.get_mut(id).and_then(|s| s.notice.take())
    }

    pub fn keep_upload(&mut self, id: &str, upload: PendingUpload) {
        if let Some(session) = self.sessions.get_mut(id) {
            session.pending_upload = Some(upload);
        }
    }

    /// The waiting upload for `purpose`, removed; one for another purpose stays.
    pub fn take_upload(&mut self, id: &str, purpose: &str) -> Option<PendingUpload> {
        let session = self.sessions.get_mut(id)?;
        match &session.pending_upload {
            Some(upload) if upload.purpose == purpose => session.pending_upload.take(),
            _ => None,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    fn make_room(&mut self, now: Instant) {
        let limits = self.limits;
        self.sessions.retain(|_, s| !s.expired(&limits, now));
        while self.sessions.len() >= limits.max_sessions {
            // Anonymous sessions go first: they cost an attacker nothing to make.
            let oldest = self
                .sessions
                .iter()
                .min_by_key(|(_, s)| (s.signed_in.is_some(), s.last_seen))
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => self.sessions.remove(&id),
                None => break,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use dialbridge_admin::services::Caller;
    use dialbridge_store::{Actor, AdminAccountId};

    fn admin() -> SignedIn {
        SignedIn {
            account_id: AdminAccountId(1),
            email: "a@example.com".into(),
            caller: Caller::platform_admin(Actor::system("test")),
        }
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn signed_in_session_ends_after_idle_time() {
        let t0 = Instant::now();
        let mut store = SessionStore::new(SessionLimits::default());
        let view = store.start(Some(admin()), t0);
        assert!(store.get(&view.id, t0 + 29 * MINUTE).is_some());
        // Use moved the idle deadline.
        assert!(store.get(&view.id, t0 + 58 * MINUTE).is_some());
        assert!(store.get(&view.id, t0 + 88 * MINUTE).is_none());
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn signed_in_session_ends_at_its_lifetime_even_when_used() {
        let t0 = Instant::now();
        let mut store = SessionStore::new(SessionLimits::default());
        let view = store.start(Some(admin()), t0);
        let mut t = t0;
        while t < t0 + 11 * 60 * MINUTE {
            t += 20 * MINUTE;
            assert!(store.get(&view.id, t).is_some());
        }
        assert!(store.get(&view.id, t0 + 12 * 60 * MINUTE).is_none());
    }

    #[test]
    fn ids_and_csrf_tokens_are_fresh_per_session() {
        let t0 = Instant::now();
        let mut store = SessionStore::new(SessionLimits::default());
        let a = store.start(None, t0);
        let b = store.start(None, t0);
        assert_ne!(a.id, b.id);
        assert_ne!(a.csrf, b.csrf);
        assert_ne!(a.id, a.csrf);
    }

    #[test]
    fn watching_a_stream_is_not_activity_and_ends_with_the_session() {
        let t0 = Instant::now();
        let mut store = SessionStore::new(SessionLimits::default());
        let anonymous = store.start(None, t0);
        assert!(!store.is_signed_in(&anonymous.id, t0));
        let view = store.start(Some(admin()), t0);
        assert!(store.is_signed_in(&view.id, t0 + 29 * MINUTE));
        // The check above did not move the idle deadline.
        assert!(!store.is_signed_in(&view.id, t0 + 31 * MINUTE));
        store.end(&view.id);
        assert!(!store.is_signed_in(&view.id, t0));
    }

    #[test]
    fn notice_is_shown_once() {
        let t0 = Instant::now();
        let mut store = SessionStore::new(SessionLimits::default());
        let view = store.start(Some(admin()), t0);
        store.set_notice(&view.id, "saved".into());
        assert_eq!(store.take_notice(&view.id).as_deref(), Some("saved"));
        assert_eq!(store.take_notice(&view.id), None);
    }

    #[test]
    fn a_waiting_upload_is_taken_once_and_only_for_its_purpose() {
        let t0 = Instant::now();
        let mut store = SessionStore::new(SessionLimits::default());
        let view = store.start(Some(admin()), t0);
        let other = store.start(Some(admin()), t0);
        let upload = PendingUpload {
            purpose: "acp-import:1".into(),
            file_name: "acp.csv".into(),
            bytes: b"organizer_id\n".to_vec(),
        };
        store.keep_upload(&view.id, upload.clone());
        assert_eq!(store.take_upload(&other.id, "acp-import:1"), None);
        assert_eq!(store.take_upload(&view.id, "acp-import:2"), None);
        assert_eq!(store.take_upload(&view.id, "acp-import:1"), Some(upload));
        assert_eq!(store.take_upload(&view.id, "acp-import:1"), None);
    }

    #[test]
    fn full_store_drops_anonymous_sessions_before_signed_in_ones() {
        let t0 = Instant::now();
        let limits = SessionLimits {
            max_sessions: 3,
            ..SessionLimits::default()
        };
        let mut store = SessionStore::new(limits);
        let signed_in = store.start(Some(admin()), t0);
        for i in 0..10 {
            store.start(None, t0 + i * MINUTE);
        }
        assert!(store.len() <= 3);
        assert!(store.get(&signed_in.id, t0 + 10 * MINUTE).is_some());
    }
}
