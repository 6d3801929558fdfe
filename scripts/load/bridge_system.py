"""dialbridge as the system under test: `dialbridge serve` with a trunk for loopback and,
when the binary supports it, a `[[direct_conference]]` route per conference, so SIPp
callers land straight in their meeting. Without that route (binaries before the mixer)
calls are only answered and their RTP drained, and the figures say so."""

import glob
import json
import os
import urllib.request
import subprocess
import time

from plan import conference_number

HERE = os.path.dirname(os.path.abspath(__file__))
SIP_PORT = 5060
RTP_PORTS = (20000, 39999)
# SIPp 3.6 sends and receives every call's RTP on one port (-mp) and streams one file per
# scenario, so each kind of participant is its own SIPp process with its own port: talkers,
# listeners, and the latency probe's source (tone bursts) and sink (a listener).
# SIPp binds the port and the one 2 above (for video), so they are 4 apart.
SIPP_MEDIA_PORTS = {"talkers": 40000, "listeners": 40004, "source": 40008, "sink": 40012}
SIPP_SIGNALLING_PORTS = {"talkers": 5070, "listeners": 5072, "source": 5074, "sink": 5076}
AUDIO_BY_GROUP = {"talkers": "speech", "listeners": "silence", "source": "impulse", "sink": "silence"}


def group_of(member) -> str:
    if member.probe:
        return member.probe
    return "talkers" if member.talker else "listeners"

TRUNK = """[[trunk]]
name = "load"
sources = ["127.0.0.0/8"]
default_country = "US"
"""


def direct_section(conference: int) -> str:
    return (f'\n[[direct_conference]]\nnumber = "{conference_number(conference)}"\n'
            f'conference = "bench-{conference + 1}"\n')


def supports_direct_routes(binary: str, work: str) -> bool:
    """Whether this binary knows `[[direct_conference]]`: older ones refuse unknown keys, so
    `dialbridge config` on a file holding one fails. DIALBRIDGE_BENCH_DIRECT=1/0 overrides."""
    forced = os.environ.get("DIALBRIDGE_BENCH_DIRECT")
    if forced in ("0", "1"):
        return forced == "1"
    probe = os.path.join(work, "probe.toml")
    with open(probe, "w") as f:
        f.write(TRUNK + direct_section(0))
    checked = subprocess.run([binary, "--log", "error", "config", "--config", probe,
                              "--data-dir", os.path.join(work, "probe-data")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return checked.returncode == 0


def version(binary: str) -> str:
    """`dialbridge --version` plus the last commit that changed what the binary is built
    from (this checkout's Rust sources), so figures name the code they measured."""
    shown = subprocess.run([binary, "--version"], capture_output=True, text=True)
    label = shown.stdout.strip() or "dialbridge ?"
    repo = os.path.dirname(os.path.dirname(HERE))
    commit = subprocess.run(
        ["git", "-C", repo, "log", "-1", "--format=%h", "--", "src", "crates", "Cargo.toml", "Cargo.lock"],
        capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", repo, "status", "--porcelain", "--", "src", "crates", "Cargo.toml", "Cargo.lock"],
        capture_output=True, text=True).stdout.strip()
    if commit:
        label += f" @ {commit}{'+changes' if dirty else ''}"
    return label


class Bridge:
    def __init__(self, binary: str, work: str, direct: bool, audio_files: dict):
        self.binary = binary
        self.work = work
        self.direct = direct
        self.audio = {group: audio_files[kind] for group, kind in AUDIO_BY_GROUP.items()}
        self.process = None
        self.callers = {}

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self, plan):
        config = os.path.join(self.work, "dialbridge.toml")
        with open(config, "w") as f:
            f.write(TRUNK)
            if self.direct:
                for conference in range(plan.conferences):
                    f.write(direct_section(conference))
        log = open(os.path.join(self.work, "dialbridge.log"), "w")
        self.process = subprocess.Popen(
            [self.binary, "--log", "warn", "serve", "--config", config,
             "--sip-listen", f"127.0.0.1:{SIP_PORT}", "--http-listen", "127.0.0.1:8080",
             "--rtp-ports", f"{RTP_PORTS[0]}-{RTP_PORTS[1]}",
             "--data-dir", os.path.join(self.work, "data")],
            stdout=log, stderr=subprocess.STDOUT)
        for _ in range(100):
            if self._listening():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("dialbridge did not start; see dialbridge.log")

    def _listening(self) -> bool:
        shown = subprocess.run(["ss", "-Hlun", f"sport = :{SIP_PORT}"], capture_output=True, text=True)
        return bool(shown.stdout.strip())

    def join(self, plan, hold_s: float) -> int:
        """Places every participant's call (talkers and listeners from two SIPp processes)
        and waits until each is answered; returns how many were."""
        groups = {group: [m for m in plan.members() if group_of(m) == group]
                  for group in SIPP_MEDIA_PORTS}
        rate = max(50, min(200, plan.participants // 10))
        for group, members in groups.items():
            if not members:
                continue
            directory = os.path.join(self.work, f"sipp-{group}")
            os.makedirs(directory, exist_ok=True)
            with open(os.path.join(HERE, "sipp", "caller.xml")) as template:
                scenario = template.read().replace("@AUDIO_FILE@", self.audio[group])
            with open(os.path.join(directory, "caller.xml"), "w") as f:
                f.write(scenario)
            with open(os.path.join(directory, "numbers.csv"), "w") as f:
                f.write("SEQUENTIAL\n")
                for member in members:
                    f.write(conference_number(member.conference) + "\n")
            self.callers[group] = subprocess.Popen(
                ["sipp", f"127.0.0.1:{SIP_PORT}", "-sf", "caller.xml", "-inf", "numbers.csv",
                 "-i", "127.0.0.1", "-p", str(SIPP_SIGNALLING_PORTS[group]),
                 "-mp", str(SIPP_MEDIA_PORTS[group]),
                 "-m", str(len(members)), "-l", str(len(members)), "-r", str(rate),
                 "-d", str(int(hold_s * 1000)), "-rtp_threadtasks", "64",
                 "-nostdin", "-trace_err", "-trace_rtt", "-rtt_freq", "1"],
                cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15 + plan.participants / rate
        answered = 0
        while time.monotonic() < deadline:
            answered = self._answered()
            if answered >= plan.participants:
                break
            time.sleep(0.25)
        return answered

    def _answered(self) -> int:
        """200 OKs SIPp received so far: one response-time line per answered call."""
        total = 0
        for path in glob.glob(os.path.join(self.work, "sipp-*", "*_rtt.csv")):
            with open(path) as f:
                total += max(0, sum(1 for _ in f) - 1)
        return total

    def capture_filter(self) -> str:
        ports = " or ".join(f"dst port {port}" for port in SIPP_MEDIA_PORTS.values())
        return f"udp and src portrange {RTP_PORTS[0]}-{RTP_PORTS[1]} and ({ports})"

    def counters(self) -> dict:
        """dialbridge's own media counters from /healthz (packets, ticks, late ticks), as a
        cross-check of the capture; empty when this binary has none."""
        try:
            with urllib.request.urlopen("http://127.0.0.1:8080/healthz", timeout=5) as answer:
                health = json.load(answer)
        except (OSError, ValueError):
            return {}
        return {key: value for key, value in health.items()
                if isinstance(value, int) and (key.startswith(("rtp_packets", "media_")) or key == "active_calls")}

    def inbound_filter(self) -> str:
        """What the participants send to dialbridge, to check they kept up their 50 a second."""
        ports = " or ".join(f"src port {port}" for port in SIPP_MEDIA_PORTS.values())
        return f"udp and dst portrange {RTP_PORTS[0]}-{RTP_PORTS[1]} and ({ports})"

    def probe_filter(self) -> str:
        """The latency probe: what the source sends and what the sink receives, whole."""
        return f"udp and (src port {SIPP_MEDIA_PORTS['source']} or dst port {SIPP_MEDIA_PORTS['sink']})"

    def probe_ports(self) -> tuple[int, int]:
        return SIPP_MEDIA_PORTS["source"], SIPP_MEDIA_PORTS["sink"]

    def stop(self):
        for caller in self.callers.values():
            if caller.poll() is None:
                caller.terminate()
        for caller in self.callers.values():
            try:
                caller.wait(timeout=10)
            except subprocess.TimeoutExpired:
                caller.kill()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
