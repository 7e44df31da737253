#!/usr/bin/env bash
# A narrower momentum encoder q(p | q) (hidden width 16 and 8 against the default 32, which a
# wider one lost to) and a longer leapfrog step (dt 0.35 against 0.3) on the samples
# objective's defaults (and the defaults themselves), on checkerboard (short of its bar),
# 8gaussians and rings. docs/FITS.md, "A narrower encoder, a longer step, and the JAX screen
# of a full-covariance encoder and Adam's beta2". Two runs at a time.
#   scripts/research/narrow_encoder.sh [OUT.jsonl] ["SEEDS"]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/narrow_encoder.jsonl}
seeds=${2:-"1"}
targets="checkerboard 8gaussians rings"
"$here/sweep.sh" "$out.a" "$targets" "$seeds" --encoder-width 16 &
"$here/sweep.sh" "$out.b" "$targets" "$seeds" --dt 0.35 &
wait
"$here/sweep.sh" "$out.a" "$targets" "$seeds" --encoder-width 8 &
"$here/sweep.sh" "$out.c" "$targets" "$seeds" &
wait
cat "$out.a" "$out.b" "$out.c" >> "$out"
rm "$out.a" "$out.b" "$out.c"
