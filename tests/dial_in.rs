//! The dial-in flow end to end, with SIPp callers pressing RFC 4733 keys (SIPp's own
//! dtmf_2833 captures) against `dialbridge serve --demo`, whose banner names the demo
//! organizer's conference ID and a fresh PIN. Each test runs in its own loopback-only
//! network namespace (see `support`).

#![allow(clippy::unwrap_used)]

mod support;

use support::{scenarios, Lab};

/// Where the demo banner's conference ID and PIN are read from.
const CREDENTIALS: &str = r#"
# The banner may still be being written when the lab sees its first line.
for _ in $(seq 1 100); do grep -q 'organizer PIN [0-9]' server.log && break; sleep 0.05; done
ID=$(grep -o 'conference ID [0-9][0-9]*' server.log | head -1 | grep -o '[0-9]*$')
PIN=$(grep -o 'organizer PIN [0-9][0-9]*' server.log | head -1 | grep -o '[0-9]*$')
echo "conference ID $ID"
"#;

/// A caller script: `$ID` and `$PIN` are replaced by bash when the steps run. Written as a
/// bash function so the scenario is made after the server printed its banner.
const MAKE_SCENARIO: &str = r#"
# make_scenario NAME KEYS_XML END_XML: tests/sipp/uac_keys.xml with the keys filled in.
make_scenario() {
  python3 - "$SCENARIOS/uac_keys.xml" "$LAB/$1.xml" "$2" "$3" <<'PY'
import sys
template, out, keys, end = sys.argv[1:]
open(out, "w").write(open(template).read().replace("@KEYS@", keys).replace("@END@", end))
PY
}
keys_xml() {
  local keys=$1 i key name
  for (( i=0; i<${#keys}; i++ )); do
    key=${keys:$i:1}
    case $key in '*') name=star;; '#') name=pound;; *) name=$key;; esac
    printf '  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_%s.pcap"/></action></nop>\n  <pause milliseconds="350"/>\n' "$name"
  done
}
pause_xml() { printf '  <pause milliseconds="%s"/>\n' "$1"; }
caller() {
  local name=$1 port=$2 media=$3; shift 3
  timeout 120 sipp 127.0.0.1:5060 -sf "$LAB/$name.xml" -s 14155550100 -m 1 -p $port -mp $media \
      -timeout 100 -nostdin -trace_err -trace_msg -message_file "sipp-$name.msg" "$@" \
      > "sipp-$name.out" 2>&1
  echo "sipp $name exit $?"
}
"#;

const HANG_UP: &str = r#"  <send retrans="500">
    <![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:+14155550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>"#;

const HUNG_UP_ON: &str = r#"  <recv request="BYE" timeout="40000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>"#;

/// What a caller does after the call is answered, as a bash word that expands to SIPp
/// XML (so `$ID` and `$PIN` from the banner can be typed).
enum Step<'a> {
    Pause(u32),
    Keys(&'a str),
}

fn script(steps: &[Step]) -> String {
    let words: String = steps
        .iter()
        .map(|step| match step {
            Step::Pause(ms) => format!("$(pause_xml {ms})"),
            Step::Keys(keys) => format!("$(keys_xml \"{keys}\")"),
        })
        .collect();
    format!("\"{words}\"")
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn attendee_waits_in_the_lobby_until_the_organizer_enters_a_wrong_then_the_right_pin_in_french() {
    assert!(scenarios().join("uac_keys.xml").exists());
    let lab = Lab::demo();
    // The attendee keys the ID and waits; the organizer calls later, presses * over the
    // organizer question, types a wrong PIN, then the right one.
    // The demo number offers English (1), Spanish (2) and French (3).
    let attendee_keys = script(&[
        Step::Pause(1500),
        Step::Keys("1"),
        Step::Pause(1500),
        Step::Keys("$ID#"),
        Step::Pause(45_000),
    ]);
    let organizer_keys = script(&[
        Step::Pause(1500),
        Step::Keys("3"),
        Step::Pause(1500),
        Step::Keys("$ID#"),
        Step::Pause(2500),
        Step::Keys("*"),
        Step::Pause(2500),
        Step::Keys("00000#"),
        Step::Pause(5000),
        Step::Keys("$PIN#"),
        Step::Pause(6000),
    ]);
    let steps = format!(
        r#"{MAKE_SCENARIO}
{CREDENTIALS}
make_scenario attendee {attendee} {hang_up}
make_scenario organizer {organizer} {hang_up}
caller attendee 5070 6000 &
ATTENDEE=$!
sleep 16
caller organizer 5072 6100
wait $ATTENDEE
"#,
        attendee = attendee_keys,
        organizer = organizer_keys,
        hang_up = shell_quote(HANG_UP),
    );
    let run = lab.run(&steps);
    let why = run.context();
    run.assert_passed("sipp attendee");
    run.assert_passed("sipp organizer");
    let lobby = run.log_lines("caller waits in the lobby");
    let joins = run.log_lines("caller joins the conference");
    let entries = run.log_lines("IVR done: caller enters the meeting");
    assert_eq!(lobby.len(), 1, "the attendee waited in the lobby\n{why}");
    assert_eq!(entries.len(), 2, "two callers finished the IVR\n{why}");
    assert!(entries[0].contains("Attendee"), "first the attendee\n{why}");
    assert!(
        entries[0].contains("language=en-US"),
        "who chose English\n{why}"
    );
    assert!(
        entries[1].contains("Organizer"),
        "then the organizer, with the PIN\n{why}"
    );
    assert!(
        entries[1].contains("language=fr-FR"),
        "who chose French\n{why}"
    );
    assert_eq!(joins.len(), 2, "both joined the conference\n{why}");
    let position = |line: &str| run.server_log.find(line).unwrap();
    assert!(
        position(lobby[0]) < position(entries[1]),
        "the attendee waited before the organizer came\n{why}"
    );
    assert!(
        joins
            .iter()
            .all(|join| position(join) > position(entries[1])),
        "nobody was in the conference before the organizer entered the PIN\n{why}"
    );
}

#[test]
fn a_wrong_conference_id_three_times_ends_the_call_with_goodbye() {
    let lab = Lab::demo();
    let keys = script(&[
        Step::Pause(1500),
        Step::Keys("1"),
        Step::Pause(1500),
        Step::Keys("9999999#"),
        Step::Pause(4000),
        Step::Keys("9999998#"),
        Step::Pause(4000),
        Step::Keys("9999997#"),
    ]);
    let steps = format!(
        r#"{MAKE_SCENARIO}
{CREDENTIALS}
make_scenario wrong_id {keys} {hung_up_on}
caller wrong_id 5070 6000
"#,
        hung_up_on = shell_quote(HUNG_UP_ON),
    );
    let run = lab.run(&steps);
    let why = run.context();
    run.assert_passed("sipp wrong_id");
    assert_eq!(
        run.log_lines("IVR ends the call").len(),
        1,
        "the IVR hung up\n{why}"
    );
    assert!(
        run.log_lines("TooManyConferenceIdAttempts").len() == 1,
        "for too many attempts\n{why}"
    );
    assert!(run.log_lines("IVR done").is_empty(), "nobody joined\n{why}");
}
