//! A loopback-only lab for integration tests: `dialbridge serve` and real peers (SIPp,
//! Python sockets) run together inside a fresh network namespace (`unshare -n`), so
//! messages that name other hosts can never leave the machine, and every test can use
//! the standard ports without colliding with another test.
//!
//! Peers available to the steps: SIPp (`sipp_run`) and baresip softphones
//! (`baresip_start`, `baresip_cmd`, `baresip_stop`, configured with [`Lab::add_baresip`]).

#![allow(dead_code, clippy::unwrap_used)]

pub mod audio;
pub mod scripts;

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
    /// `None`: the server runs as a newcomer first starts it, `serve --demo` and nothing else.
    config: Option<String>,
    ipv6: bool,
    /// `serve --demo` with the config file too (`Lab::demo_with_config`).
    demo_with_config: bool,
}

pub struct LabRun {
    pub output: String,
    pub server_log: String,
    pub exit_ok: bool,
}

impl LabRun {
    /// The lab's output and the server log, for assertion messages.
    pub fn context(&self) -> String {
        format!(
            "--- lab output ---\n{}\n--- server log ---\n{}",
            self.output, self.server_log
        )
    }

    /// Lines of the server log that contain `text`, in order.
    pub fn log_lines(&self, text: &str) -> Vec<&str> {
        self.server_log
            .lines()
            .filter(|line| line.contains(text))
            .collect()
    }

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
        let last = self.healths().len().checked_sub(1);
        let last = last.unwrap_or_else(|| panic!("no health output in:\n{}", self.output));
        self.health_at(last, field)
    }

    /// Every /healthz answer printed by `health`, in order (for checks during a call).
    pub fn healths(&self) -> Vec<serde_json::Value> {
        self.output
            .lines()
            .filter(|l| l.starts_with("{\""))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// A numeric field of the `index`th /healthz answer (0 is the first `health` step).
    pub fn health_at(&self, index: usize, field: &str) -> u64 {
        let all = self.healths();
        let json = all
            .get(index)
            .unwrap_or_else(|| panic!("no health output #{index} in:\n{}", self.output));
        json[field]
            .as_u64()
            .unwrap_or_else(|| panic!("no {field} in {json}"))
    }
}

/// A baresip softphone for the lab: its config dir is `<lab>/<name>/`, its log
/// `<lab>/<name>.log`, the ctrl_tcp events it reports `<lab>/<name>.events`.
pub struct Baresip {
    pub name: String,
    pub sip_port: u16,
    pub ctrl_port: u16,
    /// Codec modules in the order baresip offers them, e.g. `["g711"]`.
    pub codec_modules: Vec<String>,
    /// The account's `audio_codecs` parameter (what it may offer), or all loaded codecs.
    pub audio_codecs: Option<String>,
    /// The WAV it plays as its microphone: a tone, then silence; it hangs up at the end.
    pub wav: Tone,
    /// Record what it hears to `<lab>/<name>/dump-*-dec.wav` (baresip's sndfile module).
    pub record: bool,
    /// The account's `mediaenc` (e.g. `srtp-mand`: SDES-SRTP only, RTP/SAVP).
    pub media_encryption: Option<String>,
}

/// A tone (440 Hz unless set) followed by silence, in the rate and channel count the codec
/// runs at (baresip's aufile does not resample).
#[derive(Clone, Copy)]
pub struct Tone {
    pub frequency: f64,
    pub rate: u32,
    pub channels: u16,
    pub tone_ms: u32,
    pub silence_ms: u32,
}

impl Baresip {
    /// A PCMU-only phone on 127.0.0.1:5080 (ctrl_tcp on 4444) whose file lasts 30 s,
    /// longer than any test, so only the test hangs up.
    pub fn pcmu(name: &str) -> Self {
        Baresip {
            name: name.to_owned(),
            sip_port: 5080,
            ctrl_port: 4444,
            codec_modules: vec!["g711".to_owned()],
            audio_codecs: Some("PCMU".to_owned()),
            record: false,
            media_encryption: None,
            wav: Tone {
                frequency: 440.0,
                rate: 8000,
                channels: 1,
                tone_ms: 3000,
                silence_ms: 27_000,
            },
        }
    }
}

impl Tone {
    /// 16-bit PCM WAV bytes; written here so the tests need no sox.
    pub fn wav_bytes(&self) -> Vec<u8> {
        let frames = |ms: u32| u64::from(self.rate) * u64::from(ms) / 1000;
        let channels = usize::from(self.channels);
        let mut samples = Vec::new();
        for n in 0..frames(self.tone_ms) {
            let t = n as f64 / f64::from(self.rate);
            let value = (0.3
                * f64::from(i16::MAX)
                * (2.0 * std::f64::consts::PI * self.frequency * t).sin())
                as i16;
            samples.extend(std::iter::repeat_n(value, channels));
        }
        samples.extend(std::iter::repeat_n(
            0i16,
            frames(self.silence_ms) as usize * channels,
        ));
        let data_len = u32::try_from(samples.len() * 2).unwrap();
        let block_align = self.channels * 2;
        let mut out = Vec::with_capacity(44 + samples.len() * 2);
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&(36 + data_len).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes()); // PCM
        out.extend_from_slice(&self.channels.to_le_bytes());
        out.extend_from_slice(&self.rate.to_le_bytes());
        out.extend_from_slice(&(self.rate * u32::from(block_align)).to_le_bytes());
        out.extend_from_slice(&block_align.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(b"data");
        out.extend_from_slice(&data_len.to_le_bytes());
        for sample in samples {
            out.extend_from_slice(&sample.to_le_bytes());
        }
        out
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
            config: Some(config.to_owned()),
            ipv6: false,
            demo_with_config: false,
        }
    }

    /// SIP on `[::1]:5060` instead of `127.0.0.1:5060`; SIPp calls over IPv6 too.
    pub fn ipv6(mut self) -> Self {
        self.ipv6 = true;
        self
    }

    /// A lab whose server is started exactly as the README tells a newcomer:
    /// `dialbridge serve --demo`, no config file, no other flags, default ports
    /// (SIP 0.0.0.0:5060, HTTP 127.0.0.1:8080, RTP 20000-30000, data in ./data).
    pub fn demo() -> Self {
        let mut lab = Self::with_config("");
        lab.config = None;
        lab
    }

    /// `serve --demo --config <config>`: the demo's organization, organizer and banner,
    /// plus what the config adds (outbound trunks, say).
    pub fn demo_with_config(config: &str) -> Self {
        let mut lab = Self::with_config(config);
        lab.demo_with_config = true;
        lab
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A file the run left in the lab directory (peer logs, events), or "" if none.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap_or_default()
    }

    /// Writes a baresip config dir, account and WAV for `baresip_start NAME`.
    pub fn add_baresip(&self, phone: &Baresip) {
        let dir = self.path().join(&phone.name);
        std::fs::create_dir_all(&dir).unwrap();
        let wav = dir.join("source.wav");
        std::fs::write(&wav, phone.wav.wav_bytes()).unwrap();
        let template = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/baresip/config"),
        )
        .unwrap();
        let modules: Vec<String> = phone
            .codec_modules
            .iter()
            .map(|m| format!("module\t\t\t{m}.so"))
            .collect();
        let config = template
            .replace("@SIP_PORT@", &phone.sip_port.to_string())
            .replace("@CTRL_PORT@", &phone.ctrl_port.to_string())
            .replace("@WAV@", wav.to_str().unwrap())
            .replace("@CODEC_MODULES@", &modules.join("\n"))
            .replace(
                "@RECORD@",
                &if phone.record {
                    format!("module\t\t\tsndfile.so\nsnd_path\t\t{}", dir.display())
                } else {
                    String::new()
                },
            );
        std::fs::write(dir.join("config"), config).unwrap();
        // regint=0: no registrar, it calls the server directly. answermode=auto keeps it
        // from waiting for a human should anything call it.
        let mut account = format!(
            "<sip:{}@127.0.0.1:{}>;regint=0;answermode=auto",
            phone.name, phone.sip_port
        );
        if let Some(codecs) = &phone.audio_codecs {
            account.push_str(&format!(";audio_codecs={codecs}"));
        }
        if let Some(encryption) = &phone.media_encryption {
            account.push_str(&format!(";mediaenc={encryption}"));
        }
        std::fs::write(dir.join("accounts"), account + "\n").unwrap();
        std::fs::write(dir.join("ctrl_port"), phone.ctrl_port.to_string()).unwrap();
    }

    /// Starts the server, runs `steps` (bash, with helpers `sipp_run NAME [ARGS]`,
    /// `health`, `server_pid`, `wait_for FILE TEXT [SECS]`, the `baresip_*` ones and
    /// `kamailio_start NAME ADDR NEXT_HOP`), stops the server with SIGTERM and checks it
    /// exits 0, then stops any phone or proxy left.
    pub fn run(&self, steps: &str) -> LabRun {
        let start = match &self.config {
            Some(config) if self.demo_with_config => {
                std::fs::write(self.path().join("dialbridge.toml"), config).unwrap();
                r#"
"$DIALBRIDGE" --log debug serve --demo --config dialbridge.toml > server.log 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do
  grep -q 'dialbridge demo is running' server.log && break
  sleep 0.05
done
"#
            }
            Some(config) => {
                std::fs::write(self.path().join("dialbridge.toml"), config).unwrap();
                r#"
"$DIALBRIDGE" --log debug serve --config dialbridge.toml --sip-listen "$SIP_ADDRESS" \
    --http-listen 127.0.0.1:8080 --rtp-ports 20000-20099 --data-dir "$LAB/data" > server.log 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do
  ss -ltn 2>/dev/null | grep -qF "$SIP_ADDRESS " && break
  sleep 0.05
done
"#
            }
            // The banner is printed once SIP and HTTP are bound: it is the newcomer's
            // "ready" signal, so it is ours too.
            None => {
                r#"
"$DIALBRIDGE" serve --demo > server.log 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do
  grep -q 'dialbridge demo is running' server.log && break
  sleep 0.05
done
"#
            }
        };
        let script = format!(
            r#"
set -u
ip link set lo up
cd "$LAB"
BARESIPS=""
{start}
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
# SIPP_REMOTE (default: the server's SIP address) is where SIPp sends, e.g. a proxy.
sipp_run() {{
  local name=$1; shift
  timeout 60 sipp "${{SIPP_REMOTE:-$SIP_ADDRESS}}" $SIPP_LOCAL -sf "$SCENARIOS/$name.xml" -s 15550100 -m 1 -p 5070 \
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
wait_for() {{
  local file=$1 text=$2 secs=${{3:-10}}
  for _ in $(seq 1 $((secs * 20))); do
    if grep -qF -- "$text" "$file" 2>/dev/null; then echo "wait_for $text exit 0"; return 0; fi
    sleep 0.05
  done
  echo "wait_for $text exit 1"
  return 1
}}
baresip_start() {{
  local name=$1 port
  port=$(cat "$LAB/$name/ctrl_port")
  # timeout: a phone a failed step forgot cannot outlive the test.
  timeout 60 baresip -f "$LAB/$name" > "$LAB/$name.log" 2>&1 &
  echo $! > "$LAB/$name/pid"
  BARESIPS="$BARESIPS $!"
  for _ in $(seq 1 100); do
    ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
    sleep 0.05
  done
  # ctrl_tcp serves one connection at a time (a new one replaces the old), so one
  # connection stays open: commands are written to it, and everything it answers
  # (responses and call events) is recorded in NAME.events.
  local fd
  exec {{fd}}<>/dev/tcp/127.0.0.1/$port
  echo $fd > "$LAB/$name/fd"
  cat <&$fd > "$LAB/$name.events" &
}}
BARESIP_TOKEN=0
baresip_cmd() {{
  local name=$1 command=$2 params=${{3:-}} fd json token status=1
  fd=$(cat "$LAB/$name/fd")
  BARESIP_TOKEN=$((BARESIP_TOKEN + 1))
  token="$command-$BARESIP_TOKEN"
  json="{{\"command\":\"$command\",\"params\":\"$params\",\"token\":\"$token\"}}"
  printf '%d:%s,' ${{#json}} "$json" >&$fd
  local reply
  for _ in $(seq 1 100); do
    reply=$(grep -oE "\"ok\":(true|false),[^{{}}]*\"token\":\"$token\"" "$LAB/$name.events")
    if [ -n "$reply" ]; then
      [[ $reply == '"ok":true'* ]] && status=0
      break
    fi
    sleep 0.05
  done
  echo "baresip $name $command exit $status"
}}
baresip_stop() {{
  local pid
  pid=$(cat "$LAB/$1/pid")
  kill -TERM $pid 2>/dev/null
  wait $pid 2>/dev/null
}}
{steps}
kill -TERM $SERVER 2>/dev/null
wait $SERVER
echo "server exit $?"
for pid in $BARESIPS; do kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; done
for pid in $KAMAILIO_PIDS; do kill -TERM $pid 2>/dev/null; wait $pid; done
"#
        );
        let mut command = Command::new("unshare");
        // The operator's own DIALBRIDGE_* settings would change what the server runs with.
        for (key, _) in std::env::vars() {
            if key.starts_with("DIALBRIDGE_") {
                command.env_remove(key);
            }
        }
        let output = command
            .args(["-n", "bash", "-c", &script])
            .env("LAB", self.path())
            .env(
                "SIP_ADDRESS",
                if self.ipv6 {
                    "[::1]:5060"
                } else {
                    "127.0.0.1:5060"
                },
            )
            .env("SIPP_LOCAL", if self.ipv6 { "-i ::1" } else { "" })
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
