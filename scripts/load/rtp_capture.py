"""What a system under test sends back to its participants: tcpdump records the RTP headers
of the packets it sends (kernel timestamps, so a busy Python or SIPp does not skew them),
and `analyze` turns them into late and missing frame counts.

A frame is *late* when it arrives more than `late_ms` after its slot. The slot comes from
the RTP timestamp: transit = arrival - timestamp / 8000 is constant for a perfectly paced
stream, so the smallest transit seen over the preceding `BASELINE_S` seconds marks "on
time" and a frame is late by how much its transit exceeds that. The baseline slides so a
sender whose clock runs a little fast or slow is not counted late for the drift.
A frame is *missing* when its sequence number never arrives (gaps between the first and
last sequence number seen in the window, per stream)."""

import collections
import re
import struct
import subprocess
from dataclasses import dataclass, asdict

RTP_CLOCK_HZ = 8000
BASELINE_S = 2.0
AUDIO_PAYLOAD_TYPES = {0, 8, 9}  # PCMU, PCMA, G722: the mix, not telephone-event or CN
# RTCP on an RTP port (RFC 5761 muxing) reads as RTP with these payload types (RFC 5761 4).
RTCP_LOOKALIKE_TYPES = set(range(72, 77))
SNAPLEN = 96  # link + IPv4 + UDP + RTP fixed header, with room for IP options or CSRCs
PAYLOAD_SNAPLEN = 512  # whole 20 ms G.711 packets, for the latency probe


class Capture:
    """tcpdump on loopback for the packets matching `bpf` (a pcap filter), written to `path`."""

    def __init__(self, path: str, bpf: str, snaplen: int = SNAPLEN):
        self.path = path
        self.dropped = 0
        self.process = subprocess.Popen(
            ["tcpdump", "-i", "lo", "-n", "-Z", "root", "-s", str(snaplen), "-B", "16384", "-w", path, bpf],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def check_running(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"tcpdump stopped: {self.process.stderr.read()}")

    def stop(self) -> int:
        """Stops the capture; returns how many packets the kernel dropped before tcpdump saw
        them (those are missing from the analysis, not from the system under test).
        Stopping twice is harmless."""
        if self.process.returncode is not None:
            return self.dropped
        self.process.terminate()
        _, err = self.process.communicate(timeout=30)
        found = re.search(r"(\d+) packets? dropped by kernel", err or "")
        self.dropped = int(found.group(1)) if found else 0
        return self.dropped


def count_records(path: str) -> int:
    """Packets in a classic pcap file, without parsing them."""
    count = 0
    with open(path, "rb") as capture:
        header = capture.read(24)
        if len(header) < 24:
            return 0
        endian = "<" if struct.unpack("<I", header[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        record = struct.Struct(endian + "IIII")
        while True:
            head = capture.read(16)
            if len(head) < 16:
                return count
            included = record.unpack(head)[2]
            capture.seek(included, 1)
            count += 1


@dataclass
class Packet:
    arrival: float
    src_port: int
    dst_port: int
    ssrc: int
    sequence: int
    timestamp: int
    payload_type: int
    payload: bytes


def read_pcap(path: str):
    """Yields the RTP packets of a classic pcap file (Ethernet or raw/loopback link types)."""
    with open(path, "rb") as capture:
        header = capture.read(24)
        if len(header) < 24:
            return
        magic = struct.unpack("<I", header[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        else:
            endian = ">"
            magic = struct.unpack(">I", header[:4])[0]
        fraction = 1e-9 if magic == 0xA1B23C4D else 1e-6
        link_type = struct.unpack(endian + "I", header[20:24])[0]
        link_bytes = {1: 14, 0: 4, 101: 0, 113: 16}.get(link_type, 14)
        record = struct.Struct(endian + "IIII")
        while True:
            head = capture.read(16)
            if len(head) < 16:
                return
            seconds, fraction_part, included, _ = record.unpack(head)
            data = capture.read(included)
            packet = parse_ipv4_udp_rtp(data[link_bytes:], seconds + fraction_part * fraction)
            if packet is not None:
                yield packet


def parse_ipv4_udp_rtp(ip: bytes, arrival: float):
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    ip_header = (ip[0] & 0x0F) * 4
    udp = ip[ip_header:]
    if len(udp) < 8 + 12:
        return None
    src_port, dst_port = struct.unpack("!HH", udp[:4])
    rtp = udp[8:]
    if rtp[0] >> 6 != 2:
        return None
    payload_type = rtp[1] & 0x7F
    sequence, timestamp, ssrc = struct.unpack("!HII", rtp[2:12])
    header = 12 + 4 * (rtp[0] & 0x0F)
    if rtp[0] & 0x10 and len(rtp) >= header + 4:  # header extension
        header += 4 + 4 * struct.unpack("!H", rtp[header + 2:header + 4])[0]
    return Packet(arrival, src_port, dst_port, ssrc, sequence, timestamp, payload_type,
                  bytes(rtp[header:]))


@dataclass
class Delivery:
    streams: int = 0
    frames: int = 0
    late: int = 0
    missing: int = 0
    expected: int = 0
    duplicates: int = 0
    worst_late_ms: float = 0.0
    capture_dropped: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


class _Stream:
    def __init__(self):
        self.highest = None  # extended sequence number
        self.lowest = None
        self.seen = set()
        self.last_timestamp = None
        self.extended_timestamp = 0
        self.baseline = collections.deque()  # (arrival, transit), transit increasing
        self.last_transit = None

    def extend_sequence(self, sequence: int) -> int:
        if self.highest is None:
            return sequence
        base = self.highest & ~0xFFFF
        candidates = (base - 0x10000 + sequence, base + sequence, base + 0x10000 + sequence)
        return min(candidates, key=lambda c: abs(c - self.highest))

    def extend_timestamp(self, timestamp: int) -> int:
        if self.last_timestamp is not None:
            delta = (timestamp - self.last_timestamp) & 0xFFFFFFFF
            if delta >= 0x80000000:
                delta -= 0x100000000
            self.extended_timestamp += delta
        self.last_timestamp = timestamp
        return self.extended_timestamp


def analyze(packets, late_ms: float) -> Delivery:
    """Late and missing frames over all streams; a stream is one (sender port, receiver
    port, SSRC): SIPp 3.6 receives every call on one port, so the sender's per-call port
    tells participants apart."""
    streams: dict[tuple, _Stream] = {}
    result = Delivery()
    late_s = late_ms / 1000
    for packet in packets:
        if packet.payload_type in RTCP_LOOKALIKE_TYPES:
            continue
        key = (packet.src_port, packet.dst_port, packet.ssrc)
        stream = streams.get(key)
        if stream is None:
            stream = streams[key] = _Stream()
        sequence = stream.extend_sequence(packet.sequence)
        if sequence in stream.seen:
            result.duplicates += 1
            continue
        stream.seen.add(sequence)
        stream.highest = sequence if stream.highest is None else max(stream.highest, sequence)
        stream.lowest = sequence if stream.lowest is None else min(stream.lowest, sequence)
        if packet.payload_type not in AUDIO_PAYLOAD_TYPES:
            continue  # telephone-event or comfort noise: numbered in sequence, not a frame
        result.frames += 1

        transit = packet.arrival - stream.extend_timestamp(packet.timestamp) / RTP_CLOCK_HZ
        if stream.last_transit is not None and abs(transit - stream.last_transit) > 1.0:
            stream.baseline.clear()  # a timestamp jump: the sender re-based its clock
        stream.last_transit = transit
        window = stream.baseline
        while window and window[0][0] < packet.arrival - BASELINE_S:
            window.popleft()
        while window and window[-1][1] >= transit:
            window.pop()
        window.append((packet.arrival, transit))
        lateness = transit - window[0][1]
        if lateness > late_s:
            result.late += 1
        result.worst_late_ms = max(result.worst_late_ms, lateness * 1000)

    for stream in streams.values():
        expected = stream.highest - stream.lowest + 1
        result.expected += expected
        result.missing += max(0, expected - len(stream.seen))
    result.streams = len(streams)
    return result
