//! Payload sizes for each packet time, the packet times each codec accepts, and malformed
//! input answered with errors, never panics.

#![allow(clippy::unwrap_used)]

mod codec_support;

use codec_support::{sine, RATE};
use dialbridge_media::codec::{
    new_decoder, new_encoder, supports_ptime, CodecError, CodecKind, INTERNAL_RATE,
};

const ALL: [CodecKind; 4] = [
    CodecKind::Pcmu,
    CodecKind::Pcma,
    CodecKind::G722,
    CodecKind::Opus,
];

fn samples_in(ptime_ms: u32) -> usize {
    (INTERNAL_RATE / 1000 * ptime_ms) as usize
}

/// Encodes `packets` packets of a 1 kHz tone; returns each payload.
fn payloads(kind: CodecKind, ptime_ms: u32, packets: usize) -> Vec<Vec<u8>> {
    let mut encoder = new_encoder(kind, ptime_ms).unwrap();
    assert_eq!(encoder.kind(), kind);
    assert_eq!(encoder.ptime_ms(), ptime_ms);
    let pcm = sine(1000.0, 8000.0, RATE, samples_in(ptime_ms) * packets);
    pcm.chunks_exact(samples_in(ptime_ms))
        .map(|chunk| {
            let mut payload = vec![0xEE]; // encode appends; what is there stays
            let size = encoder.encode(chunk, &mut payload).unwrap();
            assert_eq!(payload[0], 0xEE);
            assert_eq!(size, payload.len() - 1);
            payload.remove(0);
            payload
        })
        .collect()
}

#[test]
fn g711_and_g722_payloads_carry_one_byte_per_8_khz_tick() {
    for kind in [CodecKind::Pcmu, CodecKind::Pcma, CodecKind::G722] {
        for ptime in [10, 20, 30, 40, 50, 60] {
            let expected = ptime as usize * 8; // 20 ms: 160 bytes
            for payload in payloads(kind, ptime, 5) {
                assert_eq!(payload.len(), expected, "{kind:?} {ptime} ms");
                let mut decoder = new_decoder(kind).unwrap();
                let mut out = vec![1, 2, 3];
                let samples = decoder.decode(&payload, &mut out).unwrap();
                assert_eq!(samples, samples_in(ptime), "{kind:?} {ptime} ms");
                assert_eq!(out.len(), 3 + samples, "decode appends");
                assert_eq!(&out[..3], &[1, 2, 3]);
            }
        }
    }
}

#[test]
fn opus_payloads_fit_the_bitrate_and_decode_to_their_packet_time() {
    for ptime in [10, 20, 40, 60] {
        let packets = payloads(CodecKind::Opus, ptime, 50);
        let bytes: usize = packets.iter().map(Vec::len).sum();
        let kbit_per_s = bytes as f64 * 8.0 / (f64::from(ptime) * 50.0);
        // 24 kbit/s target; short packets pay more for framing.
        assert!(
            (14.0..=34.0).contains(&kbit_per_s),
            "{ptime} ms: {kbit_per_s:.1} kbit/s"
        );
        let mut decoder = new_decoder(CodecKind::Opus).unwrap();
        let mut out = Vec::new();
        for payload in &packets {
            assert!(payload.len() > 2, "DTX is off: every packet carries audio");
            let samples = decoder.decode(payload, &mut out).unwrap();
            assert_eq!(samples, samples_in(ptime), "{ptime} ms");
        }
    }
}

#[test]
fn narrowband_payloads_of_any_length_decode() {
    for kind in [CodecKind::Pcmu, CodecKind::Pcma, CodecKind::G722] {
        let mut decoder = new_decoder(kind).unwrap();
        let mut out = Vec::new();
        for length in [1, 7, 100, 161, 2000] {
            out.clear();
            let samples = decoder.decode(&vec![0x55; length], &mut out).unwrap();
            assert_eq!(samples, 2 * length, "{kind:?} {length} bytes");
        }
    }
}

#[test]
fn packet_times_are_validated() {
    for kind in ALL {
        for ptime in [0, 5, 15, 25, 70, 120, u32::MAX] {
            assert!(!supports_ptime(kind, ptime));
            assert!(
                matches!(new_encoder(kind, ptime), Err(CodecError::Library { codec, .. }) if codec == kind),
                "{kind:?} {ptime} ms"
            );
        }
    }
    for ptime in [30, 50] {
        assert!(
            new_encoder(CodecKind::Opus, ptime).is_err(),
            "Opus has no {ptime} ms frame"
        );
        assert!(new_encoder(CodecKind::G722, ptime).is_ok());
    }
}

#[test]
fn encoders_refuse_pcm_that_is_not_one_packet() {
    for kind in ALL {
        let mut encoder = new_encoder(kind, 20).unwrap();
        for length in [0, 319, 321, 640] {
            let mut out = Vec::new();
            let result = encoder.encode(&vec![0; length], &mut out);
            assert_eq!(
                result,
                Err(CodecError::WrongFrameSize {
                    codec: kind,
                    expected: 320,
                    got: length
                })
            );
            assert!(out.is_empty());
        }
    }
}

#[test]
fn empty_payloads_are_malformed() {
    for kind in ALL {
        let mut decoder = new_decoder(kind).unwrap();
        assert_eq!(decoder.kind(), kind);
        let mut out = vec![5];
        let result = decoder.decode(&[], &mut out);
        assert!(
            matches!(result, Err(CodecError::MalformedPayload { codec, .. }) if codec == kind),
            "{kind:?}: {result:?}"
        );
        assert_eq!(out, [5], "nothing appended on error");
    }
}

#[test]
fn invalid_opus_packets_are_malformed() {
    let invalid: [&[u8]; 4] = [
        // Code 3 (arbitrary frame count) announcing 63 frames of 20 ms: over 120 ms.
        &[0xFF, 0x3F, 0x00],
        // Code 3 with no frame count byte.
        &[0x03],
        // Code 1 (two equal frames) with an odd number of bytes to split.
        &[0x01, 0x00, 0x00, 0x00],
        // Code 2 whose first frame's length runs past the packet.
        &[0x02, 0xFA, 0x00],
    ];
    let mut decoder = new_decoder(CodecKind::Opus).unwrap();
    for packet in invalid {
        let mut out = Vec::new();
        let result = decoder.decode(packet, &mut out);
        assert!(
            matches!(
                result,
                Err(CodecError::MalformedPayload {
                    codec: CodecKind::Opus,
                    ..
                })
            ),
            "{packet:02x?}: {result:?}"
        );
        assert!(out.is_empty());
    }
}

#[test]
fn random_bytes_never_panic_a_decoder() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for kind in ALL {
        let mut decoder = new_decoder(kind).unwrap();
        let (mut ok, mut refused) = (0, 0);
        for _ in 0..500 {
            let length = (next() % 300) as usize + 1;
            let payload: Vec<u8> = (0..length).map(|_| next() as u8).collect();
            let mut out = Vec::new();
            match decoder.decode(&payload, &mut out) {
                Ok(samples) => {
                    ok += 1;
                    assert_eq!(samples, out.len());
                    // 300 bytes of G.711 or G.722 give 600 samples; one Opus packet at most 120 ms.
                    assert!(samples <= 1920, "{kind:?}: {samples}");
                }
                Err(CodecError::MalformedPayload { .. }) => {
                    refused += 1;
                    assert!(out.is_empty());
                }
                Err(other) => panic!("{kind:?}: {other}"),
            }
        }
        if kind == CodecKind::Opus {
            assert!(refused > 0, "libopus refuses some random packets");
        } else {
            assert_eq!(refused, 0, "{kind:?}: every byte is a valid sample");
        }
        assert!(ok > 0, "{kind:?}");
    }
}
