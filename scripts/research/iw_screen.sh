#!/usr/bin/env bash
# The importance-weighted bound for the density objective (docs/FITS.md, "The
# importance-weighted bound"): the density defaults with groups of S = 1 (the plain reverse
# KL), 2, 4 and 8 draws, seeds 1-3, on every density target of the gallery and the two far
# modes. Two runs at a time (one per core). Appends to OUT.jsonl through sweep.sh.
#   scripts/research/iw_screen.sh [OUT.jsonl] ["DRAWS"]
set -euo pipefail
out=${1:-docs/fits/iw_screen.jsonl}
draws=${2:-"1 2 4 8"}
here=$(dirname "$0")
run() {
  "$here/sweep.sh" "$1" "banana donut u1 u2 u3 u4 funnel" "1 2 3" --objective density --iw-draws "$2"
  "$here/sweep.sh" "$1" "docs/fits/two_far_modes.json" "1 2 3" --objective density --iw-draws "$2"
}
i=0
for s in $draws; do
  run "$out.part$i" "$s" &
  i=$((i + 1))
  if (( i % 2 == 0 )); then wait; fi
done
wait
cat "$out".part* >> "$out"
rm -f "$out".part*
