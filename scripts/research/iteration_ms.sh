# Sourced by the cost scripts (iteration_cost.sh, samples_budget_cost.sh,
# one_step_blocks_cost.sh, samples_cost_anatomy.sh): `ms FLAGS…` prints the milliseconds per
# iteration of $ITERS (600) training iterations of the binary in $bin with those flags (the evaluation kept small: an 8² grid and
# one draw, since only the time is read).
# With PIN=N set, each run is pinned to core N (taskset), as scripts/bench_ab.sh pins its runs.
ms() { ${PIN:+taskset -c "$PIN"} "$bin" train --iters "${ITERS:-600}" --grid 8 --draws 1 --json "$@" 2>/dev/null | tail -1 |
  python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ms_per_iter"], 2))'; }
