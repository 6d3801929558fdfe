//! One call's media inside a worker: RTP in (receiver, jitter buffer, DTMF from events and
//! tones), 16 kHz frames for the mixer, and RTP out for what the call hears on its own
//! (prompts, music, silence) or from the mixer. Sans-IO parts from `dialbridge_media`;
//! this file only moves bytes between them and the sockets.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dialbridge_media::codec::{new_decoder, new_encoder, CodecError, Encoder, Frame, SILENCE};
use dialbridge_media::jitter::{JitterBuffer, JitterConfig};
use dialbridge_media::rtp::{
    RtcpSession, RtpInput, RtpReceiver, RtpReceiverConfig, RtpReceiverEvent, RtpSender,
};
use dialbridge_media::srtp::{parse_crypto_attribute, SdesError, SrtpContext};
use dialbridge_media::{DtmfDetector, DtmfDigit, TelephoneEventReceiver};
use dialbridge_sip::endpoint::CallHandle;
use rand::Rng;

use super::commands::{CallMediaSetup, Clip, MediaEvent, StreamParameters};
use super::playback::{MusicCursor, Playback};
use super::stats::MediaStats;

/// Largest datagram read from an RTP port (an MTU-sized packet is far below it).
const MAX_RTP_DATAGRAM: usize = 1500;
/// A call that sends nothing for this long (and is not on hold) is reported gone.
const MEDIA_TIMEOUT: Duration = Duration::from_secs(60);
const SAMPLES_PER_MS: usize = 16;

pub struct CallMedia {
    pub call: CallHandle,
    rtp: UdpSocket,
    rtcp: UdpSocket,
    stream: StreamParameters,
    /// Where RTP goes: the SDP's address until symmetric RTP learns the real source.
    remote: SocketAddr,
    receiver: RtpReceiver,
    jitter: JitterBuffer,
    events: TelephoneEventReceiver,
    /// In-band tone detection (per trunk), switched off once RFC 4733 events arrive so a
    /// key is never reported twice.
    inband: Option<DtmfDetector>,
    decimated: Vec<i16>,
    sender: RtpSender,
    rtcp_session: RtcpSession,
    encoder: Box<dyn Encoder>,
    pending: Vec<i16>,
    encoded: Vec<u8>,
    /// This tick's audio from the caller.
    pub frame: Frame,
    pub playback: Playback,
    pub music: bool,
    music_cursor: MusicCursor,
    recording: Option<Recording>,
    pub conference: Option<String>,
    pub muted: bool,
    last_packet_at: Instant,
    timed_out: bool,
    srtp: Option<Srtp>,
}

/// SRTP for a call whose SDP negotiated SDES keys.
struct Srtp {
    /// From the peer's key: what we receive.
    inbound: SrtpContext,
    /// From our key: what we send.
    outbound: SrtpContext,
}

impl Srtp {
    fn from_keys(keys: &dialbridge_sdp::SdesKeys) -> Result<Self, SdesError> {
        Ok(Srtp {
            inbound: SrtpContext::from_sdes(&parse_crypto_attribute(&keys.remote)?),
            outbound: SrtpContext::from_sdes(&parse_crypto_attribute(&keys.local)?),
        })
    }
}

/// Why a call's media cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum MediaSetupError {
    #[error(transparent)]
    Codec(#[from] CodecError),
    #[error("SRTP keys: {0}")]
    Srtp(#[from] SdesError),
}

struct Recording {
    samples: Vec<i16>,
    max: usize,
}

impl std::fmt::Debug for CallMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallMedia")
            .field("call", &self.call)
            .field("stream", &self.stream)
            .field("conference", &self.conference)
            .finish_non_exhaustive()
    }
}

impl CallMedia {
    pub fn new(setup: CallMediaSetup, now: Instant) -> Result<Self, MediaSetupError> {
        let stream = setup.media;
        let mut rng = rand::thread_rng();
        let ssrc: u32 = rng.gen();
        let sender = RtpSender::new(
            ssrc,
            stream.payload_type,
            stream.codec,
            stream.ptime_ms,
            rng.gen(),
            rng.gen(),
        );
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let cname = format!("dialbridge-{}", setup.call.0);
        let srtp = stream.srtp.as_ref().map(Srtp::from_keys).transpose()?;
        Ok(CallMedia {
            call: setup.call,
            rtp: setup.rtp,
            rtcp: setup.rtcp,
            remote: stream.remote_rtp,
            receiver: RtpReceiver::new(receiver_config(&stream)),
            jitter: JitterBuffer::new(new_decoder(stream.codec)?, JitterConfig::default()),
            events: TelephoneEventReceiver::new(stream.codec.rtp_clock_rate()),
            inband: setup.inband_dtmf.then(DtmfDetector::new),
            decimated: Vec::with_capacity(160),
            sender,
            rtcp_session: RtcpSession::new(ssrc, cname, now, wall),
            encoder: new_encoder(stream.codec, stream.ptime_ms)?,
            pending: Vec::with_capacity(60 * SAMPLES_PER_MS),
            encoded: Vec::with_capacity(512),
            frame: SILENCE,
            playback: Playback::default(),
            music: false,
            music_cursor: MusicCursor::default(),
            recording: None,
            conference: None,
            muted: false,
            last_packet_at: now,
            timed_out: false,
            srtp,
            stream,
        })
    }

    pub fn stream(&self) -> &StreamParameters {
        &self.stream
    }

    /// A re-INVITE or the ACK's answer changed the stream. A new codec or packet time
    /// means new decoder, encoder and RTP numbering rules.
    pub fn update_stream(&mut self, stream: StreamParameters) -> Result<(), MediaSetupError> {
        if stream.srtp != self.stream.srtp {
            self.srtp = stream.srtp.as_ref().map(Srtp::from_keys).transpose()?;
        }
        if stream.codec != self.stream.codec
            || stream.payload_type != self.stream.payload_type
            || stream.ptime_ms != self.stream.ptime_ms
            || stream.telephone_event != self.stream.telephone_event
        {
            self.jitter = JitterBuffer::new(new_decoder(stream.codec)?, JitterConfig::default());
            self.encoder = new_encoder(stream.codec, stream.ptime_ms)?;
            self.receiver = RtpReceiver::new(receiver_config(&stream));
            self.events = TelephoneEventReceiver::new(stream.codec.rtp_clock_rate());
            let mut rng = rand::thread_rng();
            self.sender = RtpSender::new(
                self.sender.ssrc(),
                stream.payload_type,
                stream.codec,
                stream.ptime_ms,
                rng.gen(),
                rng.gen(),
            );
            self.pending.clear();
        }
        if stream.remote_rtp != self.stream.remote_rtp {
            self.remote = stream.remote_rtp;
        }
        self.stream = stream;
        Ok(())
    }

    /// Reads everything that arrived since the last tick (the sockets are non-blocking:
    /// one read per packet plus one that finds the queue empty), then reports key presses.
    pub fn receive(
        &mut self,
        now: Instant,
        stats: &MediaStats,
        buffer: &mut [u8],
        out: &mut Vec<MediaEvent>,
    ) {
        loop {
            let (len, from) = match self.rtp.recv_from(buffer) {
                Ok(received) => received,
                Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                // ICMP port unreachable from an earlier send, reported here.
                Err(error) if error.kind() == ErrorKind::ConnectionRefused => continue,
                Err(_) => break,
            };
            MediaStats::add(&stats.rtp_packets_received, 1);
            let len = match self.srtp.as_mut() {
                Some(srtp) => match buffer
                    .get_mut(..len)
                    .map(|packet| srtp.inbound.unprotect_rtp(packet))
                {
                    Some(Ok(plain)) => plain,
                    // Forged, replayed or damaged: dropped, and it does not count as life.
                    _ => {
                        MediaStats::add(&stats.rtp_packets_ignored, 1);
                        continue;
                    }
                },
                None => len,
            };
            self.last_packet_at = now;
            self.timed_out = false;
            let Some(datagram) = buffer.get(..len) else {
                continue;
            };
            match self.receiver.handle_rtp(from, datagram, now) {
                Ok(RtpInput::Audio(packet)) => self.jitter.push(&packet, now),
                Ok(RtpInput::TelephoneEvent(packet)) => {
                    self.inband = None;
                    self.events.handle_packet(&packet, now);
                }
                Err(_) => MediaStats::add(&stats.rtp_packets_ignored, 1),
            }
        }
        while let Some(event) = self.receiver.poll_event() {
            if let RtpReceiverEvent::RemoteAddressChanged { current, .. } = event {
                tracing::debug!(call = %self.call, %current, "RTP now goes where the caller's RTP comes from");
                self.remote = current;
            }
        }
        loop {
            match self.rtcp.recv_from(buffer) {
                Ok((len, _)) => {
                    let len = match self.srtp.as_mut() {
                        Some(srtp) => match buffer
                            .get_mut(..len)
                            .map(|p| srtp.inbound.unprotect_rtcp(p))
                        {
                            Some(Ok(plain)) => plain,
                            _ => continue,
                        },
                        None => len,
                    };
                    if let Some(datagram) = buffer.get(..len) {
                        let _ = self.rtcp_session.handle_rtcp(datagram, now);
                    }
                }
                Err(error) if error.kind() == ErrorKind::ConnectionRefused => continue,
                Err(_) => break,
            }
        }
        if self.events.poll_timeout().is_some_and(|at| at <= now) {
            self.events.handle_timeout(now);
        }
        while let Some(event) = self.events.poll_event() {
            self.digit(event.digit, stats, out);
        }
        if !self.timed_out
            && !self.stream.send_paused
            && now.saturating_duration_since(self.last_packet_at) > MEDIA_TIMEOUT
        {
            self.timed_out = true;
            out.push(MediaEvent::MediaTimeout { call: self.call });
        }
    }

    /// Takes this tick's 20 ms of the caller's audio out of the jitter buffer, listens to it
    /// for tones, and records it when asked.
    pub fn pull(&mut self, now: Instant, stats: &MediaStats, out: &mut Vec<MediaEvent>) {
        self.frame = *self.jitter.pull(now);
        if let Some(detector) = self.inband.as_mut() {
            // The detector works at 8 kHz; DTMF tones sit far below 4 kHz, so averaging
            // pairs is filter enough.
            self.decimated.clear();
            self.decimated.extend(
                self.frame
                    .chunks_exact(2)
                    .map(|pair| ((i32::from(pair[0]) + i32::from(pair[1])) / 2) as i16),
            );
            detector.push_samples(&self.decimated);
            while let Some(detected) = detector.poll_digit() {
                MediaStats::add(&stats.dtmf_digits, 1);
                out.push(MediaEvent::Digit {
                    call: self.call,
                    digit: detected.digit,
                });
            }
        }
        if let Some(recording) = self.recording.as_mut() {
            recording.samples.extend_from_slice(&self.frame);
            if recording.samples.len() >= recording.max {
                self.finish_recording(out);
            }
        }
    }

    fn digit(&mut self, digit: DtmfDigit, stats: &MediaStats, out: &mut Vec<MediaEvent>) {
        MediaStats::add(&stats.dtmf_digits, 1);
        out.push(MediaEvent::Digit {
            call: self.call,
            digit,
        });
    }

    pub fn start_recording(&mut self, max_ms: u32) {
        let max = (max_ms as usize)
            .saturating_mul(SAMPLES_PER_MS)
            .min(30_000 * SAMPLES_PER_MS);
        self.recording = Some(Recording {
            samples: Vec::with_capacity(max),
            max,
        });
    }

    pub fn finish_recording(&mut self, out: &mut Vec<MediaEvent>) {
        if let Some(recording) = self.recording.take() {
            out.push(MediaEvent::Recorded {
                call: self.call,
                audio: Clip::from(recording.samples),
            });
        }
    }

    /// Whether the call hears its own stream (prompt, music or silence) this tick rather
    /// than the conference.
    pub fn hears_own_stream(&self) -> bool {
        self.conference.is_none() || self.playback.is_playing()
    }

    /// Plays this tick of the call's own stream: the prompt queue, else music, else silence.
    pub fn send_own_stream(
        &mut self,
        now: Instant,
        music: &[i16],
        stats: &MediaStats,
        buffer: &mut [u8],
        out: &mut Vec<MediaEvent>,
    ) {
        let mut frame = SILENCE;
        if self.playback.is_playing() {
            if let Some(request) = self.playback.next_frame(&mut frame) {
                out.push(MediaEvent::PlaybackFinished {
                    call: self.call,
                    request,
                });
            }
        } else if self.music {
            self.music_cursor.next_frame(music, &mut frame);
        }
        self.pending.extend_from_slice(&frame);
        let packet = self.stream.ptime_ms as usize * SAMPLES_PER_MS;
        while self.pending.len() >= packet {
            self.encoded.clear();
            let encoded = self
                .encoder
                .encode(&self.pending[..packet], &mut self.encoded);
            self.pending.drain(..packet);
            if encoded.is_ok() {
                let payload = std::mem::take(&mut self.encoded);
                self.send_payload(&payload, now, stats, buffer);
                self.encoded = payload;
            }
        }
    }

    /// The mixer's packet for this call (it does the packetizing itself).
    pub fn send_mixed(
        &mut self,
        payload: &[u8],
        now: Instant,
        stats: &MediaStats,
        buffer: &mut [u8],
    ) {
        // Samples of the own stream not yet sent would be stale by the next prompt.
        self.pending.clear();
        self.send_payload(payload, now, stats, buffer);
    }

    fn send_payload(
        &mut self,
        payload: &[u8],
        now: Instant,
        stats: &MediaStats,
        buffer: &mut [u8],
    ) {
        if self.stream.send_paused || self.remote.port() == 0 {
            self.sender.skip(1);
            return;
        }
        let Ok(len) = self.sender.write_audio(payload, buffer, now) else {
            return;
        };
        let len = match self.srtp.as_mut() {
            Some(srtp) => match srtp.outbound.protect_rtp(buffer, len) {
                Ok(protected) => protected,
                Err(_) => return,
            },
            None => len,
        };
        if let Some(packet) = buffer.get(..len) {
            if self.rtp.send_to(packet, self.remote).is_ok() {
                MediaStats::add(&stats.rtp_packets_sent, 1);
            }
        }
    }

    /// Sends an RTCP report when one is due.
    pub fn send_rtcp(&mut self, now: Instant, buffer: &mut [u8]) {
        if now < self.rtcp_session.poll_timeout() {
            return;
        }
        if let Ok(Some(len)) =
            self.rtcp_session
                .poll_report(now, &mut self.receiver, Some(&self.sender), buffer)
        {
            if self.stream.send_paused || self.remote.port() == 0 {
                return;
            }
            let len = match self.srtp.as_mut() {
                Some(srtp) => match srtp.outbound.protect_rtcp(buffer, len) {
                    Ok(protected) => protected,
                    Err(_) => return,
                },
                None => len,
            };
            let to = if self.remote == self.stream.remote_rtp {
                self.stream.remote_rtcp
            } else {
                SocketAddr::new(self.remote.ip(), self.remote.port().wrapping_add(1))
            };
            if let Some(packet) = buffer.get(..len) {
                let _ = self.rtcp.send_to(packet, to);
            }
        }
    }
}

fn receiver_config(stream: &StreamParameters) -> RtpReceiverConfig {
    let config = RtpReceiverConfig::new(stream.codec, stream.payload_type);
    match stream.telephone_event {
        Some(pt) => config.with_telephone_event(pt),
        None => config,
    }
}

/// Scratch space for reads and writes, shared by every call of a worker.
pub fn packet_buffer() -> Vec<u8> {
    vec![0u8; MAX_RTP_DATAGRAM]
}
