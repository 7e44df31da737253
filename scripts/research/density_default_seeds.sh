#!/usr/bin/env bash
# The candidate density default `--activation sine --base learned --iw-draws 2` (standard
# gradient) on seeds 4–8 of the density bars' targets and the thin bands u2–u4, and on seeds 1–3
# of the rest of the density gallery (funnel, squiggle, jla); two runs at a time. Seeds 1–3 of
# the bars' targets are in docs/fits/dreg_sine.jsonl. Summarised by
# scripts/research/density_bars.py; docs/FITS.md, "Defaults".
#   scripts/research/density_default_seeds.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/density_default_seeds.jsonl}
. "$here/lanes.sh"
flags=(--objective density --activation sine --base learned --iw-draws 2)
lane a "banana donut u1 u2" "4 5 6 7 8" "${flags[@]}"
lane b "u3 u4 docs/fits/two_far_modes.json" "4 5 6 7 8" "${flags[@]}"
join_lanes
lane a "funnel squiggle" "1 2 3" "${flags[@]}"
lane b "jla" "1 2 3" "${flags[@]}"
join_lanes
