//! Maps each RTP stream's 32-bit timestamps and 16-bit sequence numbers onto the jitter
//! buffer's own 64-bit timeline, so wraps, SSRC changes and timestamp jumps all become plain
//! offsets and the playout logic never sees modular arithmetic.

/// One source's unwrapping state and its offset into the buffer's timeline.
#[derive(Debug, Clone)]
pub(super) struct StreamTimeline {
    pub ssrc: u32,
    last_timestamp: u32,
    last_extended_timestamp: i64,
    last_sequence: u16,
    last_extended_sequence: i64,
    timestamp_offset: i64,
    sequence_offset: i64,
}

/// A packet's position on the buffer's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Position {
    /// RTP timestamp units, continuous across wraps, SSRC changes and jumps.
    pub timestamp: i64,
    /// Sequence number, continuous the same way.
    pub sequence: i64,
}

impl StreamTimeline {
    /// A timeline for a new source whose first packet lands at `at`.
    pub fn new(ssrc: u32, timestamp: u32, sequence: u16, at: Position) -> Self {
        Self {
            ssrc,
            last_timestamp: timestamp,
            last_extended_timestamp: i64::from(timestamp),
            last_sequence: sequence,
            last_extended_sequence: i64::from(sequence),
            timestamp_offset: at.timestamp - i64::from(timestamp),
            sequence_offset: at.sequence - i64::from(sequence),
        }
    }

    /// Where a packet of this source falls, unwrapping against the newest packet seen (a
    /// packet up to half the number space behind is a late one, not a wrap).
    pub fn position(&mut self, timestamp: u32, sequence: u16) -> Position {
        let timestamp_step = i64::from(timestamp.wrapping_sub(self.last_timestamp) as i32);
        let extended_timestamp = self.last_extended_timestamp + timestamp_step;
        if timestamp_step > 0 {
            self.last_timestamp = timestamp;
            self.last_extended_timestamp = extended_timestamp;
        }
        let sequence_step = i64::from(sequence.wrapping_sub(self.last_sequence) as i16);
        let extended_sequence = self.last_extended_sequence + sequence_step;
        if sequence_step > 0 {
            self.last_sequence = sequence;
            self.last_extended_sequence = extended_sequence;
        }
        Position {
            timestamp: extended_timestamp + self.timestamp_offset,
            sequence: extended_sequence + self.sequence_offset,
        }
    }

    /// Moves this source so that the packet now at `from` lands at `to` (a timestamp jump).
    pub fn rebase(&mut self, from: Position, to: Position) {
        self.timestamp_offset += to.timestamp - from.timestamp;
        self.sequence_offset += to.sequence - from.sequence;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_timestamp_and_sequence_across_wrap_and_reorder() {
        let origin = Position {
            timestamp: 1000,
            sequence: 10,
        };
        let mut timeline = StreamTimeline::new(7, u32::MAX - 159, u16::MAX, origin);
        let next = timeline.position(0, 0);
        assert_eq!((next.timestamp, next.sequence), (1160, 11));
        let late = timeline.position(u32::MAX - 159, u16::MAX);
        assert_eq!((late.timestamp, late.sequence), (1000, 10));
        let after = timeline.position(160, 1);
        assert_eq!((after.timestamp, after.sequence), (1320, 12));
    }

    #[test]
    fn rebase_moves_later_packets_too() {
        let origin = Position {
            timestamp: 0,
            sequence: 0,
        };
        let mut timeline = StreamTimeline::new(7, 5000, 100, origin);
        let jumped = timeline.position(900_000, 101);
        timeline.rebase(
            jumped,
            Position {
                timestamp: 160,
                sequence: 1,
            },
        );
        let next = timeline.position(900_160, 102);
        assert_eq!((next.timestamp, next.sequence), (320, 2));
    }
}
