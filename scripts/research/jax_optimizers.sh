#!/usr/bin/env bash
# Other update rules than Adam, screened in JAX: optax's NAdam and AdaBelief at Adam's rate 2e-2,
# Lion at a tenth of it (as its authors advise), at the samples objective's defaults of the JAX
# screens (K = 12, L = 2, dt 0.3, batch 512). Checkerboard is short of optimisation steps, not
# capacity (docs/FITS.md), so a rule that makes more of each step is the lever to look for.
# Two runs at a time. docs/FITS.md, "Other update rules". JAXENV as bench_vs_jax.sh.
#   scripts/research/jax_optimizers.sh OUT.jsonl "SEEDS" TARGET [RULE:RATE ...]
# e.g. (the two runs of the section)
#   scripts/research/jax_optimizers.sh docs/fits/jax_optimizers.jsonl "1 2 3" checkerboard
#   scripts/research/jax_optimizers.sh docs/fits/jax_optimizers.jsonl "1 2 3" rings adam:2e-2 nadam:2e-2
set -euo pipefail
here=$(dirname "$0")
out=$1 seeds=$2 target=$3
rules=("nadam:2e-2" "adabelief:2e-2" "lion:2e-3")
if [ $# -gt 3 ]; then rules=("${@:4}"); fi
py="${JAXENV:-/tmp/jaxenv}/bin/python"
run() {
  "$py" "$here/levers.py" --target "$target" --seed "$1" --blocks 12 --L 2 --dt 0.3 \
    --opt "${2%%:*}" --lr "${2##*:}" 2>/dev/null | tail -1 >> "$out.$1.${2%%:*}"
}
for s in $seeds; do
  for ((i = 0; i < ${#rules[@]}; i += 2)); do
    run "$s" "${rules[i]}" &
    if [ $((i + 1)) -lt ${#rules[@]} ]; then run "$s" "${rules[i + 1]}"; fi
    wait
  done
done
for s in $seeds; do for r in "${rules[@]}"; do cat "$out.$s.${r%%:*}" >> "$out" && rm "$out.$s.${r%%:*}"; done; done
