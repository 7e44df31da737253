#!/usr/bin/env bash
# Spending the cost allowance differently: fewer points per step and more blocks (K = 16 at
# batch 384, about the cost of K = 12 at batch 512), and a smaller batch alone, on
# checkerboard; then K = 16 at batch 384 on two more seeds and on 8gaussians, rings and
# two-spirals. docs/FITS.md, "Blocks for batch". One run at a time.
#   scripts/research/blocks_for_batch.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/blocks_for_batch.jsonl}
"$here/sweep.sh" "$out" checkerboard "1" --batch 256
"$here/sweep.sh" "$out" checkerboard "1 2 3" --blocks 16 --batch 384
"$here/sweep.sh" "$out" "8gaussians rings two-spirals" "1" --blocks 16 --batch 384
