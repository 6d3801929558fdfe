//! Timer values of RFC 3261 section 17 (table 4 in appendix A) and RFC 6026, named once.

use std::time::Duration;

/// Whether the transport under a transaction retransmits for us.
///
/// RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1 and 17.2.2: request and response retransmission
/// timers (A, E, G) run only over unreliable transports, and the "wait for stragglers"
/// timers (D, I, J, K) are zero over reliable ones because nothing can straggle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// UDP: messages can be lost or duplicated, so the transaction retransmits.
    Unreliable,
    /// TCP, TLS, SCTP: delivery is the transport's job.
    Reliable,
}

impl TransportKind {
    /// True for TCP/TLS/SCTP.
    pub fn is_reliable(self) -> bool {
        matches!(self, Self::Reliable)
    }
}

/// The names of the transaction timers, as RFC 3261 and RFC 6026 spell them.
///
/// Timer C belongs to proxies (RFC 3261 16.6) and is not a transaction timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// INVITE request retransmission (client, unreliable only).
    A,
    /// INVITE client transaction timeout.
    B,
    /// Wait for retransmitted non-2xx final responses (INVITE client, Completed).
    D,
    /// Non-INVITE request retransmission (client, unreliable only).
    E,
    /// Non-INVITE client transaction timeout.
    F,
    /// INVITE non-2xx final response retransmission (server, unreliable only).
    G,
    /// Wait for the ACK to a non-2xx final response (INVITE server, Completed).
    H,
    /// Absorb ACK retransmissions (INVITE server, Confirmed).
    I,
    /// Absorb non-INVITE request retransmissions (server, Completed).
    J,
    /// Absorb non-INVITE response retransmissions (client, Completed).
    K,
    /// RFC 6026: absorb INVITE retransmissions after a 2xx (server, Accepted).
    L,
    /// RFC 6026: keep passing 2xx retransmissions to the TU (client, Accepted).
    M,
}

/// The SIP timer base values. Every transaction timer is derived from these, here, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerConfig {
    /// Round-trip time estimate (default 500 ms).
    pub t1: Duration,
    /// Longest interval between non-INVITE request and INVITE response retransmissions
    /// (default 4 s).
    pub t2: Duration,
    /// Longest time a message can stay in the network (default 5 s).
    pub t4: Duration,
}

impl Default for TimerConfig {
    fn default() -> Self {
        Self {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
        }
    }
}

/// RFC 3261 17.1.1.2: Timer D "MUST be set to at least 32 seconds" on unreliable transports.
const TIMER_D_FLOOR: Duration = Duration::from_secs(32);

/// Retransmission intervals are never shorter than this, so a zero T1 or T2 in a
/// misconfiguration cannot make the caller's event loop spin.
const MIN_RETRANSMIT_INTERVAL: Duration = Duration::from_millis(1);

impl TimerConfig {
    fn sixty_four_t1(&self) -> Duration {
        self.t1.saturating_mul(64)
    }

    fn zero_if_reliable(kind: TransportKind, unreliable: Duration) -> Duration {
        if kind.is_reliable() {
            Duration::ZERO
        } else {
            unreliable
        }
    }

    /// First Timer A interval: T1 (RFC 3261 17.1.1.2).
    pub fn timer_a(&self) -> Duration {
        self.t1.max(MIN_RETRANSMIT_INTERVAL)
    }

    /// Timer B: 64·T1.
    pub fn timer_b(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer D: at least 32 s on unreliable transports, zero on reliable ones.
    ///
    /// It must outlast the server's Timer H (64·T1), during which the server may still
    /// retransmit its final response, so a raised T1 raises D with it.
    pub fn timer_d(&self, kind: TransportKind) -> Duration {
        Self::zero_if_reliable(kind, self.sixty_four_t1().max(TIMER_D_FLOOR))
    }

    /// First Timer E interval: T1 (RFC 3261 17.1.2.2).
    pub fn timer_e(&self) -> Duration {
        self.t1.max(MIN_RETRANSMIT_INTERVAL)
    }

    /// Timer F: 64·T1.
    pub fn timer_f(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// First Timer G interval: T1 (RFC 3261 17.2.1).
    pub fn timer_g(&self) -> Duration {
        self.t1.max(MIN_RETRANSMIT_INTERVAL)
    }

    /// Timer H: 64·T1.
    pub fn timer_h(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer I: T4 on unreliable transports, zero on reliable ones.
    pub fn timer_i(&self, kind: TransportKind) -> Duration {
        Self::zero_if_reliable(kind, self.t4)
    }

    /// Timer J: 64·T1 on unreliable transports, zero on reliable ones.
    pub fn timer_j(&self, kind: TransportKind) -> Duration {
        Self::zero_if_reliable(kind, self.sixty_four_t1())
    }

    /// Timer K: T4 on unreliable transports, zero on reliable ones.
    pub fn timer_k(&self, kind: TransportKind) -> Duration {
        Self::zero_if_reliable(kind, self.t4)
    }

    /// Timer L (RFC 6026 8.7): 64·T1.
    pub fn timer_l(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer M (RFC 6026 8.4): 64·T1.
    pub fn timer_m(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// First 2xx retransmission interval of the UAS core: T1 (RFC 3261 13.3.1.4).
    pub fn two_xx_first_retransmit(&self) -> Duration {
        self.t1.max(MIN_RETRANSMIT_INTERVAL)
    }

    /// How long the UAS core retransmits a 2xx before giving up on the ACK: 64·T1
    /// (RFC 3261 13.3.1.4).
    pub fn two_xx_give_up(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// The next interval of a timer that doubles without limit (Timer A).
    pub fn doubled(&self, interval: Duration) -> Duration {
        interval.saturating_mul(2).max(MIN_RETRANSMIT_INTERVAL)
    }

    /// The next interval of a timer that doubles up to T2 (Timers E, G and the 2xx
    /// retransmissions).
    pub fn doubled_capped_at_t2(&self, interval: Duration) -> Duration {
        interval
            .saturating_mul(2)
            .min(self.t2)
            .max(MIN_RETRANSMIT_INTERVAL)
    }

    /// T2, as the Timer E interval once a non-INVITE client is in Proceeding.
    pub fn t2_interval(&self) -> Duration {
        self.t2.max(MIN_RETRANSMIT_INTERVAL)
    }
}
