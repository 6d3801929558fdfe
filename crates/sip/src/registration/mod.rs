//! A sans-IO REGISTER client (RFC 3261 §10) for carriers that admit us by registration.
//!
//! ```text
//!   handle_response(now, &Response)  handle_timeout(now)  transaction_failed(now)
//!                  │                        │                     │
//!                  ▼                        ▼                     ▼
//!   ┌──────────────────────────── Registration ──────────────────────────────┐
//!   │ idle ─due─► REGISTER in flight ─401/407─► again with Authorization      │
//!   │               │ 423 ─► again with Min-Expires   │ 2xx ─► registered,   │
//!   │               │ other / no answer ─► failed, retry after backoff       │
//!   └────────────────────────────────────────────────────────────────────────┘
//!          │ poll_request(now)            │ poll_event()          │ poll_timeout()
//!          ▼                              ▼                       ▼
//!   a REGISTER to send (own Via       RegistrationState      when to call
//!   branch, one transaction each)     changes                handle_timeout
//! ```
//!
//! The machine owns the registration's logic only; retransmissions and Timer F belong to
//! the non-INVITE client transaction the caller runs each request through (the endpoint's,
//! or a [`crate::transaction::NonInviteClient`]). Feed it the final response of the
//! latest request with [`Registration::handle_response`], or
//! [`Registration::transaction_failed`] when none came.
//!
//! Call-ID and From tag stay the same for the registration's life and CSeq counts up, as
//! RFC 3261 §10.2.4 asks of refreshes. A challenge is remembered and answered
//! pre-emptively on refreshes (nonce count counting up), so a carrier that keeps its
//! nonce valid sees one REGISTER per refresh.

mod build;
mod schedule;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::auth::{select_challenge, Challenge, DigestClient};
use crate::endpoint::Transport;
use crate::message::{parse_delta_seconds, CSeq, HeaderName, Method, Request, Response, Uri};

pub use schedule::{refresh_delay, retry_delay, MAX_RETRY_DELAY, REFRESH_MARGIN};

/// What one registration needs to know. Credentials are the carrier account's.
#[derive(Clone)]
pub struct RegistrationConfig {
    /// The Request-URI: the registrar's domain, `sip:carrier.example`.
    pub registrar: Uri,
    /// The address of record, put in From and To: `sip:acct1@carrier.example`.
    pub aor: Uri,
    /// Where the carrier sends our calls: `sip:acct1@203.0.113.5:5060`.
    pub contact: Uri,
    /// Our address and port as written in Via (`203.0.113.5:5060`).
    pub via_sent_by: String,
    pub transport: Transport,
    pub username: String,
    pub password: String,
    /// When set, a challenge for another realm is not answered.
    pub realm: Option<String>,
    /// Seconds asked for; the registrar may grant less (or demand more with 423).
    pub expires: u32,
    pub user_agent: String,
}

impl std::fmt::Debug for RegistrationConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationConfig")
            .field("registrar", &self.registrar.to_string())
            .field("aor", &self.aor.to_string())
            .field("contact", &self.contact.to_string())
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("realm", &self.realm)
            .field("expires", &self.expires)
            .finish()
    }
}

/// Where the registration stands, as reported in [`RegistrationEvent`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationState {
    /// A REGISTER is on its way and no binding is known yet.
    Registering,
    /// The registrar accepted us for `expires` seconds; a refresh is due at `refresh_at`.
    Registered { expires: u32, refresh_at: Instant },
    /// The last attempt failed (`status` is its final response, `None` when nothing came);
    /// the next one starts at `retry_at`.
    Failed {
        status: Option<u16>,
        reason: String,
        retry_at: Instant,
    },
    /// `unregister` finished (or the binding was refused for good); nothing more is sent.
    Unregistered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationEvent {
    StateChanged(RegistrationState),
}

/// How many challenges are answered in one attempt: the first, and one more for a nonce
/// that went stale or was replaced. A third means the credentials are wrong.
const MAX_CHALLENGES_PER_ATTEMPT: u8 = 2;

/// Min-Expires beyond this is not obeyed: a registrar asking for more than a day is
/// misconfigured, and we would not notice a lost binding for that long.
const MAX_ACCEPTED_MIN_EXPIRES: u32 = 86_400;

#[derive(Debug)]
enum Phase {
    /// Nothing in flight; the next REGISTER goes out at `due`.
    Idle { due: Instant },
    /// A REGISTER with this CSeq is in flight.
    InFlight { cseq: u32 },
    /// Nothing will be sent again.
    Stopped,
}

/// The challenge we answer, kept for pre-emptive answers on later REGISTERs.
#[derive(Debug)]
struct Answering {
    challenge: Challenge,
    /// 407 means Proxy-Authorization, 401 Authorization.
    proxy: bool,
    nonce_count: u32,
}

pub struct Registration {
    config: RegistrationConfig,
    rng: StdRng,
    call_id: String,
    from_tag: String,
    last_cseq: u32,
    /// The expiry we ask for now (raised by 423).
    expires: u32,
    phase: Phase,
    answering: Option<Answering>,
    challenges_this_attempt: u8,
    consecutive_failures: u32,
    unregistering: bool,
    /// The CSeq of the REGISTER that removes our binding, once sent.
    removal_cseq: Option<u32>,
    requests: VecDeque<Request>,
    events: VecDeque<RegistrationEvent>,
    state: RegistrationState,
}

impl Registration {
    /// A registration whose first REGISTER is due at `now`. `seed` feeds Call-ID, tag,
    /// branch and cnonce generation: fresh OS randomness in production.
    pub fn new(config: RegistrationConfig, now: Instant, seed: [u8; 32]) -> Self {
        let mut rng = StdRng::from_seed(seed);
        let call_id = format!("{:032x}", rng.gen::<u128>());
        let from_tag = format!("{:016x}", rng.gen::<u64>());
        let expires = config.expires;
        Registration {
            config,
            rng,
            call_id,
            from_tag,
            last_cseq: 0,
            expires,
            phase: Phase::Idle { due: now },
            answering: None,
            challenges_this_attempt: 0,
            consecutive_failures: 0,
            unregistering: false,
            removal_cseq: None,
            requests: VecDeque::new(),
            events: VecDeque::new(),
            state: RegistrationState::Registering,
        }
    }

    /// Constant for the registration's life; responses for it carry it.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    pub fn state(&self) -> &RegistrationState {
        &self.state
    }

    /// When `handle_timeout` (and then `poll_request`) has work: the next REGISTER.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::Idle { due } => Some(due),
            Phase::InFlight { .. } | Phase::Stopped => None,
        }
    }

    /// Starts the REGISTER that is due, if any.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Phase::Idle { due } = self.phase {
            if now >= due {
                self.challenges_this_attempt = 0;
                self.send();
            }
        }
    }

    /// The next request to send, each in its own non-INVITE client transaction. Call
    /// after every input; `now` lets a due REGISTER go out without a separate timeout.
    pub fn poll_request(&mut self, now: Instant) -> Option<Request> {
        self.handle_timeout(now);
        self.requests.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<RegistrationEvent> {
        self.events.pop_front()
    }

    /// Removes our binding (REGISTER with expires 0), e.g. when the trunk is removed or the
    /// service stops. The state becomes `Unregistered` once it is answered or fails.
    pub fn unregister(&mut self) {
        if matches!(self.phase, Phase::Stopped) {
            return;
        }
        self.unregistering = true;
        self.expires = 0;
        self.challenges_this_attempt = 0;
        // A REGISTER in flight is answered first; its answer starts the removal.
        if matches!(self.phase, Phase::Idle { .. }) {
            self.send();
        }
    }

    /// The final response (≥ 200) of the latest REGISTER. Others, and responses to older
    /// REGISTERs (a different CSeq), are ignored.
    pub fn handle_response(&mut self, now: Instant, response: &Response) {
        let Phase::InFlight { cseq } = self.phase else {
            return;
        };
        if response.status < 200 || !self.is_ours(response, cseq) {
            return;
        }
        if self.unregistering && self.removal_cseq != Some(cseq) {
            // The answer to a REGISTER sent before `unregister`: now remove the binding.
            self.challenges_this_attempt = 0;
            return self.send();
        }
        if self.unregistering && !matches!(response.status, 401 | 407) {
            return self.finish_unregister();
        }
        match response.status {
            200..=299 => self.registered(now, response),
            401 | 407 => self.challenged(now, response),
            423 => self.interval_too_brief(now, response),
            status => {
                let retry_after = response
                    .headers
                    .get(&HeaderName::RetryAfter)
                    .and_then(|v| v.split(';').next())
                    .and_then(|v| parse_delta_seconds(v).ok());
                let reason = format!("{} {}", status, response.reason);
                self.failed(now, Some(status), reason, retry_after);
            }
        }
    }

    /// The latest REGISTER's transaction ended without a final response (Timer F or a
    /// transport error).
    pub fn transaction_failed(&mut self, now: Instant) {
        if !matches!(self.phase, Phase::InFlight { .. }) {
            return;
        }
        if self.unregistering {
            // Removing the binding is best effort: it lapses at its expiry anyway.
            return self.finish_unregister();
        }
        self.failed(now, None, "no response from the registrar".to_owned(), None);
    }

    fn is_ours(&self, response: &Response, cseq: u32) -> bool {
        let call_id_matches = response.headers.get(&HeaderName::CallId) == Some(&self.call_id);
        let cseq_matches = response
            .headers
            .get(&HeaderName::CSeq)
            .and_then(|v| CSeq::parse(v).ok())
            .is_some_and(|c| c.seq == cseq && c.method == Method::Register);
        call_id_matches && cseq_matches
    }

    fn registered(&mut self, now: Instant, response: &Response) {
        let granted =
            build::granted_expires(response, &self.config.contact).unwrap_or(self.expires);
        if granted == 0 {
            let reason = "the registrar accepted the REGISTER but kept no binding".to_owned();
            return self.failed(now, Some(response.status), reason, None);
        }
        self.consecutive_failures = 0;
        let refresh_at = now + refresh_delay(granted);
        self.phase = Phase::Idle { due: refresh_at };
        self.set_state(RegistrationState::Registered {
            expires: granted,
            refresh_at,
        });
    }

    fn challenged(&mut self, now: Instant, response: &Response) {
        let proxy = response.status == 407;
        let header = if proxy {
            HeaderName::ProxyAuthenticate
        } else {
            HeaderName::WwwAuthenticate
        };
        let challenge = match select_challenge(response.headers.get_all(&header)) {
            Ok(challenge) => challenge,
            Err(error) => {
                let reason = format!("{} with no usable challenge: {error}", response.status);
                return self.failed(now, Some(response.status), reason, None);
            }
        };
        if let Some(expected) = &self.config.realm {
            if &challenge.realm != expected {
                let reason = format!(
                    "challenged for realm {:?}, but the trunk's realm is {expected:?}",
                    challenge.realm
                );
                return self.failed(now, Some(response.status), reason, None);
            }
        }
        if self.challenges_this_attempt >= MAX_CHALLENGES_PER_ATTEMPT {
            let reason = "the registrar refused our credentials".to_owned();
            return self.failed(now, Some(response.status), reason, None);
        }
        self.challenges_this_attempt += 1;
        self.answering = Some(Answering {
            challenge,
            proxy,
            nonce_count: 0,
        });
        self.send();
    }

    fn interval_too_brief(&mut self, now: Instant, response: &Response) {
        let min = response
            .headers
            .get(&HeaderName::MinExpires)
            .and_then(|v| parse_delta_seconds(v).ok());
        match min {
            Some(min) if min > self.expires && min <= MAX_ACCEPTED_MIN_EXPIRES => {
                self.expires = min;
                self.send();
            }
            _ => {
                let reason = "423 without a usable Min-Expires".to_owned();
                self.failed(now, Some(423), reason, None);
            }
        }
    }

    fn failed(
        &mut self,
        now: Instant,
        status: Option<u16>,
        reason: String,
        retry_after: Option<u32>,
    ) {
        if self.unregistering {
            return self.finish_unregister();
        }
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        let backoff = retry_delay(self.consecutive_failures);
        let delay = match retry_after {
            Some(seconds) => Duration::from_secs(seconds.into()).clamp(backoff, MAX_RETRY_DELAY),
            None => backoff,
        };
        let retry_at = now + delay;
        // A refused challenge is not worth repeating pre-emptively.
        self.answering = None;
        self.phase = Phase::Idle { due: retry_at };
        self.set_state(RegistrationState::Failed {
            status,
            reason,
            retry_at,
        });
    }

    fn finish_unregister(&mut self) {
        self.phase = Phase::Stopped;
        self.set_state(RegistrationState::Unregistered);
    }

    fn send(&mut self) {
        self.last_cseq += 1;
        let branch = format!(
            "{}{:016x}",
            crate::message::BRANCH_MAGIC_COOKIE,
            self.rng.gen::<u64>()
        );
        let cnonce = format!("{:016x}", self.rng.gen::<u64>());
        let authorization = self.answering.as_mut().and_then(|answering| {
            answering.nonce_count += 1;
            let client = DigestClient {
                username: &self.config.username,
                password: &self.config.password,
            };
            let uri = self.config.registrar.to_string();
            let value = client
                .authorization(
                    &answering.challenge,
                    Method::Register.as_str(),
                    &uri,
                    &cnonce,
                    answering.nonce_count,
                )
                .map_err(|error| tracing::warn!(%error, "cannot answer the registrar's challenge"))
                .ok()?;
            let header = if answering.proxy {
                HeaderName::ProxyAuthorization
            } else {
                HeaderName::Authorization
            };
            Some((header, value))
        });
        let request = build::register(
            &self.config,
            &build::Ids {
                call_id: &self.call_id,
                from_tag: &self.from_tag,
                cseq: self.last_cseq,
                branch: &branch,
            },
            self.expires,
            authorization,
        );
        self.requests.push_back(request);
        if self.unregistering {
            self.removal_cseq = Some(self.last_cseq);
        }
        self.phase = Phase::InFlight {
            cseq: self.last_cseq,
        };
        if matches!(self.state, RegistrationState::Failed { .. }) {
            self.set_state(RegistrationState::Registering);
        }
    }

    fn set_state(&mut self, state: RegistrationState) {
        self.state = state.clone();
        self.events
            .push_back(RegistrationEvent::StateChanged(state));
    }
}
