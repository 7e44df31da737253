#!/usr/bin/env bash
# Time per training iteration of the command line as it was when #17 was filed (commit 604ae65,
# its defaults: K = 4, L = 5, dt = 0.2, batch 512, Adam 3e-3) against today's binary at today's
# per-objective defaults, both one thread, 600 iterations of 8gaussians (samples) and banana
# (density), measured alternately. The issue's cost allowance is 1.5× the first.
#   git worktree add /tmp/old604 604ae65 && (cd /tmp/old604 && cargo build --release)
#   scripts/research/issue_day_cost.sh /tmp/old604/target/release/nhf-playground [new binary] [rounds] [extra flags for the new samples run]
set -euo pipefail
old=$1
new=${2:-target/release/nhf-playground}
rounds=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
. "$(dirname "$0")/iteration_ms.sh"
for round in $(seq "$rounds"); do
  bin=$old; o_s=$(ms --target 8gaussians); o_d=$(ms --target banana)
  bin=$new; n_s=$(ms --target 8gaussians "$@"); n_d=$(ms --target banana)
  echo "round $round: samples issue-day $o_s today $n_s | density issue-day $o_d today $n_d"
done
