"""Added mouth-to-ear delay through a mixer, from a capture of both ends: the probe source
sends a 1 kHz burst every 2 s, the probe sink (a listener in the same conference) receives
the mix. The burst's onset is found in the audio of both streams, at the capture's kernel
timestamps plus the sample offset inside the packet, and the delay is the difference.
Loopback adds no network delay, so this is what the system adds: jitter buffer, mixing
tick and packetization. The 1 kHz detector (I/Q correlation over 5 ms) ignores speech from
other talkers in the same meeting."""

import math
import statistics

SAMPLE_RATE = 8000
TONE_HZ = 1000
WINDOW = 40  # samples: 5 ms, five periods of 1 kHz
STEP = 8  # samples: 1 ms resolution
THRESHOLD = 0.2  # tone amplitude (full scale 1.0); the burst is sent at 0.5
QUIET_S = 0.5  # a new onset needs this long without tone before it
MATCH_S = 1.0  # a received onset this long after a sent one still belongs to it

COS = [math.cos(2 * math.pi * TONE_HZ * n / SAMPLE_RATE) for n in range(WINDOW)]
SIN = [math.sin(2 * math.pi * TONE_HZ * n / SAMPLE_RATE) for n in range(WINDOW)]


def _mu_law_table() -> list[float]:
    """G.711 mu-law decoding (ITU-T G.711 table 2), scaled to full scale 1.0."""
    table = []
    for code in range(256):
        value = ~code & 0xFF
        sign, exponent, mantissa = value & 0x80, (value >> 4) & 0x07, value & 0x0F
        magnitude = ((mantissa << 3) + 0x84 << exponent) - 0x84
        table.append((-magnitude if sign else magnitude) / 32768)
    return table


MU_LAW = _mu_law_table()


def onsets(frames) -> list[float]:
    """Times of tone-burst onsets in a stream of (arrival time, mu-law payload) frames,
    each sample timed as its packet's arrival plus its offset in the packet."""
    times, samples = [], []
    for arrival, payload in frames:
        for offset, code in enumerate(payload):
            times.append(arrival + offset / SAMPLE_RATE)
            samples.append(MU_LAW[code])
    found = []
    last_tone = -math.inf
    for start in range(0, len(samples) - WINDOW, STEP):
        in_phase = sum(samples[start + n] * COS[n] for n in range(WINDOW))
        quadrature = sum(samples[start + n] * SIN[n] for n in range(WINDOW))
        amplitude = 2 * math.hypot(in_phase, quadrature) / WINDOW
        if amplitude > THRESHOLD:
            if times[start] - last_tone > QUIET_S:
                found.append(times[start])
            last_tone = times[start]
    return found


def added_delay_ms(sent: list[float], received: list[float]) -> list[float]:
    delays = []
    for onset in sent:
        later = [r - onset for r in received if 0 <= r - onset < MATCH_S]
        if later:
            delays.append(1000 * min(later))
    return delays


def summary(delays: list[float]) -> dict:
    if not delays:
        return {"bursts": 0}
    ordered = sorted(delays)
    return {"bursts": len(delays), "median_ms": round(statistics.median(ordered), 1),
            "max_ms": round(ordered[-1], 1)}
