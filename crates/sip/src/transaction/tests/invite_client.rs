use std::time::{Duration, Instant};

use bytes::Bytes;

use super::support::*;
use crate::transaction::{
    InviteClient, InviteClientState, Output, StatusClass, Timer, TimerConfig, TransactionError,
    TransportKind::*,
};

fn started(base: Instant, kind: crate::transaction::TransportKind) -> InviteClient {
    let mut tx = InviteClient::new(base, kind, TimerConfig::default(), INVITE);
    assert_eq!(drain(&mut tx), vec![Output::Transmit(INVITE)]);
    tx
}

#[test]
fn timer_a_doubles_without_t2_cap_until_timer_b() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    let log = run_timers(&mut tx, base, ms(100_000));
    // Intervals 0.5, 1, 2, 4, 8, 16 s: A would next fire at 63.5 s, but B ends it at 32 s.
    assert_eq!(
        transmit_times(&log),
        vec![500, 1_500, 3_500, 7_500, 15_500, 31_500]
    );
    assert!(log
        .iter()
        .filter(|(_, output)| matches!(output, Output::Transmit(_)))
        .all(|(_, output)| *output == Output::Transmit(INVITE)));
    assert_eq!(
        non_transmits(&log),
        vec![
            (32_000, Output::Timeout(Timer::B)),
            (32_000, Output::Terminated)
        ]
    );
    assert_eq!(tx.state(), InviteClientState::Terminated);
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn reliable_transport_never_retransmits_but_still_times_out() {
    let base = Instant::now();
    let mut tx = started(base, Reliable);
    assert_eq!(tx.next_timer(), Some((Timer::B, base + ms(32_000))));
    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(
        log,
        vec![
            (32_000, Output::Timeout(Timer::B)),
            (32_000, Output::Terminated)
        ]
    );
}

#[test]
fn provisional_stops_timers_a_and_b() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_timeout(base + ms(500));
    assert_eq!(drain(&mut tx), vec![Output::Transmit(INVITE)]);

    tx.handle_provisional(base + ms(700), 100).unwrap();
    assert_eq!(drain(&mut tx), vec![Output::ResponseToTu(100)]);
    assert_eq!(tx.state(), InviteClientState::Proceeding);
    assert_eq!(tx.poll_timeout(), None);

    tx.handle_provisional(base + ms(900), 180).unwrap();
    assert_eq!(drain(&mut tx), vec![Output::ResponseToTu(180)]);
    tx.handle_timeout(base + ms(1_000_000));
    assert_eq!(drain(&mut tx), vec![]);
    assert_eq!(tx.state(), InviteClientState::Proceeding);
}

#[test]
fn non_2xx_final_is_acked_and_retransmissions_are_reacked_until_timer_d() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_provisional(base + ms(100), 180).unwrap();
    drain(&mut tx);

    let at = base + ms(2_000);
    tx.handle_failure(at, 486, ACK).unwrap();
    assert_eq!(
        drain(&mut tx),
        vec![Output::ResponseToTu(486), Output::Transmit(ACK)]
    );
    assert_eq!(tx.state(), InviteClientState::Completed);
    assert_eq!(tx.next_timer(), Some((Timer::D, at + ms(32_000))));

    // A retransmitted 486: the stored ACK goes out again, the TU hears nothing.
    let other_ack = Bytes::from_static(b"a second ACK built by the caller");
    tx.handle_failure(base + ms(3_000), 486, other_ack).unwrap();
    assert_eq!(drain(&mut tx), vec![Output::Transmit(ACK)]);

    // Late provisional and 2xx are absorbed too.
    tx.handle_provisional(base + ms(3_100), 183).unwrap();
    tx.handle_success(base + ms(3_200), 200).unwrap();
    assert_eq!(drain(&mut tx), vec![]);

    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(log, vec![(34_000, Output::Terminated)]);
}

#[test]
fn non_2xx_final_on_reliable_transport_terminates_at_once() {
    let base = Instant::now();
    let mut tx = started(base, Reliable);
    tx.handle_failure(base + ms(50), 503, ACK).unwrap();
    assert_eq!(
        drain(&mut tx),
        vec![
            Output::ResponseToTu(503),
            Output::Transmit(ACK),
            Output::Terminated
        ]
    );
    assert!(tx.is_terminated());
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn accepted_passes_every_2xx_up_without_acking_until_timer_m() {
    for kind in [Unreliable, Reliable] {
        let base = Instant::now();
        let mut tx = started(base, kind);
        let at = base + ms(1_200);
        tx.handle_success(at, 200).unwrap();
        assert_eq!(drain(&mut tx), vec![Output::ResponseToTu(200)]);
        assert_eq!(tx.state(), InviteClientState::Accepted);
        // Timer M is 64*T1 on every transport (RFC 6026 8.4).
        assert_eq!(tx.next_timer(), Some((Timer::M, at + ms(32_000))));

        // Retransmissions and forked 2xx all go up; the TU ACKs them, not us.
        tx.handle_success(base + ms(1_700), 200).unwrap();
        tx.handle_success(base + ms(2_000), 202).unwrap();
        assert_eq!(
            drain(&mut tx),
            vec![Output::ResponseToTu(200), Output::ResponseToTu(202)]
        );
        // Other responses are absorbed in Accepted.
        tx.handle_provisional(base + ms(2_100), 180).unwrap();
        tx.handle_failure(base + ms(2_200), 486, ACK).unwrap();
        tx.handle_transport_error(base + ms(2_300));
        assert_eq!(drain(&mut tx), vec![]);

        let log = run_timers(&mut tx, base, ms(100_000));
        assert_eq!(log, vec![(33_200, Output::Terminated)]);
    }
}

#[test]
fn transport_error_informs_tu_and_terminates() {
    let base = Instant::now();
    let mut tx = started(base, Reliable);
    tx.handle_transport_error(base + ms(10));
    assert_eq!(
        drain(&mut tx),
        vec![Output::TransportError, Output::Terminated]
    );
    assert!(tx.is_terminated());
    tx.handle_success(base + ms(20), 200).unwrap();
    tx.handle_timeout(base + ms(100_000));
    assert_eq!(drain(&mut tx), vec![]);
}

#[test]
fn late_batch_fires_due_timers_in_deadline_order() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_timeout(base + ms(40_000));
    assert_eq!(
        drain(&mut tx),
        vec![
            Output::Transmit(INVITE),
            Output::Timeout(Timer::B),
            Output::Terminated
        ]
    );
}

#[test]
fn wrong_status_class_is_refused_and_changes_nothing() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    assert_eq!(
        tx.handle_provisional(base, 200),
        Err(TransactionError::WrongStatusClass {
            status: 200,
            expected: StatusClass::Provisional
        })
    );
    assert_eq!(
        tx.handle_success(base, 99),
        Err(TransactionError::InvalidStatus(99))
    );
    assert_eq!(
        tx.handle_failure(base, 700, ACK),
        Err(TransactionError::InvalidStatus(700))
    );
    assert_eq!(
        tx.handle_failure(base, 299, ACK),
        Err(TransactionError::WrongStatusClass {
            status: 299,
            expected: StatusClass::Failure
        })
    );
    assert_eq!(drain(&mut tx), vec![]);
    assert_eq!(tx.state(), InviteClientState::Calling);
    assert_eq!(tx.poll_timeout(), Some(base + ms(500)));
}

#[test]
fn unrepresentable_deadlines_mean_never_rather_than_panic() {
    let base = Instant::now();
    let config = TimerConfig {
        t1: Duration::MAX,
        t2: Duration::MAX,
        t4: Duration::MAX,
    };
    let mut tx = InviteClient::new(base, Unreliable, config, INVITE);
    assert_eq!(tx.poll_timeout(), None);
    tx.handle_failure(base, 404, ACK).unwrap();
    assert_eq!(tx.state(), InviteClientState::Completed);
    assert_eq!(tx.poll_timeout(), None);
}
