//! What callers do inside a meeting, end to end: dial-pad commands from a real softphone
//! (baresip, RFC 4733), the meeting size limit, an organizer's anonymous start, and keys
//! sent as SIP INFO. Each test runs in its own loopback-only network namespace (see
//! `support`).

#![allow(clippy::unwrap_used)]

mod support;

use support::audio::{recording, rms_dbfs, tone_amplitude, wav_samples};
use support::scripts::{CONFERENCE_ID, LIVE_API, MAKE_CALLER};
use support::{Baresip, Lab, Tone};

/// A trunk for loopback and one direct conference number, `+15550100`.
const DIRECT_CONFERENCE: &str = r#"
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
const RATE: usize = 8000;

struct Caller {
    name: &'static str,
    sip_port: u16,
    ctrl_port: u16,
    frequency: f64,
}

const ALICE: Caller = Caller {
    name: "alice",
    sip_port: 5080,
    ctrl_port: 4444,
    frequency: 500.0,
};
const BOB: Caller = Caller {
    name: "bob",
    sip_port: 5082,
    ctrl_port: 4446,
    frequency: 800.0,
};
const CAROL: Caller = Caller {
    name: "carol",
    sip_port: 5084,
    ctrl_port: 4448,
    frequency: 1300.0,
};

/// A PCMU phone playing its tone for the whole test and recording what it hears.
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

/// Bash that starts `caller`'s phone and calls the direct conference.
fn dial(caller: &Caller) -> String {
    format!(
        "baresip_start {name}\nbaresip_cmd {name} dial sip:+15550100@127.0.0.1:5060\nwait_for {name}.events CALL_ESTABLISHED 5\n",
        name = caller.name
    )
}

/// Level of `frequency` in `samples`, in dB relative to a phone's tone.
fn tone_db(samples: &[i16], frequency: f64) -> f64 {
    20.0 * (tone_amplitude(samples, RATE as f64, frequency) / TONE_AMPLITUDE).log10()
}

#[test]
fn star_six_stops_that_callers_audio_reaching_the_others() {
    let lab = Lab::with_config(DIRECT_CONFERENCE);
    let mut steps = String::new();
    for caller in [&ALICE, &BOB, &CAROL] {
        lab.add_baresip(&phone(caller));
        steps.push_str(&dial(caller));
    }
    // All three talk for a while (mixed audio reaches the phones a second or two after
    // they join), then Alice presses *6 and they go on talking. Bob and
    // Carol hang up first: Alice leaving would silence her too, muted or not.
    steps.push_str(
        r#"sleep 4
baresip_cmd alice sndcode '*'
sleep 0.3
baresip_cmd alice sndcode 6
sleep 2.5
health
baresip_cmd bob hangup
baresip_cmd carol hangup
sleep 0.3
baresip_cmd alice hangup
sleep 0.5
"#,
    );
    let run = lab.run(&steps);
    let why = run.context();
    assert_eq!(
        run.output.matches("CALL_ESTABLISHED exit 0").count(),
        3,
        "all three calls established\n{why}"
    );
    run.assert_passed("baresip alice sndcode");
    assert!(
        run.health("dtmf_digits") >= 2,
        "the server saw Alice's keys\n{why}"
    );
    let mutes = run.log_lines("caller mute changes");
    assert_eq!(
        mutes.iter().filter(|l| l.contains("muted=true")).count(),
        1,
        "one caller was muted: {mutes:?}\n{why}"
    );
    assert!(
        !mutes.iter().any(|l| l.contains("muted=false")),
        "and nobody unmuted: {mutes:?}\n{why}"
    );
    for (listener, other) in [(&BOB, &CAROL), (&CAROL, &BOB)] {
        let samples = wav_samples(&recording(&lab, listener.name));
        let second = RATE;
        assert!(
            samples.len() > 5 * second,
            "{}: recording too short ({} samples)\n{why}",
            listener.name,
            samples.len()
        );
        let end = samples.len();
        // The second before the keys: audio flows about 2 s after the last caller joined.
        let before = &samples[end - 42 * second / 10..end - 32 * second / 10];
        // The last second before hanging up, well after the keys.
        let after = &samples[end - 13 * second / 10..end - 3 * second / 10];
        let alice_before = tone_db(before, ALICE.frequency);
        let alice_after = tone_db(after, ALICE.frequency);
        let other_after = tone_db(after, other.frequency);
        eprintln!(
            "{} hears alice at {alice_before:+.1} dB before *6, {alice_after:+.1} dB after; {} at {other_after:+.1} dB",
            listener.name, other.name
        );
        assert!(
            alice_before.abs() < 3.0,
            "{} heard Alice at {alice_before:.1} dB before she muted\n{why}",
            listener.name
        );
        assert!(
            alice_after < -40.0,
            "{} still hears Alice at {alice_after:.1} dB after *6\n{why}",
            listener.name
        );
        assert!(
            other_after.abs() < 3.0,
            "{} hears {} at {other_after:.1} dB after Alice muted\n{why}",
            listener.name,
            other.name
        );
    }
}

#[test]
fn the_caller_after_the_limit_hears_meeting_full_and_is_hung_up() {
    let lab = Lab::with_config(&format!(
        "{DIRECT_CONFERENCE}\n[conference]\nmax_participants = 2\n"
    ));
    let dave = Caller {
        name: "dave",
        sip_port: 5086,
        ctrl_port: 4450,
        frequency: 1700.0,
    };
    let mut steps = String::new();
    for caller in [&ALICE, &BOB, &dave] {
        lab.add_baresip(&phone(caller));
    }
    steps.push_str(&dial(&ALICE));
    steps.push_str(&dial(&BOB));
    // Dave is answered, told the meeting is full and hung up on; Alice and Bob stay.
    steps.push_str(&dial(&dave));
    steps.push_str(
        r#"wait_for dave.events CALL_CLOSED 10
sleep 1
health
echo "alice closed $(grep -c CALL_CLOSED alice.events)"
echo "bob closed $(grep -c CALL_CLOSED bob.events)"
baresip_cmd alice hangup
baresip_cmd bob hangup
sleep 0.5
"#,
    );
    let run = lab.run(&steps);
    let why = run.context();
    assert_eq!(
        run.output.matches("CALL_ESTABLISHED exit 0").count(),
        3,
        "all three calls were answered\n{why}"
    );
    run.assert_passed("wait_for CALL_CLOSED");
    assert!(
        run.output.contains("alice closed 0") && run.output.contains("bob closed 0"),
        "Alice and Bob were still connected after Dave was hung up\n{why}"
    );
    assert_eq!(
        run.health("active_calls"),
        2,
        "two calls left once Dave was gone\n{why}"
    );
    assert_eq!(
        run.log_lines("caller joins the conference").len(),
        2,
        "only two callers joined\n{why}"
    );
    let ended: Vec<&str> = run.log_lines("call ended call=call-3");
    assert!(
        ended.len() == 1 && ended[0].contains("reason=LocalHangup"),
        "the server hung up on Dave: {ended:?}\n{why}"
    );
    let heard = wav_samples(&recording(&lab, "dave"));
    let level = rms_dbfs(&heard);
    eprintln!("dave heard {level:+.1} dBFS over {} samples", heard.len());
    assert!(
        level > -40.0,
        "Dave heard a prompt ({level:.1} dBFS)\n{why}"
    );
    for other in [&ALICE, &BOB] {
        let db = tone_db(&heard, other.frequency);
        assert!(
            db < -20.0,
            "Dave was never in the meeting, yet heard {} at {db:.1} dB\n{why}",
            other.name
        );
    }
}

#[test]
fn anonymous_start_lets_the_first_caller_in_without_the_organizer() {
    // The demo organizer (id 1) starts with anonymous start off; an admin turns it on over
    // the REST API (there is no CLI flag per organizer) while the server runs.
    let steps = format!(
        r#"{MAKE_CALLER}
{CONFERENCE_ID}
printf 'correct horse battery staple\n' | "$DIALBRIDGE" admin --data-dir "$LAB/data" \
    accounts create --email ops@example.com --role platform-admin --password-stdin > /dev/null
TOKEN=$("$DIALBRIDGE" admin --data-dir "$LAB/data" --json tokens create --account 1 --name lab \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
python3 - "$TOKEN" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(
    "http://127.0.0.1:8080/api/v1/organizers/1", method="PATCH",
    data=json.dumps({{"anonymous_start": True}}).encode(),
    headers={{"Authorization": "Bearer " + sys.argv[1], "Content-Type": "application/json"}})
with urllib.request.urlopen(request) as answer:
    print("patched", answer.status, json.load(answer).get("anonymous_start"))
PY
# After the ID the IVR waits about 12 s (name, organizer question) before letting the
# attendee in.
make_caller attendee rfc4733 "pause:1500 keys:1 pause:1500 keys:$ID# pause:16000"
caller attendee 5070 6000
"#
    );
    let run = Lab::demo().run(&steps);
    let why = run.context();
    assert!(
        run.output.contains("patched 200 True"),
        "anonymous start turned on\n{why}"
    );
    run.assert_passed("sipp attendee");
    let entries = run.log_lines("IVR done: caller enters the meeting");
    assert_eq!(entries.len(), 1, "the attendee finished the IVR\n{why}");
    assert!(entries[0].contains("Attendee"), "as attendee\n{why}");
    assert_eq!(
        run.log_lines("caller joins the conference").len(),
        1,
        "and went straight into the conference\n{why}"
    );
    assert!(
        run.log_lines("caller waits in the lobby").is_empty(),
        "without waiting in the lobby\n{why}"
    );
}

#[test]
fn sip_info_dtmf_drives_the_ivr() {
    // Only silence goes as RTP: every key, the language and the conference ID, is a SIP
    // INFO, each answered 200.
    let steps = format!(
        r#"{MAKE_CALLER}
{CONFERENCE_ID}
make_caller attendee info "pause:1500 keys:1 pause:1500 keys:$ID# pause:16000"
caller attendee 5070 6000
health
"#
    );
    let run = Lab::demo().run(&steps);
    let why = run.context();
    run.assert_passed("sipp attendee");
    let id = run
        .output
        .lines()
        .find_map(|l| l.strip_prefix("conference ID "))
        .unwrap_or_default();
    assert!(!id.is_empty(), "the banner named the conference ID\n{why}");
    assert_eq!(
        run.health("dtmf_digits"),
        2 + id.len() as u64,
        "the language key, the ID's digits and #\n{why}"
    );
    let entries = run.log_lines("IVR done: caller enters the meeting");
    assert_eq!(entries.len(), 1, "the caller finished the IVR\n{why}");
    assert!(
        entries[0].contains("role=Attendee") && entries[0].contains("language=en-US"),
        "as an English-speaking attendee\n{why}"
    );
}

#[test]
fn an_admin_sees_the_caller_waiting_in_the_lobby_and_admits_them() {
    // Anonymous start is off for the demo organizer: the attendee waits until an admin
    // admits everyone from the live meetings API.
    let steps = format!(
        r#"{MAKE_CALLER}
{CONFERENCE_ID}
{LIVE_API}
make_caller attendee rfc4733 "pause:1500 keys:1 pause:1500 keys:$ID# pause:30000"
caller attendee 5070 6000 &
ATTENDEE=$!
wait_for server.log 'caller waits in the lobby' 30
live_json GET /live-meetings
live_json POST /live-meetings/organizer-1/commands '{{"command":"admit_all"}}'
wait_for server.log 'caller joins the conference' 10
live_json GET /live-meetings
wait $ATTENDEE
"#
    );
    let run = Lab::demo().run(&steps);
    let why = run.context();
    run.assert_passed("sipp attendee");
    let listings: Vec<&str> = run
        .output
        .lines()
        .filter(|l| l.starts_with("GET /live-meetings 200"))
        .collect();
    assert_eq!(listings.len(), 2, "two listings\n{why}");
    assert!(
        listings[0].contains(r#""key":"organizer-1""#)
            && listings[0].contains(r#""in_lobby":true"#),
        "the first listing shows the caller in the lobby\n{why}"
    );
    assert!(
        run.output
            .contains("POST /live-meetings/organizer-1/commands 2"),
        "the admit command was accepted\n{why}"
    );
    assert!(
        listings[1].contains(r#""in_lobby":false"#) && listings[1].contains(r#""started":true"#),
        "the second listing shows the caller in the meeting\n{why}"
    );
    assert_eq!(
        run.log_lines("caller joins the conference").len(),
        1,
        "the caller joined only when admitted\n{why}"
    );
}

#[test]
fn after_the_organizer_locks_the_meeting_the_next_caller_waits_in_the_lobby() {
    let steps = format!(
        r#"{MAKE_CALLER}
{CONFERENCE_ID}
PIN=$(grep -o 'organizer PIN [0-9][0-9]*' server.log | head -1 | grep -o '[0-9]*$')
make_caller organizer rfc4733 "pause:1500 keys:1 pause:1500 keys:$ID# pause:2500 keys:* pause:2500 keys:$PIN# pause:8000 keys:*7 pause:30000"
make_caller attendee rfc4733 "pause:1500 keys:1 pause:1500 keys:$ID# pause:18000"
caller organizer 5070 6000 &
ORGANIZER=$!
wait_for server.log 'caller joins the conference' 40
sleep 6
caller attendee 5072 6100
wait $ORGANIZER
"#
    );
    let run = Lab::demo().run(&steps);
    let why = run.context();
    run.assert_passed("sipp organizer");
    run.assert_passed("sipp attendee");
    let entries = run.log_lines("IVR done: caller enters the meeting");
    assert_eq!(entries.len(), 2, "both finished the IVR\n{why}");
    assert!(
        entries[0].contains("Organizer") && entries[1].contains("Attendee"),
        "{why}"
    );
    assert_eq!(
        run.log_lines("caller joins the conference").len(),
        1,
        "only the organizer is in the conference\n{why}"
    );
    assert_eq!(
        run.log_lines("caller waits in the lobby").len(),
        1,
        "the attendee waits, the meeting being locked\n{why}"
    );
}
