#!/usr/bin/env bash
# NAdam against Adam in the engine (--update-rule nadam, the samples defaults otherwise: K = 12,
# L = 2, dt 0.3, Adam's rate 2e-2, batch 640), seeds 1–3, S = 256: first the targets short of
# or near their bars, then the rest of the samples gallery. The Adam rows are those of
# docs/fits/issue_day_allowance.jsonl. Two runs at a time.
# docs/FITS.md, "Other update rules".
#   scripts/research/nadam_screen.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/nadam_screen.jsonl}
. "$here/lanes.sh"
lane a "checkerboard 8gaussians" "1 2 3" --update-rule nadam
lane b "rings two-spirals" "1 2 3" --update-rule nadam
join_lanes
# NAdam helped checkerboard and rings and hurt 8gaussians: its rate, a step either way.
lane a "checkerboard 8gaussians" "1 2 3" --update-rule nadam --lr 1.5e-2
lane b "checkerboard 8gaussians" "1 2 3" --update-rule nadam --lr 3e-2
join_lanes
# The rest of the samples gallery with NAdam at the default rate.
lane a "pinwheel moons circle8" "1 2 3" --update-rule nadam
lane b "three-modes swissroll" "1 2 3" --update-rule nadam
join_lanes
# Checkerboard: NAdam with the allowance spent on blocks instead of batch (K = 14 at batch 512,
# 1.42× of the issue day's cost) and with a longer step.
lane a "checkerboard" "1 2 3" --update-rule nadam --blocks 14 --batch 512
lane b "checkerboard" "1 2 3" --update-rule nadam --dt 0.35
join_lanes
