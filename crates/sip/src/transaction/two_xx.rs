//! The UAS core's 2xx retransmission for INVITE: RFC 3261 13.3.1.4.
//!
//! A 2xx to an INVITE is retransmitted end to end by the UAS core, not by the INVITE
//! server transaction, because its ACK is a transaction of its own at the dialog layer.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::schedule::Schedule;
use super::timers::TimerConfig;

/// What the retransmitter wants done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TwoXxOutput {
    /// Send the 2xx again to the peer.
    Transmit(Bytes),
    /// 64·T1 passed without an ACK: the dialog is confirmed but the session SHOULD be
    /// ended with a BYE (RFC 3261 13.3.1.4).
    AckTimeout,
}

/// Where the retransmitter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TwoXxState {
    /// Waiting for the ACK, retransmitting.
    Retransmitting,
    /// The ACK arrived; nothing more to do.
    Acknowledged,
    /// No ACK within 64·T1; [`TwoXxOutput::AckTimeout`] was emitted.
    TimedOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TwoXxTimer {
    Retransmit,
    GiveUp,
}

/// Retransmits a 2xx to an INVITE until its ACK arrives or 64·T1 passes.
///
/// The first transmission is the INVITE server transaction's (`send_response`); this
/// produces only the retransmissions, at T1, 2·T1, 4·T1, … capped at T2.
///
/// There is deliberately no transport parameter: RFC 3261 13.3.1.4 retransmits "even if
/// the transport at the UAS is reliable", because the 2xx travels end to end and later
/// hops may be UDP. A caller that knows better can simply ignore the `Transmit` outputs;
/// the 64·T1 ACK timeout holds either way.
#[derive(Debug, Clone)]
pub struct TwoXxRetransmitter {
    state: TwoXxState,
    config: TimerConfig,
    response: Bytes,
    interval: Duration,
    schedule: Schedule<TwoXxTimer>,
    outputs: VecDeque<TwoXxOutput>,
}

impl TwoXxRetransmitter {
    /// Starts retransmitting `response`, which was first sent at `now`.
    pub fn new(now: Instant, config: TimerConfig, response: Bytes) -> Self {
        let interval = config.two_xx_first_retransmit();
        let mut schedule = Schedule::new();
        schedule.arm(TwoXxTimer::Retransmit, now, interval);
        schedule.arm(TwoXxTimer::GiveUp, now, config.two_xx_give_up());
        Self {
            state: TwoXxState::Retransmitting,
            config,
            response,
            interval,
            schedule,
            outputs: VecDeque::new(),
        }
    }

    /// The ACK for this 2xx arrived: retransmissions stop.
    pub fn handle_ack(&mut self, _now: Instant) {
        if self.state == TwoXxState::Retransmitting {
            self.schedule.clear();
            self.state = TwoXxState::Acknowledged;
        }
    }

    /// Fires every timer due at `now`; before the earliest deadline this does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        for timer in self.schedule.take_due(now) {
            if self.state != TwoXxState::Retransmitting {
                break;
            }
            match timer {
                TwoXxTimer::Retransmit => {
                    self.outputs
                        .push_back(TwoXxOutput::Transmit(self.response.clone()));
                    self.interval = self.config.doubled_capped_at_t2(self.interval);
                    self.schedule
                        .arm(TwoXxTimer::Retransmit, now, self.interval);
                }
                TwoXxTimer::GiveUp => {
                    self.schedule.clear();
                    self.state = TwoXxState::TimedOut;
                    self.outputs.push_back(TwoXxOutput::AckTimeout);
                }
            }
        }
    }

    /// The earliest deadline at which `handle_timeout` has work to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.schedule.next().map(|(_, at)| at)
    }

    /// The next thing to do; call until `None` after every input.
    pub fn poll_output(&mut self) -> Option<TwoXxOutput> {
        self.outputs.pop_front()
    }

    /// The current state.
    pub fn state(&self) -> TwoXxState {
        self.state
    }

    /// True once acknowledged or timed out: the retransmitter can be dropped.
    pub fn is_finished(&self) -> bool {
        self.state != TwoXxState::Retransmitting
    }
}
