#!/usr/bin/env bash
# Reports the release wasm's size, raw and gzipped, and fails above the 2.1 MB gzip budget
# (docs/TOOLCHAIN.md, "The web build", says why it is 2.1 and not 2).
set -euo pipefail
wasm=$(ls dist/*.wasm | head -n 1)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
awk -v n="$(basename "$wasm")" -v r="$raw" -v g="$gz" 'BEGIN { printf "wasm %s: %.2f MB raw, %.2f MB gzip\n", n, r / 1e6, g / 1e6 }'
[ "$gz" -le 2100000 ] || { echo "wasm gzip size $gz exceeds the 2.1 MB budget"; exit 1; }
