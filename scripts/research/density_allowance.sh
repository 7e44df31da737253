#!/usr/bin/env bash
# The density objective's share of the cost allowance (its default costs 0.89× of the issue
# day's, docs/fits/issue_day_cost.txt), spent one lever at a time: batch 768 and K = 6 blocks,
# on the three density targets of the bars, seeds 1–3; the two levers side by side.
# docs/FITS.md, "The allowance against the issue day's binary".
#   scripts/research/density_allowance.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
out=${1:-docs/fits/density_allowance.jsonl}
. "$here/lanes.sh"
lane a "banana donut u1" "1 2 3" --batch 768
lane b "banana donut u1" "1 2 3" --blocks 6
join_lanes
