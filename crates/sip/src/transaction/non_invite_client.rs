//! The non-INVITE client transaction: RFC 3261 17.1.2.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::output::{classify, Output, StatusClass, TransactionError};
use super::schedule::Schedule;
use super::timers::{Timer, TimerConfig, TransportKind};

/// States of the non-INVITE client transaction (RFC 3261 figure 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NonInviteClientState {
    /// Request sent, nothing heard: Timer E retransmits (unreliable), Timer F times out.
    Trying,
    /// A 1xx arrived: retransmissions continue every T2 until a final or Timer F.
    Proceeding,
    /// A final response arrived; its retransmissions are absorbed until Timer K.
    Completed,
    /// Done; drop the transaction.
    Terminated,
}

impl NonInviteClientState {
    /// The state's name as the RFC figure spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trying => "Trying",
            Self::Proceeding => "Proceeding",
            Self::Completed => "Completed",
            Self::Terminated => "Terminated",
        }
    }
}

/// A non-INVITE client transaction (OPTIONS, BYE, CANCEL, INFO, …).
#[derive(Debug, Clone)]
pub struct NonInviteClient {
    state: NonInviteClientState,
    transport: TransportKind,
    config: TimerConfig,
    request: Bytes,
    timer_e_interval: Duration,
    schedule: Schedule<Timer>,
    outputs: VecDeque<Output>,
}

impl NonInviteClient {
    /// Starts the transaction at `now`: the request is queued for transmission, Timer E is
    /// armed on unreliable transports and Timer F on all (RFC 3261 17.1.2.2).
    pub fn new(
        now: Instant,
        transport: TransportKind,
        config: TimerConfig,
        request: Bytes,
    ) -> Self {
        let mut schedule = Schedule::new();
        if !transport.is_reliable() {
            schedule.arm(Timer::E, now, config.timer_e());
        }
        schedule.arm(Timer::F, now, config.timer_f());
        Self {
            state: NonInviteClientState::Trying,
            transport,
            config,
            outputs: VecDeque::from([Output::Transmit(request.clone())]),
            request,
            timer_e_interval: config.timer_e(),
            schedule,
        }
    }

    /// A response (100–699) matching this transaction arrived.
    pub fn handle_response(&mut self, now: Instant, status: u16) -> Result<(), TransactionError> {
        let class = classify(status)?;
        match (self.state, class) {
            (
                NonInviteClientState::Trying | NonInviteClientState::Proceeding,
                StatusClass::Provisional,
            ) => {
                // Timer E keeps running: 17.1.2.2 only changes its interval once it fires.
                self.state = NonInviteClientState::Proceeding;
                self.outputs.push_back(Output::ResponseToTu(status));
            }
            (NonInviteClientState::Trying | NonInviteClientState::Proceeding, _) => {
                self.schedule.clear();
                self.state = NonInviteClientState::Completed;
                self.outputs.push_back(Output::ResponseToTu(status));
                let timer_k = self.config.timer_k(self.transport);
                if timer_k.is_zero() {
                    self.terminate();
                } else {
                    self.schedule.arm(Timer::K, now, timer_k);
                }
            }
            // Completed absorbs retransmissions of the final response (17.1.2.2).
            (NonInviteClientState::Completed | NonInviteClientState::Terminated, _) => {}
        }
        Ok(())
    }

    /// The transport failed to send the request (RFC 3261 17.1.4).
    pub fn handle_transport_error(&mut self, _now: Instant) {
        match self.state {
            NonInviteClientState::Trying | NonInviteClientState::Proceeding => {
                self.outputs.push_back(Output::TransportError);
                self.terminate();
            }
            // Completed sends nothing, so no error can be ours.
            NonInviteClientState::Completed | NonInviteClientState::Terminated => {}
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
            (NonInviteClientState::Trying, Timer::E) => {
                self.timer_e_interval = self.config.doubled_capped_at_t2(self.timer_e_interval);
                self.retransmit(now);
            }
            (NonInviteClientState::Proceeding, Timer::E) => {
                // 17.1.2.2: once a 1xx arrived, retransmit every T2.
                self.timer_e_interval = self.config.t2_interval();
                self.retransmit(now);
            }
            (NonInviteClientState::Trying | NonInviteClientState::Proceeding, Timer::F) => {
                self.outputs.push_back(Output::Timeout(Timer::F));
                self.terminate();
            }
            (NonInviteClientState::Completed, Timer::K) => self.terminate(),
            // A timer left over from an earlier state in this same batch: already moot.
            _ => {}
        }
    }

    fn retransmit(&mut self, now: Instant) {
        self.outputs
            .push_back(Output::Transmit(self.request.clone()));
        self.schedule.arm(Timer::E, now, self.timer_e_interval);
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
    pub fn state(&self) -> NonInviteClientState {
        self.state
    }

    /// True once Terminated: the endpoint should drop the transaction.
    pub fn is_terminated(&self) -> bool {
        self.state == NonInviteClientState::Terminated
    }

    fn terminate(&mut self) {
        self.schedule.clear();
        self.state = NonInviteClientState::Terminated;
        self.outputs.push_back(Output::Terminated);
    }
}
