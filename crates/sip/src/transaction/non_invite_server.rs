//! The non-INVITE server transaction: RFC 3261 17.2.2.

use std::collections::VecDeque;
use std::time::Instant;

use bytes::Bytes;

use super::output::{classify, Output, StatusClass, TransactionError};
use super::schedule::Schedule;
use super::timers::{Timer, TimerConfig, TransportKind};

/// States of the non-INVITE server transaction (RFC 3261 figure 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NonInviteServerState {
    /// The request is with the TU and nothing was sent; retransmissions are absorbed.
    Trying,
    /// A 1xx was sent; retransmissions are answered with it.
    Proceeding,
    /// A final response was sent; retransmissions are answered with it until Timer J.
    Completed,
    /// Done; drop the transaction.
    Terminated,
}

impl NonInviteServerState {
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

/// A non-INVITE server transaction.
///
/// The endpoint creates it when a new request arrives and hands that request to the TU
/// itself; the TU's responses go through [`NonInviteServer::send_response`].
#[derive(Debug, Clone)]
pub struct NonInviteServer {
    state: NonInviteServerState,
    transport: TransportKind,
    config: TimerConfig,
    last_response: Option<Bytes>,
    schedule: Schedule<Timer>,
    outputs: VecDeque<Output>,
}

impl NonInviteServer {
    /// Starts the transaction in Trying for a request received at `now`.
    pub fn new(_now: Instant, transport: TransportKind, config: TimerConfig) -> Self {
        Self {
            state: NonInviteServerState::Trying,
            transport,
            config,
            last_response: None,
            schedule: Schedule::new(),
            outputs: VecDeque::new(),
        }
    }

    /// The TU sends a response with `status`, serialized as `response`.
    ///
    /// Refused with [`TransactionError::ResponseNotAllowed`] once a final response was
    /// sent: RFC 3261 17.2.2 discards any further response from the TU.
    pub fn send_response(
        &mut self,
        now: Instant,
        status: u16,
        response: Bytes,
    ) -> Result<(), TransactionError> {
        let class = classify(status)?;
        match self.state {
            NonInviteServerState::Trying | NonInviteServerState::Proceeding => {
                self.outputs.push_back(Output::Transmit(response.clone()));
                self.last_response = Some(response);
                if class == StatusClass::Provisional {
                    self.state = NonInviteServerState::Proceeding;
                } else {
                    self.state = NonInviteServerState::Completed;
                    let timer_j = self.config.timer_j(self.transport);
                    if timer_j.is_zero() {
                        self.terminate();
                    } else {
                        self.schedule.arm(Timer::J, now, timer_j);
                    }
                }
                Ok(())
            }
            NonInviteServerState::Completed | NonInviteServerState::Terminated => {
                Err(TransactionError::ResponseNotAllowed {
                    status,
                    state: self.state.as_str(),
                })
            }
        }
    }

    /// A retransmission of the request arrived (RFC 3261 17.2.2).
    pub fn handle_request_retransmission(&mut self, _now: Instant) {
        match self.state {
            NonInviteServerState::Proceeding | NonInviteServerState::Completed => {
                if let Some(bytes) = &self.last_response {
                    self.outputs.push_back(Output::Transmit(bytes.clone()));
                }
            }
            // Trying: the TU has not answered yet and there is nothing to resend.
            NonInviteServerState::Trying | NonInviteServerState::Terminated => {}
        }
    }

    /// The transport failed to send one of this transaction's responses (RFC 3261 17.2.4).
    pub fn handle_transport_error(&mut self, _now: Instant) {
        match self.state {
            NonInviteServerState::Proceeding | NonInviteServerState::Completed => {
                self.outputs.push_back(Output::TransportError);
                self.terminate();
            }
            // Trying has sent nothing, so no error can be ours.
            NonInviteServerState::Trying | NonInviteServerState::Terminated => {}
        }
    }

    /// Fires every timer due at `now`; before the earliest deadline this does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        for timer in self.schedule.take_due(now) {
            if (self.state, timer) == (NonInviteServerState::Completed, Timer::J) {
                self.terminate();
            }
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
    pub fn state(&self) -> NonInviteServerState {
        self.state
    }

    /// True once Terminated: the endpoint should drop the transaction.
    pub fn is_terminated(&self) -> bool {
        self.state == NonInviteServerState::Terminated
    }

    fn terminate(&mut self) {
        self.schedule.clear();
        self.state = NonInviteServerState::Terminated;
        self.outputs.push_back(Output::Terminated);
    }
}
