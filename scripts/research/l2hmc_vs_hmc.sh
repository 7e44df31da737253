#!/usr/bin/env bash
# L2HMC against HMC with the same number of leapfrog steps, on one target, over seeds: HMC's
# step size tuned by its warm-up (dual averaging to acceptance 0.8), L2HMC's learned. Both keep
# the same number of draws; "ess_per_gradient" divides the smaller coordinate's ESS by the
# gradient evaluations of the kept iterations only (L per HMC proposal, L + 1 per L2HMC one;
# L2HMC's training cost is in "training_gradient_evaluations").
# Usage: l2hmc_vs_hmc.sh OUT.jsonl TARGET "SEEDS" [extra l2hmc flags...]
# Table: python3 scripts/research/l2hmc_table.py OUT.jsonl
set -euo pipefail
out=$1 target=$2 seeds=$3
shift 3
bin=${NHF_BIN:-target/release/nhf-playground}
steps=${STEPS:-10} chains=${CHAINS:-32} iters=${ITERS:-2000}
for seed in $seeds; do
  "$bin" hmc --target "$target" --chains "$chains" --leapfrog-steps "$steps" --iters "$iters" \
    --seed "$seed" --json | tail -n 1 \
    | sed 's/^{/{"method":"hmc","spec":"'"$(basename "$target")"'","seed":'"$seed"',/' >> "$out"
  "$bin" l2hmc --target "$target" --chains "$chains" --leapfrog-steps "$steps" --iters "$iters" \
    --seed "$seed" --json "$@" | tail -n 1 \
    | sed 's/^{/{"spec":"'"$(basename "$target")"'","seed":'"$seed"',/' >> "$out"
done
