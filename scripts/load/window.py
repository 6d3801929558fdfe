"""One measurement window for one system, run inside its own loopback-only network
namespace (`unshare -n python3 window.py SPEC.json`): start the system, bring every
participant in, let media settle, then count the system's CPU time, memory, the frames it
sends back and the probe's added delay over the window. Prints one JSON object."""

import json
import os
import subprocess
import sys
import time

import latency
import procstat
import rtp_capture
from bridge_system import Bridge
from janus_system import Janus
from plan import Plan

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_WARMUP_S = 3.0  # jitter buffers fill and the mixers settle before counting starts


def make_system(spec: dict, work: str):
    if spec["system"] == "bridge":
        return Bridge(spec["binary"], work, spec["direct"], spec["audio"])
    return Janus(work)


def join_everyone(spec: dict, system, plan: Plan, work: str, hold_s: float):
    """Returns (participants in, the pacer process driving Janus's participants or None)."""
    if spec["system"] == "bridge":
        return system.join(plan, hold_s), None
    participants = system.join(plan)
    config = os.path.join(work, "pacer.json")
    with open(config, "w") as f:
        json.dump({"seconds": hold_s, "audio": spec["audio"], "participants": participants}, f)
    pacer = subprocess.Popen([sys.executable, os.path.join(HERE, "rtp_pacer.py"), config],
                             stdout=subprocess.PIPE, text=True)
    return len(participants), pacer


def probe_delay(path: str, source_port: int, sink_port: int) -> dict:
    sent, received = [], []
    for packet in rtp_capture.read_pcap(path):
        if packet.payload_type != 0:
            continue
        if packet.src_port == source_port:
            sent.append((packet.arrival, packet.payload))
        elif packet.dst_port == sink_port:
            received.append((packet.arrival, packet.payload))
    sent.sort()
    received.sort()
    delays = latency.added_delay_ms(latency.onsets(sent), latency.onsets(received))
    return latency.summary(delays)


def run(spec: dict) -> dict:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    plan = Plan.from_dict(spec["plan"])
    seconds = spec["seconds"]
    work = spec["work"]
    os.makedirs(work, exist_ok=True)
    capture_path = os.path.join(work, "sent.pcap")
    probe_path = os.path.join(work, "probe.pcap")
    inbound_path = os.path.join(work, "inbound.pcap")
    pacer = None
    captures = []
    system = make_system(spec, work)
    try:
        system.start(plan)
        time.sleep(0.5)
        idle_rss = procstat.rss_kib(system.pid)
        warmup = spec.get("warmup", DEFAULT_WARMUP_S)
        hold_s = warmup + seconds + 60
        joined, pacer = join_everyone(spec, system, plan, work, hold_s)
        label = spec["bridge_label"] if spec["system"] == "bridge" else system.version()
        time.sleep(warmup)
        capture = rtp_capture.Capture(capture_path, system.capture_filter())
        probe = rtp_capture.Capture(probe_path, system.probe_filter(), rtp_capture.PAYLOAD_SNAPLEN)
        inbound = rtp_capture.Capture(inbound_path, system.inbound_filter(), 64)
        captures = [capture, probe, inbound]
        time.sleep(0.3)  # tcpdump opens the interface
        for running in captures:
            running.check_running()
        counters_before = system.counters()
        cpu_before = procstat.cpu_seconds(system.pid)
        started = time.monotonic()
        time.sleep(seconds)
        cpu_after = procstat.cpu_seconds(system.pid)
        elapsed = time.monotonic() - started
        counters_after = system.counters()
        busy_rss = procstat.rss_kib(system.pid)
        threads = procstat.threads(system.pid)
        capture_dropped = capture.stop()
        probe.stop()
        inbound_dropped = inbound.stop()
    finally:
        for running in captures:
            running.stop()
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
    delay = probe_delay(probe_path, *system.probe_ports())
    frames_in = rtp_capture.count_records(inbound_path)
    if not spec.get("keep"):
        for path in (capture_path, probe_path, inbound_path):
            os.remove(path)
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
        # What the participants sent in over the window: the CPU figure assumes 50 a second each.
        "frames_in": frames_in,
        "inbound_capture_dropped": inbound_dropped,
        "delay": delay,
        "pacer": pacer_report,
        # The system's own counters over the window (dialbridge's /healthz), when it has them.
        "own_counters": {key: value - counters_before.get(key, 0) if key != "active_calls" else value
                         for key, value in counters_after.items()},
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        print(json.dumps(run(json.load(f))))
