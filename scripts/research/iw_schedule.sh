#!/usr/bin/env bash
# A schedule for the importance-weighted bound (docs/FITS.md, "The importance-weighted
# bound"): groups of S = 4 over the first N iterations, then single draws (--iw-iters N),
# seeds 1-3, on the targets the groups helped (banana, donut, u1, two far modes) and those
# they hurt (u2, u3, u4). Two runs at a time. Appends to OUT.jsonl through sweep.sh.
#   scripts/research/iw_schedule.sh [OUT.jsonl] [N]
set -euo pipefail
out=${1:-docs/fits/iw_schedule.jsonl}
n=${2:-2000}
here=$(dirname "$0")
flags=(--objective density --iw-draws 4 --iw-iters "$n")
"$here/sweep.sh" "$out.part0" "u2 u3 u4 docs/fits/two_far_modes.json" "1 2 3" "${flags[@]}" &
"$here/sweep.sh" "$out.part1" "banana donut u1" "1 2 3" "${flags[@]}"
wait
cat "$out".part* >> "$out"
rm -f "$out".part*
