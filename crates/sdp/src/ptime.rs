//! Packet time (RFC 4566 §6 `a=ptime`, RFC 3264 §6.1 says it is a hint we may follow).

use crate::parse::MediaDescription;
use crate::AudioCodec;

pub(crate) const DEFAULT_PTIME_MS: u16 = 20;
/// Below 10 ms the per-packet overhead swamps G.711; above 60 ms latency hurts conversation.
const MIN_PTIME_MS: u16 = 10;
const MAX_PTIME_MS: u16 = 60;

/// The packet time we will use for a stream: the peer's `a=ptime` clamped to 10–60 ms,
/// else our preference, never above the peer's `a=maxptime`.
pub(crate) fn negotiate(media: &MediaDescription, codec: AudioCodec, preferred: u16) -> u16 {
    let requested = media
        .attribute_value("ptime")
        .and_then(parse_ms)
        .unwrap_or(preferred);
    let max = media
        .attribute_value("maxptime")
        .and_then(parse_ms)
        .unwrap_or(MAX_PTIME_MS);
    let ptime = requested.min(max).clamp(MIN_PTIME_MS, MAX_PTIME_MS);
    fit_codec(codec, ptime)
}

/// Some devices write `a=ptime:20.0`; accept a decimal and round.
fn parse_ms(value: &str) -> Option<u16> {
    let ms: f32 = value.trim().parse().ok()?;
    (ms.is_finite() && ms > 0.0).then(|| ms.round().min(f32::from(u16::MAX)) as u16)
}

/// Opus frames are 10, 20, 40 or 60 ms here (RFC 6716 §2.1.4 sizes we encode); pick the
/// largest not above the request. G.711 and G.722 packetize at any whole millisecond.
fn fit_codec(codec: AudioCodec, ptime: u16) -> u16 {
    match codec {
        AudioCodec::Opus => [60, 40, 20, 10]
            .into_iter()
            .find(|frame| *frame <= ptime)
            .unwrap_or(MIN_PTIME_MS),
        AudioCodec::G722 | AudioCodec::Pcmu | AudioCodec::Pcma => ptime,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opus_snaps_to_frame_sizes() {
        assert_eq!(fit_codec(AudioCodec::Opus, 30), 20);
        assert_eq!(fit_codec(AudioCodec::Opus, 60), 60);
        assert_eq!(fit_codec(AudioCodec::Pcmu, 30), 30);
    }

    #[test]
    fn decimal_ptime_is_read() {
        assert_eq!(parse_ms("20.0"), Some(20));
        assert_eq!(parse_ms("-5"), None);
        assert_eq!(parse_ms("abc"), None);
    }
}
