//! Shared test plumbing: a common view of the four machines and a simulated-time runner.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::transaction::{
    InviteClient, InviteServer, NonInviteClient, NonInviteServer, Output, TwoXxOutput,
    TwoXxRetransmitter,
};

pub(super) const INVITE: Bytes = Bytes::from_static(b"INVITE sip:conf@dialbridge.test SIP/2.0");
pub(super) const OPTIONS: Bytes = Bytes::from_static(b"OPTIONS sip:trunk.test SIP/2.0");
pub(super) const ACK: Bytes = Bytes::from_static(b"ACK sip:conf@dialbridge.test SIP/2.0");
pub(super) const TRYING: Bytes = Bytes::from_static(b"SIP/2.0 100 Trying");
pub(super) const RINGING: Bytes = Bytes::from_static(b"SIP/2.0 180 Ringing");
pub(super) const OK: Bytes = Bytes::from_static(b"SIP/2.0 200 OK");
pub(super) const BUSY: Bytes = Bytes::from_static(b"SIP/2.0 486 Busy Here");

pub(super) fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Milliseconds since `base`, for readable schedules.
pub(super) fn offset_ms(base: Instant, at: Instant) -> u64 {
    u64::try_from(at.duration_since(base).as_millis()).unwrap_or(u64::MAX)
}

/// The drain side every machine shares.
pub(super) trait Machine {
    type Out: Clone + PartialEq + std::fmt::Debug;
    fn handle_timeout(&mut self, now: Instant);
    fn poll_timeout(&self) -> Option<Instant>;
    fn poll_output(&mut self) -> Option<Self::Out>;
}

macro_rules! impl_machine {
    ($machine:ty, $out:ty) => {
        impl Machine for $machine {
            type Out = $out;
            fn handle_timeout(&mut self, now: Instant) {
                <$machine>::handle_timeout(self, now)
            }
            fn poll_timeout(&self) -> Option<Instant> {
                <$machine>::poll_timeout(self)
            }
            fn poll_output(&mut self) -> Option<$out> {
                <$machine>::poll_output(self)
            }
        }
    };
}

impl_machine!(InviteClient, Output);
impl_machine!(NonInviteClient, Output);
impl_machine!(InviteServer, Output);
impl_machine!(NonInviteServer, Output);
impl_machine!(TwoXxRetransmitter, TwoXxOutput);

pub(super) fn drain<M: Machine>(machine: &mut M) -> Vec<M::Out> {
    std::iter::from_fn(|| machine.poll_output()).collect()
}

/// Drives `machine` from deadline to deadline up to `base + until`, and returns every
/// output with the millisecond offset at which it appeared.
///
/// At each deadline it also checks the contract: a `handle_timeout` one nanosecond early
/// does nothing at all, and firing exactly at `poll_timeout` makes progress.
pub(super) fn run_timers<M: Machine>(
    machine: &mut M,
    base: Instant,
    until: Duration,
) -> Vec<(u64, M::Out)> {
    let end = base + until;
    let mut log = Vec::new();
    while let Some(deadline) = machine.poll_timeout() {
        if deadline > end {
            break;
        }
        let just_before = deadline - Duration::from_nanos(1);
        machine.handle_timeout(just_before);
        assert_eq!(
            drain(machine),
            Vec::new(),
            "early handle_timeout emitted output"
        );
        assert_eq!(
            machine.poll_timeout(),
            Some(deadline),
            "early handle_timeout moved a deadline"
        );

        machine.handle_timeout(deadline);
        let outputs = drain(machine);
        assert!(
            !outputs.is_empty() || machine.poll_timeout() != Some(deadline),
            "a deadline passed without effect"
        );
        let at = offset_ms(base, deadline);
        log.extend(outputs.into_iter().map(|output| (at, output)));
    }
    log
}

/// Offsets of `Transmit` outputs in a log.
pub(super) fn transmit_times(log: &[(u64, Output)]) -> Vec<u64> {
    log.iter()
        .filter(|(_, output)| matches!(output, Output::Transmit(_)))
        .map(|(at, _)| *at)
        .collect()
}

/// The log without `Transmit` outputs.
pub(super) fn non_transmits(log: &[(u64, Output)]) -> Vec<(u64, Output)> {
    log.iter()
        .filter(|(_, output)| !matches!(output, Output::Transmit(_)))
        .cloned()
        .collect()
}
