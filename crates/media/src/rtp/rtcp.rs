//! RTCP for one call (RFC 3550 §6): our sender or receiver reports on a timer, and what the
//! far end's reports tell us (its view of our stream, and the round-trip time).

use super::receiver::RtpReceiver;
use super::sender::RtpSender;
use rtcp_types::{
    Bye, Compound, Packet, ReceiverReport, ReportBlock, ReportBlockBuilder, RtcpPacketWriterExt,
    RtcpWriteError, Sdes, SdesChunk, SdesItem, SenderReport,
};
use std::time::{Duration, Instant};

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET_SECS: u64 = 2_208_988_800;

/// What the far end last reported about our stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteReceptionReport {
    pub fraction_lost: u8,
    pub cumulative_lost: u32,
    pub extended_highest_sequence: u32,
    /// In RTP timestamp units of our codec.
    pub jitter: u32,
    pub received_at: Instant,
}

/// Why an RTCP datagram was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtcpError {
    #[error("malformed RTCP: {0}")]
    Malformed(String),
}

/// Counters over the whole call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RtcpCounters {
    pub sent_sender_reports: u64,
    pub sent_receiver_reports: u64,
    pub received_sender_reports: u64,
    pub received_receiver_reports: u64,
    pub received_byes: u64,
    pub malformed: u64,
}

/// The RTCP side of one call. Sans-IO: the wall clock is given once at creation (an NTP
/// timestamp is wall-clock time) and derived from the `Instant`s passed in afterwards.
#[derive(Debug)]
pub struct RtcpSession {
    ssrc: u32,
    cname: String,
    interval: Duration,
    next_report_at: Instant,
    anchor: Instant,
    anchor_since_unix_epoch: Duration,
    /// Middle 32 bits of the NTP time of the far end's last sender report, and its arrival.
    last_remote_sr: Option<(u32, u32, Instant)>,
    packets_at_last_report: Option<u32>,
    round_trip_time: Option<Duration>,
    remote_report: Option<RemoteReceptionReport>,
    counters: RtcpCounters,
}

impl RtcpSession {
    /// RFC 3550's minimum interval. Reports are not randomised (§6.2 does it to spread the
    /// reports of many participants of one session; a call has two).
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

    /// A session for our `ssrc` with the SDES `cname`; `since_unix_epoch` is the wall clock
    /// at `now`. The first report is due half an interval from now (§6.2).
    pub fn new(
        ssrc: u32,
        cname: impl Into<String>,
        now: Instant,
        since_unix_epoch: Duration,
    ) -> Self {
        Self {
            ssrc,
            cname: cname.into(),
            interval: Self::DEFAULT_INTERVAL,
            next_report_at: now + Self::DEFAULT_INTERVAL / 2,
            anchor: now,
            anchor_since_unix_epoch: since_unix_epoch,
            last_remote_sr: None,
            packets_at_last_report: None,
            round_trip_time: None,
            remote_report: None,
            counters: RtcpCounters::default(),
        }
    }

    /// Changes the report interval (from the next report on).
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.next_report_at = self.anchor + interval / 2;
        self.interval = interval;
        self
    }

    /// When the next report is due.
    pub fn poll_timeout(&self) -> Instant {
        self.next_report_at
    }

    /// If a report is due, writes it into `buf` (SR when we sent RTP since the last report,
    /// else RR; a report block about the far end when we hear it; SDES CNAME, as every
    /// compound packet needs) and returns its length.
    pub fn poll_report(
        &mut self,
        now: Instant,
        receiver: &mut RtpReceiver,
        sender: Option<&RtpSender>,
        buf: &mut [u8],
    ) -> Result<Option<usize>, RtcpWriteError> {
        if now < self.next_report_at {
            return Ok(None);
        }
        let len = self.write_compound(now, receiver, sender, buf, false)?;
        self.next_report_at = now + self.interval;
        Ok(Some(len))
    }

    /// Writes a last report followed by BYE (RFC 3550 §6.6), for when the call ends.
    pub fn write_bye(
        &mut self,
        now: Instant,
        receiver: &mut RtpReceiver,
        sender: Option<&RtpSender>,
        buf: &mut [u8],
    ) -> Result<usize, RtcpWriteError> {
        self.write_compound(now, receiver, sender, buf, true)
    }

    fn write_compound(
        &mut self,
        now: Instant,
        receiver: &mut RtpReceiver,
        sender: Option<&RtpSender>,
        buf: &mut [u8],
        bye: bool,
    ) -> Result<usize, RtcpWriteError> {
        let block = receiver.take_report().map(|report| {
            let (lsr, dlsr) = match self.last_remote_sr {
                Some((ssrc, lsr, at)) if ssrc == report.ssrc => (lsr, to_ntp_short(now - at)),
                _ => (0, 0),
            };
            ReportBlock::builder(report.ssrc)
                .fraction_lost(report.fraction_lost)
                .cumulative_lost(report.cumulative_lost as u32 & 0x00FF_FFFF)
                .extended_sequence_number(report.extended_highest_sequence)
                .interarrival_jitter(report.jitter)
                .last_sender_report_timestamp(lsr)
                .delay_since_last_sender_report_timestamp(dlsr)
        });
        let sent = sender
            .and_then(|sender| sender.sender_info(now))
            .filter(|info| self.packets_at_last_report != Some(info.packet_count));
        let sdes = Sdes::builder().add_chunk(
            SdesChunk::builder(self.ssrc).add_item(SdesItem::builder(SdesItem::CNAME, &self.cname)),
        );
        let compound = match sent {
            Some(info) => {
                let report = SenderReport::builder(self.ssrc)
                    .ntp_timestamp(self.ntp_time(now))
                    .rtp_timestamp(info.rtp_timestamp)
                    .packet_count(info.packet_count)
                    .octet_count(info.octet_count);
                let report = add_block(report, block, |r, b| r.add_report_block(b));
                Compound::builder().add_packet(report).add_packet(sdes)
            }
            None => {
                let report = add_block(ReceiverReport::builder(self.ssrc), block, |r, b| {
                    r.add_report_block(b)
                });
                Compound::builder().add_packet(report).add_packet(sdes)
            }
        };
        let compound = if bye {
            compound.add_packet(Bye::builder().add_source(self.ssrc))
        } else {
            compound
        };
        let len = compound.write_into(buf)?;
        if let Some(info) = sent {
            self.packets_at_last_report = Some(info.packet_count);
            self.counters.sent_sender_reports += 1;
        } else {
            self.counters.sent_receiver_reports += 1;
        }
        Ok(len)
    }

    /// Takes one datagram received on the call's RTCP port (or multiplexed with RTP).
    pub fn handle_rtcp(&mut self, datagram: &[u8], now: Instant) -> Result<(), RtcpError> {
        let compound = Compound::parse(datagram).map_err(|error| {
            self.counters.malformed += 1;
            RtcpError::Malformed(error.to_string())
        })?;
        for packet in compound {
            let packet = packet.map_err(|error| {
                self.counters.malformed += 1;
                RtcpError::Malformed(error.to_string())
            })?;
            match packet {
                Packet::Sr(report) => {
                    self.counters.received_sender_reports += 1;
                    let middle = (report.ntp_timestamp() >> 16) as u32;
                    self.last_remote_sr = Some((report.ssrc(), middle, now));
                    for block in report.report_blocks() {
                        self.handle_block(&block, now);
                    }
                }
                Packet::Rr(report) => {
                    self.counters.received_receiver_reports += 1;
                    for block in report.report_blocks() {
                        self.handle_block(&block, now);
                    }
                }
                Packet::Bye(_) => self.counters.received_byes += 1,
                _ => {}
            }
        }
        Ok(())
    }

    fn handle_block(&mut self, block: &ReportBlock<'_>, now: Instant) {
        if block.ssrc() != self.ssrc {
            return;
        }
        self.remote_report = Some(RemoteReceptionReport {
            fraction_lost: block.fraction_lost(),
            cumulative_lost: block.cumulative_lost(),
            extended_highest_sequence: block.extended_sequence_number(),
            jitter: block.interarrival_jitter(),
            received_at: now,
        });
        let lsr = block.last_sender_report_timestamp();
        if lsr == 0 {
            return;
        }
        // RFC 3550 §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s.
        let arrival = (self.ntp_time(now) >> 16) as u32;
        let rtt = arrival
            .wrapping_sub(lsr)
            .wrapping_sub(block.delay_since_last_sender_report_timestamp());
        // A "negative" result is a clock or report error, not a round trip.
        if rtt < 0x8000_0000 {
            self.round_trip_time = Some(from_ntp_short(rtt));
        }
    }

    /// The round-trip time from the last report block that echoed one of our SRs.
    pub fn round_trip_time(&self) -> Option<Duration> {
        self.round_trip_time
    }

    /// The far end's last report about our stream.
    pub fn remote_report(&self) -> Option<RemoteReceptionReport> {
        self.remote_report
    }

    pub fn counters(&self) -> &RtcpCounters {
        &self.counters
    }

    /// The 64-bit NTP time at `now`.
    fn ntp_time(&self, now: Instant) -> u64 {
        let since_unix = if now >= self.anchor {
            self.anchor_since_unix_epoch + (now - self.anchor)
        } else {
            self.anchor_since_unix_epoch
                .saturating_sub(self.anchor - now)
        };
        let seconds = since_unix.as_secs() + NTP_UNIX_OFFSET_SECS;
        let fraction = (u64::from(since_unix.subsec_nanos()) << 32) / 1_000_000_000;
        (seconds << 32) | fraction
    }
}

fn add_block<R>(
    report: R,
    block: Option<ReportBlockBuilder>,
    add: impl FnOnce(R, ReportBlockBuilder) -> R,
) -> R {
    match block {
        Some(block) => add(report, block),
        None => report,
    }
}

/// A duration in the 16.16 fixed-point seconds of DLSR.
fn to_ntp_short(duration: Duration) -> u32 {
    let units = duration.as_micros() * 65_536 / 1_000_000;
    u32::try_from(units).unwrap_or(u32::MAX)
}

fn from_ntp_short(units: u32) -> Duration {
    Duration::from_micros(u64::from(units) * 1_000_000 / 65_536)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::codec::CodecKind;
    use crate::rtp::{RtpReceiverConfig, RtpSender};
    use std::net::SocketAddr;

    const UNIX_NOW: Duration = Duration::from_secs(1_780_000_000);

    struct Side {
        rtcp: RtcpSession,
        receiver: RtpReceiver,
        sender: RtpSender,
    }

    fn side(ssrc: u32, now: Instant) -> Side {
        Side {
            rtcp: RtcpSession::new(ssrc, format!("side-{ssrc}"), now, UNIX_NOW),
            receiver: RtpReceiver::new(RtpReceiverConfig::new(CodecKind::Pcmu, 0)),
            sender: RtpSender::new(ssrc, 0, CodecKind::Pcmu, 20, 100, 5000),
        }
    }

    /// `from` sends `count` packets to `to`, one per 20 ms from `start`, skipping `lose`.
    fn send_rtp(from: &mut Side, to: &mut Side, start: Instant, count: u16, lose: &[u16]) {
        let addr = SocketAddr::from(([192, 0, 2, 9], 4000));
        let mut buf = [0u8; 300];
        for i in 0..count {
            let at = start + Duration::from_millis(20 * u64::from(i));
            let len = from.sender.write_audio(&[0xff; 160], &mut buf, at).unwrap();
            if !lose.contains(&i) {
                to.receiver.handle_rtp(addr, &buf[..len], at).unwrap();
            }
        }
    }

    #[test]
    fn reports_are_due_on_the_timer() {
        let start = Instant::now();
        let mut a = side(1, start);
        let mut buf = [0u8; 1500];
        assert_eq!(a.rtcp.poll_timeout(), start + Duration::from_millis(2500));
        let early = a
            .rtcp
            .poll_report(
                start + Duration::from_secs(2),
                &mut a.receiver,
                None,
                &mut buf,
            )
            .unwrap();
        assert_eq!(early, None);
        let due = start + Duration::from_millis(2500);
        assert!(a
            .rtcp
            .poll_report(due, &mut a.receiver, None, &mut buf)
            .unwrap()
            .is_some());
        assert_eq!(a.rtcp.poll_timeout(), due + Duration::from_secs(5));
    }

    #[test]
    fn sender_report_carries_our_counts_and_a_block_about_the_far_end() {
        let start = Instant::now();
        let mut a = side(0xA, start);
        let mut b = side(0xB, start);
        send_rtp(&mut b, &mut a, start, 100, &[10, 20, 30, 40]);
        send_rtp(&mut a, &mut b, start, 50, &[]);
        let mut buf = [0u8; 1500];
        let at = start + Duration::from_secs(3);
        let len = a
            .rtcp
            .poll_report(at, &mut a.receiver, Some(&a.sender), &mut buf)
            .unwrap()
            .unwrap();
        let mut packets = Compound::parse(&buf[..len]).unwrap();
        let Packet::Sr(sr) = packets.next().unwrap().unwrap() else {
            panic!("SR first");
        };
        assert_eq!(sr.ssrc(), 0xA);
        assert_eq!((sr.packet_count(), sr.octet_count()), (50, 50 * 160));
        // Last packet at 980 ms with timestamp 5000 + 49*160; 3 s is 2020 ms (16160 units) on.
        assert_eq!(sr.rtp_timestamp(), 5000 + 49 * 160 + 16_160);
        assert_eq!(
            sr.ntp_timestamp() >> 32,
            UNIX_NOW.as_secs() + 3 + NTP_UNIX_OFFSET_SECS
        );
        let block = sr.report_blocks().next().unwrap();
        assert_eq!(block.ssrc(), 0xB);
        assert_eq!(block.cumulative_lost(), 4);
        assert_eq!(block.extended_sequence_number(), 199);
        assert_eq!(block.last_sender_report_timestamp(), 0);
        let Packet::Sdes(sdes) = packets.next().unwrap().unwrap() else {
            panic!("SDES second");
        };
        let chunk = sdes.chunks().next().unwrap();
        let item = chunk.items().next().unwrap();
        assert_eq!(
            (item.type_(), item.value()),
            (SdesItem::CNAME, &b"side-10"[..])
        );
        assert_eq!(a.rtcp.counters().sent_sender_reports, 1);
    }

    #[test]
    fn receiver_report_when_we_sent_nothing_since_the_last_report() {
        let start = Instant::now();
        let mut a = side(0xA, start);
        let mut b = side(0xB, start);
        send_rtp(&mut b, &mut a, start, 10, &[]);
        let mut buf = [0u8; 1500];
        let at = start + Duration::from_secs(3);
        let len = a
            .rtcp
            .poll_report(at, &mut a.receiver, Some(&a.sender), &mut buf)
            .unwrap()
            .unwrap();
        let mut packets = Compound::parse(&buf[..len]).unwrap();
        let Packet::Rr(rr) = packets.next().unwrap().unwrap() else {
            panic!("RR first");
        };
        assert_eq!(rr.report_blocks().next().unwrap().ssrc(), 0xB);
    }

    #[test]
    fn round_trip_time_from_lsr_and_dlsr() {
        let start = Instant::now();
        let mut a = side(0xA, start);
        let mut b = side(0xB, start);
        send_rtp(&mut a, &mut b, start, 100, &[]);
        send_rtp(&mut b, &mut a, start, 100, &[]);
        let mut buf = [0u8; 1500];
        // A's SR leaves at 2.5 s and takes 40 ms to reach B.
        let sr_sent = start + Duration::from_millis(2500);
        let len = a
            .rtcp
            .poll_report(sr_sent, &mut a.receiver, Some(&a.sender), &mut buf)
            .unwrap()
            .unwrap();
        b.rtcp
            .handle_rtcp(&buf[..len], sr_sent + Duration::from_millis(40))
            .unwrap();
        // B reports 1 s later (DLSR = 960 ms); it takes 60 ms back: RTT = 100 ms.
        let rr_sent = sr_sent + Duration::from_millis(1000);
        let len = b
            .rtcp
            .poll_report(rr_sent, &mut b.receiver, None, &mut buf)
            .unwrap()
            .unwrap();
        a.rtcp
            .handle_rtcp(&buf[..len], rr_sent + Duration::from_millis(60))
            .unwrap();
        let rtt = a.rtcp.round_trip_time().unwrap();
        assert!(
            rtt.abs_diff(Duration::from_millis(100)) < Duration::from_micros(100),
            "{rtt:?}"
        );
        let remote = a.rtcp.remote_report().unwrap();
        assert_eq!(remote.cumulative_lost, 0);
        assert_eq!(remote.extended_highest_sequence, 199);
        assert_eq!(b.rtcp.round_trip_time(), None, "B never sent an SR");
    }

    #[test]
    fn bye_ends_the_compound_and_is_counted_by_the_far_end() {
        let start = Instant::now();
        let mut a = side(0xA, start);
        let mut b = side(0xB, start);
        let mut buf = [0u8; 1500];
        let len = a
            .rtcp
            .write_bye(start, &mut a.receiver, None, &mut buf)
            .unwrap();
        let kinds: Vec<bool> = Compound::parse(&buf[..len])
            .unwrap()
            .map(|p| matches!(p.unwrap(), Packet::Bye(_)))
            .collect();
        assert_eq!(kinds, vec![false, false, true]);
        b.rtcp.handle_rtcp(&buf[..len], start).unwrap();
        assert_eq!(b.rtcp.counters().received_byes, 1);
    }

    #[test]
    fn malformed_rtcp_is_an_error_not_a_panic() {
        let start = Instant::now();
        let mut a = side(1, start);
        for garbage in [
            &[][..],
            &[0x80][..],
            &[0x80, 200, 0, 40, 1, 2][..],
            &[0u8; 8][..],
        ] {
            assert!(a.rtcp.handle_rtcp(garbage, start).is_err(), "{garbage:?}");
        }
        assert_eq!(a.rtcp.counters().malformed, 4);
    }
}
