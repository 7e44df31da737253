#!/usr/bin/env bash
# The rest of the density gallery (funnel, squiggle, jla), seeds 1–3, at the density defaults
# and with the candidate `--activation sine --base learned --iw-draws 2 --estimator dreg`, two
# runs at a time (docs/FITS.md, "The doubly reparameterised gradient"); summarised by
# scripts/research/density_bars.py.
#   scripts/research/dreg_rest.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/dreg_rest.jsonl}
. "$here/lanes.sh"
lane a "funnel squiggle jla" "1 2 3" --objective density --activation sine --base learned --iw-draws 2 --estimator dreg
lane b "funnel squiggle jla" "1 2 3" --objective density
join_lanes
