"""Checks of the measuring code itself on synthetic streams, so the harness's late, missing
and delay figures mean what the docs say. Run: python3 -m unittest discover scripts/load"""

import math
import unittest

import latency
import rtp_capture
from plan import Plan
from rtp_capture import Packet


def stream(count, start=0.0, first_sequence=0, jitter=None, drop=(), src_port=20000):
    packets = []
    for n in range(count):
        if n in drop:
            continue
        arrival = start + 0.020 * n + (jitter(n) if jitter else 0.0)
        packets.append(Packet(arrival, src_port, 40000, 7, (first_sequence + n) & 0xFFFF,
                              160 * n, 0, b""))
    return packets


class DeliveryTest(unittest.TestCase):
    def test_a_perfectly_paced_stream_has_nothing_late_or_missing(self):
        result = rtp_capture.analyze(stream(500), late_ms=20)
        self.assertEqual((result.frames, result.late, result.missing, result.expected), (500, 0, 0, 500))

    def test_frames_held_back_beyond_the_threshold_are_late(self):
        late = {100, 200, 300}
        result = rtp_capture.analyze(stream(500, jitter=lambda n: 0.035 if n in late else 0.0), 20)
        self.assertEqual(result.late, 3)
        self.assertAlmostEqual(result.worst_late_ms, 35, places=3)

    def test_jitter_under_the_threshold_is_not_late(self):
        result = rtp_capture.analyze(stream(500, jitter=lambda n: 0.010 * (n % 2)), 20)
        self.assertEqual(result.late, 0)

    def test_slow_clock_drift_is_not_counted_late(self):
        # A sender whose clock runs 0.5% slow drifts 100 ms over 20 s.
        result = rtp_capture.analyze(stream(1000, jitter=lambda n: 0.0001 * n), 20)
        self.assertEqual(result.late, 0)

    def test_sequence_gaps_are_missing_across_a_wrap(self):
        result = rtp_capture.analyze(stream(300, first_sequence=65500, drop={10, 50, 51}), 20)
        self.assertEqual((result.missing, result.expected, result.frames), (3, 300, 297))

    def test_other_payload_types_fill_sequence_gaps_but_are_not_frames(self):
        packets = stream(100)
        for n in (20, 21):  # comfort noise in place of two audio frames
            p = packets[n]
            packets[n] = Packet(p.arrival, p.src_port, p.dst_port, p.ssrc, p.sequence, p.timestamp, 13, b"")
        result = rtp_capture.analyze(packets, 20)
        self.assertEqual((result.frames, result.missing), (98, 0))

    def test_streams_are_told_apart_by_sender_port(self):
        packets = sorted(stream(100) + stream(100, src_port=20002, drop={5}), key=lambda p: p.arrival)
        result = rtp_capture.analyze(packets, 20)
        self.assertEqual((result.streams, result.missing), (2, 1))


def mu_law_encode(sample: float) -> int:
    """Nearest code by search (slow, tests only)."""
    return min(range(256), key=lambda code: abs(latency.MU_LAW[code] - sample))


class LatencyTest(unittest.TestCase):
    def frames(self, delay_s, bursts=3):
        codes = {}
        samples = []
        for n in range(int(8000 * 2 * bursts)):
            t = n / 8000
            value = 0.5 * math.sin(2 * math.pi * 1000 * t) if (t % 2.0) < 0.1 else 0.0
            key = round(value, 4)
            if key not in codes:
                codes[key] = mu_law_encode(value)
            samples.append(codes[key])
        data = bytes(samples)
        return [(delay_s + 0.02 * i, data[160 * i:160 * (i + 1)]) for i in range(len(data) // 160)]

    def test_the_delay_between_the_two_ends_is_measured(self):
        sent = latency.onsets(self.frames(0.0))
        received = latency.onsets(self.frames(0.0731))
        self.assertEqual(len(sent), 3)
        delays = latency.added_delay_ms(sent, received)
        self.assertEqual(len(delays), 3)
        for delay in delays:
            self.assertAlmostEqual(delay, 73.1, places=3)

    def test_silence_has_no_onsets(self):
        self.assertEqual(latency.onsets([(0.02 * i, b"\xff" * 160) for i in range(200)]), [])


class PlanTest(unittest.TestCase):
    def test_ten_party_meetings_cycle_one_to_three_talkers(self):
        plan = Plan(60, 10, 1, 3)
        self.assertEqual(plan.conferences, 6)
        self.assertEqual(plan.talkers, 12)
        probes = [(m.index, m.probe) for m in plan.members() if m.probe]
        self.assertEqual(probes, [(0, "source"), (9, "sink")])

    def test_the_big_meeting_has_three_talkers(self):
        plan = Plan(250, 250, 3, 3)
        self.assertEqual((plan.conferences, plan.talkers), (1, 3))


if __name__ == "__main__":
    unittest.main()
