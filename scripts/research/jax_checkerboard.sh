#!/usr/bin/env bash
# The JAX screen (levers.py) on checkerboard at the samples objective's defaults (K = 12, L = 2,
# dt 0.3, Adam 2e-2, batch 512, 3000 iterations): a full-covariance momentum encoder and
# Adam's beta2, one at a time, against the plain model. docs/FITS.md, "A narrower encoder, a
# longer step, and the JAX screen of a full-covariance encoder and Adam's beta2". One core;
# JAXENV as bench_vs_jax.sh (with optax installed).
#   scripts/research/jax_checkerboard.sh [OUT.jsonl] ["SEEDS"]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/jax_checkerboard.jsonl}
seeds=${2:-"1"}
py="${JAXENV:-/tmp/jaxenv}/bin/python"
for s in $seeds; do
  for flags in "" "--fullcov" "--b2 0.99" "--b2 0.95"; do
    # shellcheck disable=SC2086
    "$py" "$here/levers.py" --target checkerboard --seed "$s" --blocks 12 --L 2 --dt 0.3 \
      --lr 2e-2 $flags 2>/dev/null | tail -1 >> "$out"
  done
done
