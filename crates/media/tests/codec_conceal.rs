//! Concealment of lost packets: it continues the audio, fades, and reaches silence (G.711 and
//! G.722 within 60 ms; Opus's PLC fades on its own schedule); Opus can also rebuild a lost
//! packet from the next packet's in-band FEC.

#![allow(clippy::unwrap_used)]

mod codec_support;

use codec_support::{db, mean_square, sine, tone_power, RATE};
use dialbridge_media::codec::{
    new_decoder, new_encoder, CodecKind, Decoder, OpusDecoder, FRAME_SAMPLES,
};

/// Decodes 400 ms of a 1 kHz tone through `kind`, then conceals `lost_frames` 20 ms frames;
/// returns the tone's power and the concealed frames.
fn conceal_after_tone(kind: CodecKind, lost_frames: usize) -> (f64, Vec<Vec<i16>>) {
    let pcm = sine(1000.0, 8000.0, RATE, FRAME_SAMPLES * 20);
    let mut encoder = new_encoder(kind, 20).unwrap();
    let mut decoder = new_decoder(kind).unwrap();
    let mut decoded = Vec::new();
    let mut payload = Vec::new();
    for frame in pcm.chunks_exact(FRAME_SAMPLES) {
        payload.clear();
        encoder.encode(frame, &mut payload).unwrap();
        decoder.decode(&payload, &mut decoded).unwrap();
    }
    let level = mean_square(&decoded[decoded.len() - FRAME_SAMPLES..]);
    let frames = (0..lost_frames)
        .map(|_| {
            let mut out = vec![7];
            decoder.conceal(FRAME_SAMPLES, &mut out);
            assert_eq!(out.len(), 1 + FRAME_SAMPLES, "{kind:?}");
            assert_eq!(out[0], 7, "{kind:?}: conceal appends");
            out.remove(0);
            out
        })
        .collect();
    (level, frames)
}

const ALL: [CodecKind; 4] = [
    CodecKind::Pcmu,
    CodecKind::Pcma,
    CodecKind::G722,
    CodecKind::Opus,
];

#[test]
fn concealment_continues_the_tone_then_fades() {
    for kind in ALL {
        let (level, frames) = conceal_after_tone(kind, 12);
        let first = &frames[0];
        let first_db = db(mean_square(first) / level);
        assert!(
            first_db > -3.0,
            "{kind:?}: first concealed frame at {first_db:.1} dB"
        );
        let tone_share = db(tone_power(first, 1000.0, RATE) / mean_square(first));
        assert!(
            tone_share > -1.0,
            "{kind:?}: the tone goes on ({tone_share:.1} dB)"
        );
        for pair in frames.windows(2) {
            // Opus's PLC settles into a noise floor near -75 dB that wobbles by a dB or so.
            let louder = db(mean_square(&pair[1]) / mean_square(&pair[0]));
            let floor = db(mean_square(&pair[1]) / level) < -60.0;
            assert!(floor || louder <= 0.0, "{kind:?}: {louder:.1} dB louder");
        }
        assert!(
            db(mean_square(&frames[2]) / level) < -10.0,
            "{kind:?}: well down by 60 ms"
        );
    }
}

#[test]
fn fading_repeat_is_silent_from_60_ms() {
    for kind in [CodecKind::Pcmu, CodecKind::Pcma, CodecKind::G722] {
        let (_, frames) = conceal_after_tone(kind, 6);
        assert!(frames[3..].iter().flatten().all(|&s| s == 0), "{kind:?}");
    }
}

#[test]
fn opus_plc_fades_below_minus_40_db_by_100_ms() {
    let (level, frames) = conceal_after_tone(CodecKind::Opus, 8);
    for (index, frame) in frames.iter().enumerate().skip(4) {
        let frame_db = db(mean_square(frame) / level);
        assert!(frame_db < -40.0, "frame {index}: {frame_db:.1} dB");
    }
}

#[test]
fn audio_after_a_loss_is_at_full_level_and_a_new_loss_starts_loud_again() {
    for kind in ALL {
        let pcm = sine(1000.0, 8000.0, RATE, FRAME_SAMPLES * 30);
        let mut encoder = new_encoder(kind, 20).unwrap();
        let mut decoder = new_decoder(kind).unwrap();
        let mut payload = Vec::new();
        let mut last = Vec::new();
        for (index, frame) in pcm.chunks_exact(FRAME_SAMPLES).enumerate() {
            payload.clear();
            encoder.encode(frame, &mut payload).unwrap();
            last.clear();
            if (10..14).contains(&index) {
                decoder.conceal(FRAME_SAMPLES, &mut last);
            } else {
                decoder.decode(&payload, &mut last).unwrap();
            }
        }
        let after = db(mean_square(&last) / mean_square(&pcm[..FRAME_SAMPLES]));
        assert!(after.abs() < 1.0, "{kind:?}: {after:.1} dB after the loss");
        let mut concealed = Vec::new();
        decoder.conceal(FRAME_SAMPLES, &mut concealed);
        let again = db(mean_square(&concealed) / mean_square(&last));
        // Opus's PLC starts a little quieter shortly after an earlier loss (-4.5 dB here).
        assert!(
            again > -6.0,
            "{kind:?}: second loss starts at {again:.1} dB"
        );
    }
}

#[test]
fn concealment_before_any_audio_is_silence_of_the_asked_length() {
    for kind in ALL {
        let mut decoder = new_decoder(kind).unwrap();
        for samples in [0, 1, 100, 320, 2000] {
            let mut out = Vec::new();
            decoder.conceal(samples, &mut out);
            assert_eq!(out.len(), samples, "{kind:?}");
            assert!(out.iter().all(|&s| s == 0), "{kind:?}");
        }
    }
}

#[test]
fn opus_fec_rebuilds_a_lost_packet_from_the_next_one() {
    // 1 kHz up to the lost packet, 2 kHz from it on: PLC can only extrapolate 1 kHz, so
    // 2 kHz in the rebuilt packet can only have come from the FEC data.
    let before = sine(1000.0, 8000.0, RATE, FRAME_SAMPLES * 10);
    let after = sine(2000.0, 8000.0, RATE, FRAME_SAMPLES * 3);
    let mut encoder = new_encoder(CodecKind::Opus, 20).unwrap();
    let packets: Vec<Vec<u8>> = before
        .chunks_exact(FRAME_SAMPLES)
        .chain(after.chunks_exact(FRAME_SAMPLES))
        .map(|frame| {
            let mut payload = Vec::new();
            encoder.encode(frame, &mut payload).unwrap();
            payload
        })
        .collect();
    let lost = 10;
    let mut decoder = OpusDecoder::new().unwrap();
    let mut out = Vec::new();
    for packet in &packets[..lost] {
        decoder.decode(packet, &mut out).unwrap();
    }
    let mut rebuilt = Vec::new();
    let samples = decoder
        .decode_fec(&packets[lost + 1], FRAME_SAMPLES, &mut rebuilt)
        .unwrap();
    assert_eq!(samples, FRAME_SAMPLES);
    // The first half still rings with 1 kHz from the decoder's history; judge the second.
    let half = &rebuilt[FRAME_SAMPLES / 2..];
    let new_tone = tone_power(half, 2000.0, RATE);
    let old_tone = tone_power(half, 1000.0, RATE);
    let mut plc_decoder = OpusDecoder::new().unwrap();
    let mut plc = Vec::new();
    for packet in &packets[..lost] {
        plc_decoder.decode(packet, &mut plc).unwrap();
    }
    plc.clear();
    plc_decoder.conceal(FRAME_SAMPLES, &mut plc);
    let plc_new_tone = tone_power(&plc[FRAME_SAMPLES / 2..], 2000.0, RATE);
    // Measured: the FEC copy (coded at a lower rate) carries 2 kHz about 44 dB above what PLC
    // makes up, and above the 1 kHz still ringing from the history.
    assert!(
        db(new_tone / plc_new_tone) > 30.0,
        "FEC 2 kHz {:.1} dB over PLC's",
        db(new_tone / plc_new_tone)
    );
    assert!(
        new_tone > old_tone,
        "2 kHz {:.1} dB over 1 kHz",
        db(new_tone / old_tone)
    );
    assert!(decoder
        .decode_fec(&packets[lost + 1], 100, &mut rebuilt)
        .is_err());
    assert!(decoder
        .decode_fec(&[], FRAME_SAMPLES, &mut rebuilt)
        .is_err());
}
