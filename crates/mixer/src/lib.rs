//! Sans-IO conference mixer for dialbridge.
//!
//! One [`Conference`] per meeting. The media worker that owns the meeting calls
//! [`Conference::tick`] every 20 ms with each participant's decoded audio (16 kHz mono
//! [`Frame`](dialbridge_media::codec::Frame)s, the contract of `dialbridge_media::codec`),
//! sends the packets it returns, and reads speaker changes from
//! [`Conference::poll_event`]. No clock, socket, thread or lock inside: the time comes in
//! with each tick, so everything is testable in simulated time.
//!
//! ```text
//!   decoded frames ──► tick(now, inputs) ──► [OutgoingPacket { participant, payload }]
//!   add / remove / set_muted / set_in_lobby       poll_event ──► TalkingStarted/Stopped
//! ```
//!
//! Each tick:
//! 1. every frame's power updates the participant's smoothed level;
//! 2. the active speakers are the loudest [`MixerConfig::max_speakers`] above the start
//!    threshold, kept through pauses by a lower keep threshold and a hangover; muted and
//!    lobby participants are never heard;
//! 3. everyone who is not speaking hears one shared mix of the speakers, encoded once per
//!    [`CodecKey`] (codec and packet time) per packet, whatever the number of listeners;
//!    each speaker hears the mix without its own voice, through its own encoder;
//! 4. every mix passes a soft limiter (bit-exact below -6 dBFS, never wraps).
//!
//! Packets follow one conference-wide sample clock, so participants at 40 ms get a packet
//! every other tick, at 30 ms two every three ticks, at 10 ms two per tick; a participant who
//! starts or stops speaking switches between the shared and its own stream at a packet
//! boundary. Payloads are `bytes::Bytes` cut from a reused buffer: listeners of one encode
//! share one allocation, and a tick in steady state allocates nothing once the caller drops
//! the previous tick's payloads.
//!
//! When nobody speaks the shared mix is silence, and by default it is still encoded (once
//! per group) and sent, because phones and carriers expect continuous RTP;
//! [`MixerConfig::send_silence`] turns that off. [`Conference::is_idle`] tells the worker
//! when a conference needs no ticks at all (nobody in the mix).

mod conference;
mod config;
mod level;
mod limiter;
mod output;
mod payload_arena;
mod schedule;
mod speakers;
mod streams;

pub use conference::{Conference, EncoderFactory, Outgoing};
pub use config::MixerConfig;
pub use limiter::{soft_limit, KNEE as LIMITER_KNEE};
pub use output::{AddError, CodecKey, MixerEvent, OutgoingPacket, UnknownParticipant};
pub use schedule::{MAX_PTIME_MS, MIN_PTIME_MS};
