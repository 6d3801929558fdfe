//! Audio through the mixer, end to end: three real softphones (baresip) call a direct
//! conference number, each playing its own tone and recording what it hears. Each must
//! hear the other two at their level and not itself. Runs in its own loopback-only
//! network namespace (see `support`).

#![allow(clippy::unwrap_used)]

mod support;

use support::audio::{median_tone_amplitude, recording, wav_samples};
use support::{Baresip, Lab, Tone};

const CONFIG: &str = r#"
[[trunk]]
name = "loopback"
sources = ["127.0.0.0/8"]
default_country = "US"

[[direct_conference]]
number = "+15550100"
conference = "e2e"
"#;

/// Amplitude of each phone's tone, as a fraction of full scale (see `support::Tone`).
const TONE_AMPLITUDE: f64 = 0.3;

struct Caller {
    name: &'static str,
    sip_port: u16,
    ctrl_port: u16,
    frequency: f64,
}

const CALLERS: [Caller; 3] = [
    Caller {
        name: "alice",
        sip_port: 5080,
        ctrl_port: 4444,
        frequency: 500.0,
    },
    Caller {
        name: "bob",
        sip_port: 5082,
        ctrl_port: 4446,
        frequency: 800.0,
    },
    Caller {
        name: "carol",
        sip_port: 5084,
        ctrl_port: 4448,
        frequency: 1300.0,
    },
];

fn phone(caller: &Caller) -> Baresip {
    let mut phone = Baresip::pcmu(caller.name);
    phone.sip_port = caller.sip_port;
    phone.ctrl_port = caller.ctrl_port;
    phone.record = true;
    phone.wav = Tone {
        frequency: caller.frequency,
        rate: 8000,
        channels: 1,
        tone_ms: 30_000,
        silence_ms: 0,
    };
    phone
}

#[test]
fn three_callers_each_hear_the_others_at_their_level_and_not_themselves() {
    conference_of_three(None);
}

/// The same over SRTP: the phones insist on SDES (`RTP/SAVP` with `a=crypto`), so a call
/// without working encryption in both directions would fail or be silent.
#[test]
fn three_srtp_callers_each_hear_the_others_at_their_level_and_not_themselves() {
    let run_log = conference_of_three(Some("srtp-mand"));
    assert_eq!(
        run_log.matches("srtp=true").count(),
        3,
        "each call was answered with SRTP\n{run_log}"
    );
}

/// Runs the three-phone conference and checks what each heard; returns the server log.
fn conference_of_three(media_encryption: Option<&str>) -> String {
    let lab = Lab::with_config(CONFIG);
    let mut steps = String::new();
    for caller in &CALLERS {
        let mut phone = phone(caller);
        phone.media_encryption = media_encryption.map(str::to_owned);
        lab.add_baresip(&phone);
        steps.push_str(&format!(
            "baresip_start {name}\nbaresip_cmd {name} dial sip:+15550100@127.0.0.1:5060\nwait_for {name}.events CALL_ESTABLISHED 10\n",
            name = caller.name
        ));
    }
    // Everyone talks at once for four seconds, then all hang up.
    steps.push_str("sleep 4\nhealth\n");
    for caller in &CALLERS {
        steps.push_str(&format!("baresip_cmd {} hangup\n", caller.name));
    }
    steps.push_str("sleep 0.5\n");
    let run = lab.run(&steps);
    let context = format!(
        "--- lab output ---\n{}\n--- server log (tail) ---\n{}",
        run.output,
        run.server_log
            .lines()
            .rev()
            .take(60)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        run.output.matches("CALL_ESTABLISHED exit 0").count() == 3,
        "all three calls established\n{context}"
    );
    for caller in &CALLERS {
        let samples = wav_samples(&recording(&lab, caller.name));
        // The last two seconds before the hang-up: all three are in and talking.
        let window = 2 * 8000;
        assert!(
            samples.len() > window + 8000,
            "{}: recording too short ({} samples)\n{context}",
            caller.name,
            samples.len()
        );
        let end = samples.len() - 4000;
        let tail = &samples[end - window..end];
        let own = median_tone_amplitude(tail, 8000.0, caller.frequency);
        for other in CALLERS.iter().filter(|o| o.name != caller.name) {
            let heard = median_tone_amplitude(tail, 8000.0, other.frequency);
            let db = 20.0 * (heard / TONE_AMPLITUDE).log10();
            eprintln!("{} hears {} at {db:+.1} dB", caller.name, other.name);
            assert!(
                db.abs() < 3.0,
                "{} hears {} at {db:.1} dB from its level (amplitude {heard:.3})\n{context}",
                caller.name,
                other.name
            );
        }
        eprintln!(
            "{} hears itself at {:+.1} dB",
            caller.name,
            20.0 * (own / TONE_AMPLITUDE).log10()
        );
        assert!(
            own < TONE_AMPLITUDE / 100.0,
            "{} hears itself (amplitude {own:.4}, {:.1} dB)\n{context}",
            caller.name,
            20.0 * (own / TONE_AMPLITUDE).log10()
        );
    }
    run.server_log
}
