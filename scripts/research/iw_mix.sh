#!/usr/bin/env bash
# The importance-weighted bound mixed with the plain reverse KL (docs/FITS.md, "Mixing the
# bound with the plain loss"): each group's loss α·(group score) + (1 − α)·(plain losses), for
# groups of 4 and 8 and α = 0.5, seeds 1-3, on every density target with a bar or that the
# bound alone hurt. Two runs at a time.
#   scripts/research/iw_mix.sh [OUT.jsonl] [ALPHAS] [DRAWS]
set -euo pipefail
out=${1:-docs/fits/iw_mix.jsonl}
alphas=${2:-0.5}
draws=${3:-"4 8"}
here=$(dirname "$0")
for s in $draws; do
  for a in $alphas; do
    "$here/sweep.sh" "$out.part0" "u2 u3 u4 funnel" "1 2 3" --objective density --iw-draws "$s" --iw-mix "$a" &
    "$here/sweep.sh" "$out.part1" "banana donut u1 docs/fits/two_far_modes.json" "1 2 3" --objective density --iw-draws "$s" --iw-mix "$a"
    wait
    cat "$out".part* >> "$out"
    rm -f "$out".part*
  done
done
