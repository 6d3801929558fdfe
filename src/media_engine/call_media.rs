//! One call's media inside a worker: its sockets and the negotiated stream.

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::time::Instant;

use dialbridge_sip::endpoint::CallHandle;

use super::commands::{CallMediaSetup, StreamParameters};
use super::stats::MediaStats;

/// Largest datagram read from an RTP port; bigger ones are truncated and dropped by the
/// RTP parser (an MTU-sized packet is far below it).
const MAX_RTP_DATAGRAM: usize = 1500;

#[derive(Debug)]
pub struct CallMedia {
    pub call: CallHandle,
    rtp: UdpSocket,
    #[allow(dead_code)]
    rtcp: UdpSocket,
    stream: StreamParameters,
    #[allow(dead_code)]
    inband_dtmf: bool,
    pub conference: Option<String>,
    pub muted: bool,
    last_packet_at: Option<Instant>,
}

impl CallMedia {
    pub fn new(setup: CallMediaSetup) -> Self {
        CallMedia {
            call: setup.call,
            rtp: setup.rtp,
            rtcp: setup.rtcp,
            stream: setup.media,
            inband_dtmf: setup.inband_dtmf,
            conference: None,
            muted: false,
            last_packet_at: None,
        }
    }

    pub fn update_stream(&mut self, stream: StreamParameters) {
        self.stream = stream;
    }

    /// Reads everything that arrived since the last tick. The sockets are non-blocking:
    /// one read per packet plus one that finds the queue empty.
    pub fn receive(&mut self, now: Instant, stats: &MediaStats, buffer: &mut [u8]) {
        loop {
            match self.rtp.recv_from(buffer) {
                Ok((_len, _from)) => {
                    MediaStats::add(&stats.rtp_packets_received, 1);
                    self.last_packet_at = Some(now);
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                // ICMP port unreachable from an earlier send, reported here: it concerns
                // that send, and the next read goes on.
                Err(error) if error.kind() == ErrorKind::ConnectionRefused => continue,
                Err(_) => break,
            }
        }
    }
}

/// Scratch space for reads, shared by every call of a worker.
pub fn receive_buffer() -> Vec<u8> {
    vec![0u8; MAX_RTP_DATAGRAM]
}
