//! Ogg Opus files (RFC 7845) decoded to 16 kHz mono, the internal rate.
//!
//! The `ogg` crate splits pages into packets and `opus` (libopus) decodes them; what is left
//! here is the part RFC 7845 leaves to the player: reading the `OpusHead` header, dropping the
//! encoder's pre-skip at the start and cutting the padding of the last packet at the end, as
//! the final page's granule position says. Granule positions and pre-skip count 48 kHz
//! samples whatever the input rate, so at 16 kHz they are divided by 3.

use std::io::Cursor;

use ogg::PacketReader;

use crate::codec::INTERNAL_RATE;

/// 48 kHz granule units per 16 kHz sample.
const GRANULE_PER_SAMPLE: u64 = (48_000 / INTERNAL_RATE) as u64;
/// The longest Opus packet is 120 ms.
const MAX_PACKET_SAMPLES: usize = (INTERNAL_RATE as usize / 1000) * 120;

/// The fields of the identification header that decoding needs.
struct OpusHead {
    pre_skip: u16,
    output_gain_q8: i16,
}

impl OpusHead {
    fn parse(packet: &[u8]) -> Result<Self, String> {
        if packet.len() < 19 || &packet[..8] != b"OpusHead" {
            return Err("the first packet is not an OpusHead header".into());
        }
        // Version 0.x is the only one defined; 1..=15 must stay readable (RFC 7845 5.1).
        if packet[8] & 0xf0 != 0 {
            return Err(format!("unsupported OpusHead version {}", packet[8]));
        }
        let channels = packet[9];
        let mapping_family = packet[18];
        if channels == 0 || channels > 2 || mapping_family != 0 {
            return Err(format!(
                "{channels} channels with mapping family {mapping_family}; only mono or stereo \
                 (family 0) is supported"
            ));
        }
        Ok(Self {
            pre_skip: u16::from_le_bytes([packet[10], packet[11]]),
            output_gain_q8: i16::from_le_bytes([packet[16], packet[17]]),
        })
    }
}

/// Decodes a whole Ogg Opus file to 16 kHz mono PCM (stereo files are mixed down by libopus).
/// Only the first logical stream is played. The error is a reason to show with the path.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<i16>, String> {
    let mut reader = PacketReader::new(Cursor::new(bytes));
    let mut next = || {
        reader
            .read_packet()
            .map_err(|error| format!("Ogg framing: {error}"))
    };

    let head_packet = next()?.ok_or("the file holds no Ogg pages")?;
    let head = OpusHead::parse(&head_packet.data)?;
    let serial = head_packet.stream_serial();
    let tags = next()?.ok_or("the OpusTags header is missing")?;
    if tags.stream_serial() != serial || !tags.data.starts_with(b"OpusTags") {
        return Err("the second packet is not an OpusTags header".into());
    }

    let mut decoder = opus::Decoder::new(INTERNAL_RATE, opus::Channels::Mono)
        .map_err(|error| format!("libopus: {error}"))?;
    let mut pcm = Vec::new();
    let mut buffer = [0i16; MAX_PACKET_SAMPLES];
    let mut final_granule = None;
    while let Some(packet) = next()? {
        if packet.stream_serial() != serial {
            continue;
        }
        let decoded = decoder
            .decode(&packet.data, &mut buffer, false)
            .map_err(|error| format!("libopus at sample {}: {error}", pcm.len()))?;
        pcm.extend_from_slice(&buffer[..decoded]);
        if packet.last_in_page() {
            final_granule = Some(packet.absgp_page());
        }
        if packet.last_in_stream() {
            break;
        }
    }

    let pre_skip = u64::from(head.pre_skip);
    let skip = usize::try_from(pre_skip / GRANULE_PER_SAMPLE).unwrap_or(usize::MAX);
    if let Some(granule) = final_granule {
        let playable = granule.saturating_sub(pre_skip) / GRANULE_PER_SAMPLE;
        let end = skip.saturating_add(usize::try_from(playable).unwrap_or(usize::MAX));
        pcm.truncate(end);
    }
    pcm.drain(..skip.min(pcm.len()));
    apply_output_gain(&mut pcm, head.output_gain_q8);
    Ok(pcm)
}

/// RFC 7845 5.1: the header's gain, in 1/256 dB, applies to every decoded sample.
fn apply_output_gain(pcm: &mut [i16], gain_q8: i16) {
    if gain_q8 == 0 {
        return;
    }
    let factor = 10f32.powf(f32::from(gain_q8) / (20.0 * 256.0));
    for sample in pcm {
        // `as` saturates float-to-int conversions, which is the clipping wanted here.
        *sample = (f32::from(*sample) * factor).round() as i16;
    }
}
