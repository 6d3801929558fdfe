use std::time::Instant;

use super::support::*;
use crate::transaction::{
    InviteServer, InviteServerState, Output, Timer, TimerConfig, TransactionError, TransportKind,
    TransportKind::*,
};

fn started(base: Instant, kind: TransportKind) -> InviteServer {
    let tx = InviteServer::new(base, kind, TimerConfig::default());
    assert_eq!(tx.state(), InviteServerState::Proceeding);
    assert_eq!(tx.poll_timeout(), None);
    tx
}

#[test]
fn invite_retransmission_resends_the_latest_provisional_only() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    // Nothing sent yet: nothing to resend, and no response is made up.
    tx.handle_request_retransmission(base + ms(100));
    assert_eq!(drain(&mut tx), vec![]);

    tx.send_response(base + ms(150), 100, TRYING).unwrap();
    tx.handle_request_retransmission(base + ms(500));
    assert_eq!(
        drain(&mut tx),
        vec![Output::Transmit(TRYING), Output::Transmit(TRYING)]
    );

    tx.send_response(base + ms(600), 180, RINGING).unwrap();
    tx.handle_request_retransmission(base + ms(1_500));
    assert_eq!(
        drain(&mut tx),
        vec![Output::Transmit(RINGING), Output::Transmit(RINGING)]
    );
    // Provisional responses are never retransmitted by timers.
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn timer_g_doubles_capped_at_t2_until_timer_h() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.send_response(base, 486, BUSY).unwrap();
    assert_eq!(drain(&mut tx), vec![Output::Transmit(BUSY)]);
    assert_eq!(tx.state(), InviteServerState::Completed);

    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(
        transmit_times(&log),
        vec![500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    assert_eq!(
        non_transmits(&log),
        vec![
            (32_000, Output::Timeout(Timer::H)),
            (32_000, Output::Terminated)
        ]
    );
}

#[test]
fn ack_confirms_and_timer_i_absorbs_stragglers() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.send_response(base, 486, BUSY).unwrap();
    drain(&mut tx);

    // An INVITE retransmission in Completed gets the final response again.
    tx.handle_request_retransmission(base + ms(200));
    assert_eq!(drain(&mut tx), vec![Output::Transmit(BUSY)]);

    tx.handle_ack(base + ms(1_000));
    assert_eq!(tx.state(), InviteServerState::Confirmed);
    assert_eq!(tx.next_timer(), Some((Timer::I, base + ms(6_000))));
    tx.handle_ack(base + ms(1_100));
    tx.handle_request_retransmission(base + ms(1_200));
    assert_eq!(drain(&mut tx), vec![]);

    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(log, vec![(6_000, Output::Terminated)]);
}

#[test]
fn reliable_transport_no_timer_g_and_zero_timer_i() {
    let base = Instant::now();
    let mut tx = started(base, Reliable);
    tx.send_response(base, 603, BUSY).unwrap();
    drain(&mut tx);
    assert_eq!(tx.next_timer(), Some((Timer::H, base + ms(32_000))));
    tx.handle_ack(base + ms(80));
    assert_eq!(drain(&mut tx), vec![Output::Terminated]);
    assert_eq!(tx.poll_timeout(), None);

    let mut unacked = started(base, Reliable);
    unacked.send_response(base, 486, BUSY).unwrap();
    drain(&mut unacked);
    let log = run_timers(&mut unacked, base, ms(100_000));
    assert_eq!(
        log,
        vec![
            (32_000, Output::Timeout(Timer::H)),
            (32_000, Output::Terminated)
        ]
    );
}

#[test]
fn accepted_sends_2xx_once_absorbs_invites_and_passes_acks_up_until_timer_l() {
    for kind in [Unreliable, Reliable] {
        let base = Instant::now();
        let mut tx = started(base, kind);
        tx.send_response(base, 100, TRYING).unwrap();
        tx.send_response(base + ms(300), 200, OK).unwrap();
        assert_eq!(
            drain(&mut tx),
            vec![Output::Transmit(TRYING), Output::Transmit(OK)]
        );
        assert_eq!(tx.state(), InviteServerState::Accepted);
        assert_eq!(tx.next_timer(), Some((Timer::L, base + ms(32_300))));

        // INVITE retransmissions: absorbed, neither the 2xx nor the 100 is resent.
        tx.handle_request_retransmission(base + ms(800));
        assert_eq!(drain(&mut tx), vec![]);
        // The TU's own 2xx retransmissions (RFC 3261 13.3.1.4) go out.
        tx.send_response(base + ms(800), 200, OK).unwrap();
        assert_eq!(drain(&mut tx), vec![Output::Transmit(OK)]);
        // ACKs go up (RFC 6026 7.1), every one of them.
        tx.handle_ack(base + ms(900));
        tx.handle_ack(base + ms(950));
        assert_eq!(drain(&mut tx), vec![Output::AckToTu, Output::AckToTu]);
        // A transport error is reported but does not end Accepted (RFC 6026 figure 7).
        tx.handle_transport_error(base + ms(1_000));
        assert_eq!(drain(&mut tx), vec![Output::TransportError]);
        assert_eq!(tx.state(), InviteServerState::Accepted);

        let log = run_timers(&mut tx, base, ms(100_000));
        assert_eq!(log, vec![(32_300, Output::Terminated)]);
    }
}

#[test]
fn responses_the_state_forbids_are_refused_and_not_sent() {
    let base = Instant::now();
    let mut completed = started(base, Unreliable);
    completed.send_response(base, 486, BUSY).unwrap();
    drain(&mut completed);
    for (status, bytes) in [(180, RINGING), (200, OK), (486, BUSY)] {
        assert_eq!(
            completed.send_response(base, status, bytes),
            Err(TransactionError::ResponseNotAllowed {
                status,
                state: "Completed"
            })
        );
    }
    assert_eq!(drain(&mut completed), vec![]);

    let mut accepted = started(base, Unreliable);
    accepted.send_response(base, 200, OK).unwrap();
    drain(&mut accepted);
    for (status, bytes) in [(180, RINGING), (486, BUSY)] {
        assert_eq!(
            accepted.send_response(base, status, bytes),
            Err(TransactionError::ResponseNotAllowed {
                status,
                state: "Accepted"
            })
        );
    }
    assert_eq!(
        accepted.send_response(base, 42, OK),
        Err(TransactionError::InvalidStatus(42))
    );
    assert_eq!(drain(&mut accepted), vec![]);
}

#[test]
fn transport_errors_per_state() {
    let base = Instant::now();
    let mut proceeding = started(base, Reliable);
    proceeding.send_response(base, 100, TRYING).unwrap();
    drain(&mut proceeding);
    proceeding.handle_transport_error(base);
    assert_eq!(drain(&mut proceeding), vec![Output::TransportError]);
    assert_eq!(proceeding.state(), InviteServerState::Proceeding);

    let mut completed = started(base, Reliable);
    completed.send_response(base, 500, BUSY).unwrap();
    drain(&mut completed);
    completed.handle_transport_error(base);
    assert_eq!(
        drain(&mut completed),
        vec![Output::TransportError, Output::Terminated]
    );
    assert_eq!(completed.poll_timeout(), None);
}

#[test]
fn ack_before_any_final_response_is_ignored() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_ack(base);
    assert_eq!(drain(&mut tx), vec![]);
    assert_eq!(tx.state(), InviteServerState::Proceeding);
}
