#!/usr/bin/env bash
# The sine first layer on the density objective (not its default) with the setting
# `--base learned --iw-draws 4`, seeds 1–3, on the targets of the density bars and the thin
# bands u2–u4 that keep that setting from being the default. Against the tanh rows of
# docs/fits/iw_base.jsonl. Two runs at a time; summarised by scripts/research/density_bars.py.
# docs/FITS.md, "A sine first layer".
#   scripts/research/sine_density.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/sine_density.jsonl}
. "$here/lanes.sh"
lane a "banana donut u1 u2" "1 2 3" --activation sine --base learned --iw-draws 4
lane b "u3 u4" "1 2 3" --activation sine --base learned --iw-draws 4
join_lanes
lane a "docs/fits/two_far_modes.json" "1 2 3" --objective density --activation sine --base learned --iw-draws 4
join_lanes
