#!/usr/bin/env bash
# The third screen of the samples objective (docs/FITS.md, "A third screen"): one lever at a
# time from the CLI's samples defaults, on the two targets still short of their bars
# (8gaussians, checkerboard), three seeds each, appended to OUT.jsonl by sweep.sh. The two
# targets run side by side (one core each).
#   scripts/research/samples_screen3.sh [OUT.jsonl]
set -euo pipefail
out=${1:-docs/fits/samples_screen3.jsonl}
here=$(dirname "$0")
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
