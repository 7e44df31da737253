#!/usr/bin/env bash
# Between the two: five blocks with annealing over 1000 iterations (the default's) sharpened
# the thin bands (u3 0.155 on seeds 1–3) and lost one of the two far modes on seed 7; over 1500
# they kept both far modes on all eight seeds and gave the sharpness back (u3 0.213;
# docs/fits/density_blocks.jsonl, docs/fits/density_blocks_modes.jsonl). This screen runs 1250,
# the middle: stage 1 the two checks five blocks failed, seeds 1–8; stage 2 the thin bands and
# banana, seeds 1–3. Summarised by scripts/research/density_bars.py; docs/FITS.md, "Five blocks
# with annealing over 1250".
#   [NHF_BIN=…] scripts/research/density_blocks_anneal1250.sh [OUT.jsonl] [STAGE]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/density_blocks_anneal1250.jsonl}
stage=${2:-1}
. "$here/lanes.sh"
flags=(--objective density --blocks 5 --anneal-iters 1250)
if [ "$stage" = 1 ]; then
  lane a "donut" "1 2 3 4 5 6 7 8" "${flags[@]}"
  lane b "docs/fits/two_far_modes.json" "1 2 3 4 5 6 7 8" "${flags[@]}"
else
  lane a "u3 banana" "1 2 3" "${flags[@]}"
  lane b "u2 u4" "1 2 3" "${flags[@]}"
fi
join_lanes
