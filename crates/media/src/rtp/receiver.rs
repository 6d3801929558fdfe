//! The receive side of one call's RTP: checks where each datagram came from, parses it,
//! keeps RFC 3550 statistics for the far end's source, and splits telephone-event packets
//! from audio.

use super::latch::{LatchDecision, SourceLatch};
use super::reception::{ReceptionReport, ReceptionStats, SequenceCheck};
use super::AudioPacket;
use crate::codec::CodecKind;
use crate::telephone_event::RtpEventPacket;
use rtp_types::RtpPacket;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// RFC 3389 comfort noise; we do not generate it from CN packets, silence does the job.
const COMFORT_NOISE_PT: u8 = 13;

/// What the call negotiated, and the symmetric-RTP rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpReceiverConfig {
    /// The payload type of the negotiated audio codec.
    pub audio_payload_type: u8,
    pub codec: CodecKind,
    /// The payload type of `telephone-event`, when negotiated.
    pub telephone_event_payload_type: Option<u8>,
    /// Consecutive packets from a new address before it replaces the latched one.
    pub switch_source_after: u32,
    /// Silence from the latched address after which a new address is latched at once.
    pub source_idle: Duration,
}

impl RtpReceiverConfig {
    /// Defaults for the symmetric-RTP rules: switch after 5 packets (100 ms at 20 ms ptime)
    /// from a new address, or at once when the old one was silent for 500 ms.
    pub fn new(codec: CodecKind, audio_payload_type: u8) -> Self {
        Self {
            audio_payload_type,
            codec,
            telephone_event_payload_type: None,
            switch_source_after: 5,
            source_idle: Duration::from_millis(500),
        }
    }

    pub fn with_telephone_event(mut self, payload_type: u8) -> Self {
        self.telephone_event_payload_type = Some(payload_type);
        self
    }
}

/// A packet to pass on: audio to the jitter buffer, events to the
/// [`TelephoneEventReceiver`](crate::telephone_event::TelephoneEventReceiver).
#[derive(Debug, Clone, Copy)]
pub enum RtpInput<'a> {
    Audio(AudioPacket<'a>),
    TelephoneEvent(RtpEventPacket<'a>),
}

/// Why a datagram was not passed on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtpDrop {
    #[error("not an RTP packet: {0}")]
    Malformed(String),
    #[error("from {0}, which is not the latched remote address")]
    UnlatchedSource(SocketAddr),
    #[error("payload type {0} was not negotiated")]
    UnknownPayloadType(u8),
    #[error("comfort noise packet")]
    ComfortNoise,
    #[error("sequence number {0} jumped; waiting for the next packet to confirm a restart")]
    SequenceJump(u16),
}

/// Something the call logic or the IO shell should act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtpReceiverEvent {
    /// Media now comes from `current`: send our RTP (and RTCP to the port above) there.
    RemoteAddressChanged {
        previous: Option<SocketAddr>,
        current: SocketAddr,
    },
    /// The far end's SSRC changed (a transfer behind a B2BUA, a media server switch).
    SsrcChanged { previous: u32, current: u32 },
}

/// Counters over the whole call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RtpReceiverCounters {
    pub datagrams: u64,
    pub audio_packets: u64,
    pub telephone_event_packets: u64,
    pub malformed: u64,
    pub unlatched_source: u64,
    pub unknown_payload_type: u64,
    pub comfort_noise: u64,
    pub sequence_jumps: u64,
    pub timestamp_jumps: u64,
    pub ssrc_changes: u64,
    pub address_changes: u64,
}

/// The receive side of one call's RTP. Sans-IO: datagrams and the time in, packets and
/// events out.
#[derive(Debug)]
pub struct RtpReceiver {
    config: RtpReceiverConfig,
    latch: SourceLatch,
    source: Option<ReceptionStats>,
    events: VecDeque<RtpReceiverEvent>,
    counters: RtpReceiverCounters,
}

impl RtpReceiver {
    pub fn new(config: RtpReceiverConfig) -> Self {
        Self {
            latch: SourceLatch::new(config.switch_source_after, config.source_idle),
            config,
            source: None,
            events: VecDeque::new(),
            counters: RtpReceiverCounters::default(),
        }
    }

    /// Takes one datagram received on the call's RTP port.
    pub fn handle_rtp<'a>(
        &mut self,
        from: SocketAddr,
        datagram: &'a [u8],
        now: Instant,
    ) -> Result<RtpInput<'a>, RtpDrop> {
        self.counters.datagrams += 1;
        let packet = match RtpPacket::parse(datagram) {
            Ok(packet) => packet,
            Err(error) => {
                self.counters.malformed += 1;
                return Err(RtpDrop::Malformed(error.to_string()));
            }
        };
        let payload_type = packet.payload_type();
        let is_audio = payload_type == self.config.audio_payload_type;
        let is_event = self.config.telephone_event_payload_type == Some(payload_type);
        if !is_audio && !is_event {
            if payload_type == COMFORT_NOISE_PT {
                self.counters.comfort_noise += 1;
                return Err(RtpDrop::ComfortNoise);
            }
            self.counters.unknown_payload_type += 1;
            return Err(RtpDrop::UnknownPayloadType(payload_type));
        }
        match self.latch.on_packet(from, now) {
            LatchDecision::Accept => {}
            LatchDecision::Switched { previous } => {
                if previous.is_some() {
                    self.counters.address_changes += 1;
                }
                self.events
                    .push_back(RtpReceiverEvent::RemoteAddressChanged {
                        previous,
                        current: from,
                    });
            }
            LatchDecision::Reject => {
                self.counters.unlatched_source += 1;
                return Err(RtpDrop::UnlatchedSource(from));
            }
        }

        let (ssrc, sequence, timestamp) =
            (packet.ssrc(), packet.sequence_number(), packet.timestamp());
        let source = self.source_for(ssrc, sequence, now);
        if source.update_seq(sequence) == SequenceCheck::BadJump {
            self.counters.sequence_jumps += 1;
            return Err(RtpDrop::SequenceJump(sequence));
        }
        if is_event {
            self.counters.telephone_event_packets += 1;
            return Ok(RtpInput::TelephoneEvent(RtpEventPacket {
                ssrc,
                sequence,
                timestamp,
                marker: packet.marker_bit(),
                payload: payload_of(datagram, &packet),
            }));
        }
        // Event packets repeat their start timestamp, so only audio feeds the jitter estimate.
        if source.update_jitter(timestamp, now, packet.marker_bit()) {
            self.counters.timestamp_jumps += 1;
        }
        self.counters.audio_packets += 1;
        Ok(RtpInput::Audio(AudioPacket {
            ssrc,
            sequence,
            timestamp,
            marker: packet.marker_bit(),
            payload: payload_of(datagram, &packet),
        }))
    }

    fn source_for(&mut self, ssrc: u32, sequence: u16, now: Instant) -> &mut ReceptionStats {
        let previous = self.source.as_ref().map(ReceptionStats::ssrc);
        if previous != Some(ssrc) {
            if let Some(previous) = previous {
                self.counters.ssrc_changes += 1;
                self.events.push_back(RtpReceiverEvent::SsrcChanged {
                    previous,
                    current: ssrc,
                });
            }
            // A new source starts its statistics afresh (RFC 3550 A.1 per-source state).
            self.source = None;
        }
        let clock_rate = self.config.codec.rtp_clock_rate();
        self.source
            .get_or_insert_with(|| ReceptionStats::new(ssrc, clock_rate, sequence, now))
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<RtpReceiverEvent> {
        self.events.pop_front()
    }

    /// The latched remote address (where our RTP should go).
    pub fn remote(&self) -> Option<SocketAddr> {
        self.latch.remote()
    }

    /// The far end's current SSRC.
    pub fn remote_ssrc(&self) -> Option<u32> {
        self.source.as_ref().map(ReceptionStats::ssrc)
    }

    /// RFC 3550 statistics for the far end's current source.
    pub fn source_stats(&self) -> Option<&ReceptionStats> {
        self.source.as_ref()
    }

    pub fn counters(&self) -> &RtpReceiverCounters {
        &self.counters
    }

    /// The numbers for an RTCP report block about the far end; starts the next
    /// fraction-lost interval.
    pub fn take_report(&mut self) -> Option<ReceptionReport> {
        self.source.as_mut().map(ReceptionStats::report)
    }
}

/// The payload as a slice of the datagram, so it outlives the parsed view.
fn payload_of<'a>(datagram: &'a [u8], packet: &RtpPacket<'_>) -> &'a [u8] {
    let start = packet.payload_offset();
    datagram
        .get(start..start + packet.payload_len())
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rtp_types::RtpPacketBuilder;

    const PCMU: u8 = 0;
    const EVENTS: u8 = 101;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([198, 51, 100, 7], port))
    }

    fn datagram(pt: u8, ssrc: u32, seq: u16, ts: u32, payload: &[u8]) -> Vec<u8> {
        RtpPacketBuilder::<&[u8], &[u8]>::new()
            .payload_type(pt)
            .ssrc(ssrc)
            .sequence_number(seq)
            .timestamp(ts)
            .payload(payload)
            .write_vec()
            .unwrap()
    }

    fn receiver() -> RtpReceiver {
        RtpReceiver::new(RtpReceiverConfig::new(CodecKind::Pcmu, PCMU).with_telephone_event(EVENTS))
    }

    #[test]
    fn splits_audio_from_telephone_events_and_reports_the_first_address() {
        let now = Instant::now();
        let mut rx = receiver();
        let audio = datagram(PCMU, 9, 1, 160, &[0xff; 160]);
        match rx.handle_rtp(addr(4000), &audio, now).unwrap() {
            RtpInput::Audio(p) => {
                assert_eq!((p.ssrc, p.sequence, p.timestamp), (9, 1, 160));
                assert_eq!(p.payload.len(), 160);
            }
            other => panic!("{other:?}"),
        }
        let event = datagram(EVENTS, 9, 2, 320, &[5, 0x0a, 0, 160]);
        match rx.handle_rtp(addr(4000), &event, now).unwrap() {
            RtpInput::TelephoneEvent(p) => assert_eq!(p.payload, &[5, 0x0a, 0, 160]),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            rx.poll_event(),
            Some(RtpReceiverEvent::RemoteAddressChanged {
                previous: None,
                current: addr(4000)
            })
        );
        assert_eq!(rx.poll_event(), None);
    }

    #[test]
    fn drops_unknown_payload_types_comfort_noise_and_garbage() {
        let now = Instant::now();
        let mut rx = receiver();
        let g729 = datagram(18, 9, 1, 0, &[1; 20]);
        assert_eq!(
            rx.handle_rtp(addr(4000), &g729, now).err(),
            Some(RtpDrop::UnknownPayloadType(18))
        );
        let cn = datagram(13, 9, 1, 0, &[40]);
        assert_eq!(
            rx.handle_rtp(addr(4000), &cn, now).err(),
            Some(RtpDrop::ComfortNoise)
        );
        assert!(matches!(
            rx.handle_rtp(addr(4000), &[0x80, 0], now),
            Err(RtpDrop::Malformed(_))
        ));
        assert!(matches!(
            rx.handle_rtp(addr(4000), &[0u8; 40], now),
            Err(RtpDrop::Malformed(_))
        ));
        // None of that latched an address.
        assert_eq!(rx.remote(), None);
    }

    #[test]
    fn symmetric_rtp_switches_after_consecutive_packets_from_a_new_address() {
        let now = Instant::now();
        let mut rx = receiver();
        for seq in 0..3u16 {
            rx.handle_rtp(addr(4000), &datagram(PCMU, 9, seq, 0, &[0; 160]), now)
                .unwrap();
        }
        rx.poll_event();
        for seq in 3..7u16 {
            assert_eq!(
                rx.handle_rtp(addr(5000), &datagram(PCMU, 9, seq, 0, &[0; 160]), now)
                    .err(),
                Some(RtpDrop::UnlatchedSource(addr(5000)))
            );
        }
        assert!(rx
            .handle_rtp(addr(5000), &datagram(PCMU, 9, 7, 0, &[0; 160]), now)
            .is_ok());
        assert_eq!(
            rx.poll_event(),
            Some(RtpReceiverEvent::RemoteAddressChanged {
                previous: Some(addr(4000)),
                current: addr(5000)
            })
        );
        assert_eq!(rx.remote(), Some(addr(5000)));
        assert_eq!(rx.counters().unlatched_source, 4);
    }

    #[test]
    fn ssrc_change_resets_statistics_and_is_reported() {
        let start = Instant::now();
        let mut rx = receiver();
        for seq in 0..10u16 {
            let at = start + Duration::from_millis(20 * u64::from(seq));
            rx.handle_rtp(
                addr(4000),
                &datagram(PCMU, 9, seq, u32::from(seq) * 160, &[0; 160]),
                at,
            )
            .unwrap();
        }
        rx.poll_event();
        for seq in 500..510u16 {
            let at = start + Duration::from_millis(20 * u64::from(seq - 490));
            let dgram = datagram(PCMU, 77, seq, 9_000_000 + u32::from(seq) * 160, &[0; 160]);
            rx.handle_rtp(addr(4000), &dgram, at).unwrap();
        }
        assert_eq!(
            rx.poll_event(),
            Some(RtpReceiverEvent::SsrcChanged {
                previous: 9,
                current: 77
            })
        );
        assert_eq!(rx.remote_ssrc(), Some(77));
        let report = rx.take_report().unwrap();
        assert_eq!(report.ssrc, 77);
        assert_eq!(report.cumulative_lost, 0);
        assert_eq!(report.extended_highest_sequence, 509);
        assert_eq!(report.jitter, 0, "the SSRC change is not jitter");
        assert_eq!(rx.counters().ssrc_changes, 1);
    }

    #[test]
    fn loss_and_sequence_wrap_show_in_the_report() {
        let start = Instant::now();
        let mut rx = receiver();
        for i in 0..100u32 {
            let seq = (65_500 + i) as u16;
            if i % 10 == 5 {
                continue;
            }
            let at = start + Duration::from_millis(20 * u64::from(i));
            rx.handle_rtp(addr(4000), &datagram(PCMU, 9, seq, i * 160, &[0; 160]), at)
                .unwrap();
        }
        let report = rx.take_report().unwrap();
        assert_eq!(report.extended_highest_sequence, (1 << 16) + 63);
        assert_eq!(report.cumulative_lost, 10);
        assert_eq!(report.fraction_lost, (10 * 256 / 99) as u8);
    }

    #[test]
    fn timestamp_jump_is_counted_and_kept_out_of_jitter() {
        let start = Instant::now();
        let mut rx = receiver();
        for seq in 0..20u16 {
            let jump = if seq >= 10 { 4_000_000 } else { 0 };
            let at = start + Duration::from_millis(20 * u64::from(seq));
            let dgram = datagram(PCMU, 9, seq, jump + u32::from(seq) * 160, &[0; 160]);
            rx.handle_rtp(addr(4000), &dgram, at).unwrap();
        }
        assert_eq!(rx.counters().timestamp_jumps, 1);
        assert_eq!(rx.take_report().unwrap().jitter, 0);
    }
}
