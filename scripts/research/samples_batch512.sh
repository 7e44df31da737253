#!/usr/bin/env bash
# The samples default at batch 512 instead of 640 (everything else the default: sine first
# layer, K = 12, L = 2, dt 0.3, Adam 2e-2), on the samples gallery, seeds 1–3, S = 256: whether
# the bars hold with a fifth less work per iteration, after the samples default was measured at
# 1.9× the issue day's binary on an AMD EPYC without AVX-512 (docs/FITS.md, "Deferred W̄₂
# products"). The two bar targets with least margin first.
# Stage 2 (the rest of the gallery) was not run: checkerboard missed its bar on all three seeds
# of stage 1 (3.721, 3.732, 3.720 against ≤ 3.72).
#   scripts/research/samples_batch512.sh [OUT.jsonl] [STAGE: 1 = 8gaussians and checkerboard, 2 = the rest]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/samples_batch512.jsonl}
stage=${2:-1}
. "$here/lanes.sh"
if [ "$stage" = 1 ]; then
  lane a "8gaussians" "1 2 3" --batch 512
  lane b "checkerboard" "1 2 3" --batch 512
  join_lanes
else
  lane a "rings two-spirals pinwheel moons" "1 2 3" --batch 512
  lane b "circle8 three-modes swissroll" "1 2 3" --batch 512
  join_lanes
fi
