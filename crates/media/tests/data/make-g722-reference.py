#!/usr/bin/env python3
"""Writes the G.722 interoperability vectors used by tests/codec_g722_interop.rs.

The bitstream and its decoding come from sippy's libg722 (the spandsp lineage, which passes
the ITU-T G.722 test sequences), an implementation independent of the one dialbridge uses.
Needs `pip install G722==1.2.8` (PyPI). Run from this directory:

    python3 make-g722-reference.py
"""
import array
import math
import random
import sys

import G722

RATE = 16000
random.seed(722)
samples = []
for i in range(RATE):  # 1 s: alternating loud and quiet sweeps with noise
    level = 12000 if (i // 4000) % 2 else 600
    tone = level * math.sin(2 * math.pi * (200 + i * 0.2) * i / RATE)
    samples.append(max(-32768, min(32767, int(tone + random.gauss(0, 800)))))

pcm = array.array("h", samples)
bitstream = bytes(G722.G722(RATE, 64000).encode(pcm))
decoded = G722.G722(RATE, 64000).decode(bitstream)
assert len(bitstream) == RATE // 2 and len(decoded) == RATE

with open("g722-libg722.g722", "wb") as f:
    f.write(bitstream)
out = array.array("h", decoded)
if sys.byteorder == "big":
    out.byteswap()
with open("g722-libg722-decoded.raw", "wb") as f:  # 16-bit little-endian, 16 kHz mono
    f.write(out.tobytes())
