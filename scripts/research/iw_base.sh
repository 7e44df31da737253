#!/usr/bin/env bash
# The learnable base with and without the importance-weighted bound (docs/FITS.md, "The
# bound with a learnable base"): --base learned at S = 1 and at S = 4, seeds 1-3, on every
# density target with a bar and those the bound alone hurt. Two runs at a time.
#   [DRAWS="4 1"] scripts/research/iw_base.sh [OUT.jsonl]   (S = 2 was run as DRAWS=2)
set -euo pipefail
out=${1:-docs/fits/iw_base.jsonl}
here=$(dirname "$0")
for s in ${DRAWS:-4 1}; do
  "$here/sweep.sh" "$out.part0" "u2 u3 u4 funnel" "1 2 3" --objective density --base learned --iw-draws "$s" &
  "$here/sweep.sh" "$out.part1" "banana donut u1 docs/fits/two_far_modes.json" "1 2 3" --objective density --base learned --iw-draws "$s"
  wait
  cat "$out".part* >> "$out"
  rm -f "$out".part*
done
