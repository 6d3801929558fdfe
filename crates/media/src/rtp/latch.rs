//! Symmetric RTP (RFC 4961 practice, needed behind NAT): send to wherever the far end's
//! packets come from, not to the address in its SDP.
//!
//! Rules: latch to the first source address. A packet from another address is dropped
//! unless either `switch_after` consecutive packets came from that same new address (a
//! re-INVITE moved the media, or the NAT binding changed) or the latched address has been
//! silent for `idle_after` (the old path stopped): then the new address is latched and
//! reported. Requiring a run of packets keeps one stray or spoofed packet from hijacking
//! the call's audio; the idle rule makes a clean move instant.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What to do with a packet, by its source address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatchDecision {
    /// From the latched address.
    Accept,
    /// From a new address that is latched from now on.
    Switched { previous: Option<SocketAddr> },
    /// From an address that is not (yet) latched.
    Reject,
}

#[derive(Debug, Clone)]
pub struct SourceLatch {
    remote: Option<SocketAddr>,
    last_from_remote: Option<Instant>,
    candidate: Option<(SocketAddr, u32)>,
    switch_after: u32,
    idle_after: Duration,
}

impl SourceLatch {
    pub fn new(switch_after: u32, idle_after: Duration) -> Self {
        Self {
            remote: None,
            last_from_remote: None,
            candidate: None,
            switch_after: switch_after.max(1),
            idle_after,
        }
    }

    /// The latched address.
    pub fn remote(&self) -> Option<SocketAddr> {
        self.remote
    }

    pub fn on_packet(&mut self, from: SocketAddr, now: Instant) -> LatchDecision {
        if self.remote == Some(from) {
            self.candidate = None;
            self.last_from_remote = Some(now);
            return LatchDecision::Accept;
        }
        let count = match self.candidate {
            Some((address, count)) if address == from => count + 1,
            _ => 1,
        };
        let old_stopped = self
            .last_from_remote
            .is_none_or(|at| now.saturating_duration_since(at) >= self.idle_after);
        if count >= self.switch_after || old_stopped {
            let previous = self.remote.replace(from);
            self.candidate = None;
            self.last_from_remote = Some(now);
            return LatchDecision::Switched { previous };
        }
        self.candidate = Some((from, count));
        LatchDecision::Reject
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], port))
    }

    #[test]
    fn latches_first_source_and_ignores_a_stray_packet() {
        let now = Instant::now();
        let mut latch = SourceLatch::new(3, Duration::from_millis(500));
        assert_eq!(
            latch.on_packet(addr(1), now),
            LatchDecision::Switched { previous: None }
        );
        assert_eq!(latch.on_packet(addr(2), now), LatchDecision::Reject);
        assert_eq!(latch.on_packet(addr(1), now), LatchDecision::Accept);
        assert_eq!(latch.on_packet(addr(2), now), LatchDecision::Reject);
        assert_eq!(latch.on_packet(addr(2), now), LatchDecision::Reject);
        assert_eq!(latch.remote(), Some(addr(1)));
    }

    #[test]
    fn switches_after_a_run_of_packets_from_the_new_address() {
        let now = Instant::now();
        let mut latch = SourceLatch::new(3, Duration::from_millis(500));
        latch.on_packet(addr(1), now);
        assert_eq!(latch.on_packet(addr(2), now), LatchDecision::Reject);
        assert_eq!(latch.on_packet(addr(2), now), LatchDecision::Reject);
        assert_eq!(
            latch.on_packet(addr(2), now),
            LatchDecision::Switched {
                previous: Some(addr(1))
            }
        );
        assert_eq!(latch.on_packet(addr(1), now), LatchDecision::Reject);
    }

    #[test]
    fn switches_at_once_when_the_old_source_stopped() {
        let now = Instant::now();
        let mut latch = SourceLatch::new(3, Duration::from_millis(500));
        latch.on_packet(addr(1), now);
        let later = now + Duration::from_millis(499);
        assert_eq!(latch.on_packet(addr(2), later), LatchDecision::Reject);
        let stopped = now + Duration::from_millis(500);
        assert_eq!(
            latch.on_packet(addr(3), stopped),
            LatchDecision::Switched {
                previous: Some(addr(1))
            }
        );
    }
}
