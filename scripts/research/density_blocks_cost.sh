#!/usr/bin/env bash
# Time per iteration of the density default with five blocks against the issue day's binary at
# its defaults and today's density default, banana, one thread, 600 iterations, alternately.
#   scripts/research/density_blocks_cost.sh OLD_BINARY [new binary] [rounds]
set -euo pipefail
old=$1
new=${2:-target/release/nhf-playground}
rounds=${3:-4}
. "$(dirname "$0")/iteration_ms.sh"
for round in $(seq "$rounds"); do
  bin=$old; o=$(ms --target banana)
  bin=$new; k4=$(ms --target banana); k5=$(ms --target banana --blocks 5)
  echo "round $round: issue-day $o | default K = 4 $k4 | K = 5 $k5"
done
