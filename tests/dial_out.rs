//! Dial-out end to end: `dialbridge serve --demo` with an outbound trunk whose far end is
//! SIPp on 127.0.0.1:5080 (a carrier that challenges, is busy, declines, never answers, or
//! a callee who presses 1 and talks). Calls are asked for over the REST API ("call me",
//! "add a participant") and from the phone (`*2`, `*0`). Each test runs in its own
//! loopback-only network namespace (see `support`).

#![allow(clippy::unwrap_used)]

mod support;

use sha2::{Digest, Sha256};
use support::scripts::{CONFERENCE_ID, MAKE_CALLER};
use support::{Lab, LabRun};

/// An outbound trunk at 127.0.0.1:5080 that answers digest challenges on INVITEs.
const DIGEST_TRUNK: &str = r#"
[[outbound_trunk]]
name = "carrier"
proxy = "127.0.0.1:5080"
auth = { method = "digest", username = "dialout", password = "dialout-secret" }
caller_id = { fixed = "+14155550199" }
max_concurrent_calls = 4

[dial_out]
ring_timeout_secs = 3
"#;

/// `api METHOD PATH [BODY]`: the REST API as a platform admin; prints
/// `METHOD PATH STATUS BODY` whatever the status. `far NAME`: SIPp as the far end on
/// 127.0.0.1:5080 running tests/sipp/NAME.xml once (its messages in far-NAME.msg).
const TOOLS: &str = r#"
printf 'correct horse battery staple\n' | "$DIALBRIDGE" admin --data-dir "$LAB/data" \
    accounts create --email ops@example.com --role platform-admin --password-stdin > /dev/null
TOKEN=$("$DIALBRIDGE" admin --data-dir "$LAB/data" --json tokens create --account 1 --name lab \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
api() {
  python3 - "$TOKEN" "$@" <<'PY'
import json, sys, urllib.request, urllib.error
token, method, path = sys.argv[1:4]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
request = urllib.request.Request("http://127.0.0.1:8080/api/v1" + path, method=method, data=body,
    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request) as answer:
        print(method, path, answer.status, answer.read().decode())
except urllib.error.HTTPError as error:
    print(method, path, error.code, error.read().decode())
PY
}
far() {
  local name=$1; shift
  timeout 90 sipp -sf "$SCENARIOS/$name.xml" -i 127.0.0.1 -p 5080 -mp 6200 -m 1 -timeout 80 \
      -nostdin -trace_err -trace_msg -message_file "far-$name.msg" "$@" > "far-$name.out" 2>&1
  local status=$?
  echo "far $name exit $status"
  if [ $status -ne 0 ]; then tail -40 "far-$name.msg"; cat *_errors.log 2>/dev/null | tail -20; fi
}
# The status of the dial-out with REFERENCE once it is STATUS (up to 10 s), from the log API.
dial_out_status() {
  local reference=$1 status=$2
  for _ in $(seq 1 50); do
    api GET "/dial-outs/$reference" | grep -q "\"status\":\"$status\"" && break
    sleep 0.2
  done
  api GET "/dial-outs/$reference"
}
reference_of() { sed -n 's/.*"reference":"\([0-9a-f]*\)".*/\1/p' | head -1; }
"#;

/// The organization lets dialed people in without "press 1".
const NO_CONFIRMATION: &str = r#"
api PATCH /organizations/1 '{"dial_out_join_confirmation": false}'
"#;

fn lab() -> Lab {
    Lab::demo_with_config(DIGEST_TRUNK)
}

fn line_with<'a>(run: &'a LabRun, prefix: &str) -> &'a str {
    run.output
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?}\n{}", run.context()))
}

#[test]
fn add_participant_through_a_401_md5_challenge_joins_the_meeting_and_is_logged() {
    let steps = format!(
        r#"{TOOLS}
{NO_CONFIRMATION}
far dialout_uas_401_md5 &
FAR=$!
sleep 0.5
api POST /organizers/1/dial-out '{{"number": "+1 201-555-0123", "purpose": "add_participant"}}' | tee post.out
REFERENCE=$(reference_of < post.out)
wait_for server.log 'invited callee joins the meeting' 15
api GET /live-meetings
api POST /live-meetings/organizer-1/commands '{{"command":"end"}}'
wait $FAR
dial_out_status "$REFERENCE" joined
"#
    );
    let run = lab().run(&steps);
    let why = run.context();
    assert!(
        line_with(&run, "POST /organizers/1/dial-out").contains(" 202 "),
        "accepted\n{why}"
    );
    run.assert_passed("far dialout_uas_401_md5");
    let placed = run.log_lines("dial-out placed");
    assert_eq!(placed.len(), 1, "{why}");
    assert!(
        placed[0].contains("to=+12015550123") && placed[0].contains("caller_id=+14155550199"),
        "the E.164 number, from the trunk's fixed caller ID\n{why}"
    );
    assert!(
        line_with(&run, "GET /live-meetings").contains("\"key\":\"organizer-1\""),
        "the callee is in the organizer's meeting\n{why}"
    );
    let logged = line_with(&run, "GET /dial-outs/");
    assert!(
        logged.contains("\"status\":\"joined\"")
            && logged.contains("\"e164\":\"+12015550123\"")
            && logged.contains("\"purpose\":\"add_participant\""),
        "the dial-out log shows the callee joined\n{why}"
    );
}

/// The digest a client must send for `fields` (RFC 7616 with qop=auth), SHA-256.
fn sha256_digest_response(fields: &std::collections::HashMap<String, String>) -> String {
    let hex = |text: String| {
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let ha1 = hex(format!(
        "{}:{}:dialout-secret",
        fields["username"], fields["realm"]
    ));
    let ha2 = hex(format!("INVITE:{}", fields["uri"]));
    hex(format!(
        "{ha1}:{}:{}:{}:{}:{ha2}",
        fields["nonce"], fields["nc"], fields["cnonce"], fields["qop"]
    ))
}

#[test]
fn call_me_through_a_407_sha256_challenge_sends_a_correct_digest() {
    let steps = format!(
        r#"{TOOLS}
{NO_CONFIRMATION}
far dialout_uas_407_sha256 &
FAR=$!
sleep 0.5
api POST /organizers/1/dial-out '{{"number": "+12015550123", "purpose": "call_me"}}'
wait_for server.log 'invited callee joins the meeting' 15
api POST /live-meetings/organizer-1/commands '{{"command":"end"}}'
wait $FAR
"#
    );
    let lab = lab();
    let run = lab.run(&steps);
    let why = run.context();
    run.assert_passed("far dialout_uas_407_sha256");
    let joined = run.log_lines("invited callee joins the meeting");
    assert!(
        joined.len() == 1 && joined[0].contains("Organizer"),
        "call me joins the organizer as organizer\n{why}"
    );
    // SIPp checks only the shape of a SHA-256 answer; the value is checked here.
    let messages = lab.read("far-dialout_uas_407_sha256.msg");
    let header = messages
        .lines()
        .find(|l| l.starts_with("Proxy-Authorization:"))
        .unwrap_or_else(|| panic!("no Proxy-Authorization in:\n{messages}"));
    let fields: std::collections::HashMap<String, String> = header
        .trim_start_matches("Proxy-Authorization:")
        .trim()
        .trim_start_matches("Digest")
        .split(',')
        .filter_map(|part| {
            let (name, value) = part.trim().split_once('=')?;
            Some((name.to_owned(), value.trim_matches('"').to_owned()))
        })
        .collect();
    assert_eq!(fields["algorithm"], "SHA-256", "{header}");
    assert_eq!(
        fields["response"],
        sha256_digest_response(&fields),
        "{header}"
    );
}

#[test]
fn a_busy_callee_is_reported_to_the_organizer_who_pressed_star_2() {
    let steps = format!(
        r#"{TOOLS}
{MAKE_CALLER}
{CONFERENCE_ID}
PIN=$(grep -o 'organizer PIN [0-9][0-9]*' server.log | head -1 | grep -o '[0-9]*$')
far dialout_uas_busy &
FAR=$!
make_caller organizer rfc4733 "pause:1500 keys:1 pause:1500 keys:$ID# pause:2500 keys:* pause:2500 keys:$PIN# pause:8000 keys:*2 pause:3000 keys:2015550123# pause:8000"
caller organizer 5070 6000
wait $FAR
api GET '/dial-outs?refused=false'
"#
    );
    let run = lab().run(&steps);
    let why = run.context();
    run.assert_passed("sipp organizer");
    run.assert_passed("far dialout_uas_busy");
    let ended = run.log_lines("dial-out ended unanswered");
    assert_eq!(ended.len(), 1, "{why}");
    assert!(
        ended[0].contains("outcome=busy") && ended[0].contains("status=Some(486)"),
        "{why}"
    );
    let placed = run.log_lines("dial-out placed");
    assert!(
        placed.len() == 1 && placed[0].contains("to=+12015550123"),
        "the national number was read in the organizer's country\n{why}"
    );
    let organizer_call = run
        .log_lines("IVR done: caller enters the meeting")
        .first()
        .and_then(|l| l.split_whitespace().find(|w| w.starts_with("call=")))
        .unwrap_or_else(|| panic!("the organizer never joined\n{why}"));
    assert!(
        run.log_lines("saying")
            .iter()
            .any(|l| l.contains(&format!("{organizer_call} "))
                && l.contains("prompts=dial-out-busy")),
        "the organizer was told the line is busy\n{why}"
    );
    let listed = line_with(&run, "GET /dial-outs");
    assert!(
        listed.contains("\"purpose\":\"phone\"") && listed.contains("\"status\":\"busy\""),
        "{why}"
    );
}

#[test]
fn a_declined_call_and_an_unanswered_call_are_told_apart() {
    let steps = format!(
        r#"{TOOLS}
far dialout_uas_decline &
FAR=$!
sleep 0.5
api POST /organizers/1/dial-out '{{"number": "+12015550123", "purpose": "add_participant"}}' | tee first.out
wait $FAR
dial_out_status "$(reference_of < first.out)" declined
far dialout_uas_no_answer &
FAR=$!
sleep 0.5
api POST /organizers/1/dial-out '{{"number": "+12015550124", "purpose": "add_participant"}}' | tee second.out
wait $FAR
dial_out_status "$(reference_of < second.out)" no_answer
"#
    );
    let run = lab().run(&steps);
    let why = run.context();
    run.assert_passed("far dialout_uas_decline");
    run.assert_passed("far dialout_uas_no_answer");
    let statuses: Vec<&str> = run
        .output
        .lines()
        .filter(|l| l.starts_with("GET /dial-outs/"))
        .collect();
    assert!(
        statuses
            .iter()
            .any(|l| l.contains("\"status\":\"declined\"")),
        "603 is a decline\n{why}"
    );
    assert!(
        statuses
            .iter()
            .any(|l| l.contains("\"status\":\"no_answer\"")),
        "ringing past the 3 s ring timeout is no answer, after our CANCEL\n{why}"
    );
    assert_eq!(
        run.log_lines("dial-out rang too long; cancelling").len(),
        1,
        "{why}"
    );
}

#[test]
fn an_international_number_under_a_domestic_policy_is_refused_before_any_invite() {
    let steps = format!(
        r#"{TOOLS}
python3 - > listener.out <<'PY' &
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5080))
s.settimeout(0.2)
received = 0
end = time.time() + 4
while time.time() < end:
    try:
        s.recvfrom(65535)
        received += 1
    except socket.timeout:
        pass
print("datagrams at the trunk:", received)
PY
LISTENER=$!
sleep 0.5
api POST /organizers/1/dial-out '{{"number": "+44 121 234 5678", "purpose": "add_participant"}}'
api POST /organizers/1/dial-out '{{"number": "+44 901 234 5678", "purpose": "call_me"}}'
wait $LISTENER
cat listener.out
api GET '/dial-outs?refused=true'
"#
    );
    let run = lab().run(&steps);
    let why = run.context();
    let posts: Vec<&str> = run
        .output
        .lines()
        .filter(|l| l.starts_with("POST /organizers/1/dial-out"))
        .collect();
    assert_eq!(posts.len(), 2, "{why}");
    assert!(
        posts[0].contains(" 403 ") && posts[0].contains("may only call numbers in US"),
        "a domestic organizer may not call GB\n{why}"
    );
    assert!(
        posts[1].contains(" 403 ") && posts[1].contains("premium rate"),
        "premium rate is refused by type\n{why}"
    );
    assert!(
        run.output.contains("datagrams at the trunk: 0"),
        "nothing reached the trunk\n{why}"
    );
    assert!(run.log_lines("dial-out placed").is_empty(), "{why}");
    let listed = line_with(&run, "GET /dial-outs");
    assert!(
        listed.matches("\"status\":\"refused\"").count() == 2 && listed.contains("+441212345678"),
        "both refusals are in the admins' log with the number\n{why}"
    );
}

#[test]
fn a_registering_trunk_registers_with_digest_and_refreshes() {
    let config = r#"
[[outbound_trunk]]
name = "carrier"
proxy = "127.0.0.1:5080"
auth = { method = "register", username = "dialout", password = "dialout-secret", expires = 60 }
caller_id = "organizer-default"
max_concurrent_calls = 4
"#;
    // The registrar scenario grants 60 s and expects the refresh with credentials after
    // about 30 s; the first REGISTER left at startup and is retransmitted until SIPp is up.
    let steps = format!(
        r#"{TOOLS}
far register_uas
"#
    );
    let run = Lab::demo_with_config(config).run(&steps);
    let why = run.context();
    run.assert_passed("far register_uas");
    let registered = run.log_lines("registered");
    assert!(
        registered
            .iter()
            .filter(|l| l.contains("trunk=carrier") && l.contains("expires=60"))
            .count()
            >= 2,
        "registered, then refreshed\n{why}"
    );
}

#[test]
fn the_called_person_presses_1_and_is_heard_in_the_meeting() {
    // "Call me": the organizer is called, asked to press 1, joins as organizer (which
    // starts the meeting) and talks; the meeting's mixer reports them talking.
    let steps = format!(
        r#"{TOOLS}
far dialout_uas_press_1 &
FAR=$!
sleep 0.5
api POST /organizers/1/dial-out '{{"number": "+12015550123", "purpose": "call_me"}}' | tee post.out
wait_for server.log 'invited callee joins the meeting' 20
for _ in $(seq 1 40); do
  api GET /live-meetings > live.out
  grep -q '"talking":true' live.out && break
  sleep 0.25
done
cat live.out
api POST /live-meetings/organizer-1/commands '{{"command":"end"}}'
wait $FAR
dial_out_status "$(reference_of < post.out)" joined
for _ in $(seq 1 25); do
  api GET /meeting-records > records.out
  grep -q organizer-1 records.out && break
  sleep 0.2
done
cat records.out
for _ in $(seq 1 25); do
  api GET '/call-records?direction=outbound' > calls.out
  grep -q '"direction":"outbound"' calls.out && break
  sleep 0.2
done
cat calls.out
"#
    );
    let run = lab().run(&steps);
    let why = run.context();
    run.assert_passed("far dialout_uas_press_1");
    assert!(
        run.log_lines("saying")
            .iter()
            .any(|l| l.contains("prompts=dial-out-invited")),
        "the callee was asked to press 1\n{why}"
    );
    let live = line_with(&run, "GET /live-meetings");
    assert!(
        live.contains("\"role\":\"organizer\"")
            && live.contains("\"in_lobby\":false")
            && live.contains("\"talking\":true"),
        "the callee is in the meeting and heard talking\n{why}"
    );
    assert!(
        line_with(&run, "GET /dial-outs/").contains("\"status\":\"joined\""),
        "{why}"
    );
    let record = line_with(&run, "GET /meeting-records");
    assert!(
        record.contains("\"conference_key\":\"organizer-1\"")
            && record.contains("\"participants_total\":1")
            && record.contains("\"pin_used\":true"),
        "the ended meeting left its record; \"call me\" counts as the organizer's PIN\n{why}"
    );
    let calls = line_with(&run, "GET /call-records");
    assert!(
        calls.contains("\"direction\":\"outbound\"")
            && calls.contains("\"called_number\":\"+12015550123\"")
            && calls.contains("\"country\":\"US\""),
        "the dial-out call has its call detail record\n{why}"
    );
}

#[test]
fn star_0_bridges_the_caller_to_the_operator() {
    let steps = format!(
        r#"{TOOLS}
{MAKE_CALLER}
{CONFERENCE_ID}
api PATCH /organizations/1 '{{"operator_number": "+12015550188"}}'
PIN=$(grep -o 'organizer PIN [0-9][0-9]*' server.log | head -1 | grep -o '[0-9]*$')
far dialout_uas_answer &
FAR=$!
make_caller organizer rfc4733 "pause:1500 keys:1 pause:1500 keys:$ID# pause:2500 keys:* pause:2500 keys:$PIN# pause:8000 keys:*0 pause:6000"
caller organizer 5070 6000
wait $FAR
"#
    );
    let run = lab().run(&steps);
    let why = run.context();
    run.assert_passed("sipp organizer");
    run.assert_passed("far dialout_uas_answer");
    let placed = run.log_lines("dial-out placed");
    assert!(
        placed.len() == 1 && placed[0].contains("to=+12015550188"),
        "the operator's number was called\n{why}"
    );
    assert_eq!(
        run.log_lines("caller bridged to the operator").len(),
        1,
        "{why}"
    );
}
