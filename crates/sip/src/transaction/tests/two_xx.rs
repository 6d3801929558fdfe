use std::time::Instant;

use super::support::*;
use crate::transaction::{TimerConfig, TwoXxOutput, TwoXxRetransmitter, TwoXxState};

#[test]
fn retransmits_from_t1_doubling_to_t2_then_gives_up_at_64_t1() {
    let base = Instant::now();
    let mut retransmitter = TwoXxRetransmitter::new(base, TimerConfig::default(), OK);
    assert_eq!(
        drain(&mut retransmitter),
        vec![],
        "the first send is the transaction's"
    );
    let log = run_timers(&mut retransmitter, base, ms(100_000));
    let transmits: Vec<u64> = log
        .iter()
        .filter(|(_, output)| *output == TwoXxOutput::Transmit(OK))
        .map(|(at, _)| *at)
        .collect();
    assert_eq!(
        transmits,
        vec![500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    assert_eq!(log.last(), Some(&(32_000, TwoXxOutput::AckTimeout)));
    assert_eq!(retransmitter.state(), TwoXxState::TimedOut);
    assert_eq!(retransmitter.poll_timeout(), None);
}

#[test]
fn ack_stops_retransmission() {
    let base = Instant::now();
    let mut retransmitter = TwoXxRetransmitter::new(base, TimerConfig::default(), OK);
    retransmitter.handle_timeout(base + ms(500));
    assert_eq!(drain(&mut retransmitter), vec![TwoXxOutput::Transmit(OK)]);
    retransmitter.handle_ack(base + ms(700));
    assert_eq!(retransmitter.state(), TwoXxState::Acknowledged);
    assert!(retransmitter.is_finished());
    assert_eq!(retransmitter.poll_timeout(), None);
    retransmitter.handle_timeout(base + ms(100_000));
    assert_eq!(drain(&mut retransmitter), vec![]);
}

#[test]
fn ack_after_timeout_changes_nothing() {
    let base = Instant::now();
    let mut retransmitter = TwoXxRetransmitter::new(base, TimerConfig::default(), OK);
    retransmitter.handle_timeout(base + ms(40_000));
    assert_eq!(
        drain(&mut retransmitter),
        vec![TwoXxOutput::Transmit(OK), TwoXxOutput::AckTimeout]
    );
    retransmitter.handle_ack(base + ms(40_001));
    assert_eq!(retransmitter.state(), TwoXxState::TimedOut);
}
