use std::time::Instant;

use super::support::*;
use crate::transaction::{
    NonInviteClient, NonInviteClientState, Output, Timer, TimerConfig, TransactionError,
    TransportKind, TransportKind::*,
};

fn started(base: Instant, kind: TransportKind) -> NonInviteClient {
    let mut tx = NonInviteClient::new(base, kind, TimerConfig::default(), OPTIONS);
    assert_eq!(drain(&mut tx), vec![Output::Transmit(OPTIONS)]);
    tx
}

#[test]
fn timer_e_doubles_capped_at_t2_until_timer_f() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(
        transmit_times(&log),
        vec![500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    assert_eq!(
        non_transmits(&log),
        vec![
            (32_000, Output::Timeout(Timer::F)),
            (32_000, Output::Terminated)
        ]
    );
}

#[test]
fn timer_e_fires_every_t2_once_proceeding() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_timeout(base + ms(500));
    assert_eq!(drain(&mut tx), vec![Output::Transmit(OPTIONS)]);
    tx.handle_response(base + ms(600), 100).unwrap();
    assert_eq!(drain(&mut tx), vec![Output::ResponseToTu(100)]);
    assert_eq!(tx.state(), NonInviteClientState::Proceeding);
    // E keeps its pending deadline (1.5 s); from then on it is reset to T2.
    assert_eq!(tx.next_timer(), Some((Timer::E, base + ms(1_500))));

    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(
        transmit_times(&log),
        vec![1_500, 5_500, 9_500, 13_500, 17_500, 21_500, 25_500, 29_500]
    );
    assert_eq!(
        non_transmits(&log),
        vec![
            (32_000, Output::Timeout(Timer::F)),
            (32_000, Output::Terminated)
        ]
    );
}

#[test]
fn final_response_completes_and_timer_k_absorbs_retransmissions() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_response(base + ms(100), 180).unwrap();
    tx.handle_response(base + ms(200), 183).unwrap();
    tx.handle_response(base + ms(300), 200).unwrap();
    assert_eq!(
        drain(&mut tx),
        vec![
            Output::ResponseToTu(180),
            Output::ResponseToTu(183),
            Output::ResponseToTu(200)
        ]
    );
    assert_eq!(tx.state(), NonInviteClientState::Completed);
    assert_eq!(tx.next_timer(), Some((Timer::K, base + ms(5_300))));

    tx.handle_response(base + ms(800), 200).unwrap();
    tx.handle_response(base + ms(900), 100).unwrap();
    tx.handle_transport_error(base + ms(950));
    assert_eq!(drain(&mut tx), vec![]);

    let log = run_timers(&mut tx, base, ms(100_000));
    assert_eq!(log, vec![(5_300, Output::Terminated)]);
}

#[test]
fn reliable_transport_no_retransmission_and_zero_timer_k() {
    let base = Instant::now();
    let mut tx = started(base, Reliable);
    assert_eq!(tx.next_timer(), Some((Timer::F, base + ms(32_000))));
    tx.handle_response(base + ms(40), 404).unwrap();
    assert_eq!(
        drain(&mut tx),
        vec![Output::ResponseToTu(404), Output::Terminated]
    );
    assert_eq!(tx.poll_timeout(), None);

    let mut silent = started(base, Reliable);
    let log = run_timers(&mut silent, base, ms(100_000));
    assert_eq!(
        log,
        vec![
            (32_000, Output::Timeout(Timer::F)),
            (32_000, Output::Terminated)
        ]
    );
}

#[test]
fn transport_error_informs_tu_and_terminates() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    tx.handle_response(base + ms(10), 100).unwrap();
    drain(&mut tx);
    tx.handle_transport_error(base + ms(20));
    assert_eq!(
        drain(&mut tx),
        vec![Output::TransportError, Output::Terminated]
    );
    assert_eq!(tx.poll_timeout(), None);
}

#[test]
fn non_status_is_refused() {
    let base = Instant::now();
    let mut tx = started(base, Unreliable);
    assert_eq!(
        tx.handle_response(base, 700),
        Err(TransactionError::InvalidStatus(700))
    );
    assert_eq!(
        tx.handle_response(base, 0),
        Err(TransactionError::InvalidStatus(0))
    );
    assert_eq!(drain(&mut tx), vec![]);
    assert_eq!(tx.state(), NonInviteClientState::Trying);
}
