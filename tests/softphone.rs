//! A real softphone (baresip 1.0.0) calls `dialbridge serve --demo` the way the README
//! tells a newcomer to: dial the address the banner prints. Each test runs in its own
//! loopback-only network namespace (see `support`), and the phone has no sound devices:
//! it plays a generated WAV and throws away what it hears.

mod support;

use support::{Baresip, Lab, Tone};

/// What the demo banner tells people to dial, with the default ports.
const BANNER_URI: &str = "sip:+14155550100@127.0.0.1:5060";

/// Starts the phone and dials the address the banner printed (not a constant of ours:
/// if the banner names a wrong address, the call fails).
const DIAL_FROM_BANNER: &str = r#"
DIAL=$(grep -o -m1 'sip:+[0-9]*@[0-9.]*:[0-9]*' server.log)
echo "dialling $DIAL"
baresip_start bob
baresip_cmd bob dial "$DIAL"
wait_for bob.events CALL_ESTABLISHED 5
"#;

fn assert_banner(lab_run: &support::LabRun) {
    let log = &lab_run.server_log;
    assert!(
        log.contains("dialbridge demo is running."),
        "no demo banner:\n{log}"
    );
    assert!(
        log.lines().any(|l| l.trim() == BANNER_URI),
        "the banner does not name {BANNER_URI}:\n{log}"
    );
}

/// The one "answering call" line, which names the codec we picked.
fn answered_codec(lab_run: &support::LabRun) -> String {
    let lines: Vec<&str> = lab_run
        .server_log
        .lines()
        .filter(|l| l.contains("answering call"))
        .collect();
    assert_eq!(lines.len(), 1, "one call answered:\n{}", lab_run.server_log);
    let codec = lines[0]
        .split_whitespace()
        .find_map(|field| field.strip_prefix("codec="))
        .unwrap_or_else(|| panic!("no codec= in {}", lines[0]));
    codec.trim_matches('"').to_owned()
}

/// Like `LabRun::assert_passed`, with the phone's log and events in the message.
fn passed(lab_run: &support::LabRun, what: &str, why: &str) {
    let line = format!("{what} exit 0");
    assert!(
        lab_run.output.lines().any(|l| l.trim() == line),
        "{what} did not pass.\n{why}"
    );
}

fn context(lab: &Lab, lab_run: &support::LabRun) -> String {
    format!(
        "--- lab output ---\n{}\n--- server log ---\n{}\n--- baresip log ---\n{}\n--- baresip events ---\n{}",
        lab_run.output,
        lab_run.server_log,
        lab.read("bob.log"),
        lab.read("bob.events")
    )
}

#[test]
fn demo_call_from_baresip_is_answered_gets_rtp_and_ends_on_its_bye() {
    let lab = Lab::demo();
    lab.add_baresip(&Baresip::pcmu("bob"));
    let steps = format!(
        r#"{DIAL_FROM_BANNER}
# A second of media at 50 packets/s before looking at the counters.
sleep 1
health
baresip_cmd bob hangup
wait_for server.log "call ended" 5
health
"#
    );
    let run = lab.run(&steps);
    let why = context(&lab, &run);
    assert_banner(&run);
    passed(&run, "baresip bob dial", &why);
    passed(&run, "wait_for CALL_ESTABLISHED", &why);
    passed(&run, "baresip bob hangup", &why);
    passed(&run, "wait_for call ended", &why);
    assert_eq!(answered_codec(&run), "PCMU", "{why}");

    // During the call: one active call holding one port, and the phone's RTP arrived.
    assert_eq!(run.health_at(0, "active_calls"), 1, "{why}");
    assert_eq!(run.health_at(0, "rtp_ports_in_use"), 1, "{why}");
    assert!(
        run.health_at(0, "rtp_packets_received") >= 20,
        "about 50 packets expected after a second of the call\n{why}"
    );

    // The phone's BYE ended the call and freed its port.
    let ended = run
        .server_log
        .lines()
        .find(|l| l.contains("call ended"))
        .unwrap_or_default();
    assert!(ended.contains("reason=RemoteBye"), "{why}");
    assert_eq!(run.health_at(1, "active_calls"), 0, "{why}");
    assert_eq!(run.health_at(1, "rtp_ports_in_use"), 0, "{why}");
    assert_eq!(run.health_at(1, "answered_calls"), 1, "{why}");

    // The phone saw the call close by its own hangup, with nothing refused on the way.
    let events = lab.read("bob.events");
    assert!(
        events.contains(r#""type":"CALL_CLOSED""#) && events.contains("Connection reset by user"),
        "{why}"
    );
    assert!(!events.contains("CALL_FAILED"), "{why}");
}

#[test]
fn demo_server_shutdown_sends_bye_to_baresip_and_exits_0() {
    let lab = Lab::demo();
    lab.add_baresip(&Baresip::pcmu("bob"));
    // The harness then waits for the server and checks `server exit 0`.
    let steps = format!(
        r#"{DIAL_FROM_BANNER}
sleep 0.5
kill -TERM $(server_pid)
wait_for bob.events CALL_CLOSED 5
"#
    );
    let run = lab.run(&steps);
    let why = context(&lab, &run);
    assert_banner(&run);
    passed(&run, "wait_for CALL_ESTABLISHED", &why);
    passed(&run, "wait_for CALL_CLOSED", &why);
    // baresip names a BYE it received "Connection reset by peer" (its own hangup is
    // "by user"), so this shows the call was closed from our side.
    let events = lab.read("bob.events");
    assert!(events.contains("Connection reset by peer"), "{why}");
    assert!(
        lab.read("bob.log")
            .contains("session closed: Connection reset by peer"),
        "{why}"
    );
    assert!(
        run.server_log
            .lines()
            .any(|l| l.contains("call ended") && l.contains("reason=LocalHangup")),
        "{why}"
    );
}

/// baresip with every codec module it ships offers Opus, then G.722, PCMU, PCMA.
#[test]
fn baresip_default_offer_opus_first_is_answered_with_opus() {
    let lab = Lab::demo();
    let mut phone = Baresip::pcmu("bob");
    phone.codec_modules = ["opus", "g722", "g711"].map(str::to_owned).to_vec();
    phone.audio_codecs = None;
    // Opus runs at 48 kHz stereo in baresip. A 2 s file: the phone hangs up when it ends.
    phone.wav = Tone {
        frequency: 440.0,
        rate: 48_000,
        channels: 2,
        tone_ms: 1500,
        silence_ms: 500,
    };
    lab.add_baresip(&phone);
    let steps = format!(
        r#"{DIAL_FROM_BANNER}
wait_for server.log "call ended" 5
health
"#
    );
    let run = lab.run(&steps);
    let why = context(&lab, &run);
    passed(&run, "wait_for CALL_ESTABLISHED", &why);
    passed(&run, "wait_for call ended", &why);
    // Our preference (Opus first) and the phone's agree; the phone must also have
    // accepted our answer and sent Opus to our port.
    assert_eq!(answered_codec(&run), "opus", "{why}");
    assert!(
        lab.read("bob.log")
            .contains("Set audio encoder: opus 48000Hz 2ch"),
        "{why}"
    );
    assert!(run.health("rtp_packets_received") >= 20, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
    assert!(
        run.server_log
            .lines()
            .any(|l| l.contains("call ended") && l.contains("reason=RemoteBye")),
        "the WAV's end hangs up: {why}"
    );
}

/// Without Opus, G.722 comes first in both lists and is picked over PCMU.
#[test]
fn baresip_offering_g722_then_pcmu_is_answered_with_g722() {
    let lab = Lab::demo();
    let mut phone = Baresip::pcmu("bob");
    phone.codec_modules = ["g722", "g711"].map(str::to_owned).to_vec();
    // baresip names G.722 by its 16 kHz sampling rate; plain "G722" means /8000 to it
    // and matches nothing (it then offers PCMU alone).
    phone.audio_codecs = Some("G722/16000/1,PCMU".to_owned());
    // G.722 samples at 16 kHz although its SDP clock rate says 8000.
    phone.wav = Tone {
        frequency: 440.0,
        rate: 16_000,
        channels: 1,
        tone_ms: 1500,
        silence_ms: 500,
    };
    lab.add_baresip(&phone);
    let steps = format!(
        r#"{DIAL_FROM_BANNER}
wait_for server.log "call ended" 5
health
"#
    );
    let run = lab.run(&steps);
    let why = context(&lab, &run);
    passed(&run, "wait_for CALL_ESTABLISHED", &why);
    passed(&run, "wait_for call ended", &why);
    assert_eq!(answered_codec(&run), "G722", "{why}");
    assert!(
        lab.read("bob.log").contains("Set audio encoder: G722"),
        "{why}"
    );
    assert!(run.health("rtp_packets_received") >= 20, "{why}");
    assert_eq!(run.health("rtp_ports_in_use"), 0, "{why}");
}
