//! RTP and RTCP for one call, sans-IO.
//!
//! Packets are parsed and written with `rtp-types` and `rtcp-types` (zero-copy views over
//! the datagram, builders that write into the caller's buffer, no dependencies beyond
//! `thiserror`); we chose them over `rtc-rtp`/`rtc-rtcp`, which bring the webrtc-rs
//! `shared` crate and `bytes` for the same job. What the crates leave to the application
//! is here:
//!
//! - [`RtpReceiver`]: where packets come from (symmetric RTP: latch to the first source,
//!   switch after a run of packets from a new address or when the old one went silent;
//!   [`RtpReceiverEvent::RemoteAddressChanged`] tells the shell where to send), payload
//!   types (audio to the [`jitter`](crate::jitter) buffer, `telephone-event` to the
//!   [`TelephoneEventReceiver`](crate::telephone_event::TelephoneEventReceiver), comfort
//!   noise and others dropped), SSRC changes, and RFC 3550 appendix A statistics.
//! - [`RtpSender`]: our SSRC, sequence numbers, timestamps advancing by the codec's units
//!   per packet, the marker bit on a talkspurt's first packet, written into a caller's
//!   buffer.
//! - [`RtcpSession`]: SR or RR with SDES CNAME on a timer ([`RtcpSession::poll_timeout`]),
//!   incoming reports parsed, round-trip time from LSR/DLSR.
//!
//! ```text
//!   datagram, from, now ──► RtpReceiver::handle_rtp ──► Audio ──► JitterBuffer::push
//!                                   │                 └► TelephoneEvent ──► TelephoneEventReceiver
//!                                   └► poll_event: RemoteAddressChanged, SsrcChanged
//!   RTCP datagram, now ──► RtcpSession::handle_rtcp     (RTT, the far end's loss/jitter)
//!   at poll_timeout     ──► RtcpSession::poll_report(receiver, sender, buf) ──► send buf
//!   mixer tick          ──► RtpSender::write_audio(payload, buf) ──► send to receiver.remote()
//! ```

mod latch;
mod receiver;
mod reception;
mod rtcp;
mod sender;

pub use receiver::{
    RtpDrop, RtpInput, RtpReceiver, RtpReceiverConfig, RtpReceiverCounters, RtpReceiverEvent,
};
pub use reception::{ReceptionReport, ReceptionStats, SequenceCheck};
pub use rtcp::{RemoteReceptionReport, RtcpCounters, RtcpError, RtcpSession};
pub use rtcp_types::RtcpWriteError;
pub use rtp_types::RtpWriteError;
pub use sender::{RtpSender, SenderInfo};

/// The fields of one received RTP audio packet that the jitter buffer needs (the payload
/// type was already matched to the call's codec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioPacket<'a> {
    pub ssrc: u32,
    pub sequence: u16,
    pub timestamp: u32,
    /// Set by senders on a talkspurt's first packet; not relied on (often missing).
    pub marker: bool,
    pub payload: &'a [u8],
}

/// Whether a datagram on a port carrying both is RTCP rather than RTP (RFC 5761 §4: the
/// second byte of RTCP is a packet type 192-223, which RTP payload types avoid).
pub fn is_rtcp(datagram: &[u8]) -> bool {
    datagram.len() >= 2 && datagram[0] >> 6 == 2 && (192..=223).contains(&datagram[1])
}

#[cfg(test)]
mod tests {
    use super::is_rtcp;

    #[test]
    fn tells_rtcp_from_rtp_on_a_muxed_port() {
        assert!(is_rtcp(&[0x80, 200, 0, 6]));
        assert!(is_rtcp(&[0x81, 201, 0, 7]));
        assert!(!is_rtcp(&[0x80, 0, 0, 1]));
        assert!(
            !is_rtcp(&[0x80, 0x80 | 101, 0, 1]),
            "telephone-event with marker"
        );
        assert!(!is_rtcp(&[0x80]));
        assert!(!is_rtcp(&[0x00, 200]));
    }
}
