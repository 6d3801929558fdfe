"""Media load: the same conferences carried by dialbridge (SIPp callers) and by Janus
AudioBridge (plain-RTP participants), in alternating windows, each system in its own
loopback-only network namespace. Reports per system the CPU time per participant-second,
late and missing frames in what the system sends back, and resident memory per
participant. Run through scripts/bench-media-load, which builds the release binary."""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

import audio
import bridge_system
from plan import Plan

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEMS = {"bridge": "dialbridge", "janus": "Janus AudioBridge"}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="scripts/bench-media-load",
        description="dialbridge vs Janus AudioBridge under the same conference load.")
    parser.add_argument("--participants", type=int, help="default 200 (--quick: 50)")
    parser.add_argument("--meeting-size", type=int, default=10,
                        help="participants per conference (default 10)")
    parser.add_argument("--talkers", default="1-3",
                        help="talkers per conference, N or MIN-MAX cycling over conferences")
    parser.add_argument("--seconds", type=float,
                        help="length of one window (default 60, --quick: 10)")
    parser.add_argument("--rounds", type=int,
                        help="windows per system, interleaved, as runs differ by ~10%% "
                             "(default 2, --quick: 1)")
    parser.add_argument("--systems", default="bridge,janus")
    parser.add_argument("--warmup", type=float, default=3,
                        help="seconds between the last join and the window (join prompts, "
                             "jitter buffers filling); default 3")
    parser.add_argument("--late-ms", type=float, default=20,
                        help="a frame is late when it arrives this much after its slot")
    parser.add_argument("--quick", action="store_true",
                        help="smoke check: 50 participants, one 10 s window each (under a minute)")
    parser.add_argument("--big-meeting", action="store_true",
                        help="one meeting of everyone (250 unless --participants) with 3 talkers")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, captures)")
    parser.add_argument("--json", metavar="FILE", help="also write every window's raw figures here")
    args = parser.parse_args(argv)
    if args.big_meeting:
        args.participants = args.participants or 250
        args.meeting_size, args.talkers = args.participants, "3"
    quick = args.quick
    args.participants = args.participants or (50 if quick else 200)
    args.seconds = args.seconds or (10 if quick else 60)
    args.rounds = args.rounds or (1 if quick else 2)
    low, _, high = args.talkers.partition("-")
    args.talkers_min, args.talkers_max = int(low), int(high or low)
    return args


def run_window(spec: dict, work: str) -> dict:
    path = os.path.join(work, f"{spec['system']}-{spec['round']}.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    shown = subprocess.run(["unshare", "-n", sys.executable, os.path.join(HERE, "window.py"), path],
                           capture_output=True, text=True)
    if shown.returncode != 0:
        raise RuntimeError(f"{spec['system']} window failed:\n{shown.stderr[-3000:]}")
    return json.loads(shown.stdout.strip().splitlines()[-1])


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.3f}" if whole else "n/a"


def summarize(system: str, windows: list[dict]) -> dict:
    participant_seconds = sum(w["joined"] * w["seconds"] for w in windows)
    cpu = sum(w["cpu_seconds"] for w in windows)
    frames = sum(w["delivery"]["frames"] for w in windows)
    late = sum(w["delivery"]["late"] for w in windows)
    expected = sum(w["delivery"]["expected"] for w in windows)
    missing = sum(w["delivery"]["missing"] for w in windows)
    rss = [(w["busy_rss_kib"] - w["idle_rss_kib"]) / max(1, w["joined"]) for w in windows]
    delays = [w["delay"] for w in windows if w["delay"].get("bursts")]
    delay = "n/a"
    if delays:
        median = sorted(d["median_ms"] for d in delays)[len(delays) // 2]
        delay = f"{median:.0f} / {max(d['max_ms'] for d in delays):.0f}"
    ms_per_ps = 1000 * cpu / participant_seconds if participant_seconds else float("nan")
    label = windows[0]["label"]
    if frames == 0:
        label += " (sent no audio back: answer + drain only)"
    return {
        "system": system,
        "label": label,
        "ms_per_participant_second": ms_per_ps,
        "per_core": 1000 / ms_per_ps if ms_per_ps > 0 else float("inf"),
        "late": percent(late, frames),
        "missing": percent(missing, expected),
        "frames": frames,
        "cores": cpu / sum(w["seconds"] for w in windows),
        "sent_in": percent(sum(w["frames_in"] for w in windows), 50 * participant_seconds),
        "coverage": percent(frames, sum(w["joined"] * w["seconds"] * 50 for w in windows)),
        "streams": max(w["delivery"]["streams"] for w in windows),
        "worst_late_ms": max(w["delivery"]["worst_late_ms"] for w in windows),
        "capture_dropped": sum(w["delivery"]["capture_dropped"] for w in windows),
        "rss_per_participant": sum(rss) / len(rss),
        "delay": delay,
        "bursts": sum(d["bursts"] for d in delays),
        "joined": min(w["joined"] for w in windows),
        "own_counters": windows[-1].get("own_counters", {}),
        "windows": [round(1000 * w["cpu_seconds"] / max(1e-9, w["joined"] * w["seconds"]), 4)
                    for w in windows],
    }


def user_arguments(argv: list[str]) -> list[str]:
    """The arguments as typed (the wrapper adds --binary)."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--binary":
            skip = True
        elif not arg.startswith("--binary="):
            shown.append(arg)
    return shown


def main(argv):
    args = parse_args(argv)
    plan = Plan(args.participants, args.meeting_size, args.talkers_min, args.talkers_max)
    systems = [s for s in args.systems.split(",") if s]
    work = tempfile.mkdtemp(prefix="media-load-")
    audio_files = audio.make(work)
    direct = bridge_system.supports_direct_routes(args.binary, work)
    bridge_label = bridge_system.version(args.binary) + (
        "" if direct else " (no [[direct_conference]] support: calls answered, in no conference)")
    print(f"work dir {work}; {plan.participants} participants in {plan.conferences} "
          f"conference(s), {plan.talkers} talkers; {args.rounds} x {args.seconds:g} s windows "
          f"per system", file=sys.stderr)
    results = {s: [] for s in systems}
    for round_number in range(args.rounds):
        # Alternate which system goes first, so neither always meets the same machine state.
        order = systems if round_number % 2 == 0 else list(reversed(systems))
        for system in order:
            spec = {"system": system, "round": round_number, "plan": plan.to_dict(),
                    "seconds": args.seconds, "warmup": args.warmup, "late_ms": args.late_ms, "binary": args.binary,
                    "direct": direct, "bridge_label": bridge_label, "audio": audio_files,
                    "keep": args.keep, "work": os.path.join(work, f"{system}-{round_number}")}
            result = run_window(spec, work)
            results[system].append(result)
            print(f"  round {round_number + 1} {SYSTEMS[system]}: {result['joined']} joined, "
                  f"CPU {result['cpu_seconds']:.2f} s over {result['seconds']:.1f} s, "
                  f"{result['delivery']['frames']} frames sent back", file=sys.stderr)

    summaries = [summarize(s, results[s]) for s in systems]
    print()
    print("| system | participants | conferences | talkers | CPU ms per participant-second "
          "| participants per core | late % | missing % | RSS KiB per participant "
          "| added delay ms, median / max |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in summaries:
        print(f"| {s['label']} | {s['joined']} | {plan.conferences} | {plan.talkers} "
              f"| {s['ms_per_participant_second']:.3f} | {s['per_core']:,.0f} | {s['late']} "
              f"| {s['missing']} | {s['rss_per_participant']:.1f} | {s['delay']} |")
    print()
    for s in summaries:
        print(f"{SYSTEMS[s['system']]}: {100 * s['cores']:.1f}% of one core; participants sent "
              f"{s['sent_in']}% of their 50 frames a second; per-window CPU ms "
              f"per participant-second {s['windows']}; "
              f"{s['frames']} frames back ({s['coverage']}% of 50 per participant-second) on "
              f"{s['streams']} streams, worst lateness "
              f"{s['worst_late_ms']:.1f} ms, {s['capture_dropped']} dropped by the capture; "
              f"{s['bursts']} probe bursts timed")
        if s["own_counters"]:
            print(f"  {SYSTEMS[s['system']]}'s own counters over the last window: {s['own_counters']}")
    by_system = {s["system"]: s for s in summaries}
    if "bridge" in by_system and "janus" in by_system:
        ratio = by_system["janus"]["ms_per_participant_second"] / by_system["bridge"]["ms_per_participant_second"]
        caveat = "" if by_system["bridge"]["frames"] else (
            " (not like for like: this dialbridge sent no audio back, it does not mix)")
        print(f"Janus AudioBridge / dialbridge CPU per participant-second: {ratio:.2f}{caveat}")
    print(f"late = more than {args.late_ms:g} ms after its 20 ms slot; "
          f"command: {shlex.join(['scripts/bench-media-load', *user_arguments(argv)])}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"command": ["scripts/bench-media-load", *user_arguments(argv)],
                       "summaries": summaries, "windows": results}, f, indent=1)
    if args.keep:
        print(f"work dir kept: {work}", file=sys.stderr)
    else:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main(sys.argv[1:])
