#!/usr/bin/env bash
# The doubly reparameterised gradient (`--estimator dreg`, docs/MATH.md §3d) on the density
# targets of the bars and the thin bands u2–u4, seeds 1–3 (or $SEEDS), one setting per call:
# the flags after OUT are added to every run (e.g. `--base learned --iw-draws 4 --estimator
# dreg`). density_blocks.sh and density_default_seeds.sh screen their settings through it.
# Two runs at a time; summarised by scripts/research/density_bars.py. docs/FITS.md, "The doubly
# reparameterised gradient".
#   [SEEDS="4 5"] scripts/research/dreg_screen.sh OUT.jsonl [train flags…]
set -euo pipefail
here=$(dirname "$0")
out=$1
shift
seeds=${SEEDS:-1 2 3}
. "$here/lanes.sh"
lane a "banana donut u1 u2" "$seeds" --objective density "$@"
lane b "u3 u4 docs/fits/two_far_modes.json" "$seeds" --objective density "$@"
join_lanes
