//! RTP and RTCP for one call.

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
