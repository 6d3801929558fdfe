//! The INVITE client transaction: RFC 3261 17.1.1 with the Accepted state of RFC 6026 8.4.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::output::{expect_class, Output, StatusClass, TransactionError};
use super::schedule::Schedule;
use super::timers::{Timer, TimerConfig, TransportKind};

/// States of the INVITE client transaction (RFC 6026 figure 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InviteClientState {
    /// INVITE sent, nothing heard yet: Timer A retransmits (unreliable), Timer B times out.
    Calling,
    /// A 1xx arrived. No timers: how long to wait for the final response is the TU's call.
    Proceeding,
    /// A non-2xx final arrived and was ACKed; retransmissions of it are re-ACKed (Timer D).
    Completed,
    /// RFC 6026: a 2xx arrived; further 2xx (retransmissions, forks) go to the TU (Timer M).
    Accepted,
    /// Done; drop the transaction.
    Terminated,
}

impl InviteClientState {
    /// The state's name as the RFC figures spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calling => "Calling",
            Self::Proceeding => "Proceeding",
            Self::Completed => "Completed",
            Self::Accepted => "Accepted",
            Self::Terminated => "Terminated",
        }
    }
}

/// An INVITE client transaction.
///
/// It never parses: it retransmits the INVITE bytes it was created with, and for a non-2xx
/// final response it sends the ACK bytes the caller built (RFC 3261 17.1.1.3 makes that
/// ACK part of this transaction). The ACK for a 2xx is the TU's, never sent here.
#[derive(Debug, Clone)]
pub struct InviteClient {
    state: InviteClientState,
    transport: TransportKind,
    config: TimerConfig,
    invite: Bytes,
    ack: Option<Bytes>,
    timer_a_interval: Duration,
    schedule: Schedule<Timer>,
    outputs: VecDeque<Output>,
}

impl InviteClient {
    /// Starts the transaction at `now`: the INVITE is queued for transmission, Timer A is
    /// armed on unreliable transports and Timer B on all (RFC 3261 17.1.1.2).
    pub fn new(now: Instant, transport: TransportKind, config: TimerConfig, invite: Bytes) -> Self {
        let mut schedule = Schedule::new();
        if !transport.is_reliable() {
            schedule.arm(Timer::A, now, config.timer_a());
        }
        schedule.arm(Timer::B, now, config.timer_b());
        Self {
            state: InviteClientState::Calling,
            transport,
            config,
            outputs: VecDeque::from([Output::Transmit(invite.clone())]),
            invite,
            ack: None,
            timer_a_interval: config.timer_a(),
            schedule,
        }
    }

    /// A 1xx matching this transaction arrived.
    pub fn handle_provisional(
        &mut self,
        _now: Instant,
        status: u16,
    ) -> Result<(), TransactionError> {
        expect_class(status, StatusClass::Provisional)?;
        match self.state {
            InviteClientState::Calling => {
                // 17.1.1.2: no more retransmissions, and Timer B only guards Calling.
                self.schedule.clear();
                self.state = InviteClientState::Proceeding;
                self.outputs.push_back(Output::ResponseToTu(status));
            }
            InviteClientState::Proceeding => self.outputs.push_back(Output::ResponseToTu(status)),
            // A late or reordered 1xx after the final response says nothing new.
            InviteClientState::Completed
            | InviteClientState::Accepted
            | InviteClientState::Terminated => {}
        }
        Ok(())
    }

    /// A 2xx matching this transaction arrived.
    pub fn handle_success(&mut self, now: Instant, status: u16) -> Result<(), TransactionError> {
        expect_class(status, StatusClass::Success)?;
        match self.state {
            InviteClientState::Calling | InviteClientState::Proceeding => {
                self.schedule.clear();
                self.state = InviteClientState::Accepted;
                self.outputs.push_back(Output::ResponseToTu(status));
                self.wait_then_terminate(now, Timer::M, self.config.timer_m());
            }
            // RFC 6026 8.4: every 2xx in Accepted goes up, with no ACK from us.
            InviteClientState::Accepted => self.outputs.push_back(Output::ResponseToTu(status)),
            InviteClientState::Completed | InviteClientState::Terminated => {}
        }
        Ok(())
    }

    /// A 300–699 response matching this transaction arrived. `ack` is the ACK the caller
    /// built for it (RFC 3261 17.1.1.3); it is kept and resent for every retransmission of
    /// the final response, so a retransmission's `ack` is not used.
    pub fn handle_failure(
        &mut self,
        now: Instant,
        status: u16,
        ack: Bytes,
    ) -> Result<(), TransactionError> {
        expect_class(status, StatusClass::Failure)?;
        match self.state {
            InviteClientState::Calling | InviteClientState::Proceeding => {
                self.schedule.clear();
                self.state = InviteClientState::Completed;
                self.outputs.push_back(Output::ResponseToTu(status));
                self.outputs.push_back(Output::Transmit(ack.clone()));
                self.ack = Some(ack);
                self.wait_then_terminate(now, Timer::D, self.config.timer_d(self.transport));
            }
            InviteClientState::Completed => {
                // 17.1.1.2: a retransmitted final response is answered with the same ACK
                // and not passed up.
                if let Some(ack) = &self.ack {
                    self.outputs.push_back(Output::Transmit(ack.clone()));
                }
            }
            InviteClientState::Accepted | InviteClientState::Terminated => {}
        }
        Ok(())
    }

    /// The transport failed to send this transaction's INVITE or ACK (RFC 3261 17.1.4).
    pub fn handle_transport_error(&mut self, _now: Instant) {
        match self.state {
            InviteClientState::Calling
            | InviteClientState::Proceeding
            | InviteClientState::Completed => {
                self.outputs.push_back(Output::TransportError);
                self.terminate();
            }
            // Nothing is sent in Accepted (RFC 6026 figure 5), so no error can be ours.
            InviteClientState::Accepted | InviteClientState::Terminated => {}
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
            (InviteClientState::Calling, Timer::A) => {
                // 17.1.1.2: A doubles each time with no T2 cap; Timer B ends it.
                self.outputs
                    .push_back(Output::Transmit(self.invite.clone()));
                self.timer_a_interval = self.config.doubled(self.timer_a_interval);
                self.schedule.arm(Timer::A, now, self.timer_a_interval);
            }
            (InviteClientState::Calling, Timer::B) => {
                self.outputs.push_back(Output::Timeout(Timer::B));
                self.terminate();
            }
            (InviteClientState::Completed, Timer::D) | (InviteClientState::Accepted, Timer::M) => {
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
    pub fn state(&self) -> InviteClientState {
        self.state
    }

    /// True once Terminated: the endpoint should drop the transaction.
    pub fn is_terminated(&self) -> bool {
        self.state == InviteClientState::Terminated
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
        self.state = InviteClientState::Terminated;
        self.outputs.push_back(Output::Terminated);
    }
}
