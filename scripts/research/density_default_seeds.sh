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
flags=(--activation sine --base learned --iw-draws 2)
SEEDS="4 5 6 7 8" "$here/dreg_screen.sh" "$out" "${flags[@]}"
lane a "funnel squiggle" "1 2 3" --objective density "${flags[@]}"
lane b "jla" "1 2 3" --objective density "${flags[@]}"
join_lanes
