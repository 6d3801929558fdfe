//! Which RTP transport profiles (the `m=` protocol field) we can carry.

/// Plain RTP. AVPF (RFC 4585) is accepted too: without `a=rtcp-fb` it behaves as AVP apart
/// from RTCP timing, and answering with the offered protocol is what RFC 3264 §6 asks.
pub(crate) fn is_plain_rtp(protocol: &str) -> bool {
    protocol.eq_ignore_ascii_case("RTP/AVP") || protocol.eq_ignore_ascii_case("RTP/AVPF")
}
