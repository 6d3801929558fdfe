"""Plain-RTP participants for Janus AudioBridge: one process, one UDP socket per
participant, one 20 ms PCMU packet per participant per tick (talkers send speech, listeners
silence), and whatever the mixer sends back is read and dropped (tcpdump measures it).
Janus has no SIP, so this stands in for the SIPp callers of the dialbridge side.

    python3 rtp_pacer.py CONFIG.json
CONFIG: {"seconds": S, "audio": {"speech": PATH, "silence": PATH, "impulse": PATH},
         "participants": [{"local_port": P, "remote_port": R, "audio": "speech"}, ...]}
Stops after S seconds or on SIGTERM; prints one JSON line with how far behind schedule the
sender ever fell (a late sender would make the system under test look late)."""

import json
import selectors
import signal
import socket
import struct
import sys
import time

FRAME_S = 0.020
FRAME_BYTES = 160
PCMU = 0


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    audio = {}
    for kind, path in config["audio"].items():
        with open(path, "rb") as f:
            data = f.read()
        audio[kind] = [data[i:i + FRAME_BYTES] for i in range(0, len(data) - FRAME_BYTES + 1, FRAME_BYTES)]

    senders = []
    selector = selectors.DefaultSelector()
    for index, member in enumerate(config["participants"]):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
        sock.bind(("127.0.0.1", member["local_port"]))
        sock.connect(("127.0.0.1", member["remote_port"]))
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        frames = audio[member["audio"]]
        ssrc = 0x10000 + index
        senders.append((sock, frames, ssrc, index * 7))  # talkers start at different words

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    start = time.monotonic()
    deadline = start + config["seconds"]
    tick = 0
    worst_behind = 0.0
    sent = 0
    while not stopping:
        due = start + tick * FRAME_S
        if due >= deadline:
            break
        now = time.monotonic()
        worst_behind = max(worst_behind, now - due)
        for sock, frames, ssrc, offset in senders:
            header = struct.pack("!BBHII", 0x80, PCMU, tick & 0xFFFF, (tick * FRAME_BYTES) & 0xFFFFFFFF, ssrc)
            try:
                sock.send(header + frames[(tick + offset) % len(frames)])
                sent += 1
            except OSError:
                pass  # ICMP port unreachable from an earlier packet: keep going
        tick += 1
        # Drain replies until the next tick is due.
        while True:
            timeout = start + tick * FRAME_S - time.monotonic()
            if timeout <= 0:
                break
            for key, _ in selector.select(timeout):
                try:
                    while key.fileobj.recv(2048):
                        pass
                except OSError:
                    pass
    print(json.dumps({"sent": sent, "worst_behind_ms": round(worst_behind * 1000, 1)}), flush=True)


if __name__ == "__main__":
    main()
