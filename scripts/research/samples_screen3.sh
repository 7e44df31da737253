#!/usr/bin/env bash
# The third screen of the samples objective (docs/FITS.md, "A third screen"): one lever at a
# time from the CLI's samples defaults, on the two targets still short of their bars
# (8gaussians, checkerboard), three seeds each, appended to OUT.jsonl by sweep.sh. The two
# targets run side by side (one core each).
#   scripts/research/samples_screen3.sh [OUT.jsonl]          round 1 (the table's first part)
#   scripts/research/samples_screen3.sh OUT.jsonl round2     combinations on 8gaussians, and
#                                                            the two best single levers on rings
#   scripts/research/samples_screen3.sh OUT.jsonl round3     dt 0.3 against the default on the
#                                                            other samples targets
set -euo pipefail
out=${1:-docs/fits/samples_screen3.jsonl}
here=$(dirname "$0")
if [ "${2:-}" = round3 ]; then
  for half in "two-spirals pinwheel circle8" "three-modes swissroll moons"; do
    (
      for v in "" "--dt 0.3"; do
        # shellcheck disable=SC2086
        "$here/sweep.sh" "$out.${half%% *}" "$half" "1 2 3" $v
      done
    ) &
  done
  wait
  cat "$out.two-spirals" "$out.three-modes" >> "$out"
  rm "$out.two-spirals" "$out.three-modes"
  exit 0
fi
if [ "${2:-}" = round2 ]; then
  (
    for v in "--warmup-iters 300 --lr 1e-2" "--warmup-iters 300 --dt 0.3" "--warmup-iters 600"; do
      # shellcheck disable=SC2086
      "$here/sweep.sh" "$out.8gaussians" 8gaussians "1 2 3" $v
    done
  ) &
  (
    for v in "" "--lr 1e-2" "--dt 0.3" "--warmup-iters 300"; do
      # shellcheck disable=SC2086
      "$here/sweep.sh" "$out.rings" rings "1 2 3" $v
    done
  ) &
  wait
  cat "$out.8gaussians" "$out.rings" >> "$out"
  rm "$out.8gaussians" "$out.rings"
  exit 0
fi
variants=(
  ""
  "--warmup-iters 300"
  "--lr 1e-2"
  "--base learned"
  "--blocks 12 --leapfrog-steps 1"
  "--dt 0.3"
)
for t in 8gaussians checkerboard; do
  (
    for v in "${variants[@]}"; do
      # shellcheck disable=SC2086
      "$here/sweep.sh" "$out.$t" "$t" "1 2 3" $v
    done
  ) &
done
wait
cat "$out.8gaussians" "$out.checkerboard" >> "$out"
rm "$out.8gaussians" "$out.checkerboard"
