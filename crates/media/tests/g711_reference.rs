//! G.711 bit-exactness: every one of the 65,536 linear inputs and 256 codes, compared with
//! Python's `audioop` on this machine (tests/reference/make-reference.py). If
//! `/usr/bin/python3` or its `audioop` module is missing the test fails and says so: the
//! comparison is the point, so it is never skipped.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use dialbridge_media::g711::{decode_alaw, decode_ulaw, encode_alaw, encode_ulaw};
use std::process::Command;

const PYTHON: &str = "/usr/bin/python3";

fn reference() -> Vec<u8> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/make-reference.py"
    );
    let output = Command::new(PYTHON)
        .arg(script)
        .output()
        .unwrap_or_else(|e| panic!("G.711 reference needs {PYTHON} with audioop: {e}"));
    assert!(
        output.status.success(),
        "G.711 reference script failed (is audioop available in {PYTHON}? it was removed in \
         Python 3.13): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout.len(), 65536 * 2 + 512 * 2, "reference size");
    output.stdout
}

#[test]
fn g711_matches_audioop_for_every_input_and_code() {
    let reference = reference();
    let (ulaw, rest) = reference.split_at(65536);
    let (alaw, rest) = rest.split_at(65536);
    let (ulaw_lin, alaw_lin) = rest.split_at(512);

    let mut mismatches = Vec::new();
    for (i, sample) in (i16::MIN..=i16::MAX).enumerate() {
        if encode_ulaw(sample) != ulaw[i] {
            mismatches.push(format!(
                "encode_ulaw({sample}) = {:#04x}, audioop {:#04x}",
                encode_ulaw(sample),
                ulaw[i]
            ));
        }
        if encode_alaw(sample) != alaw[i] {
            mismatches.push(format!(
                "encode_alaw({sample}) = {:#04x}, audioop {:#04x}",
                encode_alaw(sample),
                alaw[i]
            ));
        }
    }
    for code in 0..=255u8 {
        let at = usize::from(code) * 2;
        let want_u = i16::from_le_bytes([ulaw_lin[at], ulaw_lin[at + 1]]);
        let want_a = i16::from_le_bytes([alaw_lin[at], alaw_lin[at + 1]]);
        if decode_ulaw(code) != want_u {
            mismatches.push(format!(
                "decode_ulaw({code:#04x}) = {}, audioop {want_u}",
                decode_ulaw(code)
            ));
        }
        if decode_alaw(code) != want_a {
            mismatches.push(format!(
                "decode_alaw({code:#04x}) = {}, audioop {want_a}",
                decode_alaw(code)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first: {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(10)]
    );
}
