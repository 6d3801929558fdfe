//! RFC 4733 telephone-event reception: RTP event packets in, one [`DtmfEvent`] per key press.
//!
//! Why hand-written: reporting each press exactly once depends on details crates gloss over
//! and carriers get wrong: the end packet is sent three times (RFC 4733 §2.5.1.4), the first
//! packet (and its marker bit) may be lost, the same key may be pressed twice, the SSRC may
//! change mid-call (SIPp's DTMF pcaps do), and a long press is split into segments once the
//! 16-bit duration would overflow (§2.5.1.3). The rules below are small enough to own.
//!
//! Identity: an event is (SSRC, RTP timestamp of its first segment) (§2.5.1.1: all packets of
//! one event carry the event's start timestamp), and time: the same pair seen again well after
//! the event ended (or with a fresh marker bit) is a new press, since replayed captures and
//! some gateways reuse timestamps. An event is reported when its end packet
//! (E bit) arrives, when another event from the same source supersedes it, when the SSRC
//! changes, or when no packet for it arrived within the end timeout (all end packets lost).

use crate::digit::DtmfDigit;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// A telephone-event payload is at least one 4-byte event block (RFC 4733 §2.3).
const EVENT_BLOCK_LEN: usize = 4;
/// A segment whose duration reached this is full: §2.5.1.3 says the sender continues the
/// press in a new segment, so an E bit on it may not be the end. 0xFFFF less ~100 ms of slack
/// at 8 kHz for senders that stop a packet interval early.
const FULL_SEGMENT: u32 = 0xFFFF - 800;
/// How far (in timestamp units) a continuation segment may start from where the previous
/// one ended and still be the same press (a couple of packet intervals).
const SEGMENT_SLACK: u32 = 1600;
/// Packets whose timestamp is at most this far behind the current event are late arrivals;
/// further back is a timestamp reset, treated as new (10 s at 8 kHz).
const LATE_WINDOW: u32 = 80_000;
/// Ended events remembered so their retransmitted end packets and late updates are ignored.
const ENDED_MEMORY: usize = 16;
/// A packet with the (SSRC, timestamp) of an ended event is a retransmission or a late
/// update if it comes within this long of that event's last packet; later, it is the same
/// key pressed again by a sender that reuses timestamps. SIPp does exactly this: its
/// `dtmf_2833_*.pcap` files carry fixed SSRC and timestamps, so a PIN of "1111" replays
/// identical packets four times.
const KEY_REUSE_AFTER: Duration = Duration::from_millis(200);

/// The RTP fields of one telephone-event packet that reception needs.
#[derive(Debug, Clone, Copy)]
pub struct RtpEventPacket<'a> {
    pub ssrc: u32,
    /// Carried for logging and future loss statistics; reception does not depend on it, since
    /// the timestamp identifies the event and the duration field orders its updates.
    pub sequence: u16,
    pub timestamp: u32,
    /// The marker bit (set on an event's first packet, §2.5.1.1). Not relied on: the first
    /// packet is often lost and some senders never set it.
    pub marker: bool,
    /// The RTP payload: one or more 4-byte event blocks; the first is used.
    pub payload: &'a [u8],
}

/// One key press, reported once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfEvent {
    pub digit: DtmfDigit,
    /// Arrival time of the first packet seen, less the duration it already carried (so a lost
    /// first packet does not make the press look later than it was).
    pub started_at: Instant,
    /// From the event's duration fields, summed over segments (RFC 4733 §2.5.1.3).
    pub duration: Duration,
}

/// What the receiver did with packets: reported presses and counted reasons for ignoring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TelephoneEventStats {
    /// Key presses reported.
    pub reported: u64,
    /// Presses reported by the end timeout because no end packet arrived.
    pub ended_by_timeout: u64,
    /// Presses reported because a newer event or a new SSRC arrived before their end.
    pub ended_by_newer_event: u64,
    /// Payload shorter than one 4-byte event block.
    pub truncated_payload: u64,
    /// Event codes other than the 16 DTMF keys (flash, fax/modem tones, unassigned).
    pub unsupported_event: u64,
    /// Copies of an end packet after the first (normally two per press, §2.5.1.4).
    pub retransmitted_end: u64,
    /// Packets for an event already ended or superseded (reordering).
    pub late_packet: u64,
    /// Presses that reused the SSRC and timestamp of an earlier one (SIPp's pcaps do).
    pub key_reused: u64,
    /// A different event code with the timestamp of the event in progress.
    pub conflicting_event: u64,
}

/// An RFC 4733 receiver for one RTP stream (it follows SSRC changes itself).
#[derive(Debug)]
pub struct TelephoneEventReceiver {
    clock_rate: u32,
    end_timeout: Duration,
    current: Option<ActiveEvent>,
    /// Recently finished events and segments.
    ended: VecDeque<EndedKey>,
    events: VecDeque<DtmfEvent>,
    stats: TelephoneEventStats,
}

#[derive(Debug, Clone, Copy)]
struct EndedKey {
    ssrc: u32,
    timestamp: u32,
    /// The last packet seen for it, retransmissions included.
    last_packet_at: Instant,
}

#[derive(Debug)]
struct ActiveEvent {
    ssrc: u32,
    digit: DtmfDigit,
    /// Timestamp of the segment in progress (the event's own timestamp until it is split).
    segment_timestamp: u32,
    /// Longest duration seen in this segment, with 16-bit wraps unfolded.
    segment_duration: u32,
    /// Duration of the completed earlier segments.
    earlier_segments: u64,
    started_at: Instant,
    last_packet_at: Instant,
}

impl ActiveEvent {
    fn total_duration(&self) -> u64 {
        self.earlier_segments + u64::from(self.segment_duration)
    }

    /// Folds a duration field into the segment, unfolding a 16-bit wrap from senders that let
    /// the field overflow instead of starting a new segment.
    fn update_duration(&mut self, field: u16) {
        let field = u32::from(field);
        let low = self.segment_duration & 0xFFFF;
        let mut candidate = (self.segment_duration & !0xFFFF) | field;
        if field < low && low - field > 0x8000 {
            candidate += 0x1_0000;
        }
        self.segment_duration = self.segment_duration.max(candidate);
    }

    /// A segment at the end of the 16-bit range, which a §2.5.1.3 sender continues in a new
    /// segment. A field that already wrapped in place means the sender does not segment.
    fn segment_is_full(&self) -> bool {
        (FULL_SEGMENT..=0xFFFF).contains(&self.segment_duration)
    }

    /// Whether `timestamp` starts the next segment of this press (§2.5.1.3): same key, and it
    /// begins where the full previous segment ended.
    fn is_continued_by(&self, ssrc: u32, digit: DtmfDigit, timestamp: u32) -> bool {
        if ssrc != self.ssrc || digit != self.digit || !self.segment_is_full() {
            return false;
        }
        let step = timestamp.wrapping_sub(self.segment_timestamp);
        step.abs_diff(self.segment_duration.min(0xFFFF)) <= SEGMENT_SLACK
    }
}

impl TelephoneEventReceiver {
    /// Default time to wait for more packets of a press whose end packets may all be lost.
    /// Senders refresh every 50 ms or so (RFC 4733 §2.5.1.2), so 250 ms is five missed.
    pub const DEFAULT_END_TIMEOUT: Duration = Duration::from_millis(250);

    /// A receiver for a telephone-event stream with the given RTP clock rate (8000 for the
    /// usual `telephone-event/8000`). A clock rate of 0 is treated as 8000.
    pub fn new(clock_rate: u32) -> Self {
        Self {
            clock_rate: if clock_rate == 0 { 8000 } else { clock_rate },
            end_timeout: Self::DEFAULT_END_TIMEOUT,
            current: None,
            ended: VecDeque::with_capacity(ENDED_MEMORY),
            events: VecDeque::new(),
            stats: TelephoneEventStats::default(),
        }
    }

    /// Changes the end timeout (see [`Self::DEFAULT_END_TIMEOUT`]).
    pub fn with_end_timeout(mut self, end_timeout: Duration) -> Self {
        self.end_timeout = end_timeout;
        self
    }

    /// Counters of reported presses and ignored packets.
    pub fn stats(&self) -> &TelephoneEventStats {
        &self.stats
    }

    /// The next reported key press, oldest first.
    pub fn poll_event(&mut self) -> Option<DtmfEvent> {
        self.events.pop_front()
    }

    /// When [`Self::handle_timeout`] should next be called, if a press is in progress.
    pub fn poll_timeout(&self) -> Option<Instant> {
        // An end timeout too large to add never fires (no panic on overflow).
        self.current
            .as_ref()
            .and_then(|event| event.last_packet_at.checked_add(self.end_timeout))
    }

    /// Reports a press whose packets stopped without an end packet.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            self.stats.ended_by_timeout += 1;
            self.finish(now);
        }
    }

    /// Takes one received telephone-event RTP packet.
    pub fn handle_packet(&mut self, packet: &RtpEventPacket<'_>, now: Instant) {
        let Some(block) = packet.payload.get(..EVENT_BLOCK_LEN) else {
            self.stats.truncated_payload += 1;
            return;
        };
        let Some(digit) = DtmfDigit::from_event_code(block[0]) else {
            self.stats.unsupported_event += 1;
            return;
        };
        let end = block[1] & 0x80 != 0;
        let duration = u16::from_be_bytes([block[2], block[3]]);
        let (ssrc, timestamp) = (packet.ssrc, packet.timestamp);

        if let Some(at) = self
            .ended
            .iter()
            .position(|k| k.ssrc == ssrc && k.timestamp == timestamp)
        {
            let key = &mut self.ended[at];
            // A marker on a non-end packet announces a new event (§2.5.1.1).
            let pressed_again = (packet.marker && !end)
                || now.saturating_duration_since(key.last_packet_at) >= KEY_REUSE_AFTER;
            if !pressed_again {
                key.last_packet_at = now;
                if end {
                    self.stats.retransmitted_end += 1;
                } else {
                    self.stats.late_packet += 1;
                }
                return;
            }
            self.ended.remove(at);
            self.stats.key_reused += 1;
        }

        if let Some(current) = self.current.as_mut() {
            if current.ssrc == ssrc && current.segment_timestamp == timestamp {
                if current.digit != digit {
                    self.stats.conflicting_event += 1;
                    return;
                }
                current.update_duration(duration);
                current.last_packet_at = now;
                self.end_if_final(end, now);
                return;
            }
            if current.is_continued_by(ssrc, digit, timestamp) {
                let finished_segment = EndedKey {
                    ssrc: current.ssrc,
                    timestamp: current.segment_timestamp,
                    last_packet_at: now,
                };
                current.earlier_segments += u64::from(current.segment_duration);
                current.segment_timestamp = timestamp;
                current.segment_duration = u32::from(duration);
                current.last_packet_at = now;
                self.remember_ended(finished_segment);
                self.end_if_final(end, now);
                return;
            }
            let behind = current.segment_timestamp.wrapping_sub(timestamp);
            if current.ssrc == ssrc && !packet.marker && behind != 0 && behind <= LATE_WINDOW {
                self.stats.late_packet += 1;
                return;
            }
            // A newer event, or a new SSRC: the press in progress lost its end packets.
            self.stats.ended_by_newer_event += 1;
            self.finish(now);
        }

        let already = self.samples_to_duration(u64::from(duration));
        self.current = Some(ActiveEvent {
            ssrc,
            digit,
            segment_timestamp: timestamp,
            segment_duration: u32::from(duration),
            earlier_segments: 0,
            started_at: now.checked_sub(already).unwrap_or(now),
            last_packet_at: now,
        });
        self.end_if_final(end, now);
    }

    /// Ends the press in progress on an end packet, unless its segment is full: then the end
    /// bit may close only this segment (§2.5.1.3) and the timeout decides.
    fn end_if_final(&mut self, end: bool, now: Instant) {
        let full = self
            .current
            .as_ref()
            .is_some_and(ActiveEvent::segment_is_full);
        if end && !full {
            self.finish(now);
        }
    }

    /// Reports the press in progress. Its key is remembered as of `now`, so end packets that
    /// straggle in just after a timeout are still recognised as retransmissions.
    fn finish(&mut self, now: Instant) {
        let Some(event) = self.current.take() else {
            return;
        };
        self.remember_ended(EndedKey {
            ssrc: event.ssrc,
            timestamp: event.segment_timestamp,
            last_packet_at: now,
        });
        self.stats.reported += 1;
        self.events.push_back(DtmfEvent {
            digit: event.digit,
            started_at: event.started_at,
            duration: self.samples_to_duration(event.total_duration()),
        });
    }

    fn remember_ended(&mut self, key: EndedKey) {
        if self.ended.len() == ENDED_MEMORY {
            self.ended.pop_front();
        }
        self.ended.push_back(key);
    }

    fn samples_to_duration(&self, samples: u64) -> Duration {
        let micros = samples.saturating_mul(1_000_000) / u64::from(self.clock_rate);
        Duration::from_micros(micros)
    }
}
