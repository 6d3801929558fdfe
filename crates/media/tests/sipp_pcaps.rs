//! RFC 4733 reception against the real thing: SIPp's `dtmf_2833_*.pcap` captures (package
//! `sip-tester`, see ../shared/TESTING-PEERS.md), replayed the way SIPp's `play_pcap_audio`
//! does: original SSRC, timestamps and spacing, one capture per key. All twelve captures share
//! one SSRC and each has a fixed timestamp, so a repeated key replays identical packets and
//! the timestamps jump backwards between keys: each press must still be reported once.
//! The captures are read from the system at test time (they are SIPp's, not ours); the test
//! fails, saying so, when they are missing.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use dialbridge_media::{RtpEventPacket, TelephoneEventReceiver};
use std::time::{Duration, Instant};

const PCAP_DIR: &str = "/usr/share/sip-tester";
const TELEPHONE_EVENT_PT: u8 = 101;

/// One captured RTP packet: offset from the capture's first packet, RTP header fields, payload.
struct Captured {
    offset: Duration,
    marker: bool,
    payload_type: u8,
    sequence: u16,
    timestamp: u32,
    ssrc: u32,
    payload: Vec<u8>,
}

/// RTP packets of a classic little-endian libpcap file of Ethernet / IPv4 / UDP frames.
fn read_pcap(name: &str) -> Vec<Captured> {
    let path = format!("{PCAP_DIR}/dtmf_2833_{name}.pcap");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{path}: {e} (install the sip-tester package, which ships SIPp's DTMF pcaps)")
    });
    assert_eq!(
        bytes[..4],
        [0xd4, 0xc3, 0xb2, 0xa1],
        "{path}: not a little-endian pcap"
    );
    let le32 = |b: &[u8]| u32::from_le_bytes(b[..4].try_into().unwrap());
    let be32 = |b: &[u8]| u32::from_be_bytes(b[..4].try_into().unwrap());
    assert_eq!(le32(&bytes[20..]), 1, "{path}: link type is not Ethernet");
    let mut packets = Vec::new();
    let mut first = None;
    let mut at = 24;
    while at + 16 <= bytes.len() {
        let micros = u64::from(le32(&bytes[at..])) * 1_000_000 + u64::from(le32(&bytes[at + 4..]));
        let len = le32(&bytes[at + 8..]) as usize;
        let frame = &bytes[at + 16..at + 16 + len];
        at += 16 + len;
        let ip = &frame[14..];
        let udp = &ip[usize::from(ip[0] & 0x0F) * 4..];
        let rtp = &udp[8..];
        let first_micros = *first.get_or_insert(micros);
        packets.push(Captured {
            offset: Duration::from_micros(micros - first_micros),
            marker: rtp[1] & 0x80 != 0,
            payload_type: rtp[1] & 0x7F,
            sequence: u16::from_be_bytes([rtp[2], rtp[3]]),
            timestamp: be32(&rtp[4..]),
            ssrc: be32(&rtp[8..]),
            payload: rtp[12..].to_vec(),
        });
    }
    packets
}

fn capture_name(key: char) -> &'static str {
    match key {
        '*' => "star",
        '#' => "pound",
        _ => ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"][key.to_digit(10).unwrap() as usize],
    }
}

/// Plays one capture per key, `pause` after each capture's last packet, into a receiver.
fn replay(keys: &str, pause: Duration) -> (String, TelephoneEventReceiver) {
    let mut rx = TelephoneEventReceiver::new(8000);
    let mut now = Instant::now();
    let mut heard = String::new();
    for key in keys.chars() {
        let start = now;
        for packet in read_pcap(capture_name(key)) {
            now = start + packet.offset;
            rx.handle_timeout(now);
            if packet.payload_type == TELEPHONE_EVENT_PT {
                rx.handle_packet(
                    &RtpEventPacket {
                        ssrc: packet.ssrc,
                        sequence: packet.sequence,
                        timestamp: packet.timestamp,
                        marker: packet.marker,
                        payload: &packet.payload,
                    },
                    now,
                );
            }
        }
        now += pause;
        rx.handle_timeout(now);
        heard.extend(std::iter::from_fn(|| rx.poll_event()).map(|e| e.digit.as_char()));
    }
    if let Some(deadline) = rx.poll_timeout() {
        rx.handle_timeout(deadline);
    }
    heard.extend(std::iter::from_fn(|| rx.poll_event()).map(|e| e.digit.as_char()));
    (heard, rx)
}

#[test]
fn each_sipp_capture_is_one_press() {
    for key in "0123456789*#".chars() {
        let (heard, rx) = replay(&key.to_string(), Duration::from_millis(500));
        assert_eq!(heard, key.to_string());
        assert_eq!(rx.stats().retransmitted_end, 2, "key {key}");
    }
}

#[test]
fn sipp_pin_entry_with_repeated_keys_and_backward_timestamps() {
    // Typical scenario pacing (a `<pause>` between plays), then back to back.
    for pause_ms in [500, 250, 0] {
        let keys = "1111#0192*8#55";
        let (heard, rx) = replay(keys, Duration::from_millis(pause_ms));
        assert_eq!(heard, keys, "pause {pause_ms} ms");
        assert_eq!(rx.stats().reported, keys.len() as u64);
    }
}
