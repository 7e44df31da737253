#!/usr/bin/env bash
# The density default with five blocks instead of four (K·(L + 1) = 30 force evaluations per
# point instead of 24, inside the density objective's cost allowance), on the density bars'
# targets and the thin bands, seeds 1–3 (or SEEDS), two runs at a time; against the default's own lines in
# docs/fits/dreg_sine.jsonl (standard gradient). Summarised by density_bars.py; docs/FITS.md,
# "What is still short".
#   scripts/research/density_blocks.sh [OUT.jsonl] [SEEDS]
# (seeds 4–8 were appended with: scripts/research/density_blocks.sh docs/fits/density_blocks.jsonl "4 5 6 7 8")
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/density_blocks.jsonl}
SEEDS=${2:-1 2 3} "$here/dreg_screen.sh" "$out" --blocks 5
