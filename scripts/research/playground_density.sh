#!/usr/bin/env bash
# The playground's density targets: the page's own settings (K = 4, L = 4, dt 0.25, batch 192,
# Adam 5e-3, tanh, standard base, kinetic momentum, no annealing, single draws) against the same
# shape with the command line's density levers (sine first layer, learned base, encoder momentum,
# 1000 iterations of annealing, groups of two draws), 3000 iterations, seeds 1–3, S = 256, on the
# density bars' targets; two runs at a time. Summarised by density_bars.py; docs/FITS.md, "The
# playground's density targets".
#   scripts/research/playground_density.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/playground_density.jsonl}
. "$here/lanes.sh"
page=(--objective density --blocks 4 --leapfrog-steps 4 --dt 0.25 --batch 192 --lr 5e-3)
lane a "banana donut u1 u2 u3 u4 docs/fits/two_far_modes.json" "1 2 3" "${page[@]}" \
  --activation tanh --base standard --momentum kinetic --anneal-iters 0 --iw-draws 1
lane b "banana donut u1 u2 u3 u4 docs/fits/two_far_modes.json" "1 2 3" "${page[@]}" \
  --activation sine --base learned --momentum encoder --anneal-iters 1000 --iw-draws 2
join_lanes
