#!/usr/bin/env bash
# A sine first layer for the potentials (SIREN-like: V = w3·tanh(W2 sin(W1 q + b1) + b2), W1's
# initial scale times OMEGA), screened in JAX at the samples objective's defaults of the JAX
# screens (K = 12, L = 2, dt 0.3, Adam 2e-2, batch 512), two seeds side by side.
# docs/FITS.md, "A sine first layer in the JAX screen". JAXENV as bench_vs_jax.sh.
#   scripts/research/jax_sine.sh OUT.jsonl "TARGETS" "SEEDS" [levers.py flags…]
set -euo pipefail
here=$(dirname "$0")
out=$1 targets=$2 seeds=$3
shift 3
py="${JAXENV:-/tmp/jaxenv}/bin/python"
run() {
  "$py" "$here/levers.py" --target "$1" --seed "$2" --blocks 12 --L 2 --dt 0.3 \
    --lr 2e-2 "${@:3}" 2>/dev/null | tail -1 >> "$out.$2"
}
for t in $targets; do
  set -- "$@"
  pids=()
  for s in $seeds; do
    run "$t" "$s" "$@" &
    pids+=($!)
    # two at a time: the machine has two cores
    if (( ${#pids[@]} == 2 )); then wait "${pids[@]}"; pids=(); fi
  done
  wait
  for s in $seeds; do cat "$out.$s" >> "$out" && rm "$out.$s"; done
done
