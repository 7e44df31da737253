#!/usr/bin/env bash
# Time per training iteration (one thread, 600 iterations of 8gaussians, 3 rounds measured
# alternately) of the samples defaults (K = 12, L = 2), 16 blocks of one step, and a wider
# momentum encoder (docs/FITS.md, "Blocks of one step, a wider encoder"). Run with nothing
# else busy.
#   scripts/research/one_step_blocks_cost.sh [binary]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
ms() { "$bin" train --target 8gaussians --iters 600 --grid 8 --draws 1 --json "$@" 2>/dev/null |
  tail -1 | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ms_per_iter"], 2))'; }
for round in 1 2 3; do
  echo "round $round: original $(ms --blocks 4 --leapfrog-steps 5 --dt 0.2 --lr 3e-3)" \
    "present $(ms) | 16 x 1 $(ms --blocks 16 --leapfrog-steps 1 --dt 0.45)" \
    "| encoder 64 $(ms --encoder-width 64)"
done
