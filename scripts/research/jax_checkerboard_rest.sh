#!/usr/bin/env bash
# The JAX screen's other levers, first screened on rings only ("Where the loss came from"),
# now on checkerboard at the samples objective's defaults (K = 12, L = 2, dt 0.3, Adam 2e-2,
# batch 512, 3000 iterations): a learnable step size per block, standardised coordinates, a
# mixture of four Gaussians as the momentum encoder, a smaller initial output scale of the
# potentials, and the importance-weighted bound over two draws at half the batch (the same
# force evaluations). docs/FITS.md, "Checkerboard: the rings-screened levers". One core per
# call; JAXENV as bench_vs_jax.sh (with optax installed).
#   scripts/research/jax_checkerboard_rest.sh OUT.jsonl "SEEDS" ["LEVERS", each quoted flags]
set -euo pipefail
here=$(dirname "$0")
out=$1 seeds=$2
py="${JAXENV:-/tmp/jaxenv}/bin/python"
levers=("--blockdt" "--standardise" "--mixenc 4" "--out_scale 0.1" "--iw 2 --batch 256")
if [ $# -gt 2 ]; then levers=("${@:3}"); fi
for s in $seeds; do
  for flags in "${levers[@]}"; do
    # shellcheck disable=SC2086
    "$py" "$here/levers.py" --target checkerboard --seed "$s" --blocks 12 --L 2 --dt 0.3 \
      --lr 2e-2 $flags 2>/dev/null | tail -1 >> "$out"
  done
done
