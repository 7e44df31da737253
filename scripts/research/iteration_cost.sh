#!/usr/bin/env bash
# Time per training iteration of the previous and the new CLI defaults, measured alternately
# (3 rounds) on one thread: 8gaussians (samples objective) and banana (density objective).
# Usage: scripts/research/iteration_cost.sh [binary]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
. "$(dirname "$0")/iteration_ms.sh"
for round in 1 2 3; do
  echo "round $round: samples old $(ms --target 8gaussians --blocks 4 --leapfrog-steps 5 --dt 0.2 --lr 3e-3)" \
    "new $(ms --target 8gaussians) | density old $(ms --target banana --momentum kinetic --anneal-iters 0)" \
    "new $(ms --target banana)"
done
