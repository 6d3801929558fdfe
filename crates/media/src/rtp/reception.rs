//! Reception statistics for one remote source, as RFC 3550 appendix A computes them:
//! sequence validation and extension (A.1), expected and lost packets with the fraction lost
//! since the last report (A.3), and interarrival jitter (A.8).
//!
//! Hand-written: it is the appendix's algorithm, a page of arithmetic that the RTCP report
//! needs in exactly this form; the packet crates leave it to the application.

use std::time::Instant;

/// A jump of more than this many sequence numbers ahead is a restart, not loss (A.1).
const MAX_DROPOUT: u16 = 3000;
/// Up to this many behind is a reordered or duplicate packet (A.1).
const MAX_MISORDER: u16 = 100;
/// Consecutive packets needed before a new source counts as valid (A.1).
const MIN_SEQUENTIAL: u32 = 2;
const SEQ_MOD: u32 = 1 << 16;

/// The numbers an RTCP report block carries about one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceptionReport {
    pub ssrc: u32,
    /// Fraction of packets lost since the previous report, in 1/256 (A.3).
    pub fraction_lost: u8,
    /// Packets lost since the start, clamped to the 24-bit signed field (A.3).
    pub cumulative_lost: i32,
    /// Highest sequence number received, with the wrap count in the upper 16 bits.
    pub extended_highest_sequence: u32,
    /// Interarrival jitter in RTP timestamp units (A.8).
    pub jitter: u32,
}

/// RFC 3550 A.1 `source` state plus A.8 jitter for one SSRC.
#[derive(Debug, Clone)]
pub struct ReceptionStats {
    ssrc: u32,
    clock_rate: u32,
    max_seq: u16,
    /// Sequence wraps, shifted into the upper 16 bits.
    cycles: u32,
    base_seq: u32,
    bad_seq: u32,
    probation: u32,
    received: u32,
    expected_prior: u32,
    received_prior: u32,
    /// Relative transit time of the previous packet, in timestamp units.
    transit: Option<i64>,
    /// Jitter scaled by 16, as in A.8, to keep the fraction in integer arithmetic.
    jitter_x16: u64,
    arrival_origin: Instant,
}

/// What [`ReceptionStats::update`] made of a packet's sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceCheck {
    /// In order, or a small gap (loss), or a reordered/duplicate packet within the window.
    Valid,
    /// The source is still on probation (too few consecutive packets yet).
    Probation,
    /// A large jump: counted as a restart once the next packet confirms it.
    BadJump,
}

impl ReceptionStats {
    /// Statistics for a source whose first packet has sequence number `seq`.
    pub fn new(ssrc: u32, clock_rate: u32, seq: u16, now: Instant) -> Self {
        let mut stats = Self {
            ssrc,
            clock_rate: clock_rate.max(1),
            max_seq: seq,
            cycles: 0,
            base_seq: 0,
            bad_seq: SEQ_MOD + 1,
            probation: MIN_SEQUENTIAL,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            transit: None,
            jitter_x16: 0,
            arrival_origin: now,
        };
        stats.init_seq(seq);
        stats.max_seq = seq.wrapping_sub(1);
        stats
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    fn init_seq(&mut self, seq: u16) {
        self.base_seq = u32::from(seq);
        self.max_seq = seq;
        self.bad_seq = SEQ_MOD + 1;
        self.cycles = 0;
        self.received = 0;
        self.received_prior = 0;
        self.expected_prior = 0;
    }

    /// A.1 `update_seq`: call for every packet of this source.
    pub fn update_seq(&mut self, seq: u16) -> SequenceCheck {
        let udelta = seq.wrapping_sub(self.max_seq);
        if self.probation > 0 {
            if seq == self.max_seq.wrapping_add(1) {
                self.probation -= 1;
                self.max_seq = seq;
                if self.probation == 0 {
                    self.init_seq(seq);
                    self.received += 1;
                    return SequenceCheck::Valid;
                }
            } else {
                self.probation = MIN_SEQUENTIAL - 1;
                self.max_seq = seq;
            }
            return SequenceCheck::Probation;
        }
        if udelta < MAX_DROPOUT {
            if seq < self.max_seq {
                self.cycles = self.cycles.wrapping_add(SEQ_MOD);
            }
            self.max_seq = seq;
        } else if u32::from(udelta) <= SEQ_MOD - u32::from(MAX_MISORDER) {
            if u32::from(seq) == self.bad_seq {
                // Two sequential packets after a jump: the sender restarted its numbering.
                self.init_seq(seq);
            } else {
                self.bad_seq = (u32::from(seq) + 1) & (SEQ_MOD - 1);
                return SequenceCheck::BadJump;
            }
        }
        // Otherwise a duplicate or reordered packet: counted, nothing else changes.
        self.received += 1;
        SequenceCheck::Valid
    }

    /// A.8: folds one audio packet's arrival into the jitter estimate. The difference is
    /// skipped for the first packet of a talkspurt (`talkspurt_start`, the marker bit) and
    /// for a transit change over a second, which is a timestamp jump, not network jitter;
    /// returns whether it was such a jump.
    pub fn update_jitter(
        &mut self,
        rtp_timestamp: u32,
        now: Instant,
        talkspurt_start: bool,
    ) -> bool {
        let arrival_us = now
            .saturating_duration_since(self.arrival_origin)
            .as_micros();
        let arrival_units =
            i64::try_from(arrival_us * u128::from(self.clock_rate) / 1_000_000).unwrap_or(0);
        let transit = arrival_units.wrapping_sub(i64::from(rtp_timestamp));
        let previous = self.transit.replace(transit);
        let Some(previous) = previous else {
            return false;
        };
        // Timestamps are modulo 2^32: fold the difference into the 32-bit range.
        let d = i64::from(transit.wrapping_sub(previous) as i32).unsigned_abs();
        let jumped = d > u64::from(self.clock_rate);
        if !talkspurt_start && !jumped {
            // J += (|D| - J) / 16, with J kept scaled by 16 (A.8).
            self.jitter_x16 = (self.jitter_x16 + d).saturating_sub((self.jitter_x16 + 8) >> 4);
        }
        jumped
    }

    /// Highest sequence number with wraps in the upper 16 bits.
    pub fn extended_highest_sequence(&self) -> u32 {
        self.cycles.wrapping_add(u32::from(self.max_seq))
    }

    /// Packets expected since the first (A.3).
    pub fn expected(&self) -> u32 {
        self.extended_highest_sequence()
            .wrapping_sub(self.base_seq)
            .wrapping_add(1)
    }

    /// Packets received (duplicates included, as A.3 counts them).
    pub fn received(&self) -> u32 {
        self.received
    }

    /// Packets lost since the first; negative when duplicates outnumber losses (A.3).
    pub fn cumulative_lost(&self) -> i64 {
        if self.probation > 0 {
            return 0;
        }
        i64::from(self.expected()) - i64::from(self.received)
    }

    /// Interarrival jitter in timestamp units.
    pub fn jitter(&self) -> u32 {
        u32::try_from(self.jitter_x16 >> 4).unwrap_or(u32::MAX)
    }

    /// The numbers for a report block; starts the next fraction-lost interval.
    pub fn report(&mut self) -> ReceptionReport {
        let expected = if self.probation > 0 {
            0
        } else {
            self.expected()
        };
        let expected_interval = expected.wrapping_sub(self.expected_prior);
        let received_interval = self.received.wrapping_sub(self.received_prior);
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = i64::from(expected_interval) - i64::from(received_interval);
        let fraction_lost = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / i64::from(expected_interval)).min(255) as u8
        };
        ReceptionReport {
            ssrc: self.ssrc,
            fraction_lost,
            cumulative_lost: self.cumulative_lost().clamp(-0x80_0000, 0x7F_FFFF) as i32,
            extended_highest_sequence: self.extended_highest_sequence(),
            jitter: self.jitter(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn feed(stats: &mut ReceptionStats, seqs: impl IntoIterator<Item = u16>) {
        for seq in seqs {
            stats.update_seq(seq);
        }
    }

    #[test]
    fn probation_then_counts_in_order_packets() {
        let now = Instant::now();
        let mut stats = ReceptionStats::new(1, 8000, 10, now);
        assert_eq!(stats.update_seq(10), SequenceCheck::Probation);
        assert_eq!(stats.update_seq(11), SequenceCheck::Valid);
        feed(&mut stats, 12..=20);
        assert_eq!(stats.expected(), 10);
        assert_eq!(stats.received(), 10);
        assert_eq!(stats.cumulative_lost(), 0);
        assert_eq!(stats.report().fraction_lost, 0);
    }

    #[test]
    fn loss_gives_cumulative_and_fraction_lost_per_interval() {
        let now = Instant::now();
        let mut stats = ReceptionStats::new(1, 8000, 100, now);
        feed(&mut stats, (100..200).filter(|s| s % 4 != 0));
        let report = stats.report();
        // Probation ends on 102 (101 and 102 consecutive); 24 of 102..=199 are missing.
        assert_eq!(stats.expected(), 98);
        assert_eq!(report.cumulative_lost, 24);
        assert_eq!(report.fraction_lost, (24 * 256 / 98) as u8);
        feed(&mut stats, 200..300);
        let report = stats.report();
        assert_eq!(report.fraction_lost, 0);
        assert_eq!(report.cumulative_lost, 24);
    }

    #[test]
    fn sequence_wrap_extends_the_highest_sequence() {
        let now = Instant::now();
        let mut stats = ReceptionStats::new(1, 8000, 65_530, now);
        feed(&mut stats, (65_530..=65_535).chain(0..10));
        assert_eq!(stats.extended_highest_sequence(), (1 << 16) + 9);
        assert_eq!(stats.expected(), 15);
        assert_eq!(stats.cumulative_lost(), 0);
    }

    #[test]
    fn reordered_and_duplicate_packets_do_not_count_as_loss() {
        let now = Instant::now();
        let mut stats = ReceptionStats::new(1, 8000, 1, now);
        feed(&mut stats, [1, 2, 3, 5, 4, 6, 6, 7]);
        assert_eq!(stats.extended_highest_sequence(), 7);
        assert_eq!(stats.cumulative_lost(), -1, "one duplicate, no loss");
    }

    #[test]
    fn large_jump_is_confirmed_by_the_next_packet_and_restarts() {
        let now = Instant::now();
        let mut stats = ReceptionStats::new(1, 8000, 1, now);
        feed(&mut stats, 1..=10);
        assert_eq!(stats.update_seq(40_000), SequenceCheck::BadJump);
        assert_eq!(stats.update_seq(40_001), SequenceCheck::Valid);
        feed(&mut stats, 40_002..40_010);
        assert_eq!(stats.expected(), 9);
        assert_eq!(stats.cumulative_lost(), 0);
    }

    #[test]
    fn jitter_follows_rfc3550_a8() {
        let start = Instant::now();
        let mut stats = ReceptionStats::new(1, 8000, 0, start);
        // Packets every 20 ms (160 units), every other one 5 ms (40 units) late.
        for i in 0..400u32 {
            let late = if i % 2 == 1 { 5 } else { 0 };
            let at = start + Duration::from_millis(u64::from(i) * 20 + late);
            stats.update_seq(i as u16);
            stats.update_jitter(i * 160, at, false);
        }
        // |D| is 40 units on every packet, so J converges to 40.
        assert!((38..=40).contains(&stats.jitter()), "{}", stats.jitter());
        let mut steady = ReceptionStats::new(2, 8000, 0, start);
        for i in 0..50u32 {
            steady.update_jitter(
                i * 160,
                start + Duration::from_millis(u64::from(i) * 20),
                false,
            );
        }
        assert_eq!(steady.jitter(), 0);
    }

    #[test]
    fn timestamp_jump_and_talkspurt_start_do_not_count_as_jitter() {
        let start = Instant::now();
        let mut stats = ReceptionStats::new(1, 8000, 0, start);
        assert!(!stats.update_jitter(0, start, false));
        assert!(stats.update_jitter(1_000_000, start + Duration::from_millis(20), false));
        assert!(!stats.update_jitter(1_000_160, start + Duration::from_millis(40), false));
        // A marked talkspurt start after a short pause is not counted either.
        assert!(!stats.update_jitter(1_004_000, start + Duration::from_millis(300), true));
        assert_eq!(stats.jitter(), 0);
    }
}
