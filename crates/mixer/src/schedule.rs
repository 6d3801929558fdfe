//! Packet timing: which packets complete in a tick, and the recent audio they are cut from.
//!
//! Every stream of a conference shares one sample clock (320 samples per tick), and a stream
//! with packet time P sends the packets covering samples `[k·P, (k+1)·P)`. So all streams with
//! the same packet time complete their packets on the same ticks, whoever they belong to, and
//! a participant can switch between the shared mix and its own mix at a packet boundary
//! without a gap. Packet times that are not a multiple of 20 ms work too: at 30 ms, two
//! packets leave every three ticks; at 10 ms, two every tick.

use dialbridge_media::codec::FRAME_SAMPLES;

/// Shortest packet time a stream may use, in ms.
pub const MIN_PTIME_MS: u32 = 10;
/// Longest packet time a stream may use, in ms.
pub const MAX_PTIME_MS: u32 = 60;
const SAMPLES_PER_MS: usize = FRAME_SAMPLES / 20;
const MAX_PACKET_SAMPLES: usize = MAX_PTIME_MS as usize * SAMPLES_PER_MS;
/// Audio kept per stream: the longest packet may have started this far before the end of
/// the current tick.
const HISTORY_SAMPLES: usize = FRAME_SAMPLES + MAX_PACKET_SAMPLES;

/// Whether a packet time fits the tick: whole 10 ms steps from 10 to 60 ms.
pub fn ptime_supported(ptime_ms: u32) -> bool {
    (MIN_PTIME_MS..=MAX_PTIME_MS).contains(&ptime_ms) && ptime_ms % 10 == 0
}

/// Samples in one packet of `ptime_ms`.
pub fn packet_samples(ptime_ms: u32) -> usize {
    ptime_ms as usize * SAMPLES_PER_MS
}

/// The end positions (on the conference clock) of the packets that complete during one
/// tick: none, one, or two (at 10 ms).
#[derive(Debug, Clone, Copy, Default)]
pub struct PacketEnds {
    ends: [u64; 2],
    count: usize,
}

impl PacketEnds {
    /// The packets of `packet_samples` that end within the tick starting at `clock_before`.
    pub fn within_tick(clock_before: u64, packet_samples: usize) -> Self {
        let packet = packet_samples as u64;
        let clock_after = clock_before + FRAME_SAMPLES as u64;
        let mut ends = PacketEnds::default();
        let mut end = (clock_before / packet + 1) * packet;
        while end <= clock_after && ends.count < ends.ends.len() {
            ends.ends[ends.count] = end;
            ends.count += 1;
            end += packet;
        }
        ends
    }

    pub fn as_slice(&self) -> &[u64] {
        &self.ends[..self.count]
    }
}

/// The last few ticks of one stream's audio, newest at the end.
#[derive(Debug, Clone)]
pub struct History {
    samples: Vec<i16>,
}

impl History {
    pub fn new() -> Self {
        History {
            samples: vec![0; HISTORY_SAMPLES],
        }
    }

    /// Drops the oldest tick and returns the slot for the new one.
    pub fn advance(&mut self) -> &mut [i16] {
        self.samples.copy_within(FRAME_SAMPLES.., 0);
        self.newest_mut()
    }

    pub fn newest_mut(&mut self) -> &mut [i16] {
        &mut self.samples[HISTORY_SAMPLES - FRAME_SAMPLES..]
    }

    pub fn newest(&self) -> &[i16] {
        &self.samples[HISTORY_SAMPLES - FRAME_SAMPLES..]
    }

    pub fn copy_from(&mut self, other: &History) {
        self.samples.copy_from_slice(&other.samples);
    }

    /// The packet of `packet_samples` ending at `end`, when the history ends at `clock_after`.
    pub fn packet(&self, clock_after: u64, end: u64, packet_samples: usize) -> &[i16] {
        // end lies within the last tick, so this is below FRAME_SAMPLES.
        let after_end = (clock_after - end) as usize;
        let stop = HISTORY_SAMPLES - after_end;
        &self.samples[stop - packet_samples..stop]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(clock_before: u64, ptime: u32) -> Vec<u64> {
        PacketEnds::within_tick(clock_before, packet_samples(ptime))
            .as_slice()
            .to_vec()
    }

    #[test]
    fn packets_complete_on_a_shared_schedule() {
        assert_eq!(ends(0, 20), vec![320]);
        assert_eq!(ends(0, 10), vec![160, 320]);
        assert_eq!(ends(0, 40), Vec::<u64>::new());
        assert_eq!(ends(320, 40), vec![640]);
        // 30 ms: packets at 480 and 960 sample positions, two per three ticks.
        assert_eq!(ends(0, 30), Vec::<u64>::new());
        assert_eq!(ends(320, 30), vec![480]);
        assert_eq!(ends(640, 30), vec![960]);
        assert_eq!(ends(640, 60), vec![960]);
    }

    #[test]
    fn packet_spans_the_ticks_it_covers() {
        let mut history = History::new();
        for tick in 1..=3i16 {
            history.advance().fill(tick);
        }
        // After three ticks (clock 960), the 30 ms packet ending at 960 holds the last 160
        // samples of tick 2 and all of tick 3.
        let packet = history.packet(960, 960, packet_samples(30));
        assert_eq!(packet.len(), 480);
        assert!(packet[..160].iter().all(|&s| s == 2));
        assert!(packet[160..].iter().all(|&s| s == 3));
        let first_half = history.packet(960, 800, packet_samples(10));
        assert!(first_half.iter().all(|&s| s == 3));
    }

    #[test]
    fn only_whole_ten_ms_steps_up_to_sixty_are_supported() {
        assert!(ptime_supported(10) && ptime_supported(30) && ptime_supported(60));
        assert!(!ptime_supported(0) && !ptime_supported(25) && !ptime_supported(80));
    }
}
