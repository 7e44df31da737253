#!/usr/bin/env bash
# Five blocks that keep every mode? The density default with --blocks 5 sharpened every thin
# band (u3 0.163 against 0.224) but lost one of the two far modes on seed 7 and the donut's
# ESS bar on seed 5 (docs/fits/density_blocks.jsonl). One lever on top of it that lets the flow
# spread wider before it sharpens, annealing over 1500 iterations instead of 1000 (same cost per
# iteration; groups of three draws, the other candidate, are not allowed: S divides a tile):
# stage 1 the two checks it failed, seeds 1–8; stage 2 the thin bands and banana, seeds 1–3.
# Summarised by scripts/research/density_bars.py; docs/FITS.md, "Five blocks with longer
# annealing". ANNEAL=1250 ran the length between (docs/fits/density_blocks_anneal1250.jsonl).
#   [ANNEAL=1500] scripts/research/density_blocks_modes.sh [OUT.jsonl] [STAGE]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/density_blocks_modes.jsonl}
stage=${2:-1}
. "$here/lanes.sh"
flags=(--objective density --blocks 5 --anneal-iters "${ANNEAL:-1500}")
if [ "$stage" = 1 ]; then
  lane a "donut" "1 2 3 4 5 6 7 8" "${flags[@]}"
  lane b "docs/fits/two_far_modes.json" "1 2 3 4 5 6 7 8" "${flags[@]}"
else
  lane a "u3 banana" "1 2 3" "${flags[@]}"
  lane b "u2 u4" "1 2 3" "${flags[@]}"
fi
join_lanes
