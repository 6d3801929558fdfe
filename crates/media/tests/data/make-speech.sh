#!/bin/sh
# Makes speech-8k.wav, the talk-off sample for tests/dtmf_inband.rs: two espeak-ng voices
# (a low male and a high female pitch), resampled with sox to 8 kHz mono 16-bit, at most 5 s.
# Run from this directory: sh make-speech.sh
set -e
tmp=$(mktemp -d)
espeak-ng -v en-us -p 35 -s 165 -w "$tmp/a.wav" \
  "Welcome. Please enter your meeting number."
espeak-ng -v en-us+f3 -p 75 -s 175 -w "$tmp/b.wav" \
  "You are muted. Seven people are waiting."
sox "$tmp/a.wav" "$tmp/b.wav" -r 8000 -c 1 -b 16 -e signed-integer speech-8k.wav norm -3 trim 0 5
rm -r "$tmp"
