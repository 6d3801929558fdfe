//! RFC 4733 reception: each key press reported exactly once, whatever the sender or the
//! network did to its packets.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use dialbridge_media::{DtmfDigit, RtpEventPacket, TelephoneEventReceiver};
use std::time::{Duration, Instant};

/// Packet interval of a typical sender: 50 ms = 400 timestamp units at 8 kHz.
const STEP: u16 = 400;

/// One event packet as a sender would build it.
struct Pkt {
    ssrc: u32,
    seq: u16,
    ts: u32,
    marker: bool,
    event: u8,
    end: bool,
    duration: u16,
    at_ms: u64,
}

struct Harness {
    rx: TelephoneEventReceiver,
    t0: Instant,
    seq: u16,
}

impl Harness {
    fn new() -> Self {
        Self {
            rx: TelephoneEventReceiver::new(8000),
            t0: Instant::now(),
            seq: 1000,
        }
    }

    fn at(&self, ms: u64) -> Instant {
        self.t0 + Duration::from_millis(ms)
    }

    fn send(&mut self, p: &Pkt) {
        let payload = [
            p.event,
            if p.end { 0x80 | 10 } else { 10 },
            (p.duration >> 8) as u8,
            p.duration as u8,
        ];
        let packet = RtpEventPacket {
            ssrc: p.ssrc,
            sequence: p.seq,
            timestamp: p.ts,
            marker: p.marker,
            payload: &payload,
        };
        let now = self.at(p.at_ms);
        self.rx.handle_timeout(now);
        self.rx.handle_packet(&packet, now);
    }

    /// The packets of one ordinary press: start (marker), an update every 50 ms, and the
    /// end packet three times (RFC 4733 §2.5.1.4).
    fn press(&self, ssrc: u32, ts: u32, event: u8, updates: u16, start_ms: u64) -> Vec<Pkt> {
        let mut seq = self.seq;
        let mut pkts = Vec::new();
        for i in 0..=updates {
            pkts.push(Pkt {
                ssrc,
                seq,
                ts,
                marker: i == 0,
                event,
                end: false,
                duration: i * STEP,
                at_ms: start_ms + u64::from(i) * 50,
            });
            seq = seq.wrapping_add(1);
        }
        for _ in 0..3 {
            pkts.push(Pkt {
                ssrc,
                seq,
                ts,
                marker: false,
                event,
                end: true,
                duration: (updates + 1) * STEP,
                at_ms: start_ms + u64::from(updates + 1) * 50,
            });
            seq = seq.wrapping_add(1);
        }
        pkts
    }

    fn send_all(&mut self, pkts: &[Pkt]) {
        for p in pkts {
            self.send(p);
        }
        self.seq = self.seq.wrapping_add(pkts.len() as u16);
    }

    fn digits(&mut self) -> String {
        std::iter::from_fn(|| self.rx.poll_event())
            .map(|e| e.digit.as_char())
            .collect()
    }
}

#[test]
fn ordinary_press_reports_once_with_duration() {
    let mut h = Harness::new();
    let pkts = h.press(0x1111, 160_000, 5, 3, 0);
    h.send_all(&pkts);
    let event = h.rx.poll_event().unwrap();
    assert_eq!(event.digit, DtmfDigit::D5);
    assert_eq!(event.duration, Duration::from_millis(200));
    assert_eq!(event.started_at, h.at(0));
    assert!(h.rx.poll_event().is_none());
    assert_eq!(h.rx.stats().retransmitted_end, 2);
    assert_eq!(h.rx.poll_timeout(), None);
}

#[test]
fn missing_marker_and_lost_first_packet_still_report_once() {
    let mut h = Harness::new();
    let pkts = h.press(7, 9_000, 1, 4, 0);
    // Lose the start packet: the first one seen carries 50 ms of duration and no marker.
    h.send_all(&pkts[1..]);
    let event = h.rx.poll_event().unwrap();
    assert_eq!(event.digit, DtmfDigit::D1);
    // started_at is backdated by the duration the first seen packet carried.
    assert_eq!(event.started_at, h.at(0));
    assert!(h.rx.poll_event().is_none());

    // A sender that never sets the marker at all.
    let mut pkts = h.press(7, 29_000, 2, 2, 1000);
    for p in &mut pkts {
        p.marker = false;
    }
    h.send_all(&pkts);
    assert_eq!(h.digits(), "2");
}

#[test]
fn same_digit_twice_reports_twice() {
    let mut h = Harness::new();
    let first = h.press(42, 1_000, 9, 2, 0);
    h.send_all(&first);
    let second = h.press(42, 1_000 + 3 * 400 + 800, 9, 2, 250);
    h.send_all(&second);
    assert_eq!(h.digits(), "99");
}

#[test]
fn only_end_packets_received_reports_once() {
    let mut h = Harness::new();
    let pkts = h.press(42, 5_000, 11, 3, 0);
    let ends: Vec<Pkt> = pkts.into_iter().filter(|p| p.end).collect();
    h.send_all(&ends);
    let event = h.rx.poll_event().unwrap();
    assert_eq!(event.digit, DtmfDigit::Hash);
    assert_eq!(event.duration, Duration::from_millis(200));
    assert!(h.rx.poll_event().is_none());
}

#[test]
fn lost_end_packets_report_after_timeout_and_late_end_is_ignored() {
    let mut h = Harness::new();
    let pkts = h.press(42, 5_000, 10, 3, 0);
    let (updates, ends): (Vec<Pkt>, Vec<Pkt>) = pkts.into_iter().partition(|p| !p.end);
    h.send_all(&updates);
    assert!(h.rx.poll_event().is_none());
    let deadline = h.rx.poll_timeout().unwrap();
    assert_eq!(
        deadline,
        h.at(150) + TelephoneEventReceiver::DEFAULT_END_TIMEOUT
    );
    h.rx.handle_timeout(deadline - Duration::from_millis(1));
    assert!(h.rx.poll_event().is_none());
    h.rx.handle_timeout(deadline);
    let event = h.rx.poll_event().unwrap();
    assert_eq!(event.digit, DtmfDigit::Star);
    assert_eq!(event.duration, Duration::from_millis(150));
    assert_eq!(h.rx.stats().ended_by_timeout, 1);
    // The end packets turn up very late: still one press.
    h.send_all(&ends);
    assert_eq!(h.digits(), "");
    assert_eq!(h.rx.stats().retransmitted_end, 3);
}

#[test]
fn next_press_before_end_reports_the_earlier_one_first() {
    let mut h = Harness::new();
    let a = h.press(42, 1_000, 3, 2, 0);
    let b = h.press(42, 5_000, 4, 2, 160);
    h.send_all(&a[..3]);
    h.send_all(&b);
    assert_eq!(h.digits(), "34");
    assert_eq!(h.rx.stats().ended_by_newer_event, 1);
}

#[test]
fn ssrc_change_mid_call_starts_fresh() {
    let mut h = Harness::new();
    let a = h.press(0xAAAA, 40_000, 1, 2, 0);
    h.send_all(&a);
    let b = h.press(0xAAAA, 41_600, 2, 2, 200);
    h.send_all(&b);
    // New SSRC (a re-INVITE, a carrier failover, SIPp's pcaps): its timestamps start low,
    // even reusing the old ones; each press is still new.
    let c = h.press(0xBBBB, 40_000, 3, 2, 400);
    h.send_all(&c);
    let d = h.press(0xBBBB, 1_200, 4, 2, 600);
    h.send_all(&d);
    // And back to a press interrupted by an SSRC change.
    let e = h.press(0xBBBB, 9_000, 5, 2, 800);
    h.send_all(&e[..2]);
    let f = h.press(0xCCCC, 9_000, 6, 2, 900);
    h.send_all(&f);
    assert_eq!(h.digits(), "123456");
}

#[test]
fn redundant_and_reordered_packets_do_not_repeat() {
    let mut h = Harness::new();
    let mut pkts = h.press(5, 70_000, 0, 4, 0);
    // Every packet duplicated, and the first end packet overtakes the last update.
    let last_update = pkts.remove(4);
    pkts.insert(5, last_update);
    let doubled: Vec<Pkt> = pkts
        .iter()
        .flat_map(|p| [Pkt { ..*p }, Pkt { ..*p }])
        .collect();
    h.send_all(&doubled);
    assert_eq!(h.digits(), "0");
    assert!(h.rx.stats().late_packet >= 1);
}

/// A press longer than the 16-bit duration field: segments per RFC 4733 §2.5.1.3.
fn long_press(h: &Harness, ssrc: u32, ts0: u32, seconds: u32, end_each_segment: bool) -> Vec<Pkt> {
    let total = seconds * 8000;
    let mut pkts = Vec::new();
    let mut seq = h.seq;
    let mut segment_start = 0u32;
    let mut t = 0u32;
    while segment_start < total {
        let segment_len = (total - segment_start).min(0xFFFF);
        let ts = ts0.wrapping_add(segment_start);
        let mut d = 0u32;
        loop {
            let last = d >= segment_len;
            let dur = d.min(segment_len) as u16;
            let is_final_segment = segment_start + segment_len >= total;
            let copies = if last && (is_final_segment || end_each_segment) {
                3
            } else {
                1
            };
            for _ in 0..copies {
                pkts.push(Pkt {
                    ssrc,
                    seq,
                    ts,
                    marker: segment_start == 0 && d == 0,
                    event: 8,
                    end: last && (is_final_segment || end_each_segment),
                    duration: dur,
                    at_ms: u64::from(t) / 8,
                });
                seq = seq.wrapping_add(1);
            }
            if last {
                break;
            }
            d += u32::from(STEP);
            t += u32::from(STEP);
        }
        segment_start += segment_len;
    }
    pkts
}

#[test]
fn long_press_across_segments_reports_once() {
    for end_each_segment in [false, true] {
        let mut h = Harness::new();
        // 20 s = three segments; the timestamp wraps past 2^32 on the way.
        let pkts = long_press(&h, 77, u32::MAX - 70_000, 20, end_each_segment);
        h.send_all(&pkts);
        if let Some(deadline) = h.rx.poll_timeout() {
            h.rx.handle_timeout(deadline);
        }
        let event = h.rx.poll_event().unwrap();
        assert_eq!(
            event.digit,
            DtmfDigit::D8,
            "end_each_segment {end_each_segment}"
        );
        assert_eq!(event.duration, Duration::from_secs(20));
        assert!(
            h.rx.poll_event().is_none(),
            "end_each_segment {end_each_segment}"
        );
    }
}

#[test]
fn duration_field_wrapping_in_place_reports_once() {
    // Non-compliant senders let the 16-bit duration wrap with the same timestamp.
    let mut h = Harness::new();
    let mut pkts = Vec::new();
    let mut d: u32 = 0;
    let mut seq = 0u16;
    while d <= 12 * 8000 {
        pkts.push(Pkt {
            ssrc: 3,
            seq,
            ts: 500,
            marker: d == 0,
            event: 6,
            end: false,
            duration: d as u16,
            at_ms: u64::from(d) / 8,
        });
        seq += 1;
        d += 400;
    }
    let last = pkts.last().unwrap().at_ms;
    for _ in 0..3 {
        pkts.push(Pkt {
            ssrc: 3,
            seq,
            ts: 500,
            marker: false,
            event: 6,
            end: true,
            duration: (12 * 8000u32) as u16,
            at_ms: last + 10,
        });
    }
    h.send_all(&pkts);
    let event = h.rx.poll_event().unwrap();
    assert_eq!(event.digit, DtmfDigit::D6);
    assert_eq!(event.duration, Duration::from_secs(12));
    assert!(h.rx.poll_event().is_none());
}

#[test]
fn malformed_and_non_dtmf_payloads_are_ignored_and_counted() {
    let mut h = Harness::new();
    let now = h.at(0);
    for payload in [&[][..], &[1u8, 0x80, 0][..]] {
        h.rx.handle_packet(
            &RtpEventPacket {
                ssrc: 1,
                sequence: 1,
                timestamp: 1,
                marker: true,
                payload,
            },
            now,
        );
    }
    // Flash (16) and an unassigned code, each as a complete press.
    for event in [16u8, 200] {
        let pkts = h.press(1, 100 + u32::from(event), event, 1, 0);
        h.send_all(&pkts);
    }
    assert_eq!(h.digits(), "");
    assert_eq!(h.rx.stats().truncated_payload, 2);
    assert_eq!(h.rx.stats().unsupported_event, 10);
    assert_eq!(h.rx.poll_timeout(), None);
}

#[test]
fn a_to_d_are_keys_too() {
    let mut h = Harness::new();
    for (i, event) in (12u8..=15).enumerate() {
        let pkts = h.press(9, 10_000 * (i as u32 + 1), event, 1, 300 * i as u64);
        h.send_all(&pkts);
    }
    assert_eq!(h.digits(), "ABCD");
}

#[test]
fn arbitrary_packets_never_panic_and_never_report_a_press_twice() {
    // Deterministic garbage: random fields, payload lengths 0-9, few SSRCs and timestamps so
    // that collisions (the interesting cases) are frequent.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut rx = TelephoneEventReceiver::new(8000).with_end_timeout(Duration::MAX);
    let t0 = Instant::now();
    let mut reported = 0u64;
    for i in 0..200_000u64 {
        let r = next();
        let len = (r % 10) as usize;
        let payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let packet = RtpEventPacket {
            ssrc: (r >> 8) as u32 % 3,
            sequence: (r >> 16) as u16,
            timestamp: ((r >> 24) as u32 % 8) * 65_000,
            marker: r & (1 << 60) != 0,
            payload: &payload,
        };
        let now = t0 + Duration::from_millis(i);
        rx.handle_packet(&packet, now);
        rx.handle_timeout(now);
        while rx.poll_event().is_some() {
            reported += 1;
        }
    }
    assert_eq!(reported, rx.stats().reported);
    assert!(rx.stats().truncated_payload > 0 && rx.stats().unsupported_event > 0);
}

#[test]
fn reused_timestamp_is_a_new_press_only_when_it_comes_back_later() {
    let mut h = Harness::new();
    let first = h.press(8, 4_000, 1, 2, 0);
    h.send_all(&first);
    // The same packets again 100 ms after the end, markers stripped: late copies, ignored.
    let mut copies = h.press(8, 4_000, 1, 2, 250);
    for p in &mut copies {
        p.marker = false;
    }
    h.send_all(&copies[1..]);
    assert_eq!(h.digits(), "1");
    // 300 ms of silence, then the same key with the same timestamp and no marker: a replay.
    let mut replay = h.press(8, 4_000, 1, 2, 700);
    replay[0].marker = false;
    h.send_all(&replay);
    assert_eq!(h.digits(), "1");
    assert_eq!(h.rx.stats().key_reused, 1);
}

#[test]
fn end_packets_straggling_in_after_the_timeout_are_not_a_new_press() {
    let mut h = Harness::new();
    let pkts = h.press(42, 5_000, 4, 3, 0);
    let (updates, mut ends): (Vec<Pkt>, Vec<Pkt>) = pkts.into_iter().partition(|p| !p.end);
    h.send_all(&updates);
    let deadline = h.rx.poll_timeout().unwrap();
    h.rx.handle_timeout(deadline);
    assert_eq!(h.digits(), "4");
    // They arrive 100 ms after the timeout fired.
    for p in &mut ends {
        p.at_ms = 150 + 250 + 100;
    }
    h.send_all(&ends);
    assert_eq!(h.digits(), "");
}
