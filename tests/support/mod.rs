//! A loopback-only lab for integration tests: `dialbridge serve` and real peers (SIPp,
//! Python sockets) run together inside a fresh network namespace (`unshare -n`), so
//! messages that name other hosts can never leave the machine, and every test can use
//! the standard ports without colliding with another test.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const DIALBRIDGE: &str = env!("CARGO_BIN_EXE_dialbridge");

pub fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp")
}

pub fn torture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/sip-torture/rfc4475")
}

pub fn kamailio_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kamailio/proxy.cfg")
}

pub struct Lab {
    dir: tempfile::TempDir,
    config: String,
}

pub struct LabRun {
    pub output: String,
    pub server_log: String,
    pub exit_ok: bool,
}

impl LabRun {
    /// Asserts that a step printed `<what> exit 0`.
    pub fn assert_passed(&self, what: &str) {
        let line = format!("{what} exit 0");
        assert!(
            self.output.lines().any(|l| l.trim() == line),
            "{what} did not pass.\n--- lab output ---\n{}\n--- server log ---\n{}",
            self.output,
            self.server_log
        );
    }

    /// The value of a numeric field in the last /healthz answer printed by `health`.
    pub fn health(&self, field: &str) -> u64 {
        let json = self
            .output
            .lines()
            .rfind(|l| l.starts_with("{\""))
            .unwrap_or_else(|| panic!("no health output in:\n{}", self.output));
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        value[field]
            .as_u64()
            .unwrap_or_else(|| panic!("no {field} in {json}"))
    }
}

impl Lab {
    /// A lab whose server trusts loopback through one trunk.
    pub fn new() -> Self {
        Self::with_config(
            r#"
[[trunk]]
name = "loopback"
sources = ["127.0.0.0/8"]
default_country = "US"
"#,
        )
    }

    pub fn with_config(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        // Three seconds of mu-law silence (0xFF) for SIPp's rtp_stream.
        std::fs::write(dir.path().join("caller-audio.ulaw"), vec![0xFFu8; 24_000]).unwrap();
        Lab {
            dir,
            config: config.to_owned(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Starts the server, runs `steps` (bash, with helpers `sipp_run NAME [ARGS]`,
    /// `health`, `server_pid` and `kamailio_start NAME ADDR NEXT_HOP`), stops the server with SIGTERM and checks it exits 0.
    pub fn run(&self, steps: &str) -> LabRun {
        std::fs::write(self.path().join("dialbridge.toml"), &self.config).unwrap();
        let script = format!(
            r#"
set -u
ip link set lo up
cd "$LAB"
"$DIALBRIDGE" --log debug serve --config dialbridge.toml --sip-listen 127.0.0.1:5060 \
    --http-listen 127.0.0.1:8080 --rtp-ports 20000-20099 --data-dir "$LAB/data" > server.log 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do
  ss -ltn 2>/dev/null | grep -q '127.0.0.1:5060 ' && break
  sleep 0.05
done
KAMAILIO_PIDS=""
# kamailio_start NAME ADDR NEXT_HOP [KAMAILIO ARGS]: a record-routing proxy
# (tests/kamailio/proxy.cfg) on ADDR:5060 (UDP and TCP) that sends new INVITEs to NEXT_HOP
# (a SIP URI); log in kamailio-NAME.log; further arguments go to kamailio (e.g. -A X=1).
# It is stopped after the server, so it still relays the BYEs the server sends on SIGTERM.
kamailio_start() {{
  local name=$1 addr=$2 next=$3
  shift 3
  mkdir -p "$LAB/kamailio-$name"
  kamailio -f "$KAMAILIO_CFG" -E -DD -m 32 -M 4 -Y "$LAB/kamailio-$name" -w "$LAB/kamailio-$name" \
      -l "udp:$addr:5060" -l "tcp:$addr:5060" -A "NEXT_HOP=\"$next\"" -A "MY_ADDR=$addr" "$@" > "kamailio-$name.log" 2>&1 &
  KAMAILIO_PIDS="$KAMAILIO_PIDS $!"
  for _ in $(seq 1 200); do
    ss -lun 2>/dev/null | grep -q "$addr:5060 " && break
    sleep 0.05
  done
  ss -lun 2>/dev/null | grep -q "$addr:5060 " && echo "kamailio $name exit 0" || cat "kamailio-$name.log"
}}
# SIPP_REMOTE (default 127.0.0.1:5060, the server) is where SIPp sends, e.g. a proxy.
sipp_run() {{
  local name=$1; shift
  timeout 60 sipp "${{SIPP_REMOTE:-127.0.0.1:5060}}" -sf "$SCENARIOS/$name.xml" -s 15550100 -m 1 -p 5070 \
      -timeout 30 -nostdin -trace_err -trace_msg -message_file "sipp-$name.msg" "$@" \
      > "sipp-$name.out" 2>&1
  local status=$?
  echo "sipp $name exit $status"
  if [ $status -ne 0 ]; then cat "sipp-$name.msg" 2>/dev/null | tail -60; cat *_errors.log 2>/dev/null | tail -20; echo; fi
}}
health() {{
  echo
  exec 3<>/dev/tcp/127.0.0.1/8080
  printf 'GET /healthz HTTP/1.0\r\nHost: lab\r\n\r\n' >&3
  sed -n '/^{{/p' <&3
  echo
  exec 3<&-
}}
server_pid() {{ echo $SERVER; }}
{steps}
kill -TERM $SERVER 2>/dev/null
wait $SERVER
echo "server exit $?"
for pid in $KAMAILIO_PIDS; do kill -TERM $pid 2>/dev/null; wait $pid; done
"#
        );
        let output = Command::new("unshare")
            .args(["-n", "bash", "-c", &script])
            .env("LAB", self.path())
            .env("DIALBRIDGE", DIALBRIDGE)
            .env("SCENARIOS", scenarios())
            .env("TORTURE", torture_dir())
            .env("KAMAILIO_CFG", kamailio_config())
            .output()
            .expect(
                "cannot run unshare: integration tests need util-linux and root (scripts/test)",
            );
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        assert!(
            !text.contains("unshare: unshare failed"),
            "cannot create a network namespace; run the tests as root (scripts/test does):\n{text}"
        );
        let server_log =
            std::fs::read_to_string(self.path().join("server.log")).unwrap_or_default();
        let run = LabRun {
            exit_ok: output.status.success(),
            output: text,
            server_log,
        };
        run.assert_passed("server");
        run
    }
}
