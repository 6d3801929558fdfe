//! What became of one dial-out call, as reported to whoever asked (API response or event,
//! spoken to the organizer on the phone) and written to the call detail record.
//!
//! [`DialOutAttempt`] follows one outgoing call from the endpoint's events and owns the
//! no-answer timer: sans-IO, the shell calls `handle_timeout` at `poll_timeout` and, when
//! told to, cancels the INVITE (`Endpoint::cancel_call`).

use serde::Serialize;
use std::fmt;
use std::time::{Duration, Instant};

/// Where a dial-out stands. The last four are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DialOutOutcome {
    /// The INVITE is out; nothing heard yet.
    Calling,
    /// 180 or 183: the phone rings.
    Ringing,
    /// 2xx: the called party picked up.
    Answered,
    /// 486 Busy Here or 600 Busy Everywhere.
    Busy,
    /// 603 Decline: the called party refused.
    Declined,
    /// Nobody answered before the ring timeout (we cancelled), or the network said so
    /// (408 Request Timeout, 480 Temporarily Unavailable).
    NoAnswer,
    /// Anything else: a number that does not exist (404, 484), the trunk refusing us (403,
    /// 401 after our answer), a server error, or no response at all.
    Failed,
}

impl DialOutOutcome {
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Calling | Self::Ringing)
    }

    /// How a final failure response (3xx–6xx) or its absence (`None`) reads. `cancelled`
    /// says we cancelled on our ring timeout, which makes the 487 that follows a no-answer.
    pub fn from_failure(status: Option<u16>, cancelled: bool) -> Self {
        match status {
            Some(486) | Some(600) => Self::Busy,
            Some(603) => Self::Declined,
            Some(487) if cancelled => Self::NoAnswer,
            Some(408) | Some(480) => Self::NoAnswer,
            // A CANCEL that crossed no final answer ends without one: still our timeout.
            None if cancelled => Self::NoAnswer,
            _ => Self::Failed,
        }
    }
}

impl fmt::Display for DialOutOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Calling => "calling",
            Self::Ringing => "ringing",
            Self::Answered => "answered",
            Self::Busy => "busy",
            Self::Declined => "declined",
            Self::NoAnswer => "no answer",
            Self::Failed => "failed",
        })
    }
}

/// What the shell must do after feeding an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptAction {
    /// Nothing.
    None,
    /// Report this new outcome (each is reported once, in order).
    Report(DialOutOutcome),
    /// The ring timeout passed: cancel the INVITE. The outcome follows with its 487.
    Cancel,
}

/// One outgoing call from INVITE to its final outcome.
#[derive(Debug, Clone)]
pub struct DialOutAttempt {
    outcome: DialOutOutcome,
    ring_deadline: Instant,
    cancelled: bool,
}

/// How long a dial-out rings before we give up, if the caller has no setting: about as long
/// as a mobile network rings before its own voicemail answers.
pub const DEFAULT_RING_TIMEOUT: Duration = Duration::from_secs(45);

impl DialOutAttempt {
    /// The INVITE left at `now`; without an answer by `now + ring_timeout` we cancel.
    pub fn new(now: Instant, ring_timeout: Duration) -> Self {
        Self {
            outcome: DialOutOutcome::Calling,
            ring_deadline: now + ring_timeout,
            cancelled: false,
        }
    }

    pub fn outcome(&self) -> DialOutOutcome {
        self.outcome
    }

    /// The ring deadline while it still matters.
    pub fn poll_timeout(&self) -> Option<Instant> {
        (!self.outcome.is_final() && !self.cancelled).then_some(self.ring_deadline)
    }

    pub fn handle_timeout(&mut self, now: Instant) -> AttemptAction {
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            self.cancelled = true;
            return AttemptAction::Cancel;
        }
        AttemptAction::None
    }

    /// `Event::CallProgress` with this status.
    pub fn progress(&mut self, status: u16) -> AttemptAction {
        if matches!(status, 180 | 183) && self.outcome == DialOutOutcome::Calling {
            return self.become_(DialOutOutcome::Ringing);
        }
        AttemptAction::None
    }

    /// `Event::CallAnswered` or `Event::OfferInAnswer`. A 2xx that crosses our CANCEL
    /// still answers the call (the endpoint then ends it with BYE and reports
    /// `CallFailed`; see [`DialOutAttempt::failed`]).
    pub fn answered(&mut self) -> AttemptAction {
        self.become_(DialOutOutcome::Answered)
    }

    /// `Event::CallFailed` with its final status (`None`: no final response).
    pub fn failed(&mut self, status: Option<u16>) -> AttemptAction {
        self.become_(DialOutOutcome::from_failure(status, self.cancelled))
    }

    fn become_(&mut self, outcome: DialOutOutcome) -> AttemptAction {
        if self.outcome.is_final() || self.outcome == outcome {
            return AttemptAction::None;
        }
        self.outcome = outcome;
        AttemptAction::Report(outcome)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn ringing_then_answered_is_reported_once_each() {
        let t0 = Instant::now();
        let mut attempt = DialOutAttempt::new(t0, secs(45));
        assert_eq!(attempt.progress(100), AttemptAction::None);
        assert_eq!(
            attempt.progress(180),
            AttemptAction::Report(DialOutOutcome::Ringing)
        );
        assert_eq!(attempt.progress(183), AttemptAction::None);
        assert_eq!(
            attempt.answered(),
            AttemptAction::Report(DialOutOutcome::Answered)
        );
        assert_eq!(
            attempt.poll_timeout(),
            None,
            "an answered call has no ring timeout"
        );
        assert_eq!(
            attempt.failed(Some(500)),
            AttemptAction::None,
            "final stays final"
        );
        assert_eq!(attempt.outcome(), DialOutOutcome::Answered);
    }

    #[test]
    fn failures_are_classified_by_status() {
        let cases = [
            (Some(486), DialOutOutcome::Busy),
            (Some(600), DialOutOutcome::Busy),
            (Some(603), DialOutOutcome::Declined),
            (Some(480), DialOutOutcome::NoAnswer),
            (Some(408), DialOutOutcome::NoAnswer),
            (Some(404), DialOutOutcome::Failed),
            (Some(403), DialOutOutcome::Failed),
            (Some(487), DialOutOutcome::Failed),
            (Some(503), DialOutOutcome::Failed),
            (None, DialOutOutcome::Failed),
        ];
        for (status, expected) in cases {
            let mut attempt = DialOutAttempt::new(Instant::now(), secs(45));
            assert_eq!(
                attempt.failed(status),
                AttemptAction::Report(expected),
                "{status:?}"
            );
        }
    }

    #[test]
    fn the_ring_timeout_cancels_and_the_487_reads_as_no_answer() {
        let t0 = Instant::now();
        let mut attempt = DialOutAttempt::new(t0, secs(30));
        attempt.progress(180);
        assert_eq!(attempt.poll_timeout(), Some(t0 + secs(30)));
        assert_eq!(attempt.handle_timeout(t0 + secs(29)), AttemptAction::None);
        assert_eq!(attempt.handle_timeout(t0 + secs(30)), AttemptAction::Cancel);
        assert_eq!(attempt.poll_timeout(), None, "cancel once");
        assert_eq!(attempt.handle_timeout(t0 + secs(60)), AttemptAction::None);
        assert_eq!(
            attempt.failed(Some(487)),
            AttemptAction::Report(DialOutOutcome::NoAnswer)
        );
    }

    #[test]
    fn a_cancel_without_any_final_response_is_still_no_answer() {
        let t0 = Instant::now();
        let mut attempt = DialOutAttempt::new(t0, secs(30));
        attempt.handle_timeout(t0 + secs(30));
        assert_eq!(
            attempt.failed(None),
            AttemptAction::Report(DialOutOutcome::NoAnswer)
        );
    }

    #[test]
    fn outcomes_read_as_words() {
        assert_eq!(DialOutOutcome::NoAnswer.to_string(), "no answer");
        assert!(DialOutOutcome::Busy.is_final());
        assert!(!DialOutOutcome::Ringing.is_final());
    }
}
