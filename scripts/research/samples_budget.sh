#!/usr/bin/env bash
# The samples objective with up to 1.5x an iteration's cost (docs/FITS.md, "Spending the
# cost allowance"): one lever at a time from the defaults (K = 8, L = 2, dt = 0.3, width 32,
# batch 512), seeds 1-3, on the two targets short of their bars (8gaussians, checkerboard).
# Two runs at a time.
#   scripts/research/samples_budget.sh [OUT.jsonl] [TARGETS]
set -euo pipefail
out=${1:-docs/fits/samples_budget.jsonl}
targets=${2:-"8gaussians checkerboard"}
here=$(dirname "$0")
run_pair() {
  "$here/sweep.sh" "$out.part0" "$targets" "1 2 3" "$@" &
  shift_flags=$NEXT
  # shellcheck disable=SC2086
  "$here/sweep.sh" "$out.part1" "$targets" "1 2 3" $shift_flags
  wait
  cat "$out".part* >> "$out"
  rm -f "$out".part*
}
if [ "${ROUND1:-1}" = 1 ]; then
NEXT="--blocks 12" run_pair --width 40
NEXT="--batch 768" run_pair --leapfrog-steps 3
fi
# Round 2: the two levers that moved a bar (--blocks 12 on checkerboard, --batch 768 on
# 8gaussians) on the rest of the samples gallery; then --blocks 12 with a shorter step.
if [ "${ROUND2:-1}" = 1 ]; then
  targets="rings two-spirals pinwheel circle8 three-modes swissroll moons"
  NEXT="--batch 768" run_pair --blocks 12
  targets="8gaussians checkerboard"
  NEXT="--blocks 12 --dt 0.25 --lr 1e-2" run_pair --blocks 12 --dt 0.25
fi
# Round 3: with --blocks 12 (1.42x the original cost, the one lever inside the allowance), a
# higher rate or a warm-up, on the two short targets and rings (which the rate hurt before).
if [ "${ROUND3:-1}" = 1 ]; then
  targets="8gaussians checkerboard rings"
  NEXT="--blocks 12 --warmup-iters 300" run_pair --blocks 12 --lr 1e-2
  targets="rings"
  NEXT="--blocks 12 --dt 0.25" run_pair --blocks 12 --dt 0.25 --lr 1e-2
fi
