//! The receive path as the IO shell wires it: RtpSender → (network: reorder, loss, a NAT
//! rebinding) → RtpReceiver → JitterBuffer / TelephoneEventReceiver, with RTCP both ways.
#![allow(clippy::unwrap_used)]

use dialbridge_media::codec::{CodecError, CodecKind, Decoder, FRAME_SAMPLES};
use dialbridge_media::jitter::{JitterBuffer, JitterConfig};
use dialbridge_media::rtp::{
    is_rtcp, RtcpSession, RtpInput, RtpReceiver, RtpReceiverConfig, RtpReceiverEvent, RtpSender,
};
use dialbridge_media::{DtmfDigit, TelephoneEventReceiver};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Payload: 160 bytes all equal to the packet number; decodes to 320 samples of it.
struct NumberDecoder;

impl Decoder for NumberDecoder {
    fn kind(&self) -> CodecKind {
        CodecKind::Pcmu
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError> {
        let value = i16::from(*payload.first().unwrap_or(&0));
        out.extend(std::iter::repeat_n(value, payload.len() * 2));
        Ok(payload.len() * 2)
    }

    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        out.extend(std::iter::repeat_n(-1, samples));
    }
}

#[test]
fn packets_events_and_reports_flow_through_the_receive_path() {
    let start = Instant::now();
    let unix = Duration::from_secs(1_780_000_000);
    let first_address = SocketAddr::from(([203, 0, 113, 5], 30_000));
    let rebound_address = SocketAddr::from(([203, 0, 113, 5], 41_000));

    let mut far_sender = RtpSender::new(0x5EED, 0, CodecKind::Pcmu, 20, 65_500, 1_000);
    let mut far_rtcp = RtcpSession::new(0x5EED, "far", start, unix);
    let mut receiver =
        RtpReceiver::new(RtpReceiverConfig::new(CodecKind::Pcmu, 0).with_telephone_event(101));
    let mut jitter = JitterBuffer::new(Box::new(NumberDecoder), JitterConfig::default());
    let mut events = TelephoneEventReceiver::new(8000);
    let mut our_rtcp = RtcpSession::new(0x0DD, "us", start, unix);

    // 150 packets (3 s); packet 40 lost, 60 and 61 swapped, a NAT rebinding at 100.
    let mut wire: Vec<(u64, SocketAddr, Vec<u8>)> = Vec::new();
    let mut buf = [0u8; 1500];
    for i in 0..150u64 {
        let at = start + Duration::from_millis(20 * i);
        let value = [(i % 200) as u8 + 1; 160];
        let len = far_sender.write_audio(&value, &mut buf, at).unwrap();
        let from = if i >= 100 {
            rebound_address
        } else {
            first_address
        };
        let arrival = match i {
            60 => 20 * 61 + 5,
            _ => 20 * i,
        };
        if i != 40 {
            wire.push((arrival, from, buf[..len].to_vec()));
        }
        // Digit 5 as three event packets and three end packets, at 1 s.
        if (50..56).contains(&i) {
            let end = i >= 53;
            let duration = (i - 49) as u16 * 160;
            let payload = [
                5,
                if end { 0x8a } else { 0x0a },
                (duration >> 8) as u8,
                duration as u8,
            ];
            let len = far_sender
                .write_event(101, 1_000 + 50 * 160, i == 50, &payload, &mut buf)
                .unwrap();
            wire.push((20 * i + 1, from, buf[..len].to_vec()));
        }
    }
    wire.sort_by_key(|(arrival, _, _)| *arrival);

    let mut output = Vec::new();
    let mut addresses = Vec::new();
    let mut pending = wire.into_iter().peekable();
    for tick in 0..170u64 {
        let now_ms = tick * 20 + 10;
        while let Some((arrival, from, datagram)) = pending.next_if(|(a, _, _)| *a <= now_ms) {
            let at = start + Duration::from_millis(arrival);
            assert!(!is_rtcp(&datagram));
            match receiver.handle_rtp(from, &datagram, at) {
                Ok(RtpInput::Audio(packet)) => jitter.push(&packet, at),
                Ok(RtpInput::TelephoneEvent(packet)) => events.handle_packet(&packet, at),
                Err(_) => {}
            }
            while let Some(event) = receiver.poll_event() {
                if let RtpReceiverEvent::RemoteAddressChanged { current, .. } = event {
                    addresses.push(current);
                }
            }
        }
        let now = start + Duration::from_millis(now_ms);
        events.handle_timeout(now);
        output.extend_from_slice(jitter.pull(now));
    }

    assert_eq!(addresses, vec![first_address, rebound_address]);
    let digit = events.poll_event().unwrap();
    assert_eq!(digit.digit, DtmfDigit::D5);
    assert_eq!(events.poll_event(), None);

    // Every packet's audio once and in order, except the lost one (concealed in its slot)
    // and the ones dropped while the new address was being confirmed.
    let frames: Vec<i16> = output.chunks(FRAME_SAMPLES).map(|frame| frame[0]).collect();
    let dropped_at_rebinding = receiver.counters().unlatched_source;
    assert_eq!(
        dropped_at_rebinding, 4,
        "the 5th packet confirms the new address"
    );
    let played: Vec<i16> = frames.iter().copied().filter(|&v| v > 0).collect();
    let expected: Vec<i16> = (1..=150)
        .filter(|&n| n != 41 && !(101..=104).contains(&n))
        .collect();
    assert_eq!(played, expected);
    let slot_of_40 = frames.iter().position(|&v| v == 40).unwrap();
    assert_eq!(frames[slot_of_40 + 1..slot_of_40 + 3], [-1, 42]);
    assert_eq!(jitter.stats().late, 0);

    // Our receiver report tells the far end about the loss; it computes the round trip.
    let far_report_at = start + Duration::from_millis(2500);
    let mut far_receiver = RtpReceiver::new(RtpReceiverConfig::new(CodecKind::Pcmu, 0));
    let sr_len = far_rtcp
        .poll_report(
            far_report_at,
            &mut far_receiver,
            Some(&far_sender),
            &mut buf,
        )
        .unwrap()
        .unwrap();
    our_rtcp
        .handle_rtcp(&buf[..sr_len], far_report_at + Duration::from_millis(30))
        .unwrap();
    let our_report_at = far_report_at + Duration::from_millis(500);
    let rr_len = our_rtcp
        .poll_report(our_report_at, &mut receiver, None, &mut buf)
        .unwrap()
        .unwrap();
    assert!(is_rtcp(&buf[..rr_len]));
    far_rtcp
        .handle_rtcp(&buf[..rr_len], our_report_at + Duration::from_millis(30))
        .unwrap();
    let seen_by_far = far_rtcp.remote_report().unwrap();
    assert_eq!(
        u64::from(seen_by_far.cumulative_lost),
        1 + dropped_at_rebinding
    );
    let rtt = far_rtcp.round_trip_time().unwrap();
    assert!(
        rtt.abs_diff(Duration::from_millis(60)) < Duration::from_millis(1),
        "{rtt:?}"
    );
}
