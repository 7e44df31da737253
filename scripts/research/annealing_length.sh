#!/usr/bin/env bash
# How long to anneal, per density target (docs/FITS.md, "What is still short"): the density
# defaults with annealing over 1500 and 2500 of the 3000 iterations, seeds 1-3, on banana,
# donut, u1 and u2 (1000, the default, and 2000 are in density_screen2_round*.jsonl and
# annealing_u2_u4.jsonl). Appends to OUT.jsonl through sweep.sh.
#   scripts/research/annealing_length.sh [OUT.jsonl]
set -euo pipefail
out=${1:-docs/fits/annealing_length.jsonl}
here=$(dirname "$0")
for n in 1500 2500; do
  "$here/sweep.sh" "$out" "banana donut u1 u2" "1 2 3" --anneal-iters "$n"
done
