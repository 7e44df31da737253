#!/usr/bin/env bash
# Whether two builds train the same bits: each configuration below trained for ITERS iterations
# by both binaries, and their model files compared byte for byte. For engine changes meant to
# keep the arithmetic (docs/PERFORMANCE.md); NHF_NO_AVX=1 in the environment compares the
# baseline lanes, the ones wasm runs.
#   scripts/same_bits.sh OLD_BINARY NEW_BINARY [ITERS]
set -euo pipefail
old=$1 new=$2 iters=${3:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
configs=(
  "--target checkerboard"
  "--target 8gaussians --activation tanh --blocks 4 --leapfrog-steps 5"
  "--target banana --objective density"
  "--target rings --kinetic learned"
  "--target banana --objective density --iw-draws 4 --estimator dreg"
  "--target moons --leapfrog-steps 9 --fast"
  "--target pinwheel --activation softplus --width 13 --batch 200"
  "--target rings --threads 2 --batch 100"
)
fail=0
for c in "${configs[@]}"; do
  # shellcheck disable=SC2086 # each configuration is a list of flags
  "$old" train --iters "$iters" --grid 8 --draws 1 --out "$tmp/old.json" $c >/dev/null 2>&1
  # shellcheck disable=SC2086
  "$new" train --iters "$iters" --grid 8 --draws 1 --out "$tmp/new.json" $c >/dev/null 2>&1
  if cmp -s "$tmp/old.json" "$tmp/new.json"; then echo "same   $c"; else echo "DIFFER $c"; fail=1; fi
done
exit $fail
