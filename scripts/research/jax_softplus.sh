#!/usr/bin/env bash
# Softplus potentials on checkerboard, screened in JAX before writing the engine's vector kernel
# for softplus (the engine's softplus runs about 10× slower than tanh, docs/FITS.md "Softplus
# potentials"), at the samples objective's defaults of the JAX screens (K = 12, L = 2, dt 0.3,
# Adam 2e-2, batch 512): plain and softplus for each seed, two seeds side by side.
# docs/FITS.md, "Softplus potentials in the JAX screen". JAXENV as bench_vs_jax.sh.
#   scripts/research/jax_softplus.sh [OUT.jsonl] ["SEEDS"]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/jax_softplus.jsonl} seeds=${2:-1 2 3}
py="${JAXENV:-/tmp/jaxenv}/bin/python"
run() {
  "$py" "$here/levers.py" --target checkerboard --seed "$1" --blocks 12 --L 2 --dt 0.3 \
    --lr 2e-2 --act softplus 2>/dev/null | tail -1 >> "$out.$1"
}
for s in $seeds; do run "$s" & done
wait
for s in $seeds; do cat "$out.$s" >> "$out" && rm "$out.$s"; done
