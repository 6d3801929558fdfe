"""One measurement window for one system, run inside its own loopback-only network
namespace (`unshare -n python3 window.py SPEC.json`): start the system, bring every
participant in, let media settle, then count the system's CPU time, memory and the frames
it sends back over the window. Prints the result as one JSON object."""

import json
import os
import subprocess
import sys
import time

import procstat
import rtp_capture
from bridge_system import Bridge
from janus_system import Janus
from plan import Plan

HERE = os.path.dirname(os.path.abspath(__file__))
WARMUP_S = 3.0  # jitter buffers fill and the mixers settle before counting starts


def run(spec: dict) -> dict:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    plan = Plan.from_dict(spec["plan"])
    seconds = spec["seconds"]
    work = spec["work"]
    os.makedirs(work, exist_ok=True)
    pacer = None
    if spec["system"] == "bridge":
        system = Bridge(spec["binary"], work, spec["direct"], spec["speech"], spec["silence"])
    else:
        system = Janus(work)
    try:
        system.start(plan) if spec["system"] == "bridge" else system.start()
        time.sleep(0.5)
        idle_rss = procstat.rss_kib(system.pid)
        hold_s = WARMUP_S + seconds + 60
        if spec["system"] == "bridge":
            joined = system.join(plan, hold_s)
            label = spec["bridge_label"]
        else:
            participants = system.join(plan)
            joined = len(participants)
            config = os.path.join(work, "pacer.json")
            with open(config, "w") as f:
                json.dump({"seconds": hold_s, "speech": spec["speech"], "silence": spec["silence"],
                           "participants": participants}, f)
            pacer = subprocess.Popen([sys.executable, os.path.join(HERE, "rtp_pacer.py"), config],
                                     stdout=subprocess.PIPE, text=True)
            label = system.version()
        time.sleep(WARMUP_S)
        capture_path = os.path.join(work, "sent.pcap")
        capture = rtp_capture.Capture(capture_path, system.capture_filter())
        time.sleep(0.3)  # tcpdump opens the interface
        capture.check_running()
        cpu_before = procstat.cpu_seconds(system.pid)
        started = time.monotonic()
        time.sleep(seconds)
        cpu_after = procstat.cpu_seconds(system.pid)
        elapsed = time.monotonic() - started
        busy_rss = procstat.rss_kib(system.pid)
        threads = procstat.threads(system.pid)
        capture_dropped = capture.stop()
    finally:
        if pacer is not None:
            pacer.terminate()
        system.stop()
    pacer_report = {}
    if pacer is not None:
        out, _ = pacer.communicate(timeout=10)
        if out.strip():
            pacer_report = json.loads(out.strip().splitlines()[-1])
    delivery = rtp_capture.analyze(rtp_capture.read_pcap(capture_path), spec["late_ms"])
    delivery.capture_dropped = capture_dropped
    if not spec.get("keep"):
        os.remove(capture_path)
    return {
        "system": spec["system"],
        "label": label,
        "plan": plan.to_dict(),
        "joined": joined,
        "seconds": elapsed,
        "cpu_seconds": cpu_after - cpu_before,
        "idle_rss_kib": idle_rss,
        "busy_rss_kib": busy_rss,
        "threads": threads,
        "delivery": delivery.to_dict(),
        "pacer": pacer_report,
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        print(json.dumps(run(json.load(f))))
