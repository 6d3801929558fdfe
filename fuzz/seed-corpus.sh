#!/usr/bin/env bash
# Seeds fuzz/corpus/parse_message with the RFC 4475 torture messages from ../shared.
# The corpus is not committed; run this before `cargo fuzz run parse_message`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../shared/testdata/sip-torture/rfc4475"
dst="$here/corpus/parse_message"
mkdir -p "$dst"
cp "$src"/*.dat "$dst"/
echo "seeded $(ls "$dst" | wc -l) files into $dst"
