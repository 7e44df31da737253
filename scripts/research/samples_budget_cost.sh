#!/usr/bin/env bash
# Time per training iteration (one thread, 600 iterations of 8gaussians, 3 rounds measured
# alternately) of the samples objective's original defaults (K = 4, L = 5, dt = 0.2: the
# issue's "today"), the present defaults, and the two levers of docs/FITS.md "Spending the cost
# allowance" (--blocks 12, --batch 768). Run with nothing else busy.
#   scripts/research/samples_budget_cost.sh [binary]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
. "$(dirname "$0")/iteration_ms.sh"
for round in 1 2 3; do
  echo "round $round: original $(ms --target 8gaussians --blocks 4 --leapfrog-steps 5 --dt 0.2 --lr 3e-3)" \
    "present $(ms --target 8gaussians) | blocks 12 $(ms --target 8gaussians --blocks 12) | batch 768 $(ms --target 8gaussians --batch 768)"
done
