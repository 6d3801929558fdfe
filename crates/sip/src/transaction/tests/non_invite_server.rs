use std::time::Instant;

use super::support::*;
use crate::transaction::{
    NonInviteServer, NonInviteServerState, Output, Timer, TimerConfig, TransactionError,
    TransportKind, TransportKind::*,
};

fn started(base: Instant, kind: TransportKind) -> NonInviteServer {
    let tx = NonInviteServer::new(base, kind, TimerConfig::default());
    assert_eq!(tx.state(), NonInviteServerState::Trying);
    assert_eq!(tx.poll_timeout(), None);
    tx
}

#[test]
fn retransmissions_get_the_last_response_and_timer_j_ends_it() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_request_retransmission(base + ms(500));
    assert_eq!(drain(&mut tx), vec![]);

    tx.send_response(base + ms(600), 100, TRYING).unwrap();
    assert_eq!(tx.state(), NonInviteServerState::Proceeding);
    tx.handle_request_retransmission(base + ms(1_500));
    assert_eq!(
        drain(&mut tx),
        vec![Output::Transmit(TRYING), Output::Transmit(TRYING)]
    );

    tx.send_response(base + ms(2_000), 200, OK).unwrap();
    assert_eq!(tx.state(), NonInviteServerState::Completed);
    assert_eq!(tx.next_timer(), Some((Timer::J, base + ms(34_000))));
    tx.handle_request_retransmission(base + ms(3_500));
    assert_eq!(
        drain(&mut tx),
        vec![Output::Transmit(OK), Output::Transmit(OK)]
    );

    // RFC 3261 17.2.2: further final responses from the TU are discarded.
    assert_eq!(
        tx.send_response(base + ms(4_000), 500, BUSY),
        Err(TransactionError::ResponseNotAllowed {
            status: 500,
            state: "Completed"
        })
    );
    assert_eq!(drain(&mut tx), vec![]);

    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(log, vec![(34_000, Output::Terminated)]);
}

#[test]
fn reliable_transport_terminates_on_the_final_response() {
    let base = Instant::now();
    let mut tx = started(base, Reliable);
    tx.send_response(base + ms(5), 200, OK).unwrap();
    assert_eq!(
        drain(&mut tx),
        vec![Output::Transmit(OK), Output::Terminated]
    );
    assert_eq!(tx.poll_timeout(), None);
    assert!(tx.is_terminated());
}

#[test]
fn transport_error_informs_tu_and_terminates() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_transport_error(base);
    assert_eq!(drain(&mut tx), vec![], "nothing was sent from Trying");
    tx.send_response(base, 404, BUSY).unwrap();
    drain(&mut tx);
    tx.handle_transport_error(base + ms(1));
    assert_eq!(
        drain(&mut tx),
        vec![Output::TransportError, Output::Terminated]
    );
    assert_eq!(tx.poll_timeout(), None);
}
