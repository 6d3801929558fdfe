//! The send side of one call's RTP: our SSRC, sequence numbers and timestamps.

use crate::codec::CodecKind;
use rtp_types::{RtpPacketBuilder, RtpWriteError};
use std::time::{Duration, Instant};

/// What an RTCP sender report says about what we sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderInfo {
    pub ssrc: u32,
    /// The RTP timestamp matching the report's wall-clock time.
    pub rtp_timestamp: u32,
    pub packet_count: u32,
    pub octet_count: u32,
}

/// Numbers our packets for one call. Sans-IO: the caller picks the random SSRC, initial
/// sequence number and timestamp (RFC 3550 §5.1 wants them random) and passes them in.
#[derive(Debug, Clone)]
pub struct RtpSender {
    ssrc: u32,
    payload_type: u8,
    clock_rate: u32,
    units_per_packet: u32,
    sequence: u16,
    timestamp: u32,
    /// The next packet starts a talkspurt (marker bit).
    talkspurt_start: bool,
    packet_count: u32,
    octet_count: u32,
    /// When the packet carrying `timestamp - units_per_packet` went out.
    last_sent: Option<(Instant, u32)>,
}

impl RtpSender {
    /// A sender for `codec` with `ptime_ms` of audio per packet.
    pub fn new(
        ssrc: u32,
        payload_type: u8,
        codec: CodecKind,
        ptime_ms: u32,
        initial_sequence: u16,
        initial_timestamp: u32,
    ) -> Self {
        Self {
            ssrc,
            payload_type,
            clock_rate: codec.rtp_clock_rate(),
            units_per_packet: codec.rtp_units_per(ptime_ms),
            sequence: initial_sequence,
            timestamp: initial_timestamp,
            talkspurt_start: true,
            packet_count: 0,
            octet_count: 0,
            last_sent: None,
        }
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    /// Writes the next audio packet (header and `payload`) into `buf` and returns its
    /// length; no allocation. Sequence and timestamp advance by one packet.
    pub fn write_audio(
        &mut self,
        payload: &[u8],
        buf: &mut [u8],
        now: Instant,
    ) -> Result<usize, RtpWriteError> {
        let written = RtpPacketBuilder::<&[u8], &[u8]>::new()
            .payload_type(self.payload_type)
            .ssrc(self.ssrc)
            .sequence_number(self.sequence)
            .timestamp(self.timestamp)
            .marker_bit(self.talkspurt_start)
            .payload(payload)
            .write_into(buf)?;
        self.talkspurt_start = false;
        self.last_sent = Some((now, self.timestamp));
        self.sequence = self.sequence.wrapping_add(1);
        self.timestamp = self.timestamp.wrapping_add(self.units_per_packet);
        self.packet_count = self.packet_count.wrapping_add(1);
        self.octet_count = self
            .octet_count
            .wrapping_add(u32::try_from(payload.len()).unwrap_or(u32::MAX));
        Ok(written)
    }

    /// Writes an RFC 4733 event packet: same SSRC and sequence space, `timestamp` fixed at
    /// the event's start. `marker` goes on the event's first packet.
    pub fn write_event(
        &mut self,
        payload_type: u8,
        event_timestamp: u32,
        marker: bool,
        payload: &[u8],
        buf: &mut [u8],
    ) -> Result<usize, RtpWriteError> {
        let written = RtpPacketBuilder::<&[u8], &[u8]>::new()
            .payload_type(payload_type)
            .ssrc(self.ssrc)
            .sequence_number(self.sequence)
            .timestamp(event_timestamp)
            .marker_bit(marker)
            .payload(payload)
            .write_into(buf)?;
        self.sequence = self.sequence.wrapping_add(1);
        self.packet_count = self.packet_count.wrapping_add(1);
        self.octet_count = self
            .octet_count
            .wrapping_add(u32::try_from(payload.len()).unwrap_or(u32::MAX));
        Ok(written)
    }

    /// The timestamp the next audio packet will carry.
    pub fn next_timestamp(&self) -> u32 {
        self.timestamp
    }

    /// Nothing is sent for `packets` packet times (silence suppression, hold): the clock
    /// runs on and the next packet starts a talkspurt.
    pub fn skip(&mut self, packets: u32) {
        self.timestamp = self
            .timestamp
            .wrapping_add(self.units_per_packet.wrapping_mul(packets));
        self.talkspurt_start = true;
    }

    /// Marks the next packet as a talkspurt start without moving the clock.
    pub fn start_talkspurt(&mut self) {
        self.talkspurt_start = true;
    }

    /// Counts and the RTP time at `now`, for an RTCP sender report; `None` before the
    /// first packet.
    pub fn sender_info(&self, now: Instant) -> Option<SenderInfo> {
        let (sent_at, timestamp) = self.last_sent?;
        let elapsed = now.saturating_duration_since(sent_at);
        Some(SenderInfo {
            ssrc: self.ssrc,
            rtp_timestamp: timestamp.wrapping_add(self.units_in(elapsed)),
            packet_count: self.packet_count,
            octet_count: self.octet_count,
        })
    }

    fn units_in(&self, elapsed: Duration) -> u32 {
        (elapsed.as_micros() * u128::from(self.clock_rate) / 1_000_000) as u32
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rtp_types::RtpPacket;

    #[test]
    fn numbers_packets_and_marks_talkspurts() {
        let now = Instant::now();
        let mut sender = RtpSender::new(0xABCD, 8, CodecKind::Pcma, 20, u16::MAX, u32::MAX - 100);
        let mut buf = [0u8; 1500];
        let mut seen = Vec::new();
        for i in 0..3u32 {
            if i == 2 {
                sender.skip(5);
            }
            let len = sender.write_audio(&[0xd5; 160], &mut buf, now).unwrap();
            assert_eq!(len, 12 + 160);
            let packet = RtpPacket::parse(&buf[..len]).unwrap();
            assert_eq!(packet.payload_type(), 8);
            assert_eq!(packet.ssrc(), 0xABCD);
            assert_eq!(packet.payload(), &[0xd5; 160]);
            seen.push((
                packet.sequence_number(),
                packet.timestamp(),
                packet.marker_bit(),
            ));
        }
        assert_eq!(
            seen,
            vec![
                (u16::MAX, u32::MAX - 100, true),
                (0, 59, false),
                (1, 59 + 160 * 6, true),
            ]
        );
    }

    #[test]
    fn opus_and_g722_timestamps_use_their_rtp_clocks() {
        let now = Instant::now();
        let mut buf = [0u8; 300];
        let mut opus = RtpSender::new(1, 111, CodecKind::Opus, 20, 0, 0);
        opus.write_audio(&[1; 40], &mut buf, now).unwrap();
        assert_eq!(opus.next_timestamp(), 960);
        let mut g722 = RtpSender::new(1, 9, CodecKind::G722, 30, 0, 0);
        g722.write_audio(&[1; 240], &mut buf[..], now).unwrap();
        assert_eq!(g722.next_timestamp(), 240);
    }

    #[test]
    fn too_small_buffer_is_an_error_and_changes_nothing() {
        let now = Instant::now();
        let mut sender = RtpSender::new(1, 0, CodecKind::Pcmu, 20, 10, 0);
        let mut small = [0u8; 100];
        assert!(sender.write_audio(&[0; 160], &mut small, now).is_err());
        assert_eq!(sender.next_timestamp(), 0);
        assert_eq!(sender.sender_info(now), None);
    }

    #[test]
    fn sender_info_extrapolates_the_rtp_clock() {
        let now = Instant::now();
        let mut sender = RtpSender::new(5, 0, CodecKind::Pcmu, 20, 0, 1000);
        let mut buf = [0u8; 200];
        sender.write_audio(&[0; 160], &mut buf, now).unwrap();
        sender
            .write_audio(&[0; 160], &mut buf, now + Duration::from_millis(20))
            .unwrap();
        let info = sender.sender_info(now + Duration::from_millis(70)).unwrap();
        assert_eq!(info.packet_count, 2);
        assert_eq!(info.octet_count, 320);
        assert_eq!(info.rtp_timestamp, 1000 + 160 + 400);
    }

    #[test]
    fn event_packets_share_the_sequence_space() {
        let now = Instant::now();
        let mut sender = RtpSender::new(5, 0, CodecKind::Pcmu, 20, 7, 1000);
        let mut buf = [0u8; 200];
        sender.write_audio(&[0; 160], &mut buf, now).unwrap();
        let len = sender
            .write_event(101, 1160, true, &[1, 0, 0, 160], &mut buf)
            .unwrap();
        let packet = RtpPacket::parse(&buf[..len]).unwrap();
        assert_eq!(
            (
                packet.sequence_number(),
                packet.timestamp(),
                packet.marker_bit()
            ),
            (8, 1160, true)
        );
        assert_eq!(packet.payload_type(), 101);
    }
}
