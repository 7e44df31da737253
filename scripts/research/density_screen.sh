#!/usr/bin/env bash
# The density objective's lever screen of stop 26 (docs/FITS.md, "Density objective, second
# screen"): one lever at a time from the density defaults, on the targets whose ESS bars are
# not met, one seed; then the candidates over three seeds.
# Usage: scripts/research/density_screen.sh OUT.jsonl "SEEDS"   (ROUND=2 for the second)
set -euo pipefail
out=$1 seeds=${2:-1}
sweep=$(dirname "$0")/sweep.sh
targets="banana donut u1"
if [ "${ROUND:-1}" = 2 ]; then
  # The candidates of the first round (seed 1), over three seeds.
  "$sweep" "$out" "$targets" "$seeds" --anneal-iters 2000
  "$sweep" "$out" "$targets" "$seeds" --anneal-iters 2000 --base learned
  exit 0
fi
"$sweep" "$out" "$targets" "$seeds"
"$sweep" "$out" "$targets" "$seeds" --dt 0.3
"$sweep" "$out" "$targets" "$seeds" --base learned
"$sweep" "$out" "$targets" "$seeds" --anneal-iters 2000
"$sweep" "$out" "$targets" "$seeds" --width 64
"$sweep" "$out" "$targets" "$seeds" --blocks 8 --leapfrog-steps 2 --dt 0.5
"$sweep" "$out" "$targets" "$seeds" --lr 1e-2 --anneal-iters 2000 --base learned
