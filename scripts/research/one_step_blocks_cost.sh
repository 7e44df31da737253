#!/usr/bin/env bash
# Time per training iteration (one thread, 600 iterations of 8gaussians, 3 rounds measured
# alternately) of the samples defaults (K = 12, L = 2), 16 blocks of one step, and a wider
# momentum encoder (docs/FITS.md, "Blocks of one step, a wider encoder"). Run with nothing
# else busy.
#   scripts/research/one_step_blocks_cost.sh [binary]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
. "$(dirname "$0")/iteration_ms.sh"
for round in 1 2 3; do
  echo "round $round: original $(ms --target 8gaussians --blocks 4 --leapfrog-steps 5 --dt 0.2 --lr 3e-3)" \
    "present $(ms --target 8gaussians) | 16 x 1 $(ms --target 8gaussians --blocks 16 --leapfrog-steps 1 --dt 0.45)" \
    "| encoder 64 $(ms --target 8gaussians --encoder-width 64)"
done
