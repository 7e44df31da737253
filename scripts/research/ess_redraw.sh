#!/usr/bin/env bash
# One trained model's ESS re-drawn: trains TARGET at the density defaults with SEED, then
# evaluates the saved model with evaluation seeds 1–5 (10,000 fresh importance draws each),
# one JSON line per evaluation. Tells a tail event of the weights from a fit that misses
# (docs/FITS.md, "The density default": banana, seed 7).
#   scripts/research/ess_redraw.sh TARGET SEED OUT.jsonl
set -euo pipefail
target=$1 seed=$2 out=$3
bin=${NHF_BIN:-target/release/nhf-playground}
model=$(mktemp --suffix .json)
"$bin" train --target "$target" --objective density --seed "$seed" --out "$model" --json 2>/dev/null |
  tail -1 | sed 's/^{/{"evaluation":"training",/' >> "$out"
for s in 1 2 3 4 5; do
  "$bin" eval --model "$model" --seed "$s" --grid 32 --draws 64 --json 2>/dev/null |
    tail -1 | sed 's/^{/{"evaluation":"eval --seed '"$s"'",/' >> "$out"
done
rm -f "$model"
