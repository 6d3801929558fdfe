//! What the control plane asks of a media worker, and what workers report back.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;

use dialbridge_media::codec::CodecKind;
use dialbridge_media::DtmfDigit;
use dialbridge_sdp::{AudioCodec, NegotiatedAudio, SdesKeys};
use dialbridge_sip::endpoint::CallHandle;

use super::call_media::CallMedia;

/// A call's media as negotiated, and its sockets (clones of the port lease's, so the
/// lease keeps the ports reserved while the worker reads them).
#[derive(Debug)]
pub struct CallMediaSetup {
    pub call: CallHandle,
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
    pub media: StreamParameters,
    /// Listen for in-band tones too (per trunk: for carriers that do not send RFC 4733).
    pub inband_dtmf: bool,
}

/// The negotiated stream, in the terms the media crates use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamParameters {
    pub codec: CodecKind,
    pub payload_type: u8,
    pub telephone_event: Option<u8>,
    pub ptime_ms: u32,
    pub remote_rtp: SocketAddr,
    pub remote_rtcp: SocketAddr,
    /// The peer put us on hold (or `c=0.0.0.0`): do not send.
    pub send_paused: bool,
    /// SDES keys when the stream is SRTP.
    pub srtp: Option<SdesKeys>,
}

impl StreamParameters {
    /// Before the answer in the ACK arrives: nothing known, nothing sent.
    pub fn unknown(local: &dialbridge_sdp::LocalMedia) -> Self {
        let nowhere = SocketAddr::new(local.address, 0);
        StreamParameters {
            codec: CodecKind::Pcmu,
            payload_type: 0,
            telephone_event: None,
            ptime_ms: 20,
            remote_rtp: nowhere,
            remote_rtcp: nowhere,
            send_paused: true,
            srtp: None,
        }
    }

    pub fn from_negotiated(audio: &NegotiatedAudio) -> Self {
        StreamParameters {
            codec: match audio.codec.codec {
                AudioCodec::Pcmu => CodecKind::Pcmu,
                AudioCodec::Pcma => CodecKind::Pcma,
                AudioCodec::G722 => CodecKind::G722,
                AudioCodec::Opus => CodecKind::Opus,
            },
            payload_type: audio.codec.payload_type,
            telephone_event: audio.telephone_event.as_ref().map(|te| te.payload_type),
            ptime_ms: u32::from(audio.ptime_ms),
            remote_rtp: audio.remote_rtp,
            remote_rtcp: audio.remote_rtcp,
            send_paused: audio.is_held_by_remote() || !audio.local_direction.sends(),
            srtp: audio.srtp.clone(),
        }
    }
}

/// A clip of 16 kHz audio to play to one caller; prompts are decoded once at start-up and
/// shared, so a command carries pointers, never samples.
pub type Clip = Arc<[i16]>;

#[derive(Debug)]
pub enum WorkerCommand {
    Attach(Box<CallMediaSetup>),
    /// A call moved here from another worker, state and all.
    Adopt(Box<CallMedia>),
    /// Hand the call to another worker (its conference lives there), to join `conference`
    /// there.
    MoveTo {
        call: CallHandle,
        worker: usize,
        conference: Option<String>,
    },
    JoinConference {
        call: CallHandle,
        conference: String,
    },
    LeaveConference {
        call: CallHandle,
    },
    /// Queue clips for the caller; `request` comes back in `PlaybackFinished`.
    Play {
        call: CallHandle,
        clips: Vec<Clip>,
        request: u64,
    },
    /// Barge-in: drop what is queued.
    StopPlayback {
        call: CallHandle,
    },
    /// Music on hold while the call is neither in a conference nor hearing a prompt.
    Music {
        call: CallHandle,
        on: bool,
    },
    /// The participant's voice stays out of every mix (it still hears the meeting).
    SetMuted {
        call: CallHandle,
        muted: bool,
    },
    /// A re-INVITE changed the stream.
    UpdateStream {
        call: CallHandle,
        media: StreamParameters,
    },
    /// Record up to `max_ms` of the caller's voice (name recording), ended early by `#`.
    Record {
        call: CallHandle,
        max_ms: u32,
    },
    /// `#` ended the name recording early.
    StopRecording {
        call: CallHandle,
    },
    Detach {
        call: CallHandle,
    },
    Stop,
}

impl WorkerCommand {
    /// The call a command is about, if it is about one.
    pub fn call(&self) -> Option<CallHandle> {
        match self {
            WorkerCommand::Attach(setup) => Some(setup.call),
            WorkerCommand::Adopt(media) => Some(media.call),
            WorkerCommand::MoveTo { call, .. }
            | WorkerCommand::JoinConference { call, .. }
            | WorkerCommand::LeaveConference { call }
            | WorkerCommand::Play { call, .. }
            | WorkerCommand::StopPlayback { call }
            | WorkerCommand::Music { call, .. }
            | WorkerCommand::SetMuted { call, .. }
            | WorkerCommand::UpdateStream { call, .. }
            | WorkerCommand::Record { call, .. }
            | WorkerCommand::StopRecording { call }
            | WorkerCommand::Detach { call } => Some(*call),
            WorkerCommand::Stop => None,
        }
    }
}

#[derive(Debug)]
pub enum MediaEvent {
    Digit {
        call: CallHandle,
        digit: DtmfDigit,
    },
    PlaybackFinished {
        call: CallHandle,
        request: u64,
    },
    Talking {
        call: CallHandle,
        talking: bool,
    },
    Recorded {
        call: CallHandle,
        audio: Clip,
    },
    /// Nothing arrived for a long time: the peer is gone without a BYE.
    MediaTimeout {
        call: CallHandle,
    },
}
