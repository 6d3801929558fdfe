#!/usr/bin/python3
"""Writes the G.711 reference that tests/g711_reference.rs compares against, to stdout.

Uses Python's audioop (the Sun/CCITT g711.c), which ships with /usr/bin/python3 on this
machine (deprecated since 3.11, removed in 3.13). Output, all little-endian:
  65,536 bytes  lin2ulaw for samples -32768..=32767
  65,536 bytes  lin2alaw for samples -32768..=32767
  512 bytes     ulaw2lin for codes 0..=255 (i16 each)
  512 bytes     alaw2lin for codes 0..=255 (i16 each)
"""
import struct
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import audioop  # noqa: E402

linear = struct.pack("<65536h", *range(-32768, 32768))
codes = bytes(range(256))
out = sys.stdout.buffer
out.write(audioop.lin2ulaw(linear, 2))
out.write(audioop.lin2alaw(linear, 2))
out.write(audioop.ulaw2lin(codes, 2))
out.write(audioop.alaw2lin(codes, 2))
out.flush()
