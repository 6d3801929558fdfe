use std::time::Duration;

use super::support::ms;
use crate::transaction::{TimerConfig, TransportKind::*};

#[test]
fn defaults_are_rfc_3261_table_4() {
    let config = TimerConfig::default();
    assert_eq!(config.t1, ms(500));
    assert_eq!(config.t2, ms(4_000));
    assert_eq!(config.t4, ms(5_000));
    assert_eq!(config.timer_a(), ms(500));
    assert_eq!(config.timer_b(), ms(32_000));
    assert_eq!(config.timer_d(Unreliable), ms(32_000));
    assert_eq!(config.timer_e(), ms(500));
    assert_eq!(config.timer_f(), ms(32_000));
    assert_eq!(config.timer_g(), ms(500));
    assert_eq!(config.timer_h(), ms(32_000));
    assert_eq!(config.timer_i(Unreliable), ms(5_000));
    assert_eq!(config.timer_j(Unreliable), ms(32_000));
    assert_eq!(config.timer_k(Unreliable), ms(5_000));
    assert_eq!(config.timer_l(), ms(32_000));
    assert_eq!(config.timer_m(), ms(32_000));
    assert_eq!(config.two_xx_give_up(), ms(32_000));
}

#[test]
fn straggler_timers_are_zero_on_reliable_transports() {
    let config = TimerConfig::default();
    assert_eq!(config.timer_d(Reliable), Duration::ZERO);
    assert_eq!(config.timer_i(Reliable), Duration::ZERO);
    assert_eq!(config.timer_j(Reliable), Duration::ZERO);
    assert_eq!(config.timer_k(Reliable), Duration::ZERO);
}

#[test]
fn timer_d_is_at_least_32_seconds_and_outlasts_timer_h() {
    let fast = TimerConfig {
        t1: ms(100),
        ..TimerConfig::default()
    };
    assert_eq!(fast.timer_d(Unreliable), ms(32_000));
    let slow = TimerConfig {
        t1: ms(1_000),
        ..TimerConfig::default()
    };
    assert_eq!(slow.timer_d(Unreliable), ms(64_000));
    assert!(slow.timer_d(Unreliable) >= slow.timer_h());
}

#[test]
fn doubling_caps_only_where_the_rfc_caps() {
    let config = TimerConfig::default();
    assert_eq!(config.doubled(ms(4_000)), ms(8_000));
    assert_eq!(config.doubled_capped_at_t2(ms(2_000)), ms(4_000));
    assert_eq!(config.doubled_capped_at_t2(ms(4_000)), ms(4_000));
    assert_eq!(config.doubled(Duration::MAX), Duration::MAX);
}

#[test]
fn zero_base_values_never_give_a_zero_retransmit_interval() {
    let zero = TimerConfig {
        t1: Duration::ZERO,
        t2: Duration::ZERO,
        t4: Duration::ZERO,
    };
    assert!(!zero.timer_a().is_zero());
    assert!(!zero.timer_e().is_zero());
    assert!(!zero.timer_g().is_zero());
    assert!(!zero.doubled_capped_at_t2(Duration::ZERO).is_zero());
    assert!(!zero.t2_interval().is_zero());
}
