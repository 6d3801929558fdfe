"""Janus AudioBridge as the side-by-side anchor: started with the config templates in
janus/, rooms made and plain-RTP participants joined over its HTTP API. Runs inside the
window's loopback-only namespace (Janus guesses its address from the interfaces)."""

import json
import os
import random
import shutil
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
HTTP_PORT = 8088
RTP_PORTS = (20000, 39999)
PACER_PORT_BASE = 50000  # participant i receives on PACER_PORT_BASE + 2 i
PLUGIN = "janus.plugin.audiobridge"


class Janus:
    def __init__(self, work: str):
        self.work = work
        self.configs = os.path.join(work, "janus-conf")
        self.process = None
        self.session = None
        self.handles = []
        self.probe = {}

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self, _plan=None):
        os.makedirs(self.configs, exist_ok=True)
        for name in os.listdir(os.path.join(HERE, "janus")):
            with open(os.path.join(HERE, "janus", name)) as template:
                text = template.read()
            text = (text.replace("@CONFIGS@", self.configs)
                    .replace("@RTP_PORTS@", f"{RTP_PORTS[0]}-{RTP_PORTS[1]}")
                    .replace("@HTTP_PORT@", str(HTTP_PORT)))
            with open(os.path.join(self.configs, name), "w") as out:
                out.write(text)
        log = open(os.path.join(self.work, "janus.log"), "w")
        self.process = subprocess.Popen(
            [shutil.which("janus") or "janus", "-F", self.configs, "-o"],
            stdout=log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                self._post("", {"janus": "info"})
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("janus did not open its HTTP API; see janus.log")

    def _post(self, path: str, body: dict) -> dict:
        body = dict(body, transaction=f"t{random.getrandbits(48)}")
        request = urllib.request.Request(
            f"http://127.0.0.1:{HTTP_PORT}/janus{path}", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def _poll(self) -> list:
        url = f"http://127.0.0.1:{HTTP_PORT}/janus/{self.session}?maxev=100"
        with urllib.request.urlopen(url, timeout=40) as answer:
            events = json.load(answer)
        return events if isinstance(events, list) else [events]

    def join(self, plan) -> list[dict]:
        """Creates one room per conference and joins every participant of the plan as a
        plain-RTP PCMU participant; returns, per participant, the local port it must send
        from and the Janus port it must send to."""
        self.session = self._post("", {"janus": "create"})["data"]["id"]
        members = plan.members()
        if PACER_PORT_BASE + 2 * len(members) > 65535:
            raise RuntimeError(f"at most {(65535 - PACER_PORT_BASE) // 2} Janus participants")
        for _ in members:
            attached = self._post(f"/{self.session}", {"janus": "attach", "plugin": PLUGIN})
            self.handles.append(attached["data"]["id"])
        for conference in range(plan.conferences):
            created = self._post(f"/{self.session}/{self.handles[0]}", {"janus": "message", "body": {
                "request": "create", "room": 1000 + conference, "sampling_rate": 8000,
                "allow_rtp_participants": True, "audiolevel_event": False,
                "audiolevel_ext": False, "record": False}})
            data = created.get("plugindata", {}).get("data", {})
            if data.get("audiobridge") != "created":
                raise RuntimeError(f"room create failed: {created}")
        by_handle = {}
        for member, handle in zip(members, self.handles):
            port = PACER_PORT_BASE + 2 * member.index
            by_handle[handle] = member
            self._post(f"/{self.session}/{handle}", {"janus": "message", "body": {
                "request": "join", "room": 1000 + member.conference, "display": f"p{member.index}",
                "codec": "pcmu", "muted": False,
                "rtp": {"ip": "127.0.0.1", "port": port, "payload_type": 0}}})
        joined = {}
        deadline = time.monotonic() + 30 + len(members) / 20
        while len(joined) < len(members) and time.monotonic() < deadline:
            for event in self._poll():
                data = event.get("plugindata", {}).get("data", {})
                handle = event.get("sender")
                if data.get("audiobridge") == "joined" and "rtp" in data and handle in by_handle:
                    joined[handle] = data["rtp"]["port"]
                elif data.get("error"):
                    raise RuntimeError(f"join failed: {event}")
        participants = []
        for handle, member in by_handle.items():
            if handle in joined:
                local_port = PACER_PORT_BASE + 2 * member.index
                participants.append({"local_port": local_port,
                                     "remote_port": joined[handle], "audio": member.audio})
                if member.probe:
                    self.probe[member.probe] = local_port
        return participants

    def capture_filter(self) -> str:
        return (f"udp and src portrange {RTP_PORTS[0]}-{RTP_PORTS[1]} "
                f"and dst portrange {PACER_PORT_BASE}-65535")

    def counters(self) -> dict:
        return {}

    def inbound_filter(self) -> str:
        return (f"udp and dst portrange {RTP_PORTS[0]}-{RTP_PORTS[1]} "
                f"and src portrange {PACER_PORT_BASE}-65535")

    def probe_filter(self) -> str:
        source, sink = self.probe_ports()
        return f"udp and (src port {source} or dst port {sink})"

    def probe_ports(self) -> tuple[int, int]:
        return self.probe.get("source", 0), self.probe.get("sink", 0)

    def version(self) -> str:
        try:
            info = self._post("", {"janus": "info"})
            return f"Janus {info.get('version_string', '?')}"
        except OSError:
            return "Janus ?"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
