#!/usr/bin/env bash
# The density default with five blocks instead of four (K·(L + 1) = 30 force evaluations per
# point instead of 24, inside the density objective's cost allowance), on the density bars'
# targets and the thin bands, seeds 1–3, two runs at a time; against the default's own lines in
# docs/fits/dreg_sine.jsonl (standard gradient). Summarised by density_bars.py; docs/FITS.md,
# "What is still short".
#   scripts/research/density_blocks.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/density_blocks.jsonl}
. "$here/lanes.sh"
lane a "banana donut u1 u2" "1 2 3" --objective density --blocks 5
lane b "u3 u4 docs/fits/two_far_modes.json" "1 2 3" --objective density --blocks 5
join_lanes
