//! The INVITE server transaction: RFC 3261 17.2.1 with the Accepted state of RFC 6026 8.5–8.7.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::output::{classify, Output, StatusClass, TransactionError};
use super::schedule::Schedule;
use super::timers::{Timer, TimerConfig, TransportKind};

/// States of the INVITE server transaction (RFC 6026 figure 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InviteServerState {
    /// The INVITE is with the TU; provisional responses go out as the TU sends them.
    Proceeding,
    /// A non-2xx final was sent: Timer G retransmits it (unreliable), Timer H awaits the ACK.
    Completed,
    /// The ACK arrived; its retransmissions are absorbed until Timer I.
    Confirmed,
    /// RFC 6026: a 2xx was sent; INVITE retransmissions are absorbed, the TU's 2xx
    /// retransmissions go out and ACKs go up, until Timer L.
    Accepted,
    /// Done; drop the transaction.
    Terminated,
}

impl InviteServerState {
    /// The state's name as the RFC figures spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proceeding => "Proceeding",
            Self::Completed => "Completed",
            Self::Confirmed => "Confirmed",
            Self::Accepted => "Accepted",
            Self::Terminated => "Terminated",
        }
    }
}

/// An INVITE server transaction.
///
/// The endpoint creates it when a new INVITE arrives and hands that INVITE to the TU
/// itself; from then on the TU's responses go through [`InviteServer::send_response`].
/// RFC 3261 17.2.1 wants a 100 (Trying) at once unless the TU answers within 200 ms:
/// the TU decides, and sends the 100 through `send_response` like any 1xx.
#[derive(Debug, Clone)]
pub struct InviteServer {
    state: InviteServerState,
    transport: TransportKind,
    config: TimerConfig,
    last_provisional: Option<Bytes>,
    final_failure: Option<Bytes>,
    timer_g_interval: Duration,
    schedule: Schedule<Timer>,
    outputs: VecDeque<Output>,
}

impl InviteServer {
    /// Starts the transaction in Proceeding for an INVITE received at `now`.
    pub fn new(_now: Instant, transport: TransportKind, config: TimerConfig) -> Self {
        Self {
            state: InviteServerState::Proceeding,
            transport,
            config,
            last_provisional: None,
            final_failure: None,
            timer_g_interval: config.timer_g(),
            schedule: Schedule::new(),
            outputs: VecDeque::new(),
        }
    }

    /// The TU sends a response with `status`, serialized as `response`.
    ///
    /// 1xx: only in Proceeding; remembered for INVITE retransmissions.
    /// 2xx: in Proceeding it moves to Accepted; in Accepted it is the TU's retransmission
    /// (RFC 3261 13.3.1.4) and is sent as well (RFC 6026 8.7).
    /// 300–699: only in Proceeding; moves to Completed.
    /// Anything else is refused with [`TransactionError::ResponseNotAllowed`] and not sent.
    pub fn send_response(
        &mut self,
        now: Instant,
        status: u16,
        response: Bytes,
    ) -> Result<(), TransactionError> {
        let class = classify(status)?;
        match (self.state, class) {
            (InviteServerState::Proceeding, StatusClass::Provisional) => {
                self.outputs.push_back(Output::Transmit(response.clone()));
                self.last_provisional = Some(response);
            }
            (InviteServerState::Proceeding, StatusClass::Success) => {
                self.outputs.push_back(Output::Transmit(response));
                self.state = InviteServerState::Accepted;
                self.wait_then_terminate(now, Timer::L, self.config.timer_l());
            }
            (InviteServerState::Accepted, StatusClass::Success) => {
                self.outputs.push_back(Output::Transmit(response));
            }
            (InviteServerState::Proceeding, StatusClass::Failure) => {
                self.outputs.push_back(Output::Transmit(response.clone()));
                self.final_failure = Some(response);
                self.state = InviteServerState::Completed;
                if !self.transport.is_reliable() {
                    self.schedule.arm(Timer::G, now, self.timer_g_interval);
                }
                self.schedule.arm(Timer::H, now, self.config.timer_h());
            }
            (state, _) => {
                return Err(TransactionError::ResponseNotAllowed {
                    status,
                    state: state.as_str(),
                })
            }
        }
        Ok(())
    }

    /// A retransmission of the INVITE arrived (RFC 3261 17.2.1).
    pub fn handle_request_retransmission(&mut self, _now: Instant) {
        let resend = match self.state {
            // The most recent provisional, if the TU sent one; a new response is not made.
            InviteServerState::Proceeding => self.last_provisional.clone(),
            InviteServerState::Completed => self.final_failure.clone(),
            // RFC 6026 8.7: absorbed in Accepted; the TU retransmits its 2xx on its own
            // schedule. Confirmed absorbs too.
            InviteServerState::Confirmed
            | InviteServerState::Accepted
            | InviteServerState::Terminated => None,
        };
        if let Some(bytes) = resend {
            self.outputs.push_back(Output::Transmit(bytes));
        }
    }

    /// An ACK matching this transaction arrived.
    pub fn handle_ack(&mut self, now: Instant) {
        match self.state {
            InviteServerState::Completed => {
                self.schedule.clear();
                self.state = InviteServerState::Confirmed;
                self.wait_then_terminate(now, Timer::I, self.config.timer_i(self.transport));
            }
            // RFC 6026 7.1: an ACK in Accepted belongs to the TU (it acknowledges the 2xx).
            InviteServerState::Accepted => self.outputs.push_back(Output::AckToTu),
            // An ACK before any final response acknowledges nothing; retransmitted ACKs in
            // Confirmed are what Timer I exists to absorb.
            InviteServerState::Proceeding
            | InviteServerState::Confirmed
            | InviteServerState::Terminated => {}
        }
    }

    /// The transport failed to send one of this transaction's responses (RFC 3261 17.2.4).
    pub fn handle_transport_error(&mut self, _now: Instant) {
        match self.state {
            // RFC 6026 figure 7: the TU is told and the transaction stays, since the TU may
            // still answer (Proceeding) or is retransmitting its own 2xx (Accepted).
            InviteServerState::Proceeding | InviteServerState::Accepted => {
                self.outputs.push_back(Output::TransportError);
            }
            InviteServerState::Completed => {
                self.outputs.push_back(Output::TransportError);
                self.terminate();
            }
            // Confirmed sends nothing, so no error can be ours.
            InviteServerState::Confirmed | InviteServerState::Terminated => {}
        }
    }

    /// Fires every timer due at `now`; before the earliest deadline this does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        for timer in self.schedule.take_due(now) {
            self.fire(now, timer);
        }
    }

    fn fire(&mut self, now: Instant, timer: Timer) {
        match (self.state, timer) {
            (InviteServerState::Completed, Timer::G) => {
                if let Some(bytes) = &self.final_failure {
                    self.outputs.push_back(Output::Transmit(bytes.clone()));
                }
                self.timer_g_interval = self.config.doubled_capped_at_t2(self.timer_g_interval);
                self.schedule.arm(Timer::G, now, self.timer_g_interval);
            }
            (InviteServerState::Completed, Timer::H) => {
                // 17.2.1: the ACK never came; the TU learns of the failure.
                self.outputs.push_back(Output::Timeout(Timer::H));
                self.terminate();
            }
            (InviteServerState::Confirmed, Timer::I) | (InviteServerState::Accepted, Timer::L) => {
                self.terminate();
            }
            // A timer left over from an earlier state in this same batch: already moot.
            _ => {}
        }
    }

    /// The earliest deadline at which `handle_timeout` has work to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_timer().map(|(_, at)| at)
    }

    /// The next timer to fire and when, for logs and tests.
    pub fn next_timer(&self) -> Option<(Timer, Instant)> {
        self.schedule.next()
    }

    /// The next thing to do; call until `None` after every input.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// The current state.
    pub fn state(&self) -> InviteServerState {
        self.state
    }

    /// True once Terminated: the endpoint should drop the transaction.
    pub fn is_terminated(&self) -> bool {
        self.state == InviteServerState::Terminated
    }

    /// Enters Terminated at once for a zero duration (reliable transports), else arms it.
    fn wait_then_terminate(&mut self, now: Instant, timer: Timer, after: Duration) {
        if after.is_zero() {
            self.terminate();
        } else {
            self.schedule.arm(timer, now, after);
        }
    }

    fn terminate(&mut self) {
        self.schedule.clear();
        self.state = InviteServerState::Terminated;
        self.outputs.push_back(Output::Terminated);
    }
}
