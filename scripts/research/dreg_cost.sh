#!/usr/bin/env bash
# Time per training iteration of the density objective with the doubly reparameterised gradient
# against the standard one (docs/FITS.md, "The doubly reparameterised gradient"): banana, 600
# iterations, one thread, at the density defaults, with `--estimator dreg`, and with the
# candidate `--activation sine --base learned --iw-draws 2` without and with it, measured
# alternately on an otherwise idle machine. Run from the repository's root.
#   scripts/research/dreg_cost.sh [binary] [rounds]
set -euo pipefail
bin=${1:-target/release/nhf-playground}
rounds=${2:-3}
. "$(dirname "$0")/iteration_ms.sh"
for round in $(seq "$rounds"); do
  a=$(ms --target banana)
  b=$(ms --target banana --estimator dreg)
  c=$(ms --target banana --activation sine --base learned --iw-draws 2)
  d=$(ms --target banana --activation sine --base learned --iw-draws 2 --estimator dreg)
  echo "round $round: defaults $a | dreg $b | sine, learned base, S = 2: $c, with dreg $d"
done
