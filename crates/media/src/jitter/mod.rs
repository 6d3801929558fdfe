//! An adaptive jitter buffer: RTP audio packets in as they arrive, exactly one 20 ms
//! [`Frame`](crate::codec::Frame) of 16 kHz audio out per mixer tick.
//!
//! Hand-written: the crates we know of (webrtc-rs `jitter`-style sample builders) reassemble
//! video frames and neither conceal loss nor adapt their delay; NetEq is C++.
//!
//! - **Timeline.** Packets are keyed on their RTP timestamp, unwrapped to 64 bits and
//!   offset per source, so sequence and timestamp wraps, SSRC changes and timestamp jumps
//!   (a sender restarting its clock) all land on one continuous timeline. A new source or a
//!   jump continues right after the newest audio already buffered, so nothing is flushed and
//!   nothing glitches.
//! - **Playout.** A talkspurt starts when its first packet has waited the target delay.
//!   From then on each [`JitterBuffer::pull`] decodes the packets due into a small ring of
//!   samples and hands out 320 of them, whatever the far end's packet time (10-60 ms). A
//!   missing packet is concealed by [`Decoder::conceal`](crate::codec::Decoder::conceal)
//!   when its time comes (or filled with silence when the sequence numbers show it was a
//!   silence gap, not a loss). Duplicates and packets arriving after their audio was due are
//!   dropped and counted.
//! - **Dry buffer.** When nothing is buffered in a talkspurt, up to
//!   [`JitterConfig::max_underrun_conceal`] is concealed without consuming the timeline (the
//!   packet may just be late), then the talkspurt ends and the output is silence, never
//!   stale audio, until the next packet starts a new talkspurt at the target delay.
//! - **Adaptation.** See the `delay` module: the target grows at once on late packets and
//!   underruns, shrinks slowly when stable, and stays within `min_delay..=max_delay`.

mod buffer;
mod delay;
mod timeline;

#[cfg(test)]
mod tests;

pub use buffer::JitterBuffer;

use std::time::Duration;

/// Tuning of a [`JitterBuffer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitterConfig {
    /// The target delay never goes below this.
    pub min_delay: Duration,
    /// Nor above this.
    pub max_delay: Duration,
    /// The target delay before anything was measured.
    pub initial_delay: Duration,
    /// How long nothing may go wrong before the target shrinks by one step.
    pub stable_period: Duration,
    /// How much the target shrinks at a time.
    pub shrink_step: Duration,
    /// How much audio is concealed in a row: when the buffer runs dry, before the
    /// talkspurt is declared over, and within a long loss, before the rest is silence.
    pub max_underrun_conceal: Duration,
    /// Packets held at most; more (a burst after a stall) drops the oldest.
    pub max_packets: usize,
}

impl Default for JitterConfig {
    fn default() -> Self {
        Self {
            min_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            initial_delay: Duration::from_millis(40),
            stable_period: Duration::from_secs(2),
            shrink_step: Duration::from_millis(10),
            max_underrun_conceal: Duration::from_millis(60),
            max_packets: 64,
        }
    }
}

/// What the buffer did with packets and frames.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JitterStats {
    /// Packets handed to `push`.
    pub pushed: u64,
    /// Packets decoded into the output.
    pub played: u64,
    /// Packets seen before (still buffered or just played).
    pub duplicates: u64,
    /// Packets that arrived after their audio was due.
    pub late: u64,
    /// Packets dropped because the buffer was full.
    pub overflow: u64,
    /// Packets with an empty payload.
    pub empty_payload: u64,
    /// Payloads the decoder refused (concealed instead).
    pub decode_errors: u64,
    /// 16 kHz samples made up by the decoder's concealment (loss, underrun, decode error).
    pub concealed_samples: u64,
    /// Ticks on which the buffer ran dry inside a talkspurt.
    pub underruns: u64,
    /// Ticks that output silence because no talkspurt was playing.
    pub silent_frames: u64,
    /// Talkspurts started.
    pub talkspurts: u64,
    /// Changes of SSRC.
    pub ssrc_changes: u64,
    /// Timestamp jumps (sender reset its RTP clock).
    pub timestamp_jumps: u64,
    /// Frames stretched (concealed without consuming audio) to grow the delay.
    pub stretched_frames: u64,
    /// Frames of audio skipped to shrink the delay.
    pub skipped_frames: u64,
}
