#!/usr/bin/env bash
# Is checkerboard short of updates or of points seen? The K = 12 samples defaults with the
# batch halved and the iterations doubled (the same points and force evaluations in all, twice
# the Adam updates), and a quarter of the batch with four times the iterations, against the
# defaults' 3000 × 512 (docs/FITS.md, "Updates for batch"). One run at a time.
#   scripts/research/updates_for_batch.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/updates_for_batch.jsonl}
"$here/sweep.sh" "$out" checkerboard "1 2 3" --batch 256 --iters 6000
"$here/sweep.sh" "$out" checkerboard "1" --batch 128 --iters 12000
