#!/usr/bin/env bash
# The sine first layer (--activation sine: sin in the potentials' first hidden layer, tanh in
# the second) in the engine, at the samples defaults otherwise (K = 12, L = 2, Adam 2e-2, batch
# 640), seeds 1–3, S = 256, the whole samples gallery; the tanh rows are the batch-640 rows of
# docs/fits/issue_day_allowance.jsonl. Two runs at a time. docs/FITS.md, "A sine first layer";
# tabulated by scripts/research/sine_table.py.
#
# Each line gets "first_layer_scale": the first layer's initial weights relative to
# variance-preserving. The scale-1 rows need a build with docs/fits/sine_first_layer_scale.diff
# applied (it reads the scale from NHF_EXP_SINE) given as SCALE1_BIN; the 0.7 rows are the
# committed code's (SINE_FIRST_LAYER_SCALE in nhf/layout.rs).
#   SCALE1_BIN=/tmp/nhf_scale1 scripts/research/sine_screen.sh [OUT.jsonl]
set -euo pipefail
here=$(dirname "$0")
final=${1:-docs/fits/sine_screen.jsonl}
out=$final.part
. "$here/lanes.sh"
mark() { # appends $out's lines to $final with the scale, then empties $out
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line); d["first_layer_scale"] = float(sys.argv[2]); print(json.dumps(d))' \
    "$out" "$1" >> "$final"
  rm "$out"
}
# Scale 1 at dt 0.3: two of the first fourteen runs diverged (pinwheel and rings, seed 3).
NHF_BIN=$SCALE1_BIN NHF_EXP_SINE=1.0 lane a "checkerboard 8gaussians pinwheel moons" "1 2 3" --activation sine
NHF_BIN=$SCALE1_BIN NHF_EXP_SINE=1.0 lane b "rings two-spirals circle8 three-modes swissroll" "1 2 3" --activation sine
join_lanes; mark 1.0
# Scale 1 at dt 0.25.
NHF_BIN=$SCALE1_BIN NHF_EXP_SINE=1.0 lane a "pinwheel rings checkerboard 8gaussians moons" "1 2 3" --activation sine --dt 0.25
NHF_BIN=$SCALE1_BIN NHF_EXP_SINE=1.0 lane b "two-spirals circle8 three-modes swissroll" "1 2 3" --activation sine --dt 0.25
join_lanes; mark 1.0
# Scale 0.7 (the committed code) at dt 0.3, then seeds 4 and 5 of the targets that diverged
# at scale 1 and of those nearest their bars.
lane a "pinwheel rings checkerboard 8gaussians moons" "1 2 3" --activation sine
lane b "two-spirals circle8 three-modes swissroll" "1 2 3" --activation sine
join_lanes
lane a "rings pinwheel checkerboard" "4 5" --activation sine
lane b "two-spirals 8gaussians" "4 5" --activation sine
join_lanes; mark 0.7
