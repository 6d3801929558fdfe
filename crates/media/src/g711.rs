//! ITU-T G.711 mu-law and A-law, hand-written.
//!
//! Why hand-written: G.711 is a few dozen lines, sits on the hot path of every call, and must
//! be bit-exact with what the rest of the telephone network does. The common codec crate's
//! A-law is not bit-exact (DESIGN.md, "Hand-written, on purpose"). This module matches the
//! reference Sun/CCITT implementation used by Python's `audioop`, sox and most PBXs for all
//! 65,536 linear inputs and all 256 codes (tests/g711_reference.rs checks every value).
//!
//! Encoding follows G.711 §2 and §3: mu-law quantises the top 14 bits of the sample
//! (magnitude clipped to 8159, bias 33, 8 segments of 16 steps, all bits inverted); A-law
//! quantises the top 13 bits (8 segments, even bits inverted with 0x55). Decoding returns the
//! centre of each quantisation interval scaled to 16 bits. Decode tables are built at
//! compile time by `const fn`; encoding is a handful of integer operations, cheaper than a
//! 64 KiB table in cache.

/// Largest mu-law magnitude (14-bit scale) before the bias; above this the code saturates.
const ULAW_CLIP: i32 = 8159;
/// The mu-law bias (G.711 Table 2a: 33 on the 14-bit scale, 0x84 on the 16-bit scale).
const ULAW_BIAS: i32 = 33;

/// Number of significant bits in `value` (0 for 0).
const fn bit_length(value: i32) -> i32 {
    32 - value.leading_zeros() as i32
}

/// Encodes one 16-bit linear sample as a mu-law code.
pub const fn encode_ulaw(sample: i16) -> u8 {
    // Arithmetic shift keeps the 14 most significant bits; -1..-4 stay negative.
    let value = (sample as i32) >> 2;
    let (mut magnitude, mask) = if value < 0 {
        (-value, 0x7F)
    } else {
        (value, 0xFF)
    };
    if magnitude > ULAW_CLIP {
        magnitude = ULAW_CLIP;
    }
    magnitude += ULAW_BIAS;
    // magnitude is in 33..=8192; segment 0 covers 32..=63, each next segment doubles.
    let segment = bit_length(magnitude) - 6;
    if segment >= 8 {
        return 0x7F ^ mask;
    }
    let code = (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F);
    (code as u8) ^ mask
}

/// Decodes one mu-law code to a 16-bit linear sample.
pub const fn decode_ulaw(code: u8) -> i16 {
    ULAW_DECODE[code as usize]
}

const fn decode_ulaw_slow(code: u8) -> i16 {
    let code = !code as i32;
    let mut t = ((code & 0x0F) << 3) + 0x84;
    t <<= (code & 0x70) >> 4;
    let linear = if code & 0x80 != 0 { 0x84 - t } else { t - 0x84 };
    linear as i16
}

/// Encodes one 16-bit linear sample as an A-law code.
pub const fn encode_alaw(sample: i16) -> u8 {
    // The 13 most significant bits; negative values use one's-complement magnitude so that
    // -1 maps next to 0 (G.711 Table 1a).
    let value = (sample as i32) >> 3;
    let (magnitude, mask) = if value >= 0 {
        (value, 0xD5)
    } else {
        (-value - 1, 0x55)
    };
    // magnitude is in 0..=4095; segments 0 and 1 share the step size.
    let mut segment = bit_length(magnitude) - 5;
    if segment < 0 {
        segment = 0;
    }
    let mantissa = if segment < 2 {
        (magnitude >> 1) & 0x0F
    } else {
        (magnitude >> segment) & 0x0F
    };
    (((segment << 4) | mantissa) as u8) ^ mask
}

/// Decodes one A-law code to a 16-bit linear sample.
pub const fn decode_alaw(code: u8) -> i16 {
    ALAW_DECODE[code as usize]
}

const fn decode_alaw_slow(code: u8) -> i16 {
    let code = (code ^ 0x55) as i32;
    let mut t = (code & 0x0F) << 4;
    let segment = (code & 0x70) >> 4;
    match segment {
        0 => t += 8,
        1 => t += 0x108,
        _ => {
            t += 0x108;
            t <<= segment - 1;
        }
    }
    let linear = if code & 0x80 != 0 { t } else { -t };
    linear as i16
}

const fn build_ulaw_table() -> [i16; 256] {
    let mut table = [0i16; 256];
    let mut code = 0;
    while code < 256 {
        table[code] = decode_ulaw_slow(code as u8);
        code += 1;
    }
    table
}

const fn build_alaw_table() -> [i16; 256] {
    let mut table = [0i16; 256];
    let mut code = 0;
    while code < 256 {
        table[code] = decode_alaw_slow(code as u8);
        code += 1;
    }
    table
}

static ULAW_DECODE: [i16; 256] = build_ulaw_table();
static ALAW_DECODE: [i16; 256] = build_alaw_table();

/// Encodes `samples` into `out` as mu-law; encodes `min(samples.len(), out.len())` samples
/// and returns that count.
pub fn encode_ulaw_slice(samples: &[i16], out: &mut [u8]) -> usize {
    let n = samples.len().min(out.len());
    for (code, sample) in out.iter_mut().zip(samples) {
        *code = encode_ulaw(*sample);
    }
    n
}

/// Decodes mu-law `codes` into `out`; returns the number of samples written.
pub fn decode_ulaw_slice(codes: &[u8], out: &mut [i16]) -> usize {
    let n = codes.len().min(out.len());
    for (sample, code) in out.iter_mut().zip(codes) {
        *sample = decode_ulaw(*code);
    }
    n
}

/// Encodes `samples` into `out` as A-law; returns the number of codes written.
pub fn encode_alaw_slice(samples: &[i16], out: &mut [u8]) -> usize {
    let n = samples.len().min(out.len());
    for (code, sample) in out.iter_mut().zip(samples) {
        *code = encode_alaw(*sample);
    }
    n
}

/// Decodes A-law `codes` into `out`; returns the number of samples written.
pub fn decode_alaw_slice(codes: &[u8], out: &mut [i16]) -> usize {
    let n = codes.len().min(out.len());
    for (sample, code) in out.iter_mut().zip(codes) {
        *sample = decode_alaw(*code);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_codes() {
        // Silence codes (G.711: mu-law 0xFF / A-law 0xD5 are "positive zero").
        assert_eq!(encode_ulaw(0), 0xFF);
        assert_eq!(encode_alaw(0), 0xD5);
        assert_eq!(decode_ulaw(0xFF), 0);
        assert_eq!(decode_alaw(0xD5), 8);
        // Full scale.
        assert_eq!(encode_ulaw(i16::MAX), 0x80);
        assert_eq!(encode_ulaw(i16::MIN), 0x00);
        assert_eq!(decode_ulaw(0x80), 32124);
        assert_eq!(decode_alaw(0xAA), 32256);
    }

    #[test]
    fn decode_then_encode_is_identity_for_every_code() {
        for code in 0..=255u8 {
            // mu-law has two zeros (0x7F and 0xFF); both decode to 0, which encodes to 0xFF.
            let expected = if code == 0x7F { 0xFF } else { code };
            assert_eq!(
                encode_ulaw(decode_ulaw(code)),
                expected,
                "mu-law {code:#04x}"
            );
            assert_eq!(encode_alaw(decode_alaw(code)), code, "A-law {code:#04x}");
        }
    }

    #[test]
    fn slice_helpers_stop_at_the_shorter_buffer() {
        let samples = [0i16, 1000, -1000];
        let mut codes = [0u8; 2];
        assert_eq!(encode_ulaw_slice(&samples, &mut codes), 2);
        let mut back = [0i16; 3];
        assert_eq!(decode_ulaw_slice(&codes, &mut back), 2);
        assert_eq!(encode_alaw_slice(&samples, &mut codes), 2);
        assert_eq!(decode_alaw_slice(&codes, &mut back), 2);
    }
}
