//! Jitter buffer behaviour in simulated time. The fake decoder turns a payload into samples
//! whose value is the packet's number, and concealment into -1, so each test states exactly
//! which audio came out, sample by sample (as runs of equal values).
#![allow(clippy::unwrap_used)]

use super::{JitterBuffer, JitterConfig};
use crate::codec::{CodecError, CodecKind, Decoder, FRAME_SAMPLES};
use crate::rtp::AudioPacket;
use std::time::{Duration, Instant};

const CONCEALED: i16 = -1;

/// Payload: [value high, value low, packet time in ms]; decodes to `ms * 16` samples of value.
struct FakeDecoder {
    kind: CodecKind,
}

impl Decoder for FakeDecoder {
    fn kind(&self) -> CodecKind {
        self.kind
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError> {
        let [hi, lo, ms] = payload else {
            return Err(CodecError::MalformedPayload {
                codec: self.kind,
                reason: "fake payload is 3 bytes".into(),
            });
        };
        let samples = usize::from(*ms) * 16;
        out.extend(std::iter::repeat_n(i16::from_be_bytes([*hi, *lo]), samples));
        Ok(samples)
    }

    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        out.extend(std::iter::repeat_n(CONCEALED, samples));
    }
}

/// One packet to send: its number (the audio value), RTP fields and arrival time.
#[derive(Clone, Copy)]
struct Send {
    value: i16,
    ssrc: u32,
    sequence: u16,
    timestamp: u32,
    ptime_ms: u8,
    arrival_ms: u64,
}

/// A regular stream: packet `i` (value i+1) has sequence `seq0 + i`, timestamp
/// `ts0 + i * ptime` (8 kHz units) and arrives at `i * ptime` ms.
fn stream(count: usize, ptime_ms: u8, seq0: u16, ts0: u32) -> Vec<Send> {
    (0..count)
        .map(|i| Send {
            value: i16::try_from(i + 1).unwrap(),
            ssrc: 0x1111,
            sequence: seq0.wrapping_add(u16::try_from(i).unwrap()),
            timestamp: ts0.wrapping_add(u32::try_from(i).unwrap() * 8 * u32::from(ptime_ms)),
            ptime_ms,
            arrival_ms: i as u64 * u64::from(ptime_ms),
        })
        .collect()
}

struct Sim {
    buffer: JitterBuffer,
    start: Instant,
    clock_factor: u32,
}

/// Ticks fall 10 ms after each 20 ms boundary, so arrivals on the boundaries never tie.
const TICK_PHASE_MS: u64 = 10;

impl Sim {
    fn new(kind: CodecKind) -> Self {
        Self::with_config(kind, JitterConfig::default())
    }

    fn with_config(kind: CodecKind, config: JitterConfig) -> Self {
        Self {
            buffer: JitterBuffer::new(Box::new(FakeDecoder { kind }), config),
            start: Instant::now(),
            clock_factor: kind.rtp_clock_rate() / 8000,
        }
    }

    /// Runs `ticks` mixer ticks (tick k at k*20+10 ms), delivering each packet just before
    /// the first tick at or after its arrival, and returns every output sample.
    fn run(&mut self, packets: &[Send], ticks: u64) -> Vec<i16> {
        self.run_from(0, packets, ticks)
    }

    fn run_from(&mut self, first_tick: u64, packets: &[Send], ticks: u64) -> Vec<i16> {
        // Packets up to the tick before `first_tick` were delivered by an earlier run.
        let delivered_until = (first_tick * 20 + TICK_PHASE_MS).checked_sub(20);
        let mut sorted: Vec<Send> = packets
            .iter()
            .filter(|p| delivered_until.is_none_or(|until| p.arrival_ms > until))
            .copied()
            .collect();
        sorted.sort_by_key(|p| p.arrival_ms);
        let mut pending = sorted.into_iter().peekable();
        let mut out = Vec::new();
        for tick in first_tick..first_tick + ticks {
            let tick_ms = tick * 20 + TICK_PHASE_MS;
            while let Some(p) = pending.next_if(|p| p.arrival_ms <= tick_ms) {
                let payload = [
                    p.value.to_be_bytes()[0],
                    p.value.to_be_bytes()[1],
                    p.ptime_ms,
                ];
                let packet = AudioPacket {
                    ssrc: p.ssrc,
                    sequence: p.sequence,
                    timestamp: p.timestamp.wrapping_mul(self.clock_factor),
                    marker: false,
                    payload: &payload,
                };
                let at = self.start + Duration::from_millis(p.arrival_ms);
                self.buffer.push(&packet, at);
            }
            let frame = self
                .buffer
                .pull(self.start + Duration::from_millis(tick_ms));
            out.extend_from_slice(frame);
        }
        out
    }
}

/// The output as runs of (value, sample count).
fn runs(samples: &[i16]) -> Vec<(i16, usize)> {
    let mut runs: Vec<(i16, usize)> = Vec::new();
    for &s in samples {
        match runs.last_mut() {
            Some((value, count)) if *value == s => *count += 1,
            _ => runs.push((s, 1)),
        }
    }
    runs
}

/// Runs of `values` at `ms` each, 16 samples per ms.
fn expect(values: impl IntoIterator<Item = i16>, ms: usize) -> Vec<(i16, usize)> {
    values.into_iter().map(|v| (v, ms * 16)).collect()
}

/// The output after the leading silence, and the tick on which audio started.
fn audio(samples: &[i16]) -> (usize, Vec<(i16, usize)>) {
    let first = samples
        .iter()
        .position(|&s| s != 0)
        .unwrap_or(samples.len());
    (first / FRAME_SAMPLES, runs(&samples[first..]))
}

fn tail_of_stream() -> Vec<(i16, usize)> {
    // 60 ms concealed while waiting for more, then silence for the rest of the run.
    vec![(CONCEALED, 60 * 16)]
}

fn with_tail(mut body: Vec<(i16, usize)>, silence_samples: usize) -> Vec<(i16, usize)> {
    body.extend(tail_of_stream());
    if silence_samples > 0 {
        body.push((0, silence_samples));
    }
    body
}

#[test]
fn in_order_stream_plays_every_packet_once_after_the_initial_delay() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let out = sim.run(&stream(20, 20, 100, 5000), 30);
    let (start_tick, body) = audio(&out);
    // First packet at 0 ms, target 40 ms: the tick at 50 ms is the first to play.
    assert_eq!(start_tick, 2);
    let silence_after = out.len() - (2 + 20 + 3) * FRAME_SAMPLES;
    assert_eq!(body, with_tail(expect(1..=20, 20), silence_after));
    let stats = sim.buffer.stats();
    assert_eq!((stats.played, stats.late, stats.duplicates), (20, 0, 0));
    assert_eq!(stats.talkspurts, 1);
}

#[test]
fn reordered_packets_play_in_timestamp_order() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(20, 20, 100, 5000);
    // 6 overtakes 5, and 12 arrives after 13 and 14.
    packets[4].arrival_ms = 105;
    packets[11].arrival_ms = 265;
    let (_, body) = audio(&sim.run(&packets, 26));
    assert_eq!(body[..20], expect(1..=20, 20)[..]);
    assert_eq!(sim.buffer.stats().late, 0);
    assert_eq!(sim.buffer.stats().concealed_samples, 60 * 16);
}

#[test]
fn lost_packet_is_concealed_in_its_slot() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(10, 20, 100, 5000);
    packets.remove(4);
    let (_, body) = audio(&sim.run(&packets, 14));
    let mut expected = expect(1..=4, 20);
    expected.push((CONCEALED, 320));
    expected.extend(expect(6..=10, 20));
    assert_eq!(body[..10], expected[..]);
}

#[test]
fn long_loss_is_concealed_briefly_then_silent() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(20, 20, 100, 5000);
    packets.drain(4..14);
    let (_, body) = audio(&sim.run(&packets, 26));
    let mut expected = expect(1..=4, 20);
    expected.push((CONCEALED, 60 * 16));
    expected.push((0, 140 * 16));
    expected.extend(expect(15..=20, 20));
    assert_eq!(body[..expected.len()], expected[..]);
}

#[test]
fn duplicates_are_dropped_whether_buffered_or_already_played() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(10, 20, 100, 5000);
    let mut early_copy = packets[2];
    early_copy.arrival_ms += 1;
    let mut late_copy = packets[2];
    late_copy.arrival_ms = 150;
    packets.push(early_copy);
    packets.push(late_copy);
    let (_, body) = audio(&sim.run(&packets, 14));
    assert_eq!(body[..10], expect(1..=10, 20)[..]);
    assert_eq!(sim.buffer.stats().duplicates, 2);
    assert_eq!(sim.buffer.stats().late, 0);
}

#[test]
fn late_packet_is_dropped_concealed_and_raises_the_target() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(12, 20, 100, 5000);
    // Due at the tick at 130 ms (40 ms delay + 10 ms tick phase); arrives at 250 ms.
    packets[4].arrival_ms = 250;
    let before = sim.buffer.target_delay();
    let (_, body) = audio(&sim.run(&packets, 17));
    let mut expected = expect(1..=4, 20);
    expected.push((CONCEALED, 320));
    expected.extend(expect(6..=10, 20));
    // The delay follows the raised target by stretching one frame.
    expected.push((CONCEALED, 320));
    expected.extend(expect(11..=12, 20));
    assert_eq!(body[..13], expected[..]);
    assert_eq!(sim.buffer.stats().late, 1);
    assert_eq!(sim.buffer.stats().stretched_frames, 1);
    assert!(
        sim.buffer.target_delay() > before,
        "{:?}",
        sim.buffer.target_delay()
    );
}

#[test]
fn ssrc_change_continues_without_a_gap_and_is_counted() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(20, 20, 100, 5000);
    for p in &mut packets[10..] {
        p.ssrc = 0x2222;
        p.sequence = p.sequence.wrapping_add(31_000);
        p.timestamp = p.timestamp.wrapping_add(3_000_000_000);
    }
    let out = sim.run(&packets, 26);
    let (_, body) = audio(&out);
    assert_eq!(body[..20], expect(1..=20, 20)[..]);
    assert_eq!(sim.buffer.stats().ssrc_changes, 1);
    assert_eq!(sim.buffer.stats().concealed_samples, 60 * 16);
}

#[test]
fn late_packet_of_the_old_ssrc_is_dropped_after_a_change() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(20, 20, 100, 5000);
    for p in &mut packets[10..] {
        p.ssrc = 0x2222;
        p.timestamp = p.timestamp.wrapping_add(123_456);
    }
    packets[9].arrival_ms = 215;
    let (_, body) = audio(&sim.run(&packets, 26));
    let mut expected = expect(1..=9, 20);
    expected.extend(expect(11..=20, 20));
    assert_eq!(body[..19], expected[..]);
}

#[test]
fn sequence_and_timestamp_wrap_are_seamless() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let packets = stream(20, 20, u16::MAX - 5, u32::MAX - 160 * 7);
    let (_, body) = audio(&sim.run(&packets, 26));
    assert_eq!(body[..20], expect(1..=20, 20)[..]);
    assert_eq!(sim.buffer.stats().timestamp_jumps, 0);
}

#[test]
fn timestamp_jump_within_a_source_continues_the_audio() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(20, 20, 100, 5000);
    for p in &mut packets[10..] {
        p.timestamp = p.timestamp.wrapping_add(80_000 * 10);
    }
    let (_, body) = audio(&sim.run(&packets, 26));
    assert_eq!(body[..20], expect(1..=20, 20)[..]);
    assert_eq!(sim.buffer.stats().timestamp_jumps, 1);
}

fn ptime_plays_back_exactly(ptime_ms: u8) {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let count = 1200 / usize::from(ptime_ms);
    let out = sim.run(&stream(count, ptime_ms, 100, 5000), 70);
    let (_, body) = audio(&out);
    let ms = usize::from(ptime_ms);
    let values = 1..=i16::try_from(count).unwrap();
    assert_eq!(body[..count], expect(values, ms)[..], "ptime {ptime_ms}");
    let stats = sim.buffer.stats();
    assert_eq!(stats.late, 0, "ptime {ptime_ms}");
    assert_eq!(stats.concealed_samples, 60 * 16, "ptime {ptime_ms}");
}

#[test]
fn ptime_10_ms() {
    ptime_plays_back_exactly(10);
}

#[test]
fn ptime_30_ms() {
    ptime_plays_back_exactly(30);
}

#[test]
fn ptime_60_ms() {
    ptime_plays_back_exactly(60);
}

#[test]
fn opus_clock_rate_timestamps() {
    let mut sim = Sim::new(CodecKind::Opus);
    let (_, body) = audio(&sim.run(&stream(10, 20, 7, 1000), 16));
    assert_eq!(body[..10], expect(1..=10, 20)[..]);
}

#[test]
fn stream_end_fades_to_silence_not_stale_audio() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let out = sim.run(&stream(5, 20, 100, 5000), 40);
    let (start, body) = audio(&out);
    let silence = out.len() - (start + 5 + 3) * FRAME_SAMPLES;
    assert_eq!(body, with_tail(expect(1..=5, 20), silence));
    assert!(silence >= 20 * FRAME_SAMPLES);
    // Nothing ever received: silence from the first tick.
    let mut idle = Sim::new(CodecKind::Pcmu);
    assert!(idle.run(&[], 5).iter().all(|&s| s == 0));
}

#[test]
fn silence_gap_with_consecutive_sequence_numbers_is_silence_not_concealment() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(10, 20, 100, 5000);
    // The sender paused 40 ms (DTX) between packets 5 and 6: timestamps skip, sequence not.
    for p in &mut packets[5..] {
        p.timestamp += 320;
        p.arrival_ms += 40;
    }
    let (_, body) = audio(&sim.run(&packets, 20));
    let mut expected = expect(1..=5, 20);
    expected.push((0, 40 * 16));
    expected.extend(expect(6..=10, 20));
    assert_eq!(body[..11], expected[..]);
    assert_eq!(sim.buffer.stats().concealed_samples, 60 * 16);
}

#[test]
fn new_talkspurt_after_silence_restarts_at_the_target_delay() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let mut packets = stream(10, 20, 100, 5000);
    for p in &mut packets[5..] {
        p.timestamp += 8000;
        p.arrival_ms += 1000;
    }
    let out = sim.run(&packets, 70);
    // Packet 6 arrives at 1100 ms; with the 40 ms target it is first heard at tick 1150 ms.
    let tick_of_6 = out
        .chunks(FRAME_SAMPLES)
        .position(|frame| frame[0] == 6)
        .unwrap();
    assert_eq!(tick_of_6 as u64 * 20 + TICK_PHASE_MS, 1150);
    assert_eq!(sim.buffer.stats().talkspurts, 2);
    let (_, body) = audio(&out);
    assert_eq!(body[..5], expect(1..=5, 20)[..]);
    // The last packet plays at tick 130 ms, 60 ms are concealed, silence from tick 210 ms.
    assert_eq!(body[5..7], [(CONCEALED, 960), (0, (1150 - 210) * 16)]);
}

/// A long stream whose packets with `index % every == 0` are delayed by `extra_ms`.
fn jittery_stream(count: usize, every: usize, extra_ms: u64) -> Vec<Send> {
    let mut packets = stream(count, 20, 100, 5000);
    for (i, p) in packets.iter_mut().enumerate() {
        if every > 0 && i % every == every / 2 {
            p.arrival_ms += extra_ms;
        }
    }
    packets
}

#[test]
fn target_grows_with_jitter_then_late_packets_stop() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    let packets = jittery_stream(500, 10, 110);
    sim.run(&packets, 250);
    let early_late = sim.buffer.stats().late;
    let grown = sim.buffer.target_delay();
    assert!(early_late >= 1);
    assert!(grown >= Duration::from_millis(100), "{grown:?}");
    assert!(grown <= Duration::from_millis(200));
    sim.run_from(250, &packets, 250);
    assert_eq!(sim.buffer.stats().late, early_late, "late after adapting");
    assert!(sim.buffer.stats().played >= 490);
}

#[test]
fn target_shrinks_slowly_once_the_network_is_calm_and_playout_follows() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    // Five seconds of heavy jitter, then 30 s of a clean stream.
    let mut packets = jittery_stream(250, 10, 120);
    let calm = stream(1500, 20, 350, 5000 + 250 * 160);
    packets.extend(calm.into_iter().map(|mut p| {
        p.value = 1;
        p.arrival_ms += 5000;
        p
    }));
    sim.run(&packets, 260);
    let high = sim.buffer.target_delay();
    assert!(high >= Duration::from_millis(120), "{high:?}");
    // Shrinking is slow: one step per stable period at most.
    sim.run_from(260, &packets, 150);
    let after_3s = sim.buffer.target_delay();
    assert!(after_3s >= high - Duration::from_millis(20), "{after_3s:?}");
    sim.run_from(410, &packets, 1300);
    let low = sim.buffer.target_delay();
    assert!(low <= Duration::from_millis(30), "{low:?}");
    assert!(sim.buffer.stats().skipped_frames >= 3);
    assert!(sim.buffer.target_delay() >= JitterConfig::default().min_delay);
}

#[test]
fn target_stays_within_the_configured_maximum() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    sim.run(&jittery_stream(500, 5, 400), 500);
    assert_eq!(sim.buffer.target_delay(), Duration::from_millis(200));
}

#[test]
fn undecodable_payload_is_concealed_and_counted() {
    let mut sim = Sim::new(CodecKind::Pcmu);
    sim.buffer.push(
        &AudioPacket {
            ssrc: 1,
            sequence: 1,
            timestamp: 0,
            marker: true,
            payload: &[1, 2, 3, 4],
        },
        sim.start,
    );
    sim.buffer.push(
        &AudioPacket {
            ssrc: 1,
            sequence: 2,
            timestamp: 160,
            marker: false,
            payload: &[0, 9, 20],
        },
        sim.start,
    );
    let start = sim.start;
    let frames: Vec<i16> = (0..4)
        .flat_map(|k| *sim.buffer.pull(start + Duration::from_millis(20 * k + 10)))
        .collect();
    assert_eq!(
        runs(&frames),
        vec![(0, 640), (CONCEALED, 320), (9, 320)],
        "two silent ticks of delay, the bad packet, then the good one"
    );
    assert_eq!(sim.buffer.stats().decode_errors, 1);
}
