use super::delay::{Correction, DelayController};
use super::timeline::{Position, StreamTimeline};
use super::{JitterConfig, JitterStats};
use crate::codec::{Decoder, Frame, FRAME_MS, FRAME_SAMPLES, INTERNAL_RATE, SILENCE};
use crate::rtp::AudioPacket;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// A timestamp this far (or further) from the newest packet is a sender resetting its clock,
/// not network delay.
const JUMP: Duration = Duration::from_secs(1);
/// A packet this few sequence numbers behind the newest is a late one even when its
/// timestamp is far off (a late packet's sequence number is a little behind; a reset's is not).
const LATE_SEQUENCE_WINDOW: i64 = 100;
/// Timestamps of recently played packets, to tell duplicates from late packets.
const RECENT: usize = 16;
/// A packet longer than this is not believed when estimating the packet time.
const MAX_PTIME_MS: i64 = 120;
/// Slack is not measured further ahead than this many ticks (a minute).
const MAX_TICKS_AHEAD: u32 = 3000;

#[derive(Debug)]
struct StoredPacket {
    position: Position,
    payload: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Playout {
    /// No talkspurt: output silence.
    Idle,
    /// A talkspurt's first packet is waiting out the target delay.
    Waiting { start_at: Instant },
    /// `next` is the timeline position of the next audio to decode; `dry_samples` how much
    /// was concealed since the buffer ran dry.
    Playing { next: i64, dry_samples: usize },
}

/// The adaptive jitter buffer for one incoming audio stream. See the [module
/// docs](super) for the rules.
pub struct JitterBuffer {
    decoder: Box<dyn Decoder>,
    clock_rate: i64,
    config: JitterConfig,
    delay: DelayController,
    /// Sorted by timeline position.
    packets: VecDeque<StoredPacket>,
    /// Payload buffers of played packets, reused so steady state does not allocate.
    spare_payloads: Vec<Vec<u8>>,
    /// Decoded samples not yet handed out.
    ring: VecDeque<i16>,
    scratch: Vec<i16>,
    frame: Frame,
    stream: Option<StreamTimeline>,
    /// The source before the last SSRC change: its stragglers are placed on its own
    /// timeline, where they fall behind the new source's audio and are dropped.
    previous_stream: Option<StreamTimeline>,
    playout: Playout,
    /// Audio before this position was played or given up.
    played_until: Option<i64>,
    last_decoded_sequence: Option<i64>,
    /// Samples concealed since the last decoded audio: a long loss fades to silence.
    concealed_run: usize,
    newest: Option<Position>,
    /// Timeline units of one packet, from consecutive packets.
    packet_units: i64,
    recently_played: [i64; RECENT],
    recent_index: usize,
    last_pull: Option<Instant>,
    stats: JitterStats,
}

impl std::fmt::Debug for JitterBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitterBuffer")
            .field("codec", &self.decoder.kind())
            .field("playout", &self.playout)
            .field("buffered_packets", &self.packets.len())
            .field("target_delay", &self.delay.target())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl JitterBuffer {
    /// A buffer decoding with `decoder` (its codec's RTP clock rate is used for timestamps).
    pub fn new(decoder: Box<dyn Decoder>, config: JitterConfig) -> Self {
        let clock_rate = i64::from(decoder.kind().rtp_clock_rate().max(1));
        let capacity = config.max_packets.max(1);
        Self {
            decoder,
            clock_rate,
            delay: DelayController::new(&config),
            config: JitterConfig {
                max_packets: capacity,
                ..config
            },
            packets: VecDeque::with_capacity(capacity + 1),
            spare_payloads: Vec::with_capacity(capacity + 1),
            ring: VecDeque::with_capacity(FRAME_SAMPLES * 8),
            scratch: Vec::with_capacity(FRAME_SAMPLES * 8),
            frame: SILENCE,
            stream: None,
            previous_stream: None,
            playout: Playout::Idle,
            played_until: None,
            last_decoded_sequence: None,
            concealed_run: 0,
            newest: None,
            packet_units: clock_rate * i64::from(FRAME_MS) / 1000,
            recently_played: [i64::MIN; RECENT],
            recent_index: 0,
            last_pull: None,
            stats: JitterStats::default(),
        }
    }

    /// Counters of what happened to packets and frames.
    pub fn stats(&self) -> &JitterStats {
        &self.stats
    }

    /// The delay the buffer currently aims for.
    pub fn target_delay(&self) -> Duration {
        self.delay.target()
    }

    /// Packets waiting to be played.
    pub fn buffered_packets(&self) -> usize {
        self.packets.len()
    }

    /// Takes one received audio packet.
    pub fn push(&mut self, packet: &AudioPacket<'_>, now: Instant) {
        self.stats.pushed += 1;
        if packet.payload.is_empty() {
            self.stats.empty_payload += 1;
            return;
        }
        let position = self.locate(packet);
        let timestamp = position.timestamp;

        if let Some(frontier) = self.frontier() {
            if timestamp < frontier {
                if self.recently_played.contains(&timestamp) {
                    self.stats.duplicates += 1;
                } else {
                    self.stats.late += 1;
                    self.delay.on_late(now);
                }
                return;
            }
        }
        let index = match self
            .packets
            .binary_search_by_key(&timestamp, |stored| stored.position.timestamp)
        {
            Ok(_) => {
                self.stats.duplicates += 1;
                return;
            }
            Err(index) => index,
        };
        if let Playout::Playing { next, dry_samples } = self.playout {
            if dry_samples > 0 && timestamp == next {
                // The buffer ran dry waiting for this packet: it was late by that much.
                self.delay.on_late(now);
            }
        }
        let mut payload = self.spare_payloads.pop().unwrap_or_default();
        payload.clear();
        payload.extend_from_slice(packet.payload);
        self.packets
            .insert(index, StoredPacket { position, payload });
        if self.packets.len() > self.config.max_packets {
            if let Some(oldest) = self.packets.pop_front() {
                self.stats.overflow += 1;
                self.spare_payloads.push(oldest.payload);
            }
        }
        self.learn_packet_time(position);

        let slack = self.slack_us(timestamp, now);
        self.delay.record_slack(now, slack);
        if self.playout == Playout::Idle {
            self.stats.talkspurts += 1;
            self.delay.restart();
            self.playout = Playout::Waiting {
                start_at: now + self.delay.target(),
            };
        }
    }

    /// Hands out the next 20 ms of audio. Call once per mixer tick.
    pub fn pull(&mut self, now: Instant) -> &Frame {
        self.last_pull = Some(now);
        if let Playout::Waiting { start_at } = self.playout {
            if now >= start_at {
                self.playout = match self.packets.front() {
                    Some(first) => Playout::Playing {
                        next: first.position.timestamp,
                        dry_samples: 0,
                    },
                    None => Playout::Idle,
                };
            }
        }
        let correction = self.delay.tick(now);
        if matches!(self.playout, Playout::Playing { .. }) {
            self.apply(correction);
            self.fill_ring();
        }
        if self.ring.is_empty() {
            self.stats.silent_frames += 1;
        }
        // A talkspurt that ended mid-frame is padded with silence.
        let available = self.ring.len().min(FRAME_SAMPLES);
        self.frame = SILENCE;
        for (out, sample) in self.frame.iter_mut().zip(self.ring.drain(..available)) {
            *out = sample;
        }
        &self.frame
    }

    /// Where a packet falls on the timeline, following SSRC changes and timestamp jumps.
    fn locate(&mut self, packet: &AudioPacket<'_>) -> Position {
        if let Some(previous) = self
            .previous_stream
            .as_mut()
            .filter(|stream| stream.ssrc == packet.ssrc)
        {
            return previous.position(packet.timestamp, packet.sequence);
        }
        let known = self
            .stream
            .as_mut()
            .filter(|stream| stream.ssrc == packet.ssrc)
            .map(|stream| stream.position(packet.timestamp, packet.sequence));
        match known {
            Some(position) if !self.is_jump(position) => position,
            Some(position) => {
                self.stats.timestamp_jumps += 1;
                let to = self.continuation();
                if let Some(stream) = self.stream.as_mut() {
                    stream.rebase(position, to);
                }
                to
            }
            None => {
                if self.stream.is_some() {
                    self.stats.ssrc_changes += 1;
                }
                let to = self.continuation();
                self.previous_stream = self.stream.take();
                self.stream = Some(StreamTimeline::new(
                    packet.ssrc,
                    packet.timestamp,
                    packet.sequence,
                    to,
                ));
                to
            }
        }
    }

    fn is_jump(&self, position: Position) -> bool {
        let Some(newest) = self.newest else {
            return false;
        };
        let jump_units = self.clock_rate * i64::try_from(JUMP.as_millis()).unwrap_or(1000) / 1000;
        let timestamp_step = position.timestamp - newest.timestamp;
        let sequence_step = position.sequence - newest.sequence;
        let slightly_behind = (-LATE_SEQUENCE_WINDOW..0).contains(&sequence_step);
        timestamp_step.abs() >= jump_units && !slightly_behind
    }

    /// Where a new source's (or a jumped source's) packet lands: right after the newest
    /// audio, so buffered audio plays out first and the new audio follows without a gap.
    /// With nothing buffered, the talkspurt in progress is over and the packet starts anew.
    fn continuation(&mut self) -> Position {
        if self.packets.is_empty() {
            self.end_talkspurt();
        }
        let Some(newest) = self.newest else {
            return Position {
                timestamp: 0,
                sequence: 0,
            };
        };
        let after_newest = newest.timestamp + self.packet_units;
        Position {
            timestamp: after_newest.max(self.frontier().unwrap_or(after_newest)),
            sequence: newest.sequence + 1,
        }
    }

    /// Audio before this position is past.
    fn frontier(&self) -> Option<i64> {
        match self.playout {
            Playout::Playing { next, .. } => Some(next),
            _ => self.played_until,
        }
    }

    fn learn_packet_time(&mut self, position: Position) {
        match self.newest {
            Some(newest) if position.timestamp <= newest.timestamp => return,
            Some(newest) if position.sequence == newest.sequence + 1 => {
                let units = position.timestamp - newest.timestamp;
                let max_units = self.clock_rate * MAX_PTIME_MS / 1000;
                if units <= max_units {
                    self.packet_units = units;
                }
            }
            _ => {}
        }
        self.newest = Some(position);
    }

    /// How long before its audio is due a packet at `timestamp` arrived.
    fn slack_us(&self, timestamp: i64, now: Instant) -> i64 {
        let due = match self.playout {
            Playout::Idle => return micros(self.delay.target()),
            Playout::Waiting { start_at } => {
                let first = self
                    .packets
                    .front()
                    .map_or(timestamp, |p| p.position.timestamp);
                start_at + self.units_to_duration(timestamp - first)
            }
            Playout::Playing { next, .. } => {
                let Some(last_pull) = self.last_pull else {
                    return micros(self.delay.target());
                };
                let ahead = self.ring.len() + self.units_to_samples(timestamp - next);
                // Capped so a wild timestamp cannot overflow the Instant arithmetic.
                let ticks = u32::try_from(ahead / FRAME_SAMPLES + 1).unwrap_or(u32::MAX);
                last_pull + FRAME_DURATION * ticks.min(MAX_TICKS_AHEAD)
            }
        };
        if due >= now {
            micros(due - now)
        } else {
            -micros(now - due)
        }
    }

    fn apply(&mut self, correction: Correction) {
        match correction {
            Correction::None => {}
            Correction::Stretch => {
                if self.ring.len() < FRAME_SAMPLES {
                    self.conceal(FRAME_SAMPLES - self.ring.len());
                    self.stats.stretched_frames += 1;
                    self.delay.shift(micros(FRAME_DURATION));
                }
            }
            Correction::Skip => self.skip_frame(),
        }
    }

    /// Drops up to one frame of buffered audio: the ring first, else the next packet.
    fn skip_frame(&mut self) {
        let mut skipped = self.ring.len().min(FRAME_SAMPLES);
        self.ring.drain(..skipped);
        if skipped < FRAME_SAMPLES {
            let Playout::Playing { next, .. } = self.playout else {
                return;
            };
            // Only a packet that is due and followed by more: never skip into a gap.
            if self.packets.len() < 2 || self.packets[0].position.timestamp != next {
                if skipped == 0 {
                    return;
                }
            } else if let Some(packet) = self.packets.pop_front() {
                let following = self.packets[0].position.timestamp;
                skipped += self.units_to_samples(following - next);
                self.mark_played(packet.position);
                self.spare_payloads.push(packet.payload);
                self.set_next(following);
            }
        }
        self.stats.skipped_frames += 1;
        self.delay.shift(-micros(samples_to_duration(skipped)));
    }

    fn fill_ring(&mut self) {
        while self.ring.len() < FRAME_SAMPLES {
            let Playout::Playing { next, dry_samples } = self.playout else {
                return;
            };
            let need = FRAME_SAMPLES - self.ring.len();
            let Some(front) = self.packets.front() else {
                let limit = duration_to_samples(self.config.max_underrun_conceal);
                if dry_samples >= limit {
                    self.end_talkspurt();
                    return;
                }
                self.conceal(need);
                self.stats.underruns += 1;
                self.delay.shift(micros(samples_to_duration(need)));
                self.playout = Playout::Playing {
                    next,
                    dry_samples: dry_samples + need,
                };
                continue;
            };
            let timestamp = front.position.timestamp;
            let gap_samples = self.units_to_samples(timestamp - next);
            if gap_samples == 0 {
                self.decode_front();
                continue;
            }
            let fill = gap_samples.min(need);
            // Consecutive sequence numbers around a gap: the sender paused (DTX), nothing lost.
            let paused = self.last_decoded_sequence == Some(front.position.sequence - 1);
            // Past the concealment limit a long loss is silence, not a stretched echo.
            let too_long =
                self.concealed_run >= duration_to_samples(self.config.max_underrun_conceal);
            if paused || too_long {
                self.ring.extend(std::iter::repeat_n(0, fill));
            } else {
                self.conceal(fill);
            }
            self.set_next(next + self.samples_to_units(fill));
        }
    }

    fn decode_front(&mut self) {
        let Some(packet) = self.packets.pop_front() else {
            return;
        };
        self.scratch.clear();
        let decoded = match self.decoder.decode(&packet.payload, &mut self.scratch) {
            Ok(samples) => samples.min(self.scratch.len()),
            Err(_) => {
                self.stats.decode_errors += 1;
                0
            }
        };
        let units = if decoded > 0 {
            self.concealed_run = 0;
            self.ring.extend(self.scratch.iter().take(decoded));
            self.samples_to_units(decoded)
        } else {
            let samples = self.units_to_samples(self.packet_units);
            self.conceal(samples);
            self.packet_units
        };
        self.stats.played += 1;
        self.last_decoded_sequence = Some(packet.position.sequence);
        self.mark_played(packet.position);
        self.spare_payloads.push(packet.payload);
        self.set_next(packet.position.timestamp + units.max(1));
    }

    fn set_next(&mut self, next: i64) {
        self.playout = Playout::Playing {
            next,
            dry_samples: 0,
        };
        self.played_until = Some(next);
    }

    fn mark_played(&mut self, position: Position) {
        self.recently_played[self.recent_index] = position.timestamp;
        self.recent_index = (self.recent_index + 1) % RECENT;
    }

    fn conceal(&mut self, samples: usize) {
        self.scratch.clear();
        self.decoder.conceal(samples, &mut self.scratch);
        // The contract says `samples`; hold the decoder to it so the timeline stays exact.
        self.scratch.resize(samples, 0);
        self.ring.extend(self.scratch.iter());
        self.stats.concealed_samples += samples as u64;
        self.concealed_run += samples;
    }

    fn end_talkspurt(&mut self) {
        if let Playout::Playing { next, .. } = self.playout {
            self.played_until = Some(next);
        }
        self.playout = Playout::Idle;
    }

    fn units_to_samples(&self, units: i64) -> usize {
        usize::try_from(units.max(0) * i64::from(INTERNAL_RATE) / self.clock_rate).unwrap_or(0)
    }

    fn samples_to_units(&self, samples: usize) -> i64 {
        i64::try_from(samples).unwrap_or(i64::MAX) * self.clock_rate / i64::from(INTERNAL_RATE)
    }

    fn units_to_duration(&self, units: i64) -> Duration {
        let micros = units.max(0).saturating_mul(1_000_000) / self.clock_rate;
        Duration::from_micros(micros.unsigned_abs())
    }
}

const FRAME_DURATION: Duration = Duration::from_millis(FRAME_MS as u64);

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

fn samples_to_duration(samples: usize) -> Duration {
    Duration::from_micros(samples as u64 * 1_000_000 / u64::from(INTERNAL_RATE))
}

fn duration_to_samples(duration: Duration) -> usize {
    usize::try_from(duration.as_micros() * u128::from(INTERNAL_RATE) / 1_000_000).unwrap_or(0)
}
