#!/usr/bin/env bash
# Time per training iteration (one thread, 600 iterations of 8gaussians, 3 rounds measured
# alternately) of the samples objective's original defaults (K = 4, L = 5, dt = 0.2: the
# issue's "today"), the present defaults, and the two levers of docs/FITS.md "Spending the cost
# allowance" (--blocks 12, --batch 768). Run with nothing else busy.
#   scripts/research/samples_budget_cost.sh [binary]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
ms() { "$bin" train --target 8gaussians --iters 600 --grid 8 --draws 1 --json "$@" 2>/dev/null |
  tail -1 | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ms_per_iter"], 2))'; }
for round in 1 2 3; do
  echo "round $round: original $(ms --blocks 4 --leapfrog-steps 5 --dt 0.2 --lr 3e-3)" \
    "present $(ms) | blocks 12 $(ms --blocks 12) | batch 768 $(ms --batch 768)"
done
