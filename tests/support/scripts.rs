//! Bash for lab steps that several test files share.

/// Where the demo banner's conference ID is read from.
pub const CONFERENCE_ID: &str = r#"
wait_for server.log 'organizer PIN' 5
ID=$(grep -o 'conference ID [0-9][0-9]*' server.log | head -1 | grep -o '[0-9]*$')
echo "conference ID $ID"
"#;

/// `make_caller NAME HOW SCRIPT`: a caller scenario from tests/sipp/uac_keys.xml. SCRIPT is
/// words `pause:MS` and `keys:KEYS`; HOW says how keys are sent: `rfc4733` (SIPp's
/// dtmf_2833 captures) or `info` (one SIP INFO `application/dtmf-relay` per key, each
/// with its own CSeq, while silence streams as RTP). The caller hangs up at the end.
/// `caller NAME PORT MEDIA_PORT` runs it.
pub const MAKE_CALLER: &str = r##"
make_caller() {
  python3 - "$SCENARIOS/uac_keys.xml" "$LAB/$1.xml" "$2" "$3" <<'PY'
import sys
template, out, how, script = sys.argv[1:]
party = """From: "Caller" <sip:+14155550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]"""
def request(method, cseq, extra="", body=""):
    return f"""  <send retrans="500">
    <![CDATA[
      {method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      {party}
      CSeq: {cseq} {method}
      Contact: <sip:+14155550100@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
{extra}      Content-Length: [len]
{body}
    ]]>
  </send>
  <recv response="200" crlf="true"/>
"""
def key_name(key):
    return {"*": "star", "#": "pound"}.get(key, key)
cseq = 1
xml = ""
if how == "info":
    xml += '  <nop><action><exec rtp_stream="caller-audio.ulaw,-1,0"/></action></nop>\n'
for word in script.split():
    kind, value = word.split(":", 1)
    if kind == "pause":
        xml += f'  <pause milliseconds="{value}"/>\n'
        continue
    for key in value:
        if how == "info":
            cseq += 1
            xml += request("INFO", cseq, "      Content-Type: application/dtmf-relay\n",
                           f"\n      Signal={key}\n      Duration=160")
        else:
            xml += f'  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_{key_name(key)}.pcap"/></action></nop>\n'
        xml += '  <pause milliseconds="350"/>\n'
end = request("BYE", cseq + 1)
open(out, "w").write(open(template).read().replace("@KEYS@", xml).replace("@END@", end))
PY
}
caller() {
  local name=$1 port=$2 media=$3; shift 3
  timeout 60 sipp 127.0.0.1:5060 -sf "$LAB/$name.xml" -s 14155550100 -m 1 -p $port -mp $media \
      -timeout 50 -nostdin -trace_err -trace_msg -message_file "sipp-$name.msg" "$@" \
      > "sipp-$name.out" 2>&1
  local status=$?
  echo "sipp $name exit $status"
  if [ $status -ne 0 ]; then tail -60 "sipp-$name.msg"; cat *_errors.log 2>/dev/null | tail -20; fi
}
"##;

/// `live_json METHOD PATH [BODY]`: the REST API with the lab's platform-admin token.
pub const LIVE_API: &str = r#"
printf 'correct horse battery staple\n' | "$DIALBRIDGE" admin --data-dir "$LAB/data" \
    accounts create --email ops@example.com --role platform-admin --password-stdin > /dev/null
TOKEN=$("$DIALBRIDGE" admin --data-dir "$LAB/data" --json tokens create --account 1 --name lab \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
live_json() {
  python3 - "$TOKEN" "$@" <<'PY'
import json, sys, urllib.request
token, method, path = sys.argv[1:4]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
request = urllib.request.Request("http://127.0.0.1:8080/api/v1" + path, method=method, data=body,
    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
with urllib.request.urlopen(request) as answer:
    print(method, path, answer.status, answer.read().decode())
PY
}
"#;
