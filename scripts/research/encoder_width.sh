#!/usr/bin/env bash
# A richer momentum encoder q(p | q) for the samples objective: hidden width 64 and 128
# against the default 32, on the targets short of their bars and rings. docs/FITS.md, "A wider
# encoder". Two runs at a time.
#   scripts/research/encoder_width.sh [OUT.jsonl] ["SEEDS"]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/encoder_width.jsonl}
seeds=${2:-"1 2 3"}
targets="checkerboard 8gaussians rings"
"$here/sweep.sh" "$out.a" "$targets" "$seeds" --encoder-width 64 &
"$here/sweep.sh" "$out.b" "$targets" "$seeds" --encoder-width 128 &
wait
cat "$out.a" "$out.b" >> "$out"
rm "$out.a" "$out.b"
