//! Session timers (RFC 4028) as the UAS: negotiate the interval and the refresher from
//! an INVITE or UPDATE, then say when the session must be refreshed or torn down.
//!
//! Kept free of message types so the negotiation rules can be tested on their own.

use std::time::{Duration, Instant};

/// Who sends the periodic refresh (RFC 4028 section 7.1 `refresher` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresher {
    Uac,
    Uas,
}

impl Refresher {
    pub fn as_str(self) -> &'static str {
        match self {
            Refresher::Uac => "uac",
            Refresher::Uas => "uas",
        }
    }
}

/// What the request said about session timers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionTimerRequest {
    /// `Session-Expires` delta-seconds, when present.
    pub session_expires: Option<u32>,
    /// `refresher` parameter of `Session-Expires`, when present.
    pub refresher: Option<Refresher>,
    /// `Min-SE` delta-seconds, when present.
    pub min_se: Option<u32>,
    /// Whether the UAC listed `timer` in Supported (or Require).
    pub uac_supports_timer: bool,
}

/// Our side of the negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimerPolicy {
    /// Interval we propose when the UAC proposes none.
    pub default_expires: u32,
    /// Smallest interval we accept; below it we answer 422 (RFC 4028 section 8.1).
    pub min_se: u32,
}

/// The outcome for one INVITE or UPDATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionTimerDecision {
    /// No session timer on this dialog: the UAC neither asked nor supports it.
    None,
    /// Answer 422 with `Min-SE: min_se`.
    TooSmall { min_se: u32 },
    /// Run a session timer; put `Session-Expires: interval;refresher=..` in the 2xx, with
    /// `Require: timer` when the UAC supports it.
    Active {
        interval: u32,
        refresher: Refresher,
        require_timer: bool,
    },
}

impl SessionTimerPolicy {
    pub fn decide(&self, request: &SessionTimerRequest) -> SessionTimerDecision {
        // The floor is ours or the largest Min-SE a proxy on the path demanded
        // (RFC 4028 section 9: the UAS must not pick less than the request's Min-SE).
        let floor = self.min_se.max(request.min_se.unwrap_or(0));
        let interval = match request.session_expires {
            // Section 9: the UAS may lower the interval but never raise it, and never below
            // the request's Min-SE; an interval under the floor leaves nothing to choose.
            // Below a Min-SE the request itself carries is the UAC's error (section 7.1
            // forbids it); the 422 names the whole floor, and its retry (section 7.3:
            // Session-Expires raised to the 422's Min-SE) is then acceptable.
            Some(asked) if asked < floor && request.uac_supports_timer => {
                return SessionTimerDecision::TooSmall { min_se: floor }
            }
            // A UAC without `timer` support cannot act on a 422 (section 8.1 says so for
            // proxies; erratum 1687 asks the same of a UAS): raise the interval to the
            // floor instead. We refresh such a session ourselves (below), so it is our
            // own interval to choose.
            Some(asked) if asked < floor => floor,
            Some(asked) => asked,
            None if request.uac_supports_timer => self.default_expires.max(floor),
            // RFC 4028 section 9 lets a UAS impose a timer on a UAC without support,
            // refreshing itself; we choose not to: such UACs are old, and dead calls are
            // caught by media inactivity instead, which needs no re-INVITE from us.
            None => return SessionTimerDecision::None,
        };
        let refresher = match (request.refresher, request.uac_supports_timer) {
            (Some(chosen), true) => chosen,
            // Without `timer` support the UAC cannot be the refresher (section 9).
            (_, false) => Refresher::Uas,
            // Section 9 leaves the choice to us; the UAC refreshing costs us nothing.
            (None, true) => Refresher::Uac,
        };
        SessionTimerDecision::Active {
            interval,
            refresher,
            require_timer: request.uac_supports_timer,
        }
    }
}

/// A running session timer for one dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimer {
    pub interval: u32,
    /// Who refreshes, named as if we were the UAS of the request that negotiated it:
    /// `Uas` means we refresh. That is literally true for an INVITE we answered and for
    /// their re-INVITEs and UPDATEs; a timer negotiated by our own INVITE is started with
    /// [`SessionTimer::start_as_uac`], which translates.
    pub refresher: Refresher,
    last_refresh: Instant,
    /// We sent a refresh and await its answer: only expiry is left to watch for.
    refresh_in_flight: bool,
    /// We are the refresher but could not refresh when due (another offer/answer was
    /// under way): ask again at this instant instead of at half the interval. Never
    /// later than expiry, which `deadline` caps it to.
    retry_at: Option<Instant>,
    /// Refreshes answered with an error since the last successful one, for back-off.
    failed_refreshes: u32,
}

/// What a session timer asks for when its deadline passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionTimerAction {
    /// We are the refresher: send a refreshing UPDATE or re-INVITE now.
    SendRefresh,
    /// The other side failed to refresh in time: send BYE (RFC 4028 section 10).
    Expire,
}

impl SessionTimer {
    pub fn start(now: Instant, interval: u32, refresher: Refresher) -> Self {
        SessionTimer {
            interval,
            refresher,
            last_refresh: now,
            refresh_in_flight: false,
            retry_at: None,
            failed_refreshes: 0,
        }
    }

    /// The timer a 2xx to *our* INVITE negotiated: there `refresher=uac` names us
    /// (RFC 4028 section 7.2), which this timer spells `Uas` (see [`Self::refresher`]).
    pub fn start_as_uac(now: Instant, interval: u32, refresher_in_2xx: Refresher) -> Self {
        Self::start(now, interval, Self::as_if_uas(refresher_in_2xx))
    }

    /// A 2xx to *our* refresh (RFC 4028 section 7.4, processed as in 7.2): its interval
    /// and refresher replace ours, `refresher=uac` there naming us.
    pub fn refreshed_as_uac(&mut self, now: Instant, interval: u32, refresher_in_2xx: Refresher) {
        self.refreshed(now, interval, Self::as_if_uas(refresher_in_2xx));
    }

    /// A refresher named in a 2xx to our request, spelt as this timer keeps it.
    fn as_if_uas(refresher_in_2xx: Refresher) -> Refresher {
        match refresher_in_2xx {
            Refresher::Uac => Refresher::Uas,
            Refresher::Uas => Refresher::Uac,
        }
    }

    /// A successful refresh (ours answered 2xx, or theirs received) restarts the interval.
    pub fn refreshed(&mut self, now: Instant, interval: u32, refresher: Refresher) {
        self.interval = interval;
        self.refresher = refresher;
        self.last_refresh = now;
        self.refresh_in_flight = false;
        self.retry_at = None;
        self.failed_refreshes = 0;
    }

    fn we_refresh_next(&self) -> bool {
        self.refresher == Refresher::Uas && !self.refresh_in_flight
    }

    /// When the session is over unless refreshed. Section 10: the side that is not the
    /// refresher sends BYE at the interval less min(32 s, interval/3), leaving the
    /// refresher's request time to arrive; as the refresher we give up no later, since a
    /// refresh arriving after that finds the peer gone anyway.
    fn expiry(&self) -> Instant {
        let interval = Duration::from_secs(u64::from(self.interval));
        let margin = Duration::from_secs(32).min(interval / 3);
        self.last_refresh + interval - margin
    }

    /// When something must happen next.
    pub fn deadline(&self) -> Instant {
        let expiry = self.expiry();
        if self.we_refresh_next() {
            // Section 10: the refresher refreshes at half the interval, or when a
            // postponed or failed attempt asked to be retried.
            let interval = Duration::from_secs(u64::from(self.interval));
            let due = self.retry_at.unwrap_or(self.last_refresh + interval / 2);
            due.min(expiry)
        } else {
            expiry
        }
    }

    pub fn poll(&self, now: Instant) -> Option<SessionTimerAction> {
        if now < self.deadline() {
            return None;
        }
        Some(if self.we_refresh_next() && now < self.expiry() {
            SessionTimerAction::SendRefresh
        } else {
            SessionTimerAction::Expire
        })
    }

    /// After we sent a refresh, wait for its answer instead of asking again at once:
    /// the next deadline is the session's real expiry.
    pub fn refresh_sent(&mut self) {
        self.refresh_in_flight = true;
        self.retry_at = None;
    }

    /// A refresh came due but could not be sent (their re-offer, or our 2xx to one,
    /// is still open: RFC 3261 14.1 allows one INVITE offer/answer at a time). Ask
    /// again at `at`; the interval is not restarted, so if the session is never
    /// refreshed it still ends at expiry. Their re-offer answered 2xx with
    /// Session-Expires is itself a refresh (`refreshed`) and cancels the retry.
    pub fn postpone(&mut self, at: Instant) {
        self.refresh_in_flight = false;
        self.retry_at = Some(at);
    }

    /// Our refresh was answered with an error other than 408/481 (RFC 4028 section 10:
    /// only a 2xx refreshes). The interval is not restarted: retry at `retry_in` after
    /// `now`, or, when that is `None`, with back-off (2, 4, 8 … 32 s) for repeated
    /// failures. Whatever the retries, the session ends at expiry if none succeeds.
    pub fn refresh_failed(&mut self, now: Instant, retry_in: Option<Duration>) {
        let backoff = Duration::from_secs(2 << self.failed_refreshes.min(4));
        self.failed_refreshes = self.failed_refreshes.saturating_add(1);
        self.postpone(now + retry_in.unwrap_or(backoff));
    }
}

/// Parses a `Session-Expires` value: `delta-seconds *(;param)` (RFC 4028 section 4).
pub fn parse_session_expires(value: &str) -> Option<(u32, Option<Refresher>)> {
    let mut parts = value.split(';');
    let seconds = parts.next()?.trim().parse::<u32>().ok()?;
    let mut refresher = None;
    for param in parts {
        let (name, param_value) = param.split_once('=').unwrap_or((param, ""));
        if name.trim().eq_ignore_ascii_case("refresher") {
            refresher = match param_value.trim().to_ascii_lowercase().as_str() {
                "uac" => Some(Refresher::Uac),
                "uas" => Some(Refresher::Uas),
                _ => return None,
            };
        }
    }
    Some((seconds, refresher))
}

/// Parses a `Min-SE` value: `delta-seconds *(;param)`.
pub fn parse_min_se(value: &str) -> Option<u32> {
    value.split(';').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: SessionTimerPolicy = SessionTimerPolicy {
        default_expires: 1800,
        min_se: 90,
    };

    fn request(
        se: Option<u32>,
        refresher: Option<Refresher>,
        supported: bool,
    ) -> SessionTimerRequest {
        SessionTimerRequest {
            session_expires: se,
            refresher,
            min_se: None,
            uac_supports_timer: supported,
        }
    }

    #[test]
    fn too_small_interval_gets_422_with_our_floor() {
        assert_eq!(
            POLICY.decide(&request(Some(60), None, true)),
            SessionTimerDecision::TooSmall { min_se: 90 }
        );
    }

    /// RFC 4028 section 9: never below the request's Min-SE, even when it asks for less.
    #[test]
    fn interval_below_the_requests_own_min_se() {
        let mut asked = request(Some(300), Some(Refresher::Uac), true);
        asked.min_se = Some(600);
        assert_eq!(
            POLICY.decide(&asked),
            SessionTimerDecision::TooSmall { min_se: 600 }
        );
        // Its retry after the 422 (Session-Expires raised to Min-SE) is accepted.
        asked.session_expires = Some(600);
        assert!(matches!(
            POLICY.decide(&asked),
            SessionTimerDecision::Active { interval: 600, .. }
        ));
        // Without `timer` support a 422 is useless: the interval is raised instead.
        let mut unsupported = request(Some(300), None, false);
        unsupported.min_se = Some(600);
        assert_eq!(
            POLICY.decide(&unsupported),
            SessionTimerDecision::Active {
                interval: 600,
                refresher: Refresher::Uas,
                require_timer: false
            }
        );
        assert_eq!(
            POLICY.decide(&request(Some(60), None, false)),
            SessionTimerDecision::Active {
                interval: 90,
                refresher: Refresher::Uas,
                require_timer: false
            }
        );
    }

    #[test]
    fn requested_refresher_is_kept_when_uac_supports_timer() {
        assert_eq!(
            POLICY.decide(&request(Some(600), Some(Refresher::Uas), true)),
            SessionTimerDecision::Active {
                interval: 600,
                refresher: Refresher::Uas,
                require_timer: true
            }
        );
        assert_eq!(
            POLICY.decide(&request(Some(600), None, true)),
            SessionTimerDecision::Active {
                interval: 600,
                refresher: Refresher::Uac,
                require_timer: true
            }
        );
    }

    #[test]
    fn uac_without_support_never_refreshes() {
        assert_eq!(
            POLICY.decide(&request(Some(600), Some(Refresher::Uac), false)),
            SessionTimerDecision::Active {
                interval: 600,
                refresher: Refresher::Uas,
                require_timer: false
            }
        );
        assert_eq!(
            POLICY.decide(&request(None, None, false)),
            SessionTimerDecision::None
        );
    }

    #[test]
    fn supported_without_interval_gets_our_default_but_not_below_min_se() {
        assert_eq!(
            POLICY.decide(&request(None, None, true)),
            SessionTimerDecision::Active {
                interval: 1800,
                refresher: Refresher::Uac,
                require_timer: true
            }
        );
        let mut asked = request(None, None, true);
        asked.min_se = Some(3600);
        assert_eq!(
            POLICY.decide(&asked),
            SessionTimerDecision::Active {
                interval: 3600,
                refresher: Refresher::Uac,
                require_timer: true
            }
        );
    }

    #[test]
    fn uas_refreshes_at_half_and_uac_expiry_leaves_a_margin() {
        let start = Instant::now();
        let ours = SessionTimer::start(start, 600, Refresher::Uas);
        assert_eq!(ours.poll(start + Duration::from_secs(299)), None);
        assert_eq!(
            ours.poll(start + Duration::from_secs(300)),
            Some(SessionTimerAction::SendRefresh)
        );

        let theirs = SessionTimer::start(start, 600, Refresher::Uac);
        assert_eq!(theirs.deadline(), start + Duration::from_secs(568));
        assert_eq!(theirs.poll(start + Duration::from_secs(567)), None);
        assert_eq!(
            theirs.poll(start + Duration::from_secs(568)),
            Some(SessionTimerAction::Expire)
        );

        let short = SessionTimer::start(start, 90, Refresher::Uac);
        assert_eq!(short.deadline(), start + Duration::from_secs(60));
    }

    #[test]
    fn refresh_restarts_the_interval() {
        let start = Instant::now();
        let mut timer = SessionTimer::start(start, 600, Refresher::Uac);
        timer.refreshed(start + Duration::from_secs(500), 600, Refresher::Uac);
        assert_eq!(timer.poll(start + Duration::from_secs(600)), None);
        assert_eq!(timer.deadline(), start + Duration::from_secs(1068));
    }

    #[test]
    fn after_sending_a_refresh_we_wait_for_expiry_not_resend() {
        let start = Instant::now() + Duration::from_secs(1000);
        let mut timer = SessionTimer::start(start, 600, Refresher::Uas);
        let at = start + Duration::from_secs(300);
        assert_eq!(timer.poll(at), Some(SessionTimerAction::SendRefresh));
        timer.refresh_sent();
        assert_eq!(timer.poll(at), None);
        assert_eq!(
            timer.poll(at + Duration::from_secs(268)),
            Some(SessionTimerAction::Expire)
        );
    }

    #[test]
    fn postponed_refresh_is_asked_again_but_never_past_expiry() {
        let start = Instant::now() + Duration::from_secs(1000);
        let mut timer = SessionTimer::start(start, 120, Refresher::Uas);
        let due = start + Duration::from_secs(60);
        assert_eq!(timer.poll(due), Some(SessionTimerAction::SendRefresh));
        timer.postpone(due + Duration::from_secs(2));
        assert_eq!(timer.poll(due + Duration::from_secs(1)), None);
        assert_eq!(
            timer.poll(due + Duration::from_secs(2)),
            Some(SessionTimerAction::SendRefresh)
        );
        // A retry beyond expiry (120 − 32 = 88 s) is cut to it, and expiry means BYE.
        timer.postpone(start + Duration::from_secs(100));
        assert_eq!(timer.deadline(), start + Duration::from_secs(88));
        assert_eq!(
            timer.poll(start + Duration::from_secs(88)),
            Some(SessionTimerAction::Expire)
        );
        // A refresh clears the retry.
        timer.refreshed(start + Duration::from_secs(70), 120, Refresher::Uas);
        assert_eq!(timer.deadline(), start + Duration::from_secs(130));
    }

    #[test]
    fn failed_refreshes_back_off_without_restarting_the_interval() {
        let start = Instant::now() + Duration::from_secs(1000);
        let at = |n: u64| start + Duration::from_secs(n);
        let mut timer = SessionTimer::start(start, 600, Refresher::Uas);
        timer.refresh_sent();
        timer.refresh_failed(at(301), None);
        assert_eq!(timer.deadline(), at(303));
        timer.refresh_sent();
        timer.refresh_failed(at(304), None);
        assert_eq!(timer.deadline(), at(308));
        timer.refresh_sent();
        timer.refresh_failed(at(309), Some(Duration::from_millis(2500)));
        assert_eq!(timer.deadline(), at(309) + Duration::from_millis(2500));
        // Still bound to the original expiry, 600 − 32 s after the last success.
        timer.refresh_sent();
        timer.refresh_failed(at(560), None);
        assert_eq!(timer.deadline(), at(568));
        assert_eq!(timer.poll(at(568)), Some(SessionTimerAction::Expire));
        // A success resets the back-off.
        timer.refreshed(at(400), 600, Refresher::Uas);
        timer.refresh_sent();
        timer.refresh_failed(at(701), None);
        assert_eq!(timer.deadline(), at(703));
    }

    #[test]
    fn header_values_parse() {
        assert_eq!(
            parse_session_expires("1800;refresher=uac"),
            Some((1800, Some(Refresher::Uac)))
        );
        assert_eq!(
            parse_session_expires(" 90 ; Refresher = UAS"),
            Some((90, Some(Refresher::Uas)))
        );
        assert_eq!(parse_session_expires("600"), Some((600, None)));
        assert_eq!(parse_session_expires("600;refresher=both"), None);
        assert_eq!(parse_session_expires("abc"), None);
        assert_eq!(parse_min_se("90;x=y"), Some(90));
    }
}
