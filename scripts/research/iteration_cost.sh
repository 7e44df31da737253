#!/usr/bin/env bash
# Time per training iteration of the previous and the new CLI defaults, measured alternately
# (3 rounds) on one thread: 8gaussians (samples objective) and banana (density objective).
# Usage: scripts/research/iteration_cost.sh [binary]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
ms() { "$bin" train --iters 600 --grid 8 --draws 1 --json "$@" 2>/dev/null | tail -1 |
  python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ms_per_iter"], 2))'; }
for round in 1 2 3; do
  echo "round $round: samples old $(ms --target 8gaussians --blocks 4 --leapfrog-steps 5 --dt 0.2 --lr 3e-3)" \
    "new $(ms --target 8gaussians) | density old $(ms --target banana --momentum kinetic --anneal-iters 0)" \
    "new $(ms --target banana)"
done
