#!/usr/bin/env bash
# The importance-weighted bound without annealing (docs/FITS.md, "The importance-weighted
# bound"): groups of 4 with --anneal-iters 0, seeds 1-3, on the targets it helped (banana,
# donut, u1) and those it hurt with annealing (u2, u3, u4); then S = 8 without annealing on
# banana, donut, u1 and the two far modes. Two runs at a time.
#   scripts/research/iw_round2.sh [OUT.jsonl]
set -euo pipefail
out=${1:-docs/fits/iw_round2.jsonl}
here=$(dirname "$0")
"$here/sweep.sh" "$out.part0" "u2 u3 u4" "1 2 3" --objective density --iw-draws 4 --anneal-iters 0 &
"$here/sweep.sh" "$out.part1" "banana donut u1" "1 2 3" --objective density --iw-draws 4 --anneal-iters 0
wait
cat "$out".part* >> "$out"
rm -f "$out".part*
# Round 2b: S = 8 without annealing on the targets with bars.
"$here/sweep.sh" "$out.part0" "banana donut" "1 2 3" --objective density --iw-draws 8 --anneal-iters 0 &
"$here/sweep.sh" "$out.part1" "u1 docs/fits/two_far_modes.json" "1 2 3" --objective density --iw-draws 8 --anneal-iters 0
wait
cat "$out".part* >> "$out"
rm -f "$out".part*
