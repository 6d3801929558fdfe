//! Property-style runs: random input sequences in random simulated time. Checked after
//! every step: no panic, only transitions the RFC figures draw, Terminated reported
//! exactly once and nothing after it, no timer once terminated, and `handle_timeout`
//! before the deadline is a no-op.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::support::*;
use crate::transaction::{
    InviteClient, InviteClientState as Ic, InviteServer, InviteServerState as Is, NonInviteClient,
    NonInviteClientState as Nc, NonInviteServer, NonInviteServerState as Ns, Output, TimerConfig,
    TransportKind,
};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn status(&mut self) -> u16 {
        // Mostly real codes, sometimes garbage.
        match self.below(10) {
            0 => u16::try_from(self.below(1_000)).unwrap_or(0),
            1..=3 => 100 + u16::try_from(self.below(100)).unwrap_or(0),
            4..=6 => 200 + u16::try_from(self.below(100)).unwrap_or(0),
            _ => 300 + u16::try_from(self.below(400)).unwrap_or(0),
        }
    }
}

trait Fuzzed: Machine<Out = Output> {
    type State: Copy + Eq + Debug;
    fn create(now: Instant, kind: TransportKind, config: TimerConfig) -> Self;
    fn state(&self) -> Self::State;
    fn is_terminated(&self) -> bool;
    /// Applies a random non-timer input.
    fn random_input(&mut self, now: Instant, rng: &mut Rng);
    fn may_follow(from: Self::State, to: Self::State) -> bool;
}

impl Fuzzed for InviteClient {
    type State = Ic;
    fn create(now: Instant, kind: TransportKind, config: TimerConfig) -> Self {
        Self::new(now, kind, config, INVITE)
    }
    fn state(&self) -> Ic {
        InviteClient::state(self)
    }
    fn is_terminated(&self) -> bool {
        InviteClient::is_terminated(self)
    }
    fn random_input(&mut self, now: Instant, rng: &mut Rng) {
        let status = rng.status();
        let _ = match rng.below(4) {
            0 => self.handle_provisional(now, status),
            1 => self.handle_success(now, status),
            2 => self.handle_failure(now, status, ACK),
            _ => {
                self.handle_transport_error(now);
                Ok(())
            }
        };
    }
    fn may_follow(from: Ic, to: Ic) -> bool {
        use Ic::*;
        from == to
            || to == Terminated
            || matches!(
                (from, to),
                (Calling, Proceeding | Completed | Accepted) | (Proceeding, Completed | Accepted)
            )
    }
}

impl Fuzzed for NonInviteClient {
    type State = Nc;
    fn create(now: Instant, kind: TransportKind, config: TimerConfig) -> Self {
        Self::new(now, kind, config, OPTIONS)
    }
    fn state(&self) -> Nc {
        NonInviteClient::state(self)
    }
    fn is_terminated(&self) -> bool {
        NonInviteClient::is_terminated(self)
    }
    fn random_input(&mut self, now: Instant, rng: &mut Rng) {
        if rng.below(5) == 0 {
            self.handle_transport_error(now);
        } else {
            let _ = self.handle_response(now, rng.status());
        }
    }
    fn may_follow(from: Nc, to: Nc) -> bool {
        use Nc::*;
        from == to
            || to == Terminated
            || matches!(
                (from, to),
                (Trying, Proceeding | Completed) | (Proceeding, Completed)
            )
    }
}

impl Fuzzed for InviteServer {
    type State = Is;
    fn create(now: Instant, kind: TransportKind, _config: TimerConfig) -> Self {
        Self::new(now, kind, _config)
    }
    fn state(&self) -> Is {
        InviteServer::state(self)
    }
    fn is_terminated(&self) -> bool {
        InviteServer::is_terminated(self)
    }
    fn random_input(&mut self, now: Instant, rng: &mut Rng) {
        match rng.below(5) {
            0 => self.handle_request_retransmission(now),
            1 => self.handle_ack(now),
            2 => self.handle_transport_error(now),
            _ => {
                let status = rng.status();
                let _ = self.send_response(now, status, Bytes::from(status.to_string()));
            }
        }
    }
    fn may_follow(from: Is, to: Is) -> bool {
        use Is::*;
        from == to
            || to == Terminated
            || matches!(
                (from, to),
                (Proceeding, Completed | Accepted) | (Completed, Confirmed)
            )
    }
}

impl Fuzzed for NonInviteServer {
    type State = Ns;
    fn create(now: Instant, kind: TransportKind, config: TimerConfig) -> Self {
        Self::new(now, kind, config)
    }
    fn state(&self) -> Ns {
        NonInviteServer::state(self)
    }
    fn is_terminated(&self) -> bool {
        NonInviteServer::is_terminated(self)
    }
    fn random_input(&mut self, now: Instant, rng: &mut Rng) {
        match rng.below(4) {
            0 => self.handle_request_retransmission(now),
            1 => self.handle_transport_error(now),
            _ => {
                let status = rng.status();
                let _ = self.send_response(now, status, Bytes::from(status.to_string()));
            }
        }
    }
    fn may_follow(from: Ns, to: Ns) -> bool {
        use Ns::*;
        from == to
            || to == Terminated
            || matches!(
                (from, to),
                (Trying, Proceeding | Completed) | (Proceeding, Completed)
            )
    }
}

/// Runs one random sequence; returns whether the machine ended Terminated.
fn run_random<M: Fuzzed>(seed: u64) -> bool {
    let mut rng = Rng(seed | 1);
    let base = Instant::now();
    let kind = if rng.below(2) == 0 {
        TransportKind::Unreliable
    } else {
        TransportKind::Reliable
    };
    let config = match rng.below(4) {
        0 => TimerConfig {
            t1: ms(100),
            t2: ms(1_000),
            t4: ms(2_000),
        },
        1 => TimerConfig {
            t1: Duration::ZERO,
            t2: Duration::ZERO,
            t4: Duration::ZERO,
        },
        _ => TimerConfig::default(),
    };
    let mut now = base;
    let mut machine = M::create(now, kind, config);
    let _initial_transmit = drain(&mut machine);
    let mut terminated_reports = 0;
    let mut state = machine.state();

    for _ in 0..=rng.below(80) {
        let was_terminated = machine.is_terminated();
        match rng.below(6) {
            0 | 1 => machine.random_input(now, &mut rng),
            2 => {
                // Jump exactly to the next deadline and fire it.
                if let Some(deadline) = machine.poll_timeout() {
                    now = now.max(deadline);
                }
                machine.handle_timeout(now);
            }
            3 => {
                // Fire at an arbitrary time; before the deadline it must change nothing.
                let deadline = machine.poll_timeout();
                let before = machine.state();
                machine.handle_timeout(now);
                if deadline.is_none_or(|at| at > now) {
                    assert_eq!(machine.poll_timeout(), deadline);
                    assert_eq!(machine.state(), before);
                    assert_eq!(drain(&mut machine), vec![]);
                }
            }
            _ => now += ms(rng.below(6_000)),
        }
        let outputs = drain(&mut machine);
        if was_terminated {
            assert_eq!(outputs, vec![], "output after termination (seed {seed})");
        }
        terminated_reports += outputs.iter().filter(|o| **o == Output::Terminated).count();
        assert_eq!(
            outputs.last() == Some(&Output::Terminated),
            machine.is_terminated() && !was_terminated,
            "Terminated must be the last output of the step that terminates (seed {seed})"
        );

        let next = machine.state();
        assert!(
            M::may_follow(state, next),
            "{state:?} -> {next:?} (seed {seed})"
        );
        state = next;
        if machine.is_terminated() {
            assert_eq!(machine.poll_timeout(), None);
        }
    }
    assert!(terminated_reports <= 1);
    assert_eq!(terminated_reports == 1, machine.is_terminated());
    machine.is_terminated()
}

/// Runs many seeds and checks the runs were not vacuous: some ended, some did not.
fn run_many<M: Fuzzed>(salt: u64) {
    let terminated = (0..RUNS)
        .filter(|seed| run_random::<M>(seed * 7_919 + salt))
        .count();
    assert!(terminated > 0, "no random run reached Terminated");
    assert!(
        terminated < usize::try_from(RUNS).unwrap_or(usize::MAX),
        "every run terminated"
    );
}

const RUNS: u64 = 400;

#[test]
fn invite_client_survives_random_inputs() {
    run_many::<InviteClient>(1);
}

#[test]
fn non_invite_client_survives_random_inputs() {
    run_many::<NonInviteClient>(2);
}

#[test]
fn invite_server_survives_random_inputs() {
    run_many::<InviteServer>(3);
}

#[test]
fn non_invite_server_survives_random_inputs() {
    run_many::<NonInviteServer>(4);
}
