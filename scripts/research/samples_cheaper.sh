#!/usr/bin/env bash
# Cheaper samples defaults, about four fifths of the default's work per iteration (the default
# is 1.8× the issue day's binary on an AMD EPYC without AVX-512, docs/FITS.md "W̄₂ once per
# block, and batch 512"): each flag set below against checkerboard, the bar with least margin
# (batch 512 alone missed it on three seeds of three: 3.721, 3.732, 3.720 against ≤ 3.72),
# seeds 1–3, S = 256. One lane per core, each run alone on its core.
#   scripts/research/samples_cheaper.sh [OUT.jsonl] [STAGE]
#   stage 1: checkerboard, six flag sets; stage 2: 8gaussians for the same (not run: no flag
#   set kept checkerboard under its bar on every seed; docs/FITS.md, "The samples default's
#   cost on AVX2, taken apart")
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/samples_cheaper.jsonl}
stage=${2:-1}
. "$here/lanes.sh"
t=checkerboard
[ "$stage" = 2 ] && t=8gaussians
# Each lane runs its flag sets one after the other.
(
  "$here/sweep.sh" "$out.a" "$t" "1 2 3" --batch 512 --lr 3e-2
  "$here/sweep.sh" "$out.a" "$t" "1 2 3" --width 28
  "$here/sweep.sh" "$out.a" "$t" "1 2 3" --batch 512 --lr 1.5e-2
) &
(
  "$here/sweep.sh" "$out.b" "$t" "1 2 3" --blocks 10
  "$here/sweep.sh" "$out.b" "$t" "1 2 3" --batch 512 --lr 2.5e-2
  "$here/sweep.sh" "$out.b" "$t" "1 2 3" --blocks 10 --lr 2.5e-2
) &
join_lanes
